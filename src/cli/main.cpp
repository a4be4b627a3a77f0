// bungner: command-line entry point. Maps library exceptions to the documented exit codes:
// 0 ok, 2 invalid input (scenario, options, output directory), 3 runtime failure.
#include <mpi.h>
#include <omp.h>
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "bungner/core/build_info.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/core/text.hpp"
#include "bungner/scenario/scenario.hpp"
#include "commands.hpp"

namespace {

/// Whether this process was started by an MPI launcher (mpirun/srun): only then is MPI
/// initialised, so a plain `bungner` never pays for it.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

int run_cli(int argc, char** argv, bungner::cli::CommonOptions& common);

/// A positive integer from the environment, or 0 when the variable is unset or not one.
int environment_count(const char* name) {
  const char* text = std::getenv(name);
  const auto value = text != nullptr ? bungner::text::parse_unsigned(text) : std::nullopt;
  return value && *value < (1U << 20U) ? static_cast<int>(*value) : 0;
}

/// Tasks started by `srun` without MPI (no PMI in the environment) do not know each other: each
/// would run the whole job into the same output directory. Names the task, or returns empty.
/// SLURM_STEP_NUM_TASKS, not SLURM_NTASKS: a batch script itself (one process) sees the job's
/// SLURM_NTASKS too, but only the tasks of an srun step see their step's count.
std::string uncoordinated_slurm_task() {
  const int tasks = environment_count("SLURM_STEP_NUM_TASKS");
  if (tasks <= 1) return {};
  const char* id = std::getenv("SLURM_PROCID");
  return fmt::format(
      "started as task {} of {} by srun without MPI (SLURM_STEP_NUM_TASKS={}, and no OMPI_COMM_WORLD_SIZE, "
      "PMI_SIZE or PMIX_RANK): the {} copies would each run everything into the same output "
      "directory. Run under MPI (srun --mpi=pmix, or mpirun), or give each task its own shard "
      "(`study --shard $SLURM_PROCID/$SLURM_STEP_NUM_TASKS --out DIR` per task, then `bungner gather`)",
      id != nullptr ? id : "?", tasks, tasks, tasks);
}

/// Content names for the help's examples. The engine names no content item (issue 20), so they
/// come from data/cli/help-examples.toml; placeholders stand in when that file cannot be read, so
/// that --help never fails.
struct HelpNames {
  std::string study = "STUDY.toml";
  std::string parameter = "PARAMETER";
  std::string parameter_range = "LOW..HIGH UNIT";
  std::string parameter_to_explain = "PARAMETER";
  std::string therapy = "THERAPY";
  std::string observation = "OBSERVATION";
};

HelpNames help_names() {
  HelpNames names;
  const std::filesystem::path file = std::filesystem::path(bungner::data_directory()) / "cli" / "help-examples.toml";
  try {
    const toml::table t = toml::parse_file(file.string());
    for (auto [key, field] : {std::pair{"study", &names.study},
                              {"parameter", &names.parameter},
                              {"parameter_range", &names.parameter_range},
                              {"parameter_to_explain", &names.parameter_to_explain},
                              {"therapy", &names.therapy},
                              {"observation", &names.observation}})
      if (auto value = t[key].value<std::string>()) *field = *value;
  } catch (const toml::parse_error&) {
    // Missing or unreadable: the placeholders.
  }
  return names;
}

/// --help-all lists each subcommand as "Subcommand NAME:" with its description and one line per
/// argument and option (help2man makes a subsection of each for the man page).
class HelpAllFormatter : public CLI::Formatter {
 public:
  std::string make_expanded(const CLI::App* sub) const override {
    std::ostringstream out;
    out << "\nSubcommand " << sub->get_name() << ":\n  " << sub->get_description() << "\n\n";
    bool positionals = false;
    for (const CLI::Option* o : sub->get_options([](const CLI::Option* x) { return x->get_positional(); })) {
      out << make_option(o, true);
      positionals = true;
    }
    if (positionals) out << "\n";
    for (const CLI::Option* o : sub->get_options([&](const CLI::Option* x) {
           return x->nonpositional() && x != sub->get_help_ptr() && x != sub->get_help_all_ptr();
         }))
      out << make_option(o, false);
    return out.str();
  }
};

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (or a full quota) must show up as a failed write, reported with exit code 3
  // and no file under a final name, not as a SIGXFSZ that kills the process.
  std::signal(SIGXFSZ, SIG_IGN);
  bungner::cli::CommonOptions common;
  const bool mpi = launched_by_mpi();
  if (mpi) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &common.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &common.ranks);
    common.barrier = [] { MPI_Barrier(MPI_COMM_WORLD); };
    common.all_ok = [](bool ok) {
      int mine = ok ? 1 : 0, all = 0;
      MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      return all == 1;
    };
    common.all_or = [](std::vector<std::uint64_t>& words) {
      if (words.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::length_error("all_or: more words than one MPI call carries");
      MPI_Allreduce(MPI_IN_PLACE, words.data(), static_cast<int>(words.size()), MPI_UINT64_T, MPI_BOR, MPI_COMM_WORLD);
    };
  }
  common.uncoordinated_task = mpi ? std::string() : uncoordinated_slurm_task();
  // Threads per process: --threads, else OMP_NUM_THREADS, else what Slurm gave the task
  // (SLURM_CPUS_PER_TASK), at most what the process may run on (OpenMP's default follows the
  // affinity mask Slurm binds the task to; an inherited SLURM_CPUS_PER_TASK can be larger).
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {
    const int cpus = environment_count("SLURM_CPUS_PER_TASK");
    if (cpus > 0) omp_set_num_threads(std::min(cpus, omp_get_max_threads()));
  }
  const int code = run_cli(argc, argv, common);
  if (mpi && code != bungner::exit_code::ok && common.ranks > 1) {
    // The other ranks may be waiting for this one in a collective (a barrier, the exchange of
    // finished subjects) and would wait forever: end them all, with this rank's exit code. Its
    // message is out already.
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
  }
  if (mpi) MPI_Finalize();
  return code;
}

namespace {

int run_cli(int argc, char** argv, bungner::cli::CommonOptions& common) {
  using namespace bungner;
  CLI::App app{"bungner: in-silico laboratory for peripheral nerve injury and repair"};
  app.require_subcommand(1);
  // -q and -v (and --version) are read after the subcommand too: `bungner run x.toml -q`.
  app.fallthrough();
  // --help shows every option's default.
  app.option_defaults()->always_capture_default();
  // --help-all: every subcommand's options in one page (the man page is made from it).
  app.set_help_all_flag("--help-all", "Print help for every subcommand and exit");
  app.formatter(std::make_shared<HelpAllFormatter>());
  for (int i = 0; i < argc; ++i) common.command_line += (i ? " " : "") + std::string(argv[i]);
  app.add_flag("-q,--quiet", common.quiet, "Only errors (no progress)");
  app.add_flag("-v,--verbose", common.verbose, "Debug logging");
  app.set_version_flag("--version", std::string("bungner ") + build_info::version + " (" + build_info::git_commit + ")");

  cli::RunArguments run_args;
  auto* run = app.add_subcommand("run", "Run a scenario and write run.json, timeseries.csv, readouts.csv");
  run->add_option("scenario", run_args.scenario, "Scenario file (TOML); optional with --resume DIR");
  auto* run_resume = run->add_option("--resume", run_args.resume,
                                     "Continue an interrupted run from its checkpoint, in DIR or else in the output "
                                     "directory (--out, output.directory or runs/<stem>)")
                         ->expected(0, 1)
                         ->type_name("[DIR]");
  run->add_option("-o,--out", run_args.output_dir, "Output directory (default: output.directory or runs/<stem>)");
  run->add_flag("-f,--force", run_args.force, "Replace a previous run in the output directory");
  run->add_option("-t,--threads", run_args.threads, "OpenMP threads (results do not depend on it)")->check(CLI::Range(1, 1024));
  run->add_option("--seed", run_args.seed, "Override the scenario's seed")->check(CLI::NonNegativeNumber);
  run->add_option("--set", run_args.overrides, "Override a scenario key: --set injury.gap_length=\"10 mm\"");
  run->add_option("--design", run_args.design, "Design table CSV (bungner design); with --row, for job arrays");
  run->add_option("--row", run_args.row, "Row of the design table to run")->check(CLI::NonNegativeNumber);

  cli::DesignArguments design_args;
  auto* design = app.add_subcommand("design", "Write a design table (grid, Latin hypercube or Sobol) as CSV");
  design->add_option("--method", design_args.method, "lhs, sobol or grid")->check(CLI::IsMember({"lhs", "sobol", "grid"}));
  design->add_option("-n,--points", design_args.points, "points (grid: levels per parameter)")->check(CLI::Range(1, 10000000));
  design->add_option("--param", design_args.parameters, "name=low..high unit [log], repeatable")->required();
  design->add_option("--seed", design_args.seed, "seed (Latin hypercube)");
  design->add_option("-o,--out", design_args.output, "CSV file (default: standard output)");

  cli::StudyArguments study_args;
  auto* study = app.add_subcommand("study", "Run a virtual cohort study: arms, subjects, statistics");
  study->add_option("study", study_args.study, "Study file (TOML)");
  study->add_option("-o,--out", study_args.output_dir, "Output directory (default: runs/<stem>)");
  study->add_flag("-f,--force", study_args.force, "Start over in a directory holding a previous study");
  auto* study_resume = study
                           ->add_option("--resume", study_args.resume_dir,
                                        "Continue an interrupted study, keeping finished subjects, in DIR or else in "
                                        "the output directory (--out or runs/<stem>)")
                           ->expected(0, 1)
                           ->type_name("[DIR]");
  study->add_flag(
      "--dry-run", study_args.dry_run,
      "Validate the study (every arm and readout) and print its plan: arms, subjects, readouts; run and write nothing");
  study->add_option("-t,--threads", study_args.threads, "Subjects run in parallel on this many threads")
      ->check(CLI::Range(1, 1024));
  study
      ->add_option("--shard", study_args.shard,
                   "K/N: run only job K of N of a job array (subjects j with j mod N = K); `bungner gather` merges "
                   "the N output directories")
      ->type_name("K/N");
  const auto uncertainty_options = [](CLI::App* command, std::size_t& draws, std::string& from, const std::string& what) {
    command
        ->add_option("--uncertainty", draws,
                     "Draw N parameter sets (from --uncertainty-from or the study's [uncertainty] table) and run " + what +
                         " once per set; adds 5-95 % predictive intervals (docs/uncertainty.md)")
        ->type_name("N")
        ->check(CLI::Range(1, 100000));
    command
        ->add_option("--uncertainty-from", from,
                     "Where the parameter sets come from: a posterior.csv of `bungner calibrate` or a TOML file with an "
                     "[uncertainty] table")
        ->type_name("FILE");
  };
  uncertainty_options(study, study_args.uncertainty, study_args.uncertainty_from, "each arm's subjects");
  uncertainty_options(run, run_args.uncertainty, run_args.uncertainty_from, "the scenario (into DIR/uncertainty/)");

  cli::GatherArguments gather_args;
  auto* gather = app.add_subcommand("gather", "Merge the output directories of a study's job-array shards into the study");
  gather->add_option("dirs", gather_args.dirs, "Output directories of the shards (study --shard K/N)")->required();
  gather->add_option("-o,--out", gather_args.output_dir, "Output directory of the merged study")->required();
  gather->add_option("--study", gather_args.study, "Study file (default: the one the shards recorded)");
  gather->add_option("--design", gather_args.design,
                     "Design table: the DIRs are the runs of `run --design FILE --row N`, one per row; writes "
                     "design_results.csv (rows with their values and readouts) and design.json");
  gather->add_flag("-f,--force", gather_args.force, "Replace a previous study in the output directory");
  uncertainty_options(gather, gather_args.uncertainty, gather_args.uncertainty_from, "each arm's subjects (as the shards did)");

  cli::SensitivityArguments sens;
  auto* sensitivity = app.add_subcommand("sensitivity", "Morris elementary effects or Sobol indices of a readout");
  sensitivity->add_option("scenario", sens.scenario, "Scenario file (TOML)")->required();
  sensitivity->add_option("--method", sens.method, "morris or sobol")->check(CLI::IsMember({"morris", "sobol"}));
  sensitivity->add_option("--param", sens.parameters, "name=low..high unit [log], repeatable")->required();
  const HelpNames names = help_names();
  sensitivity->add_option("--readout", sens.readout, "observation, e.g. " + names.observation)->required();
  sensitivity->add_option("--at", sens.at, "time of the readout, e.g. \"12 weeks\"")->required();
  sensitivity->add_option("--trajectories", sens.trajectories, "Morris trajectories")->check(CLI::Range(2, 100000));
  sensitivity->add_option("--samples", sens.samples, "Sobol base samples N (N (k + 2) runs)")->check(CLI::Range(2, 10000000));
  sensitivity->add_option("--seed", sens.seed, "seed of the design");
  sensitivity->add_option("--set", sens.overrides, "Override a scenario key");
  sensitivity
      ->add_option("--work", sens.work_dir,
                   "Save every model run in DIR as it finishes (on a shared file system under MPI), so that a killed "
                   "analysis resumes with --resume")
      ->type_name("DIR");
  sensitivity->add_flag("--resume", sens.resume, "Continue the analysis saved in --work DIR; only the missing runs are run");
  sensitivity->add_flag("-f,--force", sens.force, "Start again although --work DIR holds an analysis");
  sensitivity->add_option("-t,--threads", sens.threads, "model runs in parallel")->check(CLI::Range(1, 1024));
  sensitivity->add_option("-o,--out", sens.output, "CSV table (default: standard output)");

  std::string file;
  std::vector<std::string> overrides;
  auto* check = app.add_subcommand("check", "Validate a scenario, study, validation case or calibration file without running it");
  check->add_option("file", file, "Scenario, study or validation case file (TOML)")->required();
  check->add_option("--set", overrides, "Override a scenario key");
  auto* print = app.add_subcommand("print-config", "Print the resolved scenario with every default filled in");
  print->add_option("scenario", file, "Scenario file (TOML)")->required();
  print->add_option("--set", overrides, "Override a scenario key");

  std::string pattern;
  bool markdown = false;
  auto* params = app.add_subcommand("params", "List model parameters (optionally matching a pattern)");
  params->add_option("pattern", pattern, "Glob or substring, e.g. 'axon_*'");
  params->add_flag("--markdown", markdown, "Markdown table (docs/parameters.md)");
  std::string name;
  auto* explain = app.add_subcommand("explain", "Show a parameter's value, unit, ranges and source, or a therapy's keys");
  explain->add_option("name", name, fmt::format("Parameter or therapy name, e.g. {}, {}", names.parameter, names.therapy))
      ->required();
  std::string list_what = "therapies";
  auto* list = app.add_subcommand("list", "List the registered therapies (with their keys), mechanisms or readouts");
  list->add_option("what", list_what, "therapies (default), mechanisms or readouts");
  explain->add_option("--scenario", file, "Show the value this scenario resolves to");
  auto* units = app.add_subcommand("units", "List the unit table");
  units->add_flag("--markdown", markdown, "Markdown table");
  auto* schema = app.add_subcommand("schema", "Document the scenario keys (Markdown, or a JSON Schema for editors)");
  bool json_schema = false;
  schema->add_flag("--json", json_schema,
                   "Print the scenario language as a JSON Schema (docs/scenario.schema.json: editors complete and check TOML "
                   "with it)");
  std::string export_dir, export_out;
  auto* export_command =
      app.add_subcommand("export", "Write a run or study as a COMBINE archive (OMEX): inputs, outputs, manifest, provenance");
  export_command->add_option("dir", export_dir, "Output directory of a run or a study")->required();
  bool omex = true;  // the only format so far: the flag states it
  export_command->add_flag("--omex", omex, "The format: a COMBINE archive (the only one so far; the default)");
  export_command->add_option("-o,--out", export_out, "Archive file (default: DIR.omex next to DIR)");
  std::string report_dir;
  auto* report = app.add_subcommand("report", "Write DIR/report.html: plots, tables and provenance of a run or study");
  report->add_option("dir", report_dir, "Output directory of a run or a study")->required();
  bool static_plots = false;
  report->add_flag("--static", static_plots,
                   "Draw the plots as static SVG: no JavaScript in the page (the only way in a build without the "
                   "plotting libraries)");

  cli::ValidateArguments validate_args;
  auto* validate = app.add_subcommand("validate", "Run the validation cases against the evidence base; write a scorecard");
  validate->add_option("--filter", validate_args.filter,
                       "Only evidence ids, entries or case names matching this glob (e.g. 'E2*')");
  validate->add_flag("--json", validate_args.json, "Print the totals as one line of JSON, last");
  validate->add_flag("--print-frozen", validate_args.print_frozen,
                     "Print the criteria fingerprints of the test entries (data/evidence/frozen.toml) and run nothing");
  validate->add_option("-o,--out", validate_args.output_dir, "Output directory (default: runs/validation)");
  validate->add_option("--cases", validate_args.cases_dir, "Folder of validation cases (default: validation/)");
  validate->add_option("--evidence", validate_args.evidence, "Evidence base CSV (default: data/evidence/evidence.csv)");
  validate->add_option("--calibration", validate_args.calibration,
                       "Calibration record (default: data/evidence/calibration.toml)");
  validate->add_option("-t,--threads", validate_args.threads, "Subjects run in parallel on this many threads")
      ->check(CLI::Range(1, 1024));
  uncertainty_options(validate, validate_args.uncertainty, validate_args.uncertainty_from, "every case's subjects");

  cli::CalibrateArguments calibrate_args;
  auto* calibrate = app.add_subcommand("calibrate", "Calibrate model parameters to fit entries by ABC-SMC; write the posterior");
  calibrate->add_option("file", calibrate_args.file, "Calibration file (TOML; docs/calibration-abc.md)")->required();
  calibrate->add_option("-o,--out", calibrate_args.output_dir, "Output directory (default: runs/calibration/<file stem>)");
  calibrate->add_option("-t,--threads", calibrate_args.threads, "Proposals evaluated in parallel on this many threads")
      ->check(CLI::Range(1, 1024));
  calibrate->add_flag("--resume", calibrate_args.resume, "Continue an interrupted calibration from its checkpoint (same result)");
  calibrate->add_flag("-f,--force", calibrate_args.force, "Start again although the output directory holds a checkpoint");

  cli::ServeArguments serve_args;
  auto* serve = app.add_subcommand(
      "serve", "Open the local web workbench: edit, check and run scenarios and studies, see their plots and 3D site");
  serve->add_option("dir", serve_args.workspace, "Workspace folder: the only files the workbench reads and writes")
      ->check(CLI::ExistingDirectory);
  serve->add_option("-p,--port", serve_args.port, "Port on 127.0.0.1 (the only address it listens on); 0: any free port")
      ->check(CLI::Range(0, 65535));
  serve->add_option("-j,--jobs", serve_args.jobs, "Jobs (runs, studies, validation) running at once; more are refused")
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--axon-mb", serve_args.axon_mb,
                   "Axon files of the 3D viewer larger than this many MB are drawn thinned (every k-th axon)")
      ->check(CLI::Range(0.0, 512.0));

  // Defaults that mean "not given" (an empty list, -1, 0 threads) say nothing useful in --help.
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    for (CLI::Option* option : command->get_options())
      if (const std::string d = option->get_default_str();
          d == "[]" || d == "-1" || (d == "0" && option->check_name("--threads")))
        option->default_str("");
  // Examples and exit codes close every --help page (subcommands get their own examples).
  const std::string exit_codes =
      "Exit status:\n"
      "  0  success\n"
      "  2  invalid input (scenario, study, preset, option, or an output directory that may not be\n"
      "     written); nothing is written\n"
      "  3  runtime failure (I/O error, numerical failure); no file is left under a final name\n";
  const auto examples = [&](CLI::App* command, const std::string& lines) {
    command->footer("Examples:\n" + lines + "\n" + exit_codes);
  };
  examples(&app, fmt::format("  bungner run scenarios/rat-sciatic-crush.toml --out runs/crush\n"
                             "  bungner study {} -q\n"
                             "  bungner check my.toml --set 'repair.timing=\"8 weeks\"'\n"
                             "  bungner explain {}\n"
                             "  bungner validate --filter 'E2*' --json\n"
                             "  bungner <subcommand> --help   (options of one subcommand)\n",
                             names.study, names.parameter));
  examples(run,
           "  bungner run scenarios/rat-sciatic-crush.toml --out runs/crush --threads 2\n"
           "  bungner run my.toml --set 'injury.gap_length=\"10 mm\"' --seed 7\n"
           "  bungner run --resume runs/crush        (continue a killed run from its checkpoint)\n"
           "  bungner run my.toml --resume           (the same, in my.toml's output directory)\n");
  examples(study,
           "  bungner study scenarios/studies/alcar-dose-response.toml --out runs/alcar\n"
           "  bungner study scenarios/studies/alcar-dose-response.toml --resume runs/alcar\n"
           "  mpirun -n 2 bungner study STUDY.toml   (subjects spread over MPI processes)\n"
           "  bungner study STUDY.toml --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT --out runs/s$SLURM_ARRAY_TASK_ID\n");
  examples(gather, "  bungner gather runs/s0 runs/s1 runs/s2 runs/s3 --out runs/study   (after a 4-job array)\n");
  examples(design, fmt::format("  bungner design --method lhs -n 20 --param '{}={}' -o design.csv\n", names.parameter,
                               names.parameter_range));
  examples(sensitivity, fmt::format("  bungner sensitivity my.toml --param '{}={}' \\\n"
                                    "      --readout {} --at '12 weeks' --method morris\n",
                                    names.parameter, names.parameter_range, names.observation));
  examples(check, "  bungner check my.toml\n  bungner check my.toml --set 'repair.type=\"autograft\"'\n");
  examples(print, "  bungner print-config my.toml > resolved.toml\n");
  examples(params, "  bungner params 'muscle_*'\n  bungner params --markdown > docs/parameters.md\n");
  examples(explain, fmt::format("  bungner explain {}\n  bungner explain {}\n", names.parameter_to_explain, names.therapy));
  examples(list, "  bungner list therapies\n  bungner list readouts\n");
  examples(units, "  bungner units\n");
  examples(schema, "  bungner schema > docs/scenario-keys.md\n");
  examples(report, "  bungner report runs/crush\n");
  examples(validate, "  bungner validate\n  bungner validate --filter 'E2*' --json\n");
  examples(serve,
           "  bungner serve                 (this folder; open the printed http://127.0.0.1:PORT/?token=... URL)\n"
           "  bungner serve --port 8765 ~/nerve-work\n");
  examples(calibrate,
           "  bungner calibrate examples/calibration/rat-neuron-loss.toml --threads 2\n"
           "  bungner calibrate examples/calibration/rat-neuron-loss.toml --resume   (after a kill)\n"
           "  mpirun -n 4 bungner calibrate FILE --threads 1   (each generation's particles spread over MPI processes)\n");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_code::invalid_input;
  }

  // `--resume` takes an optional DIR in both run and study. A file given there is the scenario or
  // study written after the flag (`bungner study --resume STUDY.toml`, as before).
  const auto is_file = [](const std::string& path) {
    std::error_code ec;
    return !path.empty() && std::filesystem::is_regular_file(path, ec);
  };
  if (run_resume->count() > 0) {
    run_args.resume_requested = true;
    if (run_args.scenario.empty() && is_file(run_args.resume)) std::swap(run_args.scenario, run_args.resume);
  }
  if (study_resume->count() > 0) {
    study_args.resume = true;
    if (study_args.study.empty() && is_file(study_args.resume_dir)) std::swap(study_args.study, study_args.resume_dir);
  }
  if (study->parsed() && study_args.study.empty()) {
    fmt::print(stderr, "study: a study file is required\nRun with --help for more information.\n");
    return exit_code::invalid_input;
  }

  auto logger = spdlog::stderr_color_mt("bungner");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S] %^%l%$ %v");
  spdlog::set_level(common.quiet ? spdlog::level::warn : common.verbose ? spdlog::level::debug : spdlog::level::info);

  // The commands that write outputs refuse to run as uncoordinated copies; a shard of a study
  // (`--shard $SLURM_PROCID/N` with its own --out) and a dry run are coordinated by construction.
  const bool coordinated = study->parsed() && (!study_args.shard.empty() || study_args.dry_run);
  for (const auto* writes : {run, study, gather, sensitivity, validate, calibrate})
    if (writes->parsed() && !coordinated && !common.uncoordinated_task.empty()) {
      fmt::print(stderr, "error: {}; nothing was written\n", common.uncoordinated_task);
      return exit_code::invalid_input;
    }

  try {
    if (run->parsed()) return cli::run(run_args, common);
    if (study->parsed()) return cli::study(study_args, common);
    if (gather->parsed()) return cli::gather(gather_args, common);
    if (design->parsed()) return cli::design(design_args);
    if (sensitivity->parsed()) return cli::sensitivity(sens, common);
    if (check->parsed()) return cli::check(file, overrides, common);
    if (print->parsed()) return cli::print_config(file, overrides);
    if (params->parsed()) return cli::params(pattern, markdown);
    if (explain->parsed()) return cli::explain(name, file);
    if (list->parsed()) return cli::list_items(list_what);
    if (units->parsed()) return cli::units_table(markdown);
    if (schema->parsed()) return cli::schema_doc(json_schema);
    if (report->parsed()) return cli::report(report_dir, static_plots, common);
    if (export_command->parsed()) return cli::export_archive(export_dir, export_out, common);
    if (validate->parsed()) return cli::validate(validate_args, common);
    if (calibrate->parsed()) return cli::calibrate(calibrate_args, common);
    if (serve->parsed()) return cli::serve(serve_args, common);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", format_diagnostic(d));
    std::size_t errors = 0;
    for (const auto& d : e.diagnostics()) errors += d.severity == Diagnostic::Severity::error ? 1 : 0;
    fmt::print(stderr, "{} error{}; nothing was written\n", errors, errors == 1 ? "" : "s");
    return exit_code::invalid_input;
  } catch (const ModelError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return exit_code::invalid_input;
  } catch (const std::exception& e) {
    fmt::print(stderr, "runtime failure: {}\n", e.what());
    return exit_code::runtime_failure;
  }
  return exit_code::usage;
}

}  // namespace
