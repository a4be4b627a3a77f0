#include "commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <omp.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fstream>
#include <iterator>
#include <sstream>
#include "bungner/calibration/calibrate.hpp"
#include "bungner/calibration/report.hpp"
#include "bungner/core/build_info.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/core/sha256.hpp"
#include "bungner/core/text.hpp"
#include "bungner/core/units.hpp"
#include "bungner/io/atomic_file.hpp"
#include "bungner/io/checkpoint.hpp"
#include "bungner/io/omex.hpp"
#include "bungner/io/progress.hpp"
#include "bungner/io/report.hpp"
#include "bungner/io/run_output.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/simulation.hpp"
#include "bungner/scenario/json_schema.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/study/designs.hpp"
#include "bungner/study/sensitivity.hpp"
#include "bungner/study/study.hpp"
#include "bungner/validation/check_input.hpp"
#include "bungner/validation/validation.hpp"

namespace bungner::cli {
namespace {

std::vector<Override> parse_overrides(const std::vector<std::string>& raw) {
  std::vector<Override> out;
  for (const auto& r : raw) out.push_back(parse_override(r));
  return out;
}

void print_warnings(const std::vector<Diagnostic>& warnings) {
  for (const auto& w : warnings) fmt::print(stderr, "{}\n", format_diagnostic(w));
}

std::string range_text(const Range& r) {
  return fmt::format("{} .. {}", text::format_double(r.low), text::format_double(r.high));
}

std::string with_unit(double v, const std::string& unit) {
  return unit == "1" ? text::format_double(v) : text::format_double(v) + " " + unit;
}

}  // namespace

/// Overrides for one row of a design table: a column named after a parameter sets that
/// parameter, any other column the scenario key of that name; the unit comes from the header.
std::vector<Override> design_row_overrides(const std::string& file, long long row, const Registry& registry) {
  std::ifstream in(file);
  if (!in) throw InputError(SourceLocation{file, 0, 0}, "--design", "cannot open file");
  const study::DesignTable table = study::read_design_csv(in, file);
  if (row < 0 || static_cast<std::size_t>(row) >= table.rows.size())
    throw InputError(
        SourceLocation{file, 0, 0}, "--row",
        fmt::format("row {} does not exist (the design has rows 0 to {})", row, static_cast<long long>(table.rows.size()) - 1));
  std::vector<Override> out;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto [name, unit] = study::split_column_header(table.columns[c]);
    const std::string value =
        text::format_double(table.rows[static_cast<std::size_t>(row)][c]) + (unit.empty() || unit == "1" ? "" : " " + unit);
    out.push_back({registry.parameters().find(name) ? "parameters." + name : name, value});
  }
  return out;
}

/// The headline readouts, in the order the terminal tables list them: names or prefixes (ending
/// in '.') of observations, as the readouts declare them (ReadoutEntry::headline).
std::vector<std::string> headline_readouts() { return make_builtin_registry().headline_observations(); }

/// Prints a short table of the headline readouts at the last time of DIR/readouts.csv (or, with
/// no readout times, of timeseries.csv) to stdout. The files themselves are unchanged.
void print_readout_table(const std::filesystem::path& dir) {
  struct Row {
    std::string name, value, unit;
  };
  std::string time;
  std::vector<Row> rows;
  for (const char* file : {"readouts.csv", "timeseries.csv"}) {
    std::ifstream in(dir / file, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto records = text::parse_csv(content, (dir / file).string());
    for (std::size_t r = 1; r < records.size(); ++r) {  // after the header
      const auto fields = text::field_texts(records[r]);
      if (fields.size() < 4) continue;
      if (fields[0] != time) {
        time = fields[0];
        rows.clear();
      }
      rows.push_back({fields[1], fields[2], fields[3]});
    }
    if (!rows.empty()) break;
  }
  if (rows.empty()) return;
  std::vector<Row> shown;
  for (std::string_view prefix : headline_readouts())
    for (const Row& r : rows)
      if (prefix.ends_with('.') ? r.name.starts_with(prefix) : r.name == prefix) shown.push_back(r);
  if (shown.empty()) return;
  std::size_t width = 0;
  for (const Row& r : shown) width = std::max(width, r.name.size());
  fmt::print("\nreadouts at day {} (all of them in {}):\n", text::format_double(text::parse_double(time).value_or(std::nan(""))),
             (dir / "readouts.csv").string());
  for (const Row& r : shown) {
    const double v = text::parse_double(r.value).value_or(std::nan(""));
    fmt::print("  {:<{}}  {:>10}  {}\n", r.name, width, std::abs(v) >= 1000 ? fmt::format("{:.0f}", v) : fmt::format("{:.4g}", v),
               r.unit);
  }
}

/// Continues an interrupted run from DIR/checkpoint.bin: the model is recompiled from the
/// resolved scenario saved in it; another binary or a changed scenario is refused without --force.
int resume_run(const RunArguments& args, const CommonOptions& common, const std::filesystem::path& dir) {
  const Registry registry = make_builtin_registry();
  const io::Checkpoint checkpoint = io::read_checkpoint(dir / "checkpoint.bin");
  if (checkpoint.version != io::binary_version() && !args.force)
    throw InputError(SourceLocation{(dir / "checkpoint.bin").string(), 0, 0}, "--resume",
                     fmt::format("written by bungner {}, this is {}; pass --force to resume anyway", checkpoint.version,
                                 io::binary_version()));
  Scenario scenario = load_scenario_text(checkpoint.resolved_scenario, checkpoint.scenario_path, registry);
  if (scenario.sha256() != checkpoint.scenario_sha256 && !args.force)
    throw InputError(SourceLocation{(dir / "checkpoint.bin").string(), 0, 0}, "--resume",
                     "the scenario resolves differently with this binary; pass --force to resume anyway");
  if (!args.scenario.empty()) {
    const Scenario given = load_scenario(args.scenario, registry, parse_overrides(args.overrides));
    if (given.sha256() != checkpoint.scenario_sha256 && !args.force)
      throw InputError(SourceLocation{args.scenario, 0, 0}, "--resume",
                       "this scenario differs from the one the checkpoint was written for; pass --force to resume anyway");
  }
  if (args.threads > 0) omp_set_num_threads(args.threads);
  const auto model = Model::compile(std::move(scenario), registry);
  io::RunOptions options{dir,        true, omp_get_max_threads(), common.command_line, io::default_progress_mode(common.quiet),
                         &checkpoint};
  spdlog::info("resuming {} at day {}", checkpoint.scenario_path, static_cast<double>(checkpoint.state.time_s) / seconds_per_day);
  io::run_and_write(model, options);
  const auto report = io::write_report(dir);
  if (!common.quiet) {
    print_readout_table(dir);
    fmt::print("outputs written to {}/ (run.json, timeseries.csv, readouts.csv)\nreport: {}\n", dir.string(), report.string());
  }
  return exit_code::ok;
}

/// The whole text of a file; InputError when it cannot be read.
std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path, 0, 0}, "", "cannot open file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `gather --design FILE DIR...`: the runs of a job array over a design table (`run --design FILE
/// --row N`, one directory per row) put back into one table. Each directory's run.json must name
/// this design (by the sha256 of its text) and a row; every row must come exactly once. Writes
/// OUT/design_results.csv (row, the design's columns, time_days, readout, value, unit: one line
/// per row and readout) and OUT/design.json, atomically; nothing when a check fails.
int gather_design(const GatherArguments& args, const CommonOptions& common) {
  const std::string design_text = text_of(args.design);
  const std::string design_sha = sha256_hex(design_text);
  std::istringstream design_in(design_text);
  const study::DesignTable table = study::read_design_csv(design_in, args.design);
  std::vector<std::filesystem::path> by_row(table.rows.size());
  std::string scenario_file;
  for (const std::string& d : args.dirs) {
    const std::filesystem::path run_json = std::filesystem::path(d) / "run.json";
    std::ifstream in(run_json);
    const auto json = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    if (json.is_discarded() || !json.is_object())
      throw InputError(SourceLocation{run_json.string(), 0, 0}, "gather",
                       "no finished run here (run.json missing or unreadable)");
    if (!json.contains("design") || !json["design"].is_object() || json["design"].value("sha256", "") != design_sha)
      throw InputError(
          SourceLocation{run_json.string(), 0, 0}, "--design",
          fmt::format("this run was not made from {} (run --design FILE --row N records the design's sha256)", args.design));
    const long long row = json["design"].value("row", -1LL);
    if (row < 0 || static_cast<std::size_t>(row) >= table.rows.size())
      throw InputError(SourceLocation{run_json.string(), 0, 0}, "--design", fmt::format("row {} is not in the design", row));
    if (!by_row[static_cast<std::size_t>(row)].empty())
      throw InputError(SourceLocation{run_json.string(), 0, 0}, "--design",
                       fmt::format("row {} is also in {}", row, by_row[static_cast<std::size_t>(row)].string()));
    const std::string scenario = json.value("scenario_file", "");
    if (!scenario_file.empty() && scenario != scenario_file)
      throw InputError(SourceLocation{run_json.string(), 0, 0}, "--design",
                       fmt::format("ran {}, the other runs {}", scenario, scenario_file));
    scenario_file = scenario;
    by_row[static_cast<std::size_t>(row)] = d;
  }
  std::vector<std::string> missing;
  for (std::size_t r = 0; r < by_row.size(); ++r)
    if (by_row[r].empty()) missing.push_back(std::to_string(r));
  if (!missing.empty())
    throw InputError(SourceLocation{args.design, 0, 0}, "--design",
                     fmt::format("{} of {} rows have no run among the directories: {}", missing.size(), by_row.size(),
                                 fmt::join(missing, ", ")));

  std::string csv = "row";
  for (const std::string& c : table.columns) csv += fmt::format(",{}", text::csv_field(c));
  csv += ",time_days,readout,value,unit\n";
  for (std::size_t r = 0; r < by_row.size(); ++r) {
    std::string values;
    for (const double v : table.rows[r]) values += fmt::format(",{}", text::format_double(v));
    std::istringstream readouts(text_of((by_row[r] / "readouts.csv").string()));
    std::string line;
    std::getline(readouts, line);  // time_days,readout,value,unit
    while (std::getline(readouts, line))
      if (!line.empty()) csv += fmt::format("{}{},{}\n", r, values, line);
  }
  const std::filesystem::path out = args.output_dir;
  for (const char* name : {"design_results.csv", "design.json"})
    if (std::filesystem::exists(out / name) && !args.force)
      throw InputError(SourceLocation{out.string(), 0, 0}, "--out", "holds a gathered design; pass --force to replace it");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  nlohmann::ordered_json summary{
      {"design_file", args.design},         {"design_sha256", design_sha}, {"scenario_file", scenario_file},
      {"columns", table.columns},           {"rows", by_row.size()},       {"runs", nlohmann::ordered_json::array()},
      {"command_line", common.command_line}};
  for (const auto& dir : by_row) summary["runs"].push_back(dir.string());
  io::write_file_atomically(out / "design_results.csv", csv);
  io::write_file_atomically(out / "design.json", summary.dump(2) + "\n");
  if (!common.quiet)
    fmt::print("{} runs of {} gathered into {}/design_results.csv (a line per row and readout) and design.json\n", by_row.size(),
               args.design, out.string());
  return exit_code::ok;
}

/// --uncertainty on a run: the run's scenario (with its overrides) once per drawn parameter set,
/// as a one-arm study with one subject per draw, each with the run's seed and no between-subject
/// variability, so that its
/// summary's predictive interval is the 5-95 % range of the scenario's readouts over the
/// parameter uncertainty (docs/uncertainty.md, "Single runs").
study::StudySpec run_uncertainty_study(const RunArguments& args, const std::vector<Override>& overrides, const Scenario& scenario,
                                       const Registry& registry) {
  study::StudySpec spec;
  spec.path = args.scenario;
  spec.title = fmt::format("parameter uncertainty of {}", args.scenario);
  spec.base_scenario = args.scenario;
  spec.seed = scenario.resolved["seed"].value_or(std::int64_t{1});
  spec.default_variability = false;
  spec.scenario_seed_for_all = true;
  spec.arms = {study::Arm{.name = "run", .overrides = overrides, .subjects = 1}};
  spec.sha256 = scenario.sha256();
  if (args.uncertainty_from.empty())
    throw InputError(SourceLocation{}, "--uncertainty",
                     "say where the parameter sets come from with --uncertainty-from FILE (a posterior.csv of `bungner "
                     "calibrate`, or a TOML file with an [uncertainty] table)");
  study::apply_uncertainty(spec, args.uncertainty, args.uncertainty_from, registry);
  return spec;
}

int run(const RunArguments& args, const CommonOptions& common) {
  // One run is one process: under several ranks every copy would write the same directory.
  if (common.ranks > 1)
    throw InputError(SourceLocation{}, "run",
                     fmt::format("a single run is one process, not {} MPI ranks; spread runs over ranks with `bungner "
                                 "study` (a one-arm study of one subject per row), or one `run --design FILE --row N` per "
                                 "job of a job array (docs/cluster.md)",
                                 common.ranks));
  if (args.resume_requested || !args.resume.empty()) {
    // The directory: --resume DIR, else --out, else the scenario's output directory.
    if (!args.resume.empty() && !args.output_dir.empty() &&
        std::filesystem::path(args.resume) != std::filesystem::path(args.output_dir))
      throw InputError(SourceLocation{}, "--resume", "--resume DIR and --out name different directories");
    std::filesystem::path dir = !args.resume.empty() ? args.resume : args.output_dir;
    if (dir.empty() && !args.scenario.empty()) {
      const Registry registry = make_builtin_registry();
      const Scenario scenario = load_scenario(args.scenario, registry, parse_overrides(args.overrides));
      const std::string configured = *scenario.resolved["output"]["directory"].value<std::string>();
      dir = configured.empty() ? std::filesystem::path("runs") / std::filesystem::path(args.scenario).stem()
                               : std::filesystem::path(configured);
    }
    if (dir.empty()) throw InputError(SourceLocation{}, "--resume", "give the run's directory (--resume DIR) or its scenario");
    return resume_run(args, common, dir);
  }
  if (args.scenario.empty()) throw InputError(SourceLocation{}, "scenario", "give a scenario file, or --resume DIR");
  const Registry registry = make_builtin_registry();
  std::vector<Override> overrides;
  if (!args.design.empty()) {
    if (args.row < 0) throw InputError(SourceLocation{}, "--row", "--design needs --row N");
    overrides = design_row_overrides(args.design, args.row, registry);
  }
  for (const auto& o : parse_overrides(args.overrides)) overrides.push_back(o);
  if (args.seed >= 0) overrides.push_back(Override{"seed", std::to_string(args.seed)});
  Scenario scenario = load_scenario(args.scenario, registry, overrides);
  // Read before anything runs, so that a bad source leaves nothing written.
  std::optional<study::StudySpec> uncertain;
  if (args.uncertainty > 0 || !args.uncertainty_from.empty())
    uncertain = run_uncertainty_study(args, overrides, scenario, registry);
  std::filesystem::path out = args.output_dir;
  if (out.empty()) {
    const std::string configured = *scenario.resolved["output"]["directory"].value<std::string>();
    out = configured.empty() ? std::filesystem::path("runs") / std::filesystem::path(args.scenario).stem()
                             : std::filesystem::path(configured);
    if (!args.design.empty()) out += fmt::format("-row{}", args.row);
  }
  if (args.threads > 0) omp_set_num_threads(args.threads);
  const auto model = Model::compile(std::move(scenario), registry);
  print_warnings(model->warnings());
  io::RunOptions options{out, args.force, omp_get_max_threads(), common.command_line, io::default_progress_mode(common.quiet)};
  if (!args.design.empty()) options.design = io::RunOptions::DesignRow{args.design, sha256_hex(text_of(args.design)), args.row};
  spdlog::info("running {} ({} simulated days, {} threads)", args.scenario,
               static_cast<double>(model->duration_s) / seconds_per_day, options.threads);
  const auto dir = io::run_and_write(model, options);
  const auto report = io::write_report(dir);
  if (!common.quiet) {
    print_readout_table(dir);
    fmt::print("outputs written to {}/ (run.json, timeseries.csv, readouts.csv)\nreport: {}\n", dir.string(), report.string());
  }
  if (uncertain) {
    if (!common.quiet)
      spdlog::info("parameter uncertainty: the scenario once per parameter set ({} draws)", uncertain->uncertainty.draws);
    study::StudyOptions study_options{.output_dir = dir / "uncertainty",
                                      .force = true,  // the run's directory was just prepared
                                      .quiet = common.quiet,
                                      .progress = io::default_progress_mode(common.quiet),
                                      .command_line = common.command_line};
    study::run_study(*uncertain, registry, study_options);
    const auto band = io::write_report(dir / "uncertainty");
    if (!common.quiet)
      fmt::print("predictive intervals written to {}/ (summary.csv: predictive_low, predictive_high; draws.csv)\nreport: {}\n",
                 (dir / "uncertainty").string(), band.string());
  }
  return exit_code::ok;
}

/// Prints the headline readouts of a study at its last time to stdout: one row per arm, one
/// column per headline readout the study summarises, mean ± SD over the arm's subjects. Reads
/// DIR/summary.json, which the study has just written.
void print_study_table(const std::filesystem::path& dir) {
  struct Cell {
    double mean = 0, sd = 0;
  };
  std::ifstream in(dir / "summary.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded() || !summary.contains("summary")) return;
  // Non-finite values are written as strings ("nan").
  const auto value = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
  double last = -1;
  for (const auto& row : summary["summary"]) last = std::max(last, value(row["time_days"]));
  std::vector<std::string> arms, readouts;
  for (const auto& arm : summary.value("arms", nlohmann::json::array())) arms.push_back(arm.value("name", ""));
  std::map<std::string, std::string> units;
  std::map<std::pair<std::string, std::string>, Cell> cells;
  for (const auto& row : summary["summary"]) {
    if (value(row["time_days"]) != last) continue;
    const std::string arm = row["arm"], readout = row["readout"];
    cells[{arm, readout}] = {value(row["mean"]), value(row["sd"])};
    units[readout] = row["unit"];
  }
  for (std::string_view prefix : headline_readouts())
    for (const auto& [name, unit] : units)
      if ((prefix.ends_with('.') ? name.starts_with(prefix) : name == prefix) &&
          std::find(readouts.begin(), readouts.end(), name) == readouts.end())
        readouts.push_back(name);
  if (readouts.empty()) {  // none of the headline readouts: the study's own, in name order
    for (const auto& [name, unit] : units) readouts.push_back(name);
  }
  if (arms.empty() || readouts.empty()) return;
  const auto number = [](double v) {
    if (!std::isfinite(v)) return std::string("-");
    return std::abs(v) >= 1000 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v);
  };
  // Widths in characters (the cells hold a two-byte '±').
  const auto length = [](const std::string& t) {
    return static_cast<std::size_t>(std::count_if(t.begin(), t.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  const auto pad_left = [&](const std::string& t, std::size_t w) {
    return std::string(w > length(t) ? w - length(t) : 0, ' ') + t;
  };
  const auto pad_right = [&](const std::string& t, std::size_t w) {
    return t + std::string(w > length(t) ? w - length(t) : 0, ' ');
  };
  std::vector<std::vector<std::string>> table;
  std::size_t arm_width = 3, width = 3;
  for (const auto& arm : arms) {
    arm_width = std::max(arm_width, length(arm));
    std::vector<std::string> row;
    for (const auto& r : readouts) {
      const auto it = cells.find({arm, r});
      row.push_back(it == cells.end()           ? ""                       // a readout this arm does not have
                    : std::isnan(it->second.sd) ? number(it->second.mean)  // one subject
                                                : number(it->second.mean) + " ± " + number(it->second.sd));
      width = std::max(width, length(row.back()));
    }
    table.push_back(std::move(row));
  }
  fmt::print("\nreadouts at day {}, mean ± SD over each arm's subjects (all of them in {}):\n", text::format_double(last),
             (dir / "summary.csv").string());
  std::string out = "  " + pad_right("arm", arm_width);
  for (std::size_t c = 0; c < readouts.size(); ++c) out += "  " + pad_left(fmt::format("({})", c + 1), width);
  out += "\n";
  for (std::size_t a = 0; a < arms.size(); ++a) {
    out += "  " + pad_right(arms[a], arm_width);
    for (const auto& cell : table[a]) out += "  " + pad_left(cell, width);
    out += "\n";
  }
  fmt::print("{}", out);
  for (std::size_t c = 0; c < readouts.size(); ++c)
    fmt::print("  ({}) {}{}\n", c + 1, readouts[c], units[readouts[c]] == "1" ? "" : " [" + units[readouts[c]] + "]");
}

int study(const StudyArguments& args, const CommonOptions& common) {
  const Registry registry = make_builtin_registry();
  study::StudySpec spec = study::load_study(args.study, registry);
  study::apply_uncertainty(spec, args.uncertainty, args.uncertainty_from, registry);
  if (!args.resume_dir.empty() && !args.output_dir.empty() &&
      std::filesystem::path(args.resume_dir) != std::filesystem::path(args.output_dir))
    throw InputError(SourceLocation{}, "--resume", "--resume DIR and --out name different directories");
  std::size_t shard = 0, shards = 1;
  if (!args.shard.empty()) {
    const auto slash = args.shard.find('/');
    const auto k = text::parse_unsigned(std::string_view(args.shard).substr(0, slash));
    const auto n =
        slash == std::string::npos ? std::nullopt : text::parse_unsigned(std::string_view(args.shard).substr(slash + 1));
    if (!k || !n || *k >= *n)
      throw InputError(SourceLocation{}, "--shard", fmt::format("'{}' is not K/N with 0 <= K < N", args.shard));
    shard = *k;
    shards = *n;
    // Every job of the array needs its own directory: one shared default would mix the shards.
    if (args.output_dir.empty() && args.resume_dir.empty())
      throw InputError(SourceLocation{}, "--shard", "give each shard its own --out DIR (e.g. runs/s$SLURM_ARRAY_TASK_ID)");
  }
  std::filesystem::path out = !args.resume_dir.empty() ? args.resume_dir : args.output_dir;
  if (args.dry_run) {
    // Validated; say what would run, and write nothing.
    if (common.rank == 0)
      fmt::print("{}nothing was run or written (--dry-run); without it the outputs go to {}/\n",
                 study::study_plan(spec, registry),
                 (out.empty() ? std::filesystem::path("runs") / std::filesystem::path(args.study).stem() : out).string());
    return exit_code::ok;
  }
  if (out.empty()) out = std::filesystem::path("runs") / std::filesystem::path(args.study).stem();
  if (args.threads > 0) omp_set_num_threads(args.threads);
  std::size_t subjects = 0;
  for (const auto& arm : spec.arms) subjects += study::subjects_run(spec, arm);
  const bool quiet = common.quiet || common.rank != 0;
  if (!quiet)
    spdlog::info("study {}: {} arms, {} subjects, {} ranks x {} threads", args.study, spec.arms.size(), subjects, common.ranks,
                 omp_get_max_threads());
  study::StudyOptions options{out,
                              args.force,
                              args.resume,
                              quiet,
                              io::default_progress_mode(quiet),
                              common.command_line,
                              {common.rank, common.ranks, common.barrier, common.all_ok},
                              shard,
                              shards};
  const auto result = study::run_study(spec, registry, options);
  if (common.rank != 0) return exit_code::ok;  // rank 0 wrote the outputs
  if (shards > 1) {
    if (!quiet)
      fmt::print(
          "shard {}/{} of the study written to {}/ ({} subjects computed, {} resumed); merge the {} shards with "
          "`bungner gather DIR... --out DIR`\n",
          shard, shards, out.string(), result.computed, result.resumed, shards);
    return exit_code::ok;
  }
  const auto report = io::write_report(out);
  if (!quiet && !spec.trial) print_study_table(out);
  if (!quiet)
    fmt::print(
        "study outputs written to {}/ (summary.csv, comparisons.csv, summary.json, subjects.csv, study.json); "
        "{} subjects computed{}, {} resumed\nreport: {}\n",
        out.string(), result.computed, common.ranks > 1 ? fmt::format(" by rank 0 of {}", common.ranks) : std::string(),
        result.resumed, report.string());
  return exit_code::ok;
}

int gather(const GatherArguments& args, const CommonOptions& common) {
  if (common.ranks > 1)
    throw InputError(SourceLocation{}, "gather", "run gather as one process (it only copies and summarises), not under MPI");
  if (!args.design.empty()) {
    if (!args.study.empty() || args.uncertainty > 0 || !args.uncertainty_from.empty())
      throw InputError(SourceLocation{}, "--design",
                       "gathers the runs of a design table; --study and --uncertainty are for studies");
    return gather_design(args, common);
  }
  const Registry registry = make_builtin_registry();
  std::string study_file = args.study;
  if (study_file.empty()) {
    // The study file the first shard recorded (as given to it, relative to where it ran).
    const std::filesystem::path recorded = std::filesystem::path(args.dirs.front()) / "study.json";
    std::ifstream in(recorded);
    const auto json = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    if (json.is_discarded() || !json.is_object() || !json["study_file"].is_string())
      throw InputError(SourceLocation{recorded.string(), 0, 0}, "gather", "no study recorded here; give --study FILE");
    // As the shard was given it (relative to where it ran), else its absolute path then.
    study_file = json["study_file"].get<std::string>();
    if (!std::filesystem::exists(study_file) && !json.value("study_file_absolute", "").empty())
      study_file = json["study_file_absolute"].get<std::string>();
    if (!std::filesystem::exists(study_file))
      throw InputError(SourceLocation{recorded.string(), 0, 0}, "gather",
                       fmt::format("the study file the shards recorded, {}, is not here; give --study FILE", study_file));
  }
  study::StudySpec spec = study::load_study(study_file, registry);
  study::apply_uncertainty(spec, args.uncertainty, args.uncertainty_from, registry);
  std::vector<std::filesystem::path> dirs(args.dirs.begin(), args.dirs.end());
  study::StudyOptions options;
  options.output_dir = args.output_dir;
  options.force = args.force;
  options.quiet = true;
  options.command_line = common.command_line;
  study::gather_study(spec, registry, dirs, options);
  const auto report = io::write_report(args.output_dir);
  if (!common.quiet) {
    if (!spec.trial) print_study_table(args.output_dir);
    fmt::print(
        "study gathered from {} shards into {}/ (summary.csv, comparisons.csv, summary.json, subjects.csv, "
        "study.json)\nreport: {}\n",
        dirs.size(), args.output_dir, report.string());
  }
  return exit_code::ok;
}

int validate(const ValidateArguments& args, const CommonOptions& common) {
  const Registry registry = make_builtin_registry();
  const std::filesystem::path data = data_directory();  // $BUNGNER_DATA_DIR (an installed Python package) or the source tree
  validation::ValidateOptions options;
  options.cases_dir = args.cases_dir.empty() ? data.parent_path() / "validation" : std::filesystem::path(args.cases_dir);
  options.evidence_csv = args.evidence.empty() ? data / "evidence" / "evidence.csv" : std::filesystem::path(args.evidence);
  options.calibration_toml =
      args.calibration.empty() ? data / "evidence" / "calibration.toml" : std::filesystem::path(args.calibration);
  options.output_dir =
      args.output_dir.empty() ? std::filesystem::path("runs") / "validation" : std::filesystem::path(args.output_dir);
  options.filter = args.filter;
  options.progress = common.rank == 0 ? io::default_progress_mode(common.quiet) : io::ProgressMode::none;
  options.cluster = {common.rank, common.ranks, common.barrier, common.all_ok};
  if (args.threads > 0) omp_set_num_threads(args.threads);
  if (!args.uncertainty_from.empty())
    options.uncertainty = study::load_uncertainty(args.uncertainty_from, registry, args.uncertainty, 1);
  else if (args.uncertainty > 0)
    throw InputError(SourceLocation{}, "--uncertainty",
                     "say where the parameter sets come from with --uncertainty-from FILE (a posterior.csv of `bungner "
                     "calibrate`, or a TOML file with an [uncertainty] table)");
  if (args.print_frozen) {
    const auto evidence = validation::load_evidence(options.evidence_csv);
    std::set<std::string> ids;
    for (const auto& r : evidence) ids.insert(r.id);
    fmt::print("{}", validation::frozen_record_toml(validation::load_cases(options.cases_dir, ids), evidence));
    return exit_code::ok;
  }
  const auto card = validation::validate(options, registry);
  if (common.rank != 0) return exit_code::ok;
  if (!common.quiet) {
    fmt::print("{}", validation::scorecard_table(card));
    fmt::print("scorecard: {0}/scorecard.csv, {0}/scorecard.html\n", options.output_dir.string());
  }
  if (args.json) fmt::print("{}\n", validation::scorecard_json(card));
  return exit_code::ok;
}

int calibrate(const CalibrateArguments& args, const CommonOptions& common) {
  const Registry registry = make_builtin_registry();
  const std::filesystem::path data = data_directory();  // $BUNGNER_DATA_DIR (an installed Python package) or the source tree
  const calibration::CalibrationSpec spec = calibration::load_calibration_spec(
      args.file, registry, data.parent_path() / "validation", data / "evidence" / "evidence.csv");
  const std::filesystem::path out = args.output_dir.empty()
                                        ? std::filesystem::path("runs") / "calibration" / std::filesystem::path(args.file).stem()
                                        : std::filesystem::path(args.output_dir);
  // Under MPI every rank runs its share of each generation's slots and receives the others'; only
  // rank 0 writes outputs. All ranks see the output directory (a shared file system): each
  // checks it, and reads a checkpoint to resume, before any rank writes there, since rank 0's
  // first write follows a generation that needs every rank.
  const bool lead = common.rank == 0;
  calibration::Options options = spec.options;
  options.threads = args.threads;
  options.ranks = {common.rank, common.ranks, common.all_or};
  // A checkpoint after every generation: the calibration file's SHA-256, every generation's
  // figures and the last population; --resume continues from it to the same result.
  std::ifstream spec_in(args.file, std::ios::binary);
  const std::string fingerprint =
      sha256_hex(std::string(std::istreambuf_iterator<char>(spec_in), std::istreambuf_iterator<char>()));
  const std::filesystem::path checkpoint = out / "checkpoint.csv";
  std::exception_ptr setup_error;
  try {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) throw InputError(SourceLocation{out.string(), 0, 0}, "--out", "cannot create directory: " + ec.message());
    if (std::filesystem::exists(checkpoint)) {
      if (args.resume) {
        std::ifstream in(checkpoint, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
          options.resume_from = calibration::parse_checkpoint(text, fingerprint, spec.priors);
        } catch (const std::invalid_argument& e) {
          throw InputError(SourceLocation{checkpoint.string(), 0, 0}, "--resume", e.what());
        }
        if (lead) spdlog::info("calibrate: resuming after generation {}", options.resume_from.back().index);
      } else if (!args.force) {
        throw InputError(SourceLocation{out.string(), 0, 0}, "--out",
                         "holds a calibration's checkpoint: --resume to continue it, --force to start again");
      }
    }
  } catch (...) {
    setup_error = std::current_exception();
  }
  if (!common.all_ok(setup_error == nullptr)) {
    if (setup_error) std::rethrow_exception(setup_error);
    throw RuntimeFailure("another rank could not start the calibration in " + out.string());
  }
  const calibration::ValidationDistance distance(spec, registry, out / "work");
  calibration::Result progress;
  progress.generations = options.resume_from;
  options.on_generation = [&](const calibration::Generation& g) {
    std::exception_ptr failed;
    if (lead) {
      try {
        progress.generations.push_back(g);
        io::write_file_atomically(checkpoint, calibration::checkpoint_text(progress, fingerprint));
        io::write_file_atomically(out / "generations.csv", calibration::generations_csv(progress));
        spdlog::info("calibrate: generation {}: tolerance {:.4g}, {} evaluations, acceptance {:.3g}, ESS {:.1f}", g.index,
                     g.tolerance, g.evaluations, g.acceptance_rate, g.ess);
      } catch (...) {
        failed = std::current_exception();
      }
    }
    // A failed write on rank 0 (a full disk) stops the other ranks too: they would otherwise wait
    // for rank 0 at the next generation's exchange for ever.
    if (!common.all_ok(failed == nullptr)) {
      if (failed) std::rethrow_exception(failed);
      throw RuntimeFailure("rank 0 could not write the checkpoint in " + out.string());
    }
  };
  if (lead)
    spdlog::info("calibrate {}: {} parameters, {} fit entries ({} checks in {} cases), {} particles{}", args.file,
                 spec.priors.size(), spec.fit.size(), distance.terms().size(), distance.cases().size(), options.particles,
                 common.ranks > 1 ? fmt::format(" on {} MPI ranks", common.ranks) : std::string());
  const calibration::Result result = calibration::run_abc_smc(
      spec.priors, [&](const std::vector<double>& x, const calibration::ProposalKey& key) { return distance(x, key); }, options);
  if (!lead) return exit_code::ok;
  // Every rank's proposals are finished (the last generation gathered them): no study folder is
  // still being written.
  std::error_code ec;
  std::filesystem::remove_all(out / "work", ec);
  io::write_file_atomically(out / "posterior.csv", calibration::posterior_csv(result.posterior(), spec.priors));
  io::write_file_atomically(out / "generations.csv", calibration::generations_csv(result));
  io::write_file_atomically(out / "calibration.json",
                            calibration::calibration_json(result, spec, fingerprint, distance.subjects_per_evaluation()));
  io::write_file_atomically(out / "report.html", calibration::calibration_report_html(result, spec, fingerprint));
  if (!common.quiet) {
    fmt::print("{}", calibration::posterior_table(result, spec.priors, spec.units));
    fmt::print("outputs in {}: posterior.csv, generations.csv, calibration.json, report.html\n", out.string());
  }
  return exit_code::ok;
}

int report(const std::string& dir, bool static_plots, const CommonOptions& common) {
  const auto path = io::write_report(dir, static_plots);
  if (!common.quiet) fmt::print("report: {}\n", path.string());
  return exit_code::ok;
}

/// Parses "--param name=low..high unit [log]" specifications, checked against the registry.
std::vector<study::ParameterRange> parse_ranges(const std::vector<std::string>& specs, const Registry& registry) {
  std::vector<study::ParameterRange> ranges;
  for (const std::string& p : specs) {
    // name=low..high unit [log]
    const auto eq = p.find('=');
    const auto dots = p.find("..");
    if (eq == std::string::npos || dots == std::string::npos || dots < eq)
      throw InputError(SourceLocation{"--param", 0, 0}, p, "expected --param name=low..high unit [log]");
    study::ParameterRange r;
    r.name = std::string(text::trim(p.substr(0, eq)));
    std::string high_part = std::string(text::trim(p.substr(dots + 2)));
    if (high_part.size() > 4 && high_part.ends_with(" log")) {
      r.scale = study::Scale::log_uniform;
      high_part = std::string(text::trim(high_part.substr(0, high_part.size() - 4)));
    }
    const auto space = high_part.find(' ');
    r.unit = space == std::string::npos ? "" : std::string(text::trim(high_part.substr(space + 1)));
    try {
      const auto low = text::parse_double(p.substr(eq + 1, dots - eq - 1));
      const auto high = text::parse_double(high_part.substr(0, space));
      if (!low || !high) throw InputError(SourceLocation{"--param", 0, 0}, p, "expected numbers in name=low..high unit [log]");
      r.low = *low;
      r.high = *high;
      if (!r.unit.empty()) (void)units::parse_unit(r.unit);
      if (const ParameterSpec* spec = registry.parameters().find(r.name)) {
        const double lo = units::from_si(units::to_si(r.low, r.unit.empty() ? "1" : r.unit), spec->unit);
        const double hi = units::from_si(units::to_si(r.high, r.unit.empty() ? "1" : r.unit), spec->unit);
        if (!spec->hard.contains(lo) || !spec->hard.contains(hi))
          throw InputError(SourceLocation{"--param", 0, 0}, p, "range leaves the parameter's hard range");
      }
      study::validate(r);
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& e) {
      throw InputError(SourceLocation{"--param", 0, 0}, p, e.what());
    }
    ranges.push_back(r);
  }
  if (ranges.empty()) throw InputError(SourceLocation{"--param", 0, 0}, "--param", "give at least one --param");
  return ranges;
}

/// Overrides setting each range's parameter (or scenario key) to the given values.
std::vector<Override> range_overrides(const std::vector<study::ParameterRange>& ranges, const std::vector<double>& values,
                                      const Registry& registry) {
  std::vector<Override> out;
  for (std::size_t d = 0; d < ranges.size(); ++d) {
    const auto& r = ranges[d];
    out.push_back({registry.parameters().find(r.name) ? "parameters." + r.name : r.name,
                   text::format_double(values[d]) + (r.unit.empty() || r.unit == "1" ? "" : " " + r.unit)});
  }
  return out;
}

int design(const DesignArguments& args) {
  const Registry registry = make_builtin_registry();
  const std::vector<study::ParameterRange> ranges = parse_ranges(args.parameters, registry);
  study::Points unit_points;
  if (args.method == "lhs")
    unit_points = study::latin_hypercube(args.points, ranges.size(), {args.seed, 0});
  else if (args.method == "sobol")
    unit_points = study::sobol_sequence(args.points, ranges.size());
  else {
    // grid: `points` levels per parameter
    std::vector<std::vector<double>> levels(ranges.size());
    for (auto& l : levels)
      for (std::size_t i = 0; i < args.points; ++i)
        l.push_back(args.points == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(args.points - 1));
    unit_points = study::full_factorial(levels);
  }
  std::ostringstream csv;
  study::write_design_csv(csv, study::make_design_table(ranges, study::scale_points(unit_points, ranges)));
  if (args.output.empty())
    fmt::print("{}", csv.str());
  else
    io::write_file_atomically(args.output, csv.str());
  return exit_code::ok;
}

int sensitivity(const SensitivityArguments& args, const CommonOptions& common) {
  const Registry registry = make_builtin_registry();
  const std::vector<study::ParameterRange> ranges = parse_ranges(args.parameters, registry);
  const std::vector<Override> base = parse_overrides(args.overrides);
  const double at_s = units::parse_as(args.at, "d");
  // Validate once, so that input errors come before any model run.
  (void)Model::compile(load_scenario(args.scenario, registry, base), registry);
  if (args.threads > 0) omp_set_num_threads(args.threads);
  study::Points points;
  study::MorrisDesign morris;
  study::SaltelliDesign saltelli;
  study::SobolOptions sobol_options{.base_samples = args.samples, .key = {args.seed, 0}};
  if (args.method == "morris") {
    morris = study::morris_design(ranges.size(), {.trajectories = args.trajectories, .levels = 4, .key = {args.seed, 0}});
    points = study::scale_points(morris.unit_points, ranges);
  } else {
    saltelli = study::saltelli_design(ranges.size(), sobol_options);
    points = study::scale_points(saltelli.unit_points, ranges);
  }
  std::vector<double> outputs(points.size(), std::nan(""));
  std::vector<std::string> errors(points.size());
  const auto count = static_cast<std::int64_t>(points.size());
  // Saved runs (--work): each run's value in its own file, named by its index in the design, and
  // sensitivity.json with what the analysis is, so that a resume cannot mix two analyses.
  const std::filesystem::path work = args.work_dir;
  const auto run_file = [&](std::size_t i) { return work / "runs" / fmt::format("run{:07}.txt", i); };
  std::vector<std::uint8_t> have(points.size(), 0);
  if (args.resume && work.empty()) throw InputError(SourceLocation{}, "--resume", "--resume needs --work DIR");
  if (!work.empty()) {
    std::string identity = fmt::format("bungner sensitivity v1\nmethod {}\nreadout {}\nat {}\nseed {}\n", args.method,
                                       args.readout, args.at, args.seed);
    identity +=
        args.method == "morris" ? fmt::format("trajectories {}\n", args.trajectories) : fmt::format("samples {}\n", args.samples);
    for (const auto& p : args.parameters) identity += "param " + p + "\n";
    for (const auto& o : args.overrides) identity += "set " + o + "\n";
    std::ifstream scenario_in(args.scenario, std::ios::binary);
    identity += "scenario\n" + std::string(std::istreambuf_iterator<char>(scenario_in), std::istreambuf_iterator<char>());
    const std::string sha = sha256_hex(identity);
    const std::filesystem::path manifest = work / "sensitivity.json";
    std::exception_ptr refused;
    try {
      if (args.resume) {
        std::ifstream in(manifest);
        const auto previous = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
        if (!previous.is_object() || previous.value("sha256", "") != sha)
          throw InputError(SourceLocation{manifest.string(), 0, 0}, "--resume",
                           in ? "this directory holds another analysis (its scenario, parameters, design or readout differ); "
                                "use --force to start over"
                              : "no analysis to resume here");
      } else if (common.rank == 0) {
        // Rank 0 alone decides on a fresh directory: the others would see its new manifest.
        if (std::filesystem::exists(manifest) && !args.force)
          throw InputError(SourceLocation{work.string(), 0, 0}, "--work",
                           "holds an analysis; pass --resume to continue it or --force to start over");
        std::error_code ec;
        std::filesystem::remove_all(work / "runs", ec);
        std::filesystem::create_directories(work / "runs", ec);
        if (ec) throw InputError(SourceLocation{work.string(), 0, 0}, "--work", "cannot create directory: " + ec.message());
        nlohmann::ordered_json m;
        m["sha256"] = sha;
        m["method"] = args.method;
        m["runs"] = points.size();
        m["readout"] = args.readout;
        m["at"] = args.at;
        m["git_commit"] = build_info::git_commit;
        m["command_line"] = common.command_line;
        io::write_file_atomically(manifest, m.dump(2) + "\n");
      }
    } catch (...) {
      refused = std::current_exception();
    }
    if (!common.all_ok(refused == nullptr)) {
      if (refused) std::rethrow_exception(refused);
      throw InputError(SourceLocation{work.string(), 0, 0}, "--work", "refused on rank 0");
    }
    if (args.resume)
      for (std::size_t i = 0; i < points.size(); ++i) {
        std::ifstream in(run_file(i));
        std::string text;
        if (!in || !std::getline(in, text)) continue;
        const auto value = text::parse_double(text);
        if (!value) throw RuntimeFailure("corrupt saved run " + run_file(i).string());
        outputs[i] = *value;
        have[i] = 1;
      }
  }
  // Runs are dealt to the ranks round-robin; every rank then holds all outputs (below).
  const auto mine = [&](std::size_t i) {
    return !have[i] && i % static_cast<std::size_t>(common.ranks) == static_cast<std::size_t>(common.rank);
  };
  std::size_t to_run = 0;
  for (std::size_t i = 0; i < points.size(); ++i) to_run += mine(i) ? 1 : 0;
  if (!common.quiet && common.rank == 0)
    spdlog::info("sensitivity: {} model runs ({}), readout {} at {}{}", count, args.method, args.readout, args.at,
                 args.resume ? fmt::format(", {} saved", std::count(have.begin(), have.end(), 1)) : "");
  io::Progress progress("sensitivity", static_cast<double>(to_run),
                        common.rank == 0 ? io::default_progress_mode(common.quiet) : io::ProgressMode::none, "runs");
  std::size_t finished = 0;
  std::mutex progress_lock;
  // Model runs are independent; each writes only its own output slot (and its own file).
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t k = 0; k < count; ++k) {
    const auto i = static_cast<std::size_t>(k);
    if (!mine(i)) continue;
    try {
      std::vector<Override> overrides = base;
      for (const auto& o : range_overrides(ranges, points[i], registry)) overrides.push_back(o);
      const auto model = Model::compile(load_scenario(args.scenario, registry, overrides), registry);
      Simulation simulation(model);
      simulation.advance_to(round_to_tick(at_s, model->tick_s));
      for (const auto& o : simulation.observe())
        if (o.name == args.readout) outputs[i] = o.value;
      if (std::isnan(outputs[i])) errors[i] = fmt::format("readout '{}' was not observed", args.readout);
      if (errors[i].empty() && !work.empty()) io::write_file_atomically(run_file(i), fmt::format("{:.17g}\n", outputs[i]));
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
    const std::lock_guard lock(progress_lock);
    progress.update(static_cast<double>(++finished));
  }
  progress.finish();
  std::string first_error;
  for (const auto& e : errors)
    if (!e.empty() && first_error.empty()) first_error = e;
  if (!common.all_ok(first_error.empty()))
    throw RuntimeFailure("sensitivity run failed: " + (first_error.empty() ? std::string("on another rank") : first_error));
  if (common.ranks > 1) {
    // Each run's bits from the rank that ran it (zeros elsewhere; a saved run is read alike by
    // every rank): a bitwise OR gives every rank every output, bit for bit.
    std::vector<std::uint64_t> words(points.size(), 0);
    for (std::size_t i = 0; i < points.size(); ++i)
      if (have[i] || mine(i)) words[i] = std::bit_cast<std::uint64_t>(outputs[i]);
    common.all_or(words);
    for (std::size_t i = 0; i < points.size(); ++i) outputs[i] = std::bit_cast<double>(words[i]);
    if (common.rank != 0) return exit_code::ok;
  }
  std::ostringstream table;
  if (args.method == "morris")
    study::write_morris_csv(table, ranges, study::morris_analyze(morris, outputs));
  else
    study::write_sobol_csv(table, ranges, study::sobol_analyze(saltelli, outputs, sobol_options));
  if (args.output.empty())
    fmt::print("{}", table.str());
  else
    io::write_file_atomically(args.output, table.str());
  return exit_code::ok;
}

int check(const std::string& file, const std::vector<std::string>& overrides, const CommonOptions& common) {
  const validation::CheckedInput checked = validation::check_input(file, parse_overrides(overrides), make_builtin_registry());
  print_warnings(checked.warnings);
  if (common.quiet) return exit_code::ok;
  if (checked.kind == validation::InputKind::study)
    fmt::print("{}: ok ({}; `bungner study {} --dry-run` shows the plan)\n", file, checked.summary, file);
  else if (checked.kind == validation::InputKind::validation_case || checked.kind == validation::InputKind::calibration)
    fmt::print("{}: ok ({})\n", file, checked.summary);
  else
    fmt::print("{}: ok\n", file);
  return exit_code::ok;
}

int print_config(const std::string& file, const std::vector<std::string>& overrides) {
  const Registry registry = make_builtin_registry();
  const Scenario scenario = load_scenario(file, registry, parse_overrides(overrides));
  print_warnings(scenario.warnings);
  fmt::print("# resolved scenario: {}\n# preset: {}\n# sha256: {}\n{}", file, scenario.preset_path, scenario.sha256(),
             scenario.canonical_toml());
  return exit_code::ok;
}

int params(const std::string& pattern, bool markdown) {
  const Registry registry = make_builtin_registry();
  const auto& specs = registry.parameters().all();
  if (markdown) {
    fmt::print("# Parameters\n\nGenerated by `bungner params --markdown`; do not edit by hand.\n\n");
    fmt::print(
        "| name | default | unit | hard range | plausible range | species | meaning | source | evidence (taken from or fitted "
        "to) |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  }
  std::size_t shown = 0;
  for (const auto& s : specs) {
    const bool match = pattern.empty() || text::glob_match(pattern, s.name) || s.name.find(pattern) != std::string::npos;
    if (!match) continue;
    ++shown;
    if (markdown) {
      fmt::print("| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n", s.name, text::format_double(s.default_value), s.unit,
                 range_text(s.hard), range_text(s.plausible), s.species,
                 s.numerical ? s.meaning + " *(numerical setting: never drawn as uncertain)*" : s.meaning, s.source,
                 s.calibration);
    } else {
      fmt::print("{:<48} {:>10} {:<10} {}\n", s.name, text::format_double(s.default_value), s.unit == "1" ? "" : s.unit,
                 s.meaning);
    }
  }
  if (shown == 0) {
    fmt::print(stderr, "no parameter matches '{}'\n", pattern);
    return exit_code::invalid_input;
  }
  return exit_code::ok;
}

namespace {

/// Names of the parameters an item (mechanism, therapy, readout) declares: those named `item.*`.
std::vector<std::string> parameters_of(const Registry& registry, const std::string& item) {
  std::vector<std::string> out;
  for (const auto& spec : registry.parameters().all())
    if (spec.name.starts_with(item + ".")) out.push_back(spec.name);
  return out;
}

/// One line per key of a therapy's [[therapies]] table: key, default (or "required") and doc.
std::string therapy_keys(const TherapyEntry& t, const std::string& indent) {
  std::string out;
  for (const auto& f : t.schema.children) {
    const std::string value = f.required ? "required" : f.default_text.empty() ? "-" : "default " + f.default_text;
    out += fmt::format("{}{:<14} {:<22} {}\n", indent, f.key, value, f.doc);
  }
  return out;
}

void print_therapy(const Registry& registry, const TherapyEntry& t) {
  fmt::print("{}\n  {}\n  keys ([[therapies]] type = \"{}\"):\n{}", t.name, t.summary, t.name, therapy_keys(t, "    "));
  const auto names = parameters_of(registry, t.name);
  fmt::print("  parameters: {}\n", names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
}

/// `explain` of a registered item rather than a parameter; false if `name` is none.
bool explain_item(const Registry& registry, const std::string& name) {
  for (const auto& t : registry.therapies()) {
    if (t.name != name) continue;
    fmt::print("therapy ");
    print_therapy(registry, t);
    fmt::print("  (bungner explain <parameter> for each; docs: models/therapies/{}/README.md)\n", t.name);
    return true;
  }
  const auto show = [&](const char* kind, const std::string& item, const std::string& summary, const char* folder) {
    const auto names = parameters_of(registry, item);
    fmt::print("{} {}\n  {}\n  parameters: {}\n  docs: models/{}/{}/README.md\n", kind, item, summary,
               names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")), folder, item);
  };
  for (const auto& m : registry.mechanisms())
    if (m.name == name) return show("mechanism", m.name, m.summary, "mechanisms"), true;
  for (const auto& r : registry.readouts())
    if (r.name == name) return show("readout", r.name, r.summary, "readouts"), true;
  return false;
}

}  // namespace

int list_items(const std::string& what) {
  const Registry registry = make_builtin_registry();
  if (what == "therapies") {
    for (const auto& t : registry.therapies()) {
      print_therapy(registry, t);
      fmt::print("\n");
    }
  } else if (what == "mechanisms") {
    for (const auto& m : registry.mechanisms()) fmt::print("{:<24} {}\n", m.name, m.summary);
  } else if (what == "readouts") {
    // The modules (`readouts.include` takes them) and their observations (a study's `readouts`
    // takes them; both places take both).
    for (const auto& r : registry.readouts())
      fmt::print("{:<24} {}\n{:<24} observations: {}\n", r.name, r.summary, "", fmt::join(r.observations, ", "));
  } else {
    std::string message = fmt::format("cannot list '{}'", what);
    const std::vector<std::string> kinds = {"therapies", "mechanisms", "readouts"};
    if (auto s = text::did_you_mean(what, kinds)) message += fmt::format("; did you mean '{}'?", *s);
    throw InputError(SourceLocation{}, what, message + " (therapies, mechanisms or readouts)");
  }
  return exit_code::ok;
}

int explain(const std::string& name, const std::string& file) {
  const Registry registry = make_builtin_registry();
  const ParameterSpec* spec = registry.parameters().find(name);
  if (spec == nullptr && explain_item(registry, name)) return exit_code::ok;
  if (spec == nullptr) {
    std::vector<std::string> names = registry.parameters().names();
    for (const auto& t : registry.therapies()) names.push_back(t.name);
    std::string message = fmt::format("unknown parameter or therapy '{}'", name);
    if (auto s = text::did_you_mean(name, names)) message += fmt::format("; did you mean '{}'?", *s);
    throw InputError(SourceLocation{}, name, message);
  }
  double value = spec->default_value;
  std::string source = spec->source;
  std::string origin = "default";
  if (!file.empty()) {
    const auto model = Model::compile(load_scenario(file, registry), registry);
    const ParameterValue& v = model->parameters().value(name);
    value = v.value;
    source = v.source;
    origin = v.origin;
  }
  fmt::print(
      "{}\n  meaning:     {}\n  value:       {}   ({})\n  unit:        {}\n  hard range:  {}\n"
      "  plausible:   {}\n  species:     {}\n  source:      {}\n",
      spec->name, spec->meaning, with_unit(value, spec->unit), origin, spec->unit, range_text(spec->hard),
      range_text(spec->plausible), spec->species, source);
  if (source != spec->source) fmt::print("  default's source: {}\n", spec->source);
  if (!spec->calibration.empty())
    fmt::print("  evidence:    {} (taken from or fitted to: see docs/calibration.md)\n", spec->calibration);
  return exit_code::ok;
}

int units_table(bool markdown) {
  if (markdown) fmt::print("| symbol | name | dimension | factor to SI |\n|---|---|---|---|\n");
  for (const auto& u : units::unit_table()) {
    if (markdown)
      fmt::print("| `{}` | {} | {} | {} |\n", u.symbol, u.name, units::describe(u.dimension), text::format_double(u.factor));
    else
      fmt::print("{:<10} {:<28} {:<28} {}\n", u.symbol, u.name, units::describe(u.dimension), text::format_double(u.factor));
  }
  return exit_code::ok;
}

int export_archive(const std::string& dir, const std::string& output, const CommonOptions& common) {
  const std::filesystem::path source = std::filesystem::path(dir).lexically_normal();
  std::filesystem::path archive = output;
  if (archive.empty()) {
    const std::string name = (source.filename().empty() ? source.parent_path() : source).filename().string();
    archive = std::filesystem::path(source).parent_path() / (name + ".omex");
  }
  io::write_omex(source, archive);
  if (!common.quiet) fmt::print("COMBINE archive: {}\n", archive.string());
  return exit_code::ok;
}

int schema_doc(bool json) {
  if (json) {
    fmt::print("{}", schema::scenario_json_schema(make_builtin_registry()));
    return exit_code::ok;
  }
  fmt::print("{}", schema::to_markdown(core_schema()));
  const Registry registry = make_builtin_registry();
  for (const auto& t : registry.therapies()) {
    fmt::print("\n### therapy `{}`: {}\n\n", t.name, t.summary);
    fmt::print("{}", schema::to_markdown(t.schema, "therapies[]"));
  }
  return exit_code::ok;
}

}  // namespace bungner::cli
