#pragma once
// Runs, studies, validation and calibration started from the workbench: each is the bungner
// executable itself in a child process, so a crash or a kill of one job never takes the server
// down, and what a job writes is exactly what the command line writes.
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bungner::serve {

/// `interrupted`: running when its server stopped without cancelling it (killed, crashed); found so
/// in the job list on the next start. Resumable like a cancelled job.
enum class JobState { running, succeeded, failed, cancelled, interrupted };
const char* job_state_name(JobState state);

/// What a request asks to start, checked and resolved to paths inside the workspace.
struct JobSpec {
  std::string kind;                    ///< run, study, validate or calibrate (the subcommand)
  std::string input;                   ///< the scenario, study or calibration file (workspace-relative)
  std::string output;                  ///< the output folder (workspace-relative)
  std::vector<std::string> arguments;  ///< the subcommand and its arguments, absolute paths
};

struct JobStatus {
  int id = 0;
  std::string kind, input, output;
  JobState state = JobState::running;
  int exit_code = -1;   ///< when finished
  double percent = -1;  ///< from the job's last progress line; -1 before the first
  std::string eta;      ///< from the same line ("12s"), empty before it
  double elapsed_s = 0;
  double started = 0;    ///< seconds since the epoch
  double finished = 0;   ///< seconds since the epoch; 0 while running
  std::string log_tail;  ///< the last lines of its standard output and error
};

/// The percent done and ETA of a progress log line ("study: 25/64 subjects (39%), elapsed 3s, ETA
/// 5s", "run: 40% done, elapsed 2s, ETA 3s"): the last such line in `log`.
std::optional<std::pair<double, std::string>> last_progress(const std::string& log);

/// The jobs of one workbench. Thread-safe. At most `max_running` run at once; the destructor
/// cancels those still running and waits for them.
///
/// With a `journal` file, the job list outlives the server: it is written there (to a temporary
/// name, then renamed) whenever a job starts or ends and every few seconds while one writes to its
/// log, and read back on construction, where a job still `running` in it becomes `interrupted`
/// (and its process, if it still runs, is asked to stop: nobody reads its output any more). The
/// journal keeps the newest 200 jobs (and any running). The journal's folder is locked while the runner lives, so that two
/// servers never share one job list: a second runner on it throws std::runtime_error, as does a journal that cannot be read.
class JobRunner {
 public:
  JobRunner(std::filesystem::path executable, std::filesystem::path workspace, std::size_t max_running,
            std::filesystem::path journal = {});
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  /// Starts the job; its id, or nothing when `max_running` jobs are running already. Throws
  /// std::system_error when the process cannot be started.
  std::optional<int> start(const JobSpec& spec);
  std::vector<JobStatus> list() const;
  std::optional<JobStatus> status(int id) const;
  /// Asks a running job to stop (SIGTERM; bungner leaves no partial file behind). False when no
  /// such job runs.
  bool cancel(int id);

 private:
  struct Job;
  void watch(Job& job);
  JobStatus status_of(const Job& job) const;
  void load_journal();
  /// Writes the journal; called with mutex_ held.
  void save_journal_locked();

  std::filesystem::path executable_;
  std::filesystem::path workspace_;
  std::size_t max_running_;
  std::filesystem::path journal_;
  int journal_lock_ = -1;  ///< flock()ed descriptor of the journal's folder
  mutable std::mutex mutex_;
  std::map<int, std::unique_ptr<Job>> jobs_;
  int next_id_ = 1;
};

}  // namespace bungner::serve
