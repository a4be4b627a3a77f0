#pragma once
// `bungner serve`: the local web workbench (docs/workbench.md). An HTTP server on the loopback
// interface only, every request carrying a random access token, serving the single-page
// application embedded in the executable and a JSON API over one folder, the workspace.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace bungner::serve {

/// The only address the workbench listens on. Deliberately not an option: the API starts
/// processes and writes files as the user who runs it, so it must not be reachable from another
/// machine, whatever a command line says.
inline constexpr std::string_view loopback_address = "127.0.0.1";

/// 256 bits for the URL's access token, as 64 hexadecimal digits: the project's Philox stream
/// keyed by 128 bits from the kernel's entropy pool (getrandom), so no two servers share one.
std::string make_access_token();

/// Whether `given` is the token, compared in time independent of where they differ.
bool token_matches(std::string_view token, std::string_view given);

struct ServerOptions {
  std::filesystem::path workspace;                     ///< the folder served; made canonical
  std::filesystem::path executable;                    ///< the bungner executable that jobs run
  int port = 0;                                        ///< 0: a free port the system picks
  std::size_t max_jobs = 2;                            ///< jobs running at once; more are refused (429)
  std::size_t max_body_bytes = std::size_t{4} << 20U;  ///< larger request bodies are refused (413)
  /// Axon files the 3D viewer draws whole; larger ones it asks thinned (/api/axons): a browser
  /// decodes a file of hundreds of MB slowly, if at all.
  std::uintmax_t max_drawn_axon_bytes = std::uintmax_t{64} << 20U;
  std::string token;  ///< empty: make_access_token()
};

class Workbench {
 public:
  /// Binds the listening socket on loopback_address (throws std::runtime_error when the port is
  /// taken or the workspace is no folder); requests are answered once serve() runs.
  explicit Workbench(ServerOptions options);
  ~Workbench();
  Workbench(const Workbench&) = delete;
  Workbench& operator=(const Workbench&) = delete;

  int port() const;
  const std::string& token() const;
  /// http://127.0.0.1:PORT/?token=TOKEN
  std::string url() const;
  /// Answers requests until stop(); returns false when listening failed.
  bool serve();
  /// Ends serve() (from another thread or a signal watcher); running jobs are cancelled by the
  /// destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bungner::serve
