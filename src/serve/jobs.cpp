#include "bungner/serve/jobs.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace bungner::serve {

namespace {

/// What a job's log keeps: its progress lines and final messages are near the end.
constexpr std::size_t log_capacity = 64 * 1024;
constexpr std::size_t log_tail_length = 4 * 1024;

/// A file descriptor closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor() { reset(); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

[[noreturn]] void throw_errno(int error, const char* what) { throw std::system_error(error, std::generic_category(), what); }

/// How often a running job's log tail is written to the journal at most: often enough that a
/// server killed mid-job leaves its last progress lines, rarely enough to cost nothing.
constexpr std::chrono::seconds journal_interval{2};
constexpr int journal_format = 1;
/// Jobs the list keeps across restarts, the newest (and every running one): older ones are in
/// their output folders' provenance, and a list of thousands would only slow the page.
constexpr std::size_t journal_jobs = 200;

double now_s() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

std::optional<JobState> job_state_from(std::string_view name) {
  for (JobState state : {JobState::running, JobState::succeeded, JobState::failed, JobState::cancelled, JobState::interrupted})
    if (name == job_state_name(state)) return state;
  return std::nullopt;
}

/// Whether process `pid` still runs `words` (its /proc command line): a job of a server that died,
/// and not another process that was given its id since.
bool runs_command(pid_t pid, const std::vector<std::string>& words) {
  std::ifstream in(fmt::format("/proc/{}/cmdline", pid), std::ios::binary);
  if (!in) return false;
  std::ostringstream content;
  content << in.rdbuf();
  std::string expected;
  for (const std::string& word : words) expected += word + '\0';
  return content.str() == expected;
}

}  // namespace

const char* job_state_name(JobState state) {
  switch (state) {
    case JobState::running: return "running";
    case JobState::succeeded: return "succeeded";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
    case JobState::interrupted: return "interrupted";
  }
  return "unknown";
}

std::optional<std::pair<double, std::string>> last_progress(const std::string& log) {
  // The lines of io::Progress in log mode, the only mode of a child whose stderr is a pipe.
  std::size_t eta = log.rfind(", ETA ");
  while (eta != std::string::npos) {
    const std::size_t line_start = log.rfind('\n', eta) == std::string::npos ? 0 : log.rfind('\n', eta) + 1;
    const std::size_t percent_sign = log.rfind('%', eta);
    if (percent_sign != std::string::npos && percent_sign > line_start) {
      std::size_t digits = percent_sign;
      while (digits > line_start && std::isdigit(static_cast<unsigned char>(log[digits - 1]))) --digits;
      if (digits < percent_sign) {
        const std::size_t eta_start = eta + 6;
        const std::size_t eta_end = log.find_first_of("\r\n", eta_start);
        return std::pair{text::parse_double(std::string_view(log).substr(digits, percent_sign - digits)).value_or(0.0),
                         log.substr(eta_start, eta_end == std::string::npos ? std::string::npos : eta_end - eta_start)};
      }
    }
    eta = eta == 0 ? std::string::npos : log.rfind(", ETA ", eta - 1);
  }
  return std::nullopt;
}

struct JobRunner::Job {
  int id = 0;
  JobSpec spec;
  pid_t pid = -1;
  FileDescriptor output;  // read end of the child's stdout and stderr
  JobState state = JobState::running;
  bool cancel_requested = false;
  int exit_code = -1;
  std::string log;
  std::vector<std::string> command;  // executable and arguments, as the process was started
  double started = now_s();          // seconds since the epoch (shown, and kept across restarts)
  double finished = 0;
  std::chrono::steady_clock::time_point journaled;  // when its log was last written to the journal
  std::thread watcher;
};

JobRunner::JobRunner(std::filesystem::path executable, std::filesystem::path workspace, std::size_t max_running,
                     std::filesystem::path journal)
    : executable_(std::move(executable)),
      workspace_(std::move(workspace)),
      max_running_(max_running),
      journal_(std::move(journal)) {
  if (journal_.empty()) return;
  std::filesystem::create_directories(journal_.parent_path());
  journal_lock_ = ::open(journal_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (journal_lock_ < 0) throw_errno(errno, "open the job list's folder");
  if (::flock(journal_lock_, LOCK_EX | LOCK_NB) != 0) {
    ::close(journal_lock_);
    throw std::runtime_error(fmt::format("{} is in use by another `bungner serve` of this workspace; stop that one first",
                                         journal_.parent_path().string()));
  }
  try {
    load_journal();
  } catch (...) {
    ::close(journal_lock_);
    throw;
  }
}

void JobRunner::load_journal() {
  std::error_code error;
  if (!std::filesystem::exists(journal_, error)) return;
  std::ifstream in(journal_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const nlohmann::json saved = nlohmann::json::parse(text.str(), nullptr, false);
  const auto damaged = [&](const std::string& why) {
    return std::runtime_error(
        fmt::format("the job list {} is damaged ({}); move it away to start with an empty list", journal_.string(), why));
  };
  if (!saved.is_object() || !saved.contains("jobs") || !saved["jobs"].is_array()) throw damaged("not a job list");
  if (const nlohmann::json& format = saved.value("format", nlohmann::json()); format != journal_format)
    throw damaged(fmt::format("format {}, not {}", format.dump(), journal_format));
  bool interrupted = false;
  for (const nlohmann::json& entry : saved["jobs"]) {
    auto job = std::make_unique<Job>();
    try {
      job->id = entry.at("id").get<int>();
      job->spec.kind = entry.at("kind").get<std::string>();
      job->spec.input = entry.at("input").get<std::string>();
      job->spec.output = entry.at("output").get<std::string>();
      job->spec.arguments = entry.at("arguments").get<std::vector<std::string>>();
      job->command = entry.at("command").get<std::vector<std::string>>();
      job->exit_code = entry.at("exit_code").get<int>();
      job->started = entry.at("started").get<double>();
      job->finished = entry.at("finished").get<double>();
      job->log = entry.at("log").get<std::string>();
      job->pid = entry.at("pid").get<pid_t>();
    } catch (const nlohmann::json::exception& e) {
      throw damaged(e.what());
    }
    const auto state = job_state_from(entry.value("state", ""));
    if (!state || job->id <= 0 || jobs_.count(job->id) != 0) throw damaged(fmt::format("job {}", entry.dump()));
    job->state = *state;
    if (job->state == JobState::running) {
      // Its server died. Should the job still run, nobody reads its output (it would die of
      // SIGPIPE at its next log line): stop it now, so that Resume never races it.
      if (job->pid > 0 && runs_command(job->pid, job->command)) ::kill(job->pid, SIGTERM);
      job->state = JobState::interrupted;
      if (job->finished == 0) job->finished = now_s();
      interrupted = true;
    }
    job->pid = -1;
    next_id_ = std::max(next_id_, job->id + 1);
    jobs_.emplace(job->id, std::move(job));
  }
  while (jobs_.size() > journal_jobs) jobs_.erase(jobs_.begin());  // none runs: no thread to join
  if (interrupted) {
    const std::lock_guard lock(mutex_);
    save_journal_locked();
  }
}

void JobRunner::save_journal_locked() {
  if (journal_.empty()) return;
  // The newest journal_jobs, and any older one still running, oldest first.
  std::vector<const Job*> kept;
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it)
    if (kept.size() < journal_jobs || it->second->state == JobState::running) kept.push_back(it->second.get());
  std::reverse(kept.begin(), kept.end());
  nlohmann::json list = nlohmann::json::array();
  for (const Job* job : kept) {
    // A running job's `finished` is the last time it was seen: what an interrupted one reports.
    const bool running = job->state == JobState::running;
    list.push_back(nlohmann::json{
        {"id", job->id},
        {"kind", job->spec.kind},
        {"input", job->spec.input},
        {"output", job->spec.output},
        {"arguments", job->spec.arguments},
        {"command", job->command},
        {"pid", running ? job->pid : -1},
        {"state", job_state_name(job->state)},
        {"exit_code", job->exit_code},
        {"started", job->started},
        {"finished", running ? now_s() : job->finished},
        {"log", job->log.size() > log_tail_length ? job->log.substr(job->log.size() - log_tail_length) : job->log}});
  }
  try {
    io::write_file_atomically(journal_, nlohmann::json{{"format", journal_format}, {"jobs", list}}.dump(1) + "\n");
  } catch (const std::exception& e) {
    // The jobs themselves go on; only a restart would forget them. Said where the server's user
    // looks (its terminal), since no request waits for this.
    fmt::print(stderr, "warning: serve: cannot write the job list: {}\n", e.what());
  }
}

JobRunner::~JobRunner() {
  std::vector<Job*> all;
  {
    const std::lock_guard lock(mutex_);
    for (auto& [id, job] : jobs_) {
      if (job->state == JobState::running) {
        job->cancel_requested = true;
        ::kill(job->pid, SIGTERM);
      }
      all.push_back(job.get());
    }
  }
  for (Job* job : all)
    if (job->watcher.joinable()) job->watcher.join();
  if (journal_lock_ >= 0) ::close(journal_lock_);
}

std::optional<int> JobRunner::start(const JobSpec& spec) {
  const std::lock_guard lock(mutex_);
  const auto running =
      std::count_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return j.second->state == JobState::running; });
  if (static_cast<std::size_t>(running) >= max_running_) return std::nullopt;

  std::array<int, 2> pipe_ends{};
  if (::pipe2(pipe_ends.data(), O_CLOEXEC) != 0) throw_errno(errno, "pipe2");
  FileDescriptor read_end(pipe_ends[0]);
  FileDescriptor write_end(pipe_ends[1]);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  // Not the server's sockets: a job outliving the server must not keep its port.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawn_file_actions_addchdir_np(&actions, workspace_.c_str());
  // The server blocks SIGINT and SIGTERM for its signal watcher and ignores SIGPIPE; a job gets
  // the defaults back, so that cancel (SIGTERM) ends it.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int signal_number : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, signal_number);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> words{executable_.string()};
  words.insert(words.end(), spec.arguments.begin(), spec.arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, executable_.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) throw_errno(spawn_error, "posix_spawn");

  auto job = std::make_unique<Job>();
  job->id = next_id_++;
  job->spec = spec;
  job->pid = pid;
  job->command = std::move(words);
  job->output.reset(read_end.release());
  job->journaled = std::chrono::steady_clock::now();
  Job& started = *job;
  jobs_.emplace(started.id, std::move(job));
  started.watcher = std::thread([this, &started] { watch(started); });
  save_journal_locked();
  return started.id;
}

void JobRunner::watch(Job& job) {
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(job.output.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const std::lock_guard lock(mutex_);
    job.log.append(buffer.data(), static_cast<std::size_t>(n));
    if (job.log.size() > log_capacity) job.log.erase(0, job.log.size() - log_capacity);
    if (const auto now = std::chrono::steady_clock::now(); now - job.journaled >= journal_interval) {
      job.journaled = now;
      save_journal_locked();
    }
  }
  // Wait for the exit without reaping, so that cancel() (under the lock) never signals a process
  // id that the system may already have given to another process.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(job.pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  const std::lock_guard lock(mutex_);
  int status = 0;
  while (::waitpid(job.pid, &status, 0) < 0 && errno == EINTR) {
  }
  job.finished = now_s();
  job.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  job.state = job.cancel_requested ? JobState::cancelled : job.exit_code == 0 ? JobState::succeeded : JobState::failed;
  job.output.reset();
  save_journal_locked();
}

bool JobRunner::cancel(int id) {
  const std::lock_guard lock(mutex_);
  const auto found = jobs_.find(id);
  if (found == jobs_.end() || found->second->state != JobState::running) return false;
  found->second->cancel_requested = true;
  ::kill(found->second->pid, SIGTERM);
  return true;
}

JobStatus JobRunner::status_of(const Job& job) const {
  JobStatus out;
  out.id = job.id;
  out.kind = job.spec.kind;
  out.input = job.spec.input;
  out.output = job.spec.output;
  out.state = job.state;
  out.exit_code = job.exit_code;
  out.started = job.started;
  out.finished = job.state == JobState::running ? 0 : job.finished;
  out.elapsed_s = std::max(0.0, (job.state == JobState::running ? now_s() : job.finished) - job.started);
  if (const auto progress = last_progress(job.log)) std::tie(out.percent, out.eta) = *progress;
  if (job.state == JobState::succeeded) {
    out.percent = 100;
    out.eta.clear();
  }
  out.log_tail = job.log.size() > log_tail_length ? job.log.substr(job.log.size() - log_tail_length) : job.log;
  return out;
}

std::vector<JobStatus> JobRunner::list() const {
  const std::lock_guard lock(mutex_);
  std::vector<JobStatus> out;
  for (const auto& [id, job] : jobs_) out.push_back(status_of(*job));
  return out;
}

std::optional<JobStatus> JobRunner::status(int id) const {
  const std::lock_guard lock(mutex_);
  const auto found = jobs_.find(id);
  if (found == jobs_.end()) return std::nullopt;
  return status_of(*found->second);
}

}  // namespace bungner::serve
