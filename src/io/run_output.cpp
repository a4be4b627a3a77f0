#include "bungner/io/run_output.hpp"

#include <fmt/format.h>
#include <openssl/opensslv.h>
#include <spdlog/spdlog.h>
#include <spdlog/version.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

#include "bungner/core/build_info.hpp"
#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"
#include "bungner/io/physicell.hpp"
#include "bungner/io/pictures.hpp"
#include "bungner/io/vtk.hpp"
#include "bungner/model/simulation.hpp"

namespace bungner::io {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

std::string csv_row(double time_days, const Observation& o) {
  return fmt::format("{},{},{},{}\n", text::format_double(time_days), text::csv_field(o.name), text::format_double(o.value),
                     text::csv_field(o.unit));
}

nlohmann::ordered_json diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& d : diagnostics) {
    out.push_back(
        {{"file", d.where.file}, {"line", d.where.line}, {"column", d.where.column}, {"key", d.key}, {"message", d.message}});
  }
  return out;
}

nlohmann::ordered_json parameters_json(const Model& model) {
  auto out = nlohmann::ordered_json::object();
  for (const std::string& name : model.used_parameters()) {
    const ParameterSpec& spec = model.parameters().spec(name);
    const ParameterValue& v = model.parameters().value(name);
    out[name] = {{"value", v.value}, {"unit", spec.unit}, {"source", v.source}, {"origin", v.origin}};
  }
  return out;
}

}  // namespace

void advance_and_observe(Simulation& simulation, ObservationSchedule& schedule, const RunObserver& observer) {
  const Model& model = simulation.model();
  const std::int64_t every = observer.checkpoint ? model.checkpoint_interval_s : 0;
  std::int64_t next_checkpoint = every > 0 ? (simulation.state().time_s / every + 1) * every : model.duration_s + 1;
  while (true) {
    const std::int64_t t = simulation.state().time_s;
    const bool row_due = t == schedule.next_row_s;
    const bool readout_due =
        schedule.next_readout < model.readout_times_s.size() && model.readout_times_s[schedule.next_readout] == t;
    if (row_due || readout_due) {
      simulation.check_numerics();  // before anything is observed or written
      const double days = static_cast<double>(t) / seconds_per_day;
      if (row_due) {
        if (observer.timeseries_row) observer.timeseries_row(days, simulation.observe());
        schedule.next_row_s += model.timeseries_interval_s;
      }
      if (readout_due) {
        std::vector<Observation> values;
        for (const auto& readout : model.readouts())
          if (model.includes_readout(readout->name())) readout->observe(model, simulation.state(), values);
        if (observer.readouts) observer.readouts(days, values);
        ++schedule.next_readout;
      }
    }
    if (t >= model.duration_s) break;
    if (t == next_checkpoint) {
      observer.checkpoint(simulation, schedule);
      next_checkpoint += every;
    }
    std::int64_t next = std::min({model.duration_s, schedule.next_row_s, next_checkpoint});
    if (schedule.next_readout < model.readout_times_s.size()) next = std::min(next, model.readout_times_s[schedule.next_readout]);
    simulation.advance_to(next);
    if (observer.progress != nullptr) observer.progress->update(static_cast<double>(simulation.state().time_s));
  }
}

RunResult run_in_memory(std::shared_ptr<const Model> model) {
  Simulation simulation(std::move(model));
  ObservationSchedule schedule;
  RunResult result;
  RunObserver observer;
  observer.timeseries_row = [&](double days, const std::vector<Observation>& row) {
    for (const auto& o : row) result.timeseries.push_back({days, o});
  };
  observer.readouts = [&](double days, const std::vector<Observation>& values) {
    for (const auto& o : values) result.readouts.push_back({days, o});
    const auto& site = simulation.state().site;
    if (!site || !simulation.model().site) return;
    SiteSnapshot snapshot{.time_days = days, .cells = site->cells};
    snapshot.fields = site::snapshot_fields(*site, *simulation.model().site, snapshot.field_names);
    result.site.push_back(std::move(snapshot));
  };
  advance_and_observe(simulation, schedule, observer);
  return result;
}

void prepare_output_directory(const std::filesystem::path& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(SourceLocation{dir.string(), 0, 0}, "output.directory", "exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw InputError(SourceLocation{dir.string(), 0, 0}, "output.directory", "cannot create directory: " + ec.message());
  std::vector<fs::path> ours, foreign;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool known = std::any_of(std::begin(run_files), std::end(run_files), [&](const char* f) { return name == f; });
    (known || is_partial_name(name) ? ours : foreign).push_back(entry.path());
  }
  if (ours.empty() && foreign.empty()) return;
  if (!force)
    throw InputError(SourceLocation{dir.string(), 0, 0}, "output.directory",
                     "is not empty; choose another directory or pass --force to replace a previous run");
  if (!foreign.empty())
    throw InputError(SourceLocation{dir.string(), 0, 0}, "output.directory",
                     fmt::format("holds files bungner did not write (e.g. {}); refusing to overwrite it even with "
                                 "--force",
                                 foreign.front().filename().string()));
  // run.json first: a directory without it is visibly not a finished run.
  std::sort(ours.begin(), ours.end(),
            [](const fs::path& a, const fs::path& b) { return (a.filename() == "run.json") > (b.filename() == "run.json"); });
  for (const auto& p : ours) fs::remove_all(p, ec);
}

std::filesystem::path run_and_write(const std::shared_ptr<const Model>& model_ptr, const RunOptions& options) {
  const Model& model = *model_ptr;
  const std::string started = utc_now();
  const auto wall_start = std::chrono::steady_clock::now();
  const Checkpoint* resume = options.resume_from;
  if (resume == nullptr) prepare_output_directory(options.output_dir, options.force);

  // Rows are kept in memory and written at the end (and into checkpoints), so that a resumed
  // run writes exactly what an uninterrupted one would.
  std::string timeseries = resume ? resume->timeseries_csv : std::string();
  std::string readouts = resume ? resume->readouts_csv : std::string();

  Simulation simulation = resume ? Simulation(model_ptr, resume->state) : Simulation(model_ptr);
  Progress progress("simulating", static_cast<double>(model.duration_s), options.progress);
  ObservationSchedule schedule = resume ? ObservationSchedule{resume->next_readout, resume->next_row_s} : ObservationSchedule{};
  RunObserver observer;
  observer.timeseries_row = [&](double days, const std::vector<Observation>& row) {
    for (const auto& o : row) timeseries += csv_row(days, o);
  };
  // The 3D site at each readout time: a ParaView series and SVG pictures (docs/report.md).
  std::optional<VtkSeries> paraview;
  observer.readouts = [&](double days, const std::vector<Observation>& values) {
    for (const auto& o : values) readouts += csv_row(days, o);
    const auto& site = simulation.state().site;
    if (!site || !model.site) return;
    std::vector<std::string> names;
    const fields::Fields view = site::snapshot_fields(*site, *model.site, names);
    if (!paraview) paraview.emplace(options.output_dir / "paraview");
    paraview->add(days, schedule.next_readout, Snapshot3d{&view, names, &site->cells, &site->axons});
    // The same cells and fields in PhysiCell's layout, for its users' loaders (pyMCDS, pcdl).
    std::vector<fields::Substrate> substrates = model.site->substrates;
    for (std::size_t s = substrates.size(); s < names.size(); ++s) substrates.push_back({.name = names[s]});
    write_physicell(options.output_dir / "physicell",
                    PhysiCellSnapshot{.fields = &view,
                                      .substrates = std::move(substrates),
                                      .cells = &site->cells,
                                      .time_days = days,
                                      .index = schedule.next_readout,
                                      .description = fmt::format("bungner {}: injury site of {}, day {:g}", build_info::version,
                                                                 model.scenario().path, days)});
    // The regenerated axons as SWC, for the morphology tools of the field (NeuroMorpho.Org's).
    std::filesystem::create_directories(options.output_dir / "swc");
    write_file_atomically(options.output_dir / "swc" / fmt::format("axons_{:06d}.swc", schedule.next_readout),
                          axons_swc_text(site->axons, {fmt::format("bungner {}: axons of the injury site, day {:g}, scenario {}",
                                                                   build_info::version, days, model.scenario().path),
                                                       "coordinates of the site's grid (as in the ParaView files), um"}));
    // Vessels as the heat map: the picture then shows the bridge's vascular tracks, the cells that
    // follow them and the axons (oxygen and every other field are in the ParaView files).
    const auto field = static_cast<int>(std::find(names.begin(), names.end(), "vessel") - names.begin());
    write_pictures(options.output_dir / "pictures", schedule.next_readout, &view, &site->cells, &site->axons,
                   {.field_substrate = field,
                    .field_name = "vessel density (1 = normal nerve)",
                    .phenotype_label = "repair phenotype",
                    .title = fmt::format("Injury site, day {:g}", days)},
                   {.x_um = model.site->distal_section_um, .title = fmt::format("Distal section, day {:g}", days)});
  };
  observer.checkpoint = [&](const Simulation& at, const ObservationSchedule& due) {
    write_checkpoint(
        options.output_dir / "checkpoint.bin",
        Checkpoint{binary_version(), model.scenario().sha256(), model.scenario().path, model.scenario().canonical_toml(),
                   at.state(), timeseries, readouts, due.next_readout, due.next_row_s});
  };
  observer.progress = &progress;
  advance_and_observe(simulation, schedule, observer);
  progress.finish();

  nlohmann::ordered_json run;
  run["bungner_version"] = build_info::version;
  run["git_commit"] = build_info::git_commit;
  run["build"] = {{"type", build_info::build_type}, {"compiler", build_info::compiler}, {"flags", build_info::cxx_flags}};
  run["libraries"] = {{"fmt", FMT_VERSION},
                      {"spdlog", fmt::format("{}.{}.{}", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH)},
                      {"tomlplusplus", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH)},
                      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                                    NLOHMANN_JSON_VERSION_PATCH)},
                      {"openssl", OPENSSL_VERSION_TEXT},
                      {"openmp", _OPENMP},
                      {"random123", "Debian librandom123-dev"}};
  run["command_line"] = options.command_line;
  run["host"] = host_name();
  run["threads"] = options.threads;
  run["start_time"] = started;
  run["end_time"] = utc_now();
  run["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run["seed"] = model.seed;
  run["rng"] = "Philox4x64-10 (Random123); key (seed, run); counter (entity, step, purpose, draw)";
  run["scenario_file"] = model.scenario().path;
  run["preset_file"] = model.scenario().preset_path;
  run["scenario_sha256"] = model.scenario().sha256();
  run["resolved_scenario"] = model.scenario().canonical_toml();
  run["active_items"] = model.active_items();
  run["parameters"] = parameters_json(model);
  run["value_sources"] = model.scenario().value_sources;
  run["warnings"] = diagnostics_json(model.warnings());
  run["diagnostics"] = simulation.state().diagnostics.counts;
  run["outputs"] = {"timeseries.csv", "readouts.csv", "run.json"};
  if (options.design)
    run["design"] = {{"file", options.design->file}, {"sha256", options.design->sha256}, {"row", options.design->row}};

  if (resume != nullptr) run["resumed_from_checkpoint_at_days"] = static_cast<double>(resume->state.time_s) / seconds_per_day;
  // Final names appear only now, run.json last so that its presence means a complete run.
  write_file_atomically(options.output_dir / "timeseries.csv", "time_days,variable,value,unit\n" + timeseries);
  write_file_atomically(options.output_dir / "readouts.csv", "time_days,readout,value,unit\n" + readouts);
  write_file_atomically(options.output_dir / "run.json", run.dump(2) + "\n");
  std::error_code ec;
  std::filesystem::remove(options.output_dir / "checkpoint.bin", ec);  // the run is complete
  return options.output_dir;
}

}  // namespace bungner::io
