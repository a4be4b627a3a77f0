// `bungner serve`: the workbench in the foreground, until Ctrl-C (SIGINT) or SIGTERM.
#include <pthread.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

#include "bungner/core/errors.hpp"
#include "bungner/serve/server.hpp"
#include "commands.hpp"

namespace bungner::cli {

int serve(const ServeArguments& args, const CommonOptions& common) {
  std::error_code error;
  if (!std::filesystem::is_directory(args.workspace, error)) {
    fmt::print(stderr, "error: serve: {} is no folder\n", args.workspace);
    return exit_code::invalid_input;
  }
  // Jobs run this very executable.
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    fmt::print(stderr, "runtime failure: serve: cannot find the bungner executable: {}\n", error.message());
    return exit_code::runtime_failure;
  }
  // SIGINT and SIGTERM are taken by a watcher thread (sigwait) that stops the server; blocked
  // before any thread starts, so that every thread inherits the mask. A client that goes away
  // mid-response must not end the process.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  serve::ServerOptions options;
  options.workspace = args.workspace;
  options.executable = executable;
  options.port = args.port;
  options.max_jobs = args.jobs;
  options.max_drawn_axon_bytes = static_cast<std::uintmax_t>(args.axon_mb * 1024 * 1024);
  std::unique_ptr<serve::Workbench> workbench;
  try {
    workbench = std::make_unique<serve::Workbench>(options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: serve: {}\n", e.what());
    return exit_code::invalid_input;
  }
  std::atomic<bool> finished{false};
  std::thread watcher([&workbench, &finished, stop_signals] {
    int received = 0;
    sigwait(&stop_signals, &received);
    // A signal that comes before the server listens would be lost on it: ask until it has
    // stopped.
    while (!finished) {
      workbench->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  // The URL goes to standard output even with -q: it is the only way in.
  fmt::print("bungner workbench: {}\n", workbench->url());
  std::fflush(stdout);
  if (!common.quiet)
    fmt::print(stderr, "serving {} on {}:{} only; Ctrl-C stops it (and its running jobs)\n",
               std::filesystem::canonical(args.workspace).string(), serve::loopback_address, workbench->port());
  const bool served = workbench->serve();
  finished = true;
  if (!served) ::kill(::getpid(), SIGTERM);  // wakes the watcher, which would wait forever
  watcher.join();
  workbench.reset();  // cancels the jobs still running and waits for them
  if (!served) {
    fmt::print(stderr, "runtime failure: serve: the server stopped listening\n");
    return exit_code::runtime_failure;
  }
  return exit_code::ok;
}

}  // namespace bungner::cli
