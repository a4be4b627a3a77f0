// bench-study: throughput of an in-silico phase-3 trial (`bungner study` with a [trial] table:
// human median nerve, suture against suture + ALCAR, 1:1 block randomisation, monthly MRC
// assessments over 24 months, dropout, Kaplan-Meier, log-rank and simulated power), at 1 and 2
// MPI processes (threads when mpirun is missing). Prints one JSON object per measurement and a
// summary with the parallel efficiency and the projected wall time of a 1000-patient trial:
//   build/bin/bench-study [--subjects N]
// With --cohort it measures the default study instead (scenarios/studies/rat-sciatic-10mm-msc.toml:
// 64 rats on the 1D model, eight arms of eight) at 1 and 2 threads. --bungner runs another build's
// executable (e.g. the previous commit's), so that two builds are measured by the same driver.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

int main(int argc, char** argv) {
  CLI::App app{"bench-study: study throughput at 1 and 2 processes"};
  int subjects = 8;
  app.add_option("--subjects", subjects, "patients per measurement")->check(CLI::Range(4, 100000));
  bool cohort = false;
  app.add_flag("--cohort", cohort, "the default study instead: 64 rats on the 1D model, at 1 and 2 threads");
  std::string other;
  app.add_option("--bungner", other, "the bungner executable to measure (default: the one beside bench-study)");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  const fs::path bungner = other.empty() ? bin / "bungner" : fs::path(other);
  const fs::path work = fs::temp_directory_path() / fmt::format("bench-study-{}", ::getpid());
  fs::create_directories(work);
  if (cohort) {
    const fs::path study = fs::path(BUNGNER_SOURCE_DIR) / "scenarios/studies/rat-sciatic-10mm-msc.toml";
    constexpr int rats = 64;
    for (int threads = 1; threads <= 2; ++threads) {
      const std::string command = fmt::format("{} -q study {} --out {} --force --threads {} > /dev/null 2>&1", bungner.string(),
                                              study.string(), (work / fmt::format("cohort{}", threads)).string(), threads);
      const auto start = std::chrono::steady_clock::now();
      const int code = std::system(command.c_str());
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (code != 0) {
        fmt::print(stderr, "bench-study: command failed: {}\n", command);
        return 1;
      }
      fmt::print(
          "{{\"cohort\": \"rat sciatic 10 mm, 1D, 8 arms x 8\", \"subjects\": {}, \"threads\": {}, "
          "\"seconds\": {:.3f}, \"subjects_per_minute\": {:.3f}}}\n",
          rats, threads, seconds, rats * 60.0 / seconds);
    }
    fs::remove_all(work);
    return 0;
  }
  const fs::path scenario = fs::path(BUNGNER_SOURCE_DIR) / "scenarios/examples/human-median-suture.toml";
  {
    std::ofstream study(work / "trial.toml");
    study << fmt::format(R"(title = "bench-study: phase-3 trial, human median nerve, 24 months"
base = "{}"
seed = 1
[trial]
phase = 3
patients = {}
allocation = "1:1"
block_size = 4
accrual_per_month = 40
dropout_per_month = "1 %"
endpoint = "mrc_motor_grade.abductor_pollicis_brevis"
threshold = 4
horizon = "24 months"
assessment_interval = "1 month"
replicates = 200
[[arms]]
name = "suture"
[[arms]]
name = "suture + ALCAR"
set = {{ therapies = [{{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day", start = "0 d" }}] }}
[[variability]]
parameter = "axon_regeneration.speed"
cv = "20 %"
)",
                         scenario.string(), subjects);
  }
  const bool have_mpirun = std::system("command -v mpirun > /dev/null 2>&1") == 0;
  double per_minute[3] = {0, 0, 0};
  for (int processes = 1; processes <= 2; ++processes) {
    const std::string launcher =
        have_mpirun ? fmt::format("mpirun --allow-run-as-root --oversubscribe -n {} ", processes) : std::string();
    const std::string threads = have_mpirun ? "1" : std::to_string(processes);
    const std::string command =
        fmt::format("{}{} -q study {} --out {} --force --threads {} > /dev/null 2>&1", launcher, bungner.string(),
                    (work / "trial.toml").string(), (work / fmt::format("out{}", processes)).string(), threads);
    const auto start = std::chrono::steady_clock::now();
    const int code = std::system(command.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (code != 0) {
      fmt::print(stderr, "bench-study: command failed: {}\n", command);
      return 1;
    }
    per_minute[processes] = subjects * 60.0 / seconds;
    fmt::print(
        "{{\"processes\": {}, \"mode\": \"{}\", \"subjects\": {}, \"seconds\": {:.3f}, \"subjects_per_minute\": {:.3f}}}\n",
        processes, have_mpirun ? "mpi" : "threads", subjects, seconds, per_minute[processes]);
  }
  const double efficiency = per_minute[2] / (2 * per_minute[1]);
  fmt::print(
      "{{\"trial\": \"phase 3, human median nerve, 24 months, monthly MRC\", \"patients\": {}, "
      "\"subjects_per_minute_1\": {:.3f}, \"subjects_per_minute_2\": {:.3f}, \"parallel_efficiency_2\": {:.3f}, "
      "\"projected_1000_patient_trial_minutes_at_1_process\": {:.1f}, "
      "\"projected_1000_patient_trial_minutes_at_2_processes\": {:.1f}}}\n",
      subjects, per_minute[1], per_minute[2], efficiency, 1000.0 / per_minute[1], 1000.0 / per_minute[2]);
  fs::remove_all(work);
  return 0;
}
