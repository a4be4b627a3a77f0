// bench-calibrate: throughput of `bungner calibrate` (ABC-SMC, docs/calibration-abc.md) through
// the validation case of the rat sciatic transection (E24-E26: the untreated arm, 4 rats over
// 60 days per evaluation), the two parameters of examples/calibration/rat-neuron-loss.toml, at 1
// and 2 MPI processes (threads when mpirun is missing). One generation by default: generation 0,
// whose N particles are N distance evaluations. Prints one JSON object per measurement (wall time,
// evaluations, model runs per second) and a summary with the parallel efficiency:
//   build/bin/bench-calibrate [--particles 256] [--generations 1]
// Each process runs its proposals on one thread, so 2 processes use 2 cores. --bungner measures
// another build's executable with the same driver.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

int main(int argc, char** argv) {
  CLI::App app{"bench-calibrate: ABC-SMC throughput at 1 and 2 processes"};
  std::size_t particles = 256;
  app.add_option("--particles", particles, "particles N (default 256)")->check(CLI::Range(2, 1000000));
  std::size_t generations = 1;
  app.add_option("--generations", generations, "generations, the prior's included (default 1)")->check(CLI::Range(1, 100));
  std::string other;
  app.add_option("--bungner", other, "the bungner executable to measure (default: the one beside bench-calibrate)");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  const fs::path bungner = other.empty() ? bin / "bungner" : fs::path(other);
  const fs::path work = fs::temp_directory_path() / fmt::format("bench-calibrate-{}", ::getpid());
  fs::create_directories(work);
  const fs::path source = BUNGNER_SOURCE_DIR;
  {
    std::ofstream file(work / "calibration.toml");
    file << fmt::format(R"TOML(title = "bench-calibrate: sensory neuron loss after transection (E24-E26)"
seed = 20261207
particles = {}
cases = "{}"
evidence = "{}"
[stop]
max_generations = {}
[[parameters]]
name = "neuron_survival.sensory_vulnerable_fraction"
[[parameters]]
name = "neuron_survival.death_time_constant"
prior = "log_uniform"
low = "5 d"
high = "40 d"
[[fit]]
entry = "E24"
[[fit]]
entry = "E25"
[[fit]]
entry = "E26"
)TOML",
                        particles, (source / "validation").string(), (source / "data/evidence/evidence.csv").string(),
                        generations);
  }
  const bool have_mpirun = std::system("command -v mpirun > /dev/null 2>&1") == 0;
  double per_second[3] = {0, 0, 0};
  std::string posterior[3];
  for (int processes = 1; processes <= 2; ++processes) {
    const fs::path out = work / fmt::format("out{}", processes);
    const std::string launcher =
        have_mpirun ? fmt::format("mpirun --allow-run-as-root --oversubscribe -n {} ", processes) : std::string();
    const std::string threads = have_mpirun ? "1" : std::to_string(processes);
    const std::string command = fmt::format("{}{} -q calibrate {} --out {} --force --threads {} > /dev/null 2>&1", launcher,
                                            bungner.string(), (work / "calibration.toml").string(), out.string(), threads);
    const auto start = std::chrono::steady_clock::now();
    const int code = std::system(command.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ifstream in(out / "calibration.json");
    const auto result = nlohmann::json::parse(in, nullptr, false);
    if (code != 0 || result.is_discarded()) {
      fmt::print(stderr, "bench-calibrate: command failed: {}\n", command);
      return 1;
    }
    std::size_t evaluations = 0;
    for (const auto& g : result["generations"]) evaluations += g["evaluations"].get<std::size_t>();
    const std::size_t runs = evaluations * result["subjects_per_evaluation"].get<std::size_t>();
    per_second[processes] = static_cast<double>(runs) / seconds;
    std::ifstream csv(out / "posterior.csv");
    posterior[processes].assign(std::istreambuf_iterator<char>(csv), std::istreambuf_iterator<char>());
    fmt::print(
        "{{\"processes\": {}, \"mode\": \"{}\", \"particles\": {}, \"generations\": {}, \"seconds\": {:.3f}, "
        "\"seconds_per_generation\": {:.3f}, \"evaluations\": {}, \"model_runs\": {}, \"model_runs_per_second\": {:.3f}, "
        "\"evaluations_per_second\": {:.3f}}}\n",
        processes, have_mpirun ? "mpi" : "threads", particles, result["generations"].size(), seconds,
        seconds / static_cast<double>(result["generations"].size()), evaluations, runs, per_second[processes],
        static_cast<double>(evaluations) / seconds);
  }
  // The result does not depend on the process count; a bench that silently measured two
  // different computations would compare nothing.
  if (posterior[1] != posterior[2]) {
    fmt::print(stderr, "bench-calibrate: posterior.csv differs between 1 and 2 processes\n");
    return 1;
  }
  fmt::print(
      "{{\"calibration\": \"rat sciatic transection, E24-E26, 2 parameters\", \"particles\": {}, "
      "\"model_runs_per_second_1\": {:.3f}, \"model_runs_per_second_2\": {:.3f}, \"parallel_efficiency_2\": {:.3f}}}\n",
      particles, per_second[1], per_second[2], per_second[2] / (2 * per_second[1]));
  fs::remove_all(work);
  return 0;
}
