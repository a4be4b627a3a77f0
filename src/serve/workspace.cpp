#include "bungner/serve/workspace.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <system_error>

namespace bungner::serve {

namespace fs = std::filesystem;

std::optional<fs::path> resolve_in_workspace(const fs::path& workspace, std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) return std::nullopt;
  const fs::path requested(relative);
  if (requested.has_root_path()) return std::nullopt;
  // Refused outright rather than normalised away: a request naming `..` is not one the
  // workbench's own pages make.
  for (const fs::path& part : requested)
    if (part == "..") return std::nullopt;
  std::error_code error;
  // Canonical up to the part that exists, so a symbolic link inside the workspace that points
  // outside it is caught by the prefix test below.
  const fs::path resolved = fs::weakly_canonical(workspace / requested, error);
  if (error) return std::nullopt;
  const auto [workspace_end, unused] = std::mismatch(workspace.begin(), workspace.end(), resolved.begin(), resolved.end());
  if (workspace_end != workspace.end()) return std::nullopt;
  return resolved;
}

std::string workspace_relative(const fs::path& workspace, const fs::path& path) {
  return path.lexically_relative(workspace).generic_string();
}

std::vector<WorkspaceEntry> list_workspace(const fs::path& workspace, const fs::path& folder, std::size_t limit, int depth) {
  std::vector<WorkspaceEntry> entries;
  std::error_code error;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator() && entries.size() < limit; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    const bool directory = entry.is_directory(error);
    if (directory && (name == ".git" || name == "node_modules" || name == "build" || name == job_list_folder)) {
      it.disable_recursion_pending();
      continue;
    }
    if (directory && it.depth() + 1 >= depth) it.disable_recursion_pending();
    WorkspaceEntry out;
    out.path = workspace_relative(workspace, entry.path());
    out.directory = directory;
    if (!directory) out.size = entry.file_size(error);
    const auto written = entry.last_write_time(error);
    if (!error) out.modified = std::chrono::duration<double>(std::chrono::file_clock::to_sys(written).time_since_epoch()).count();
    error.clear();
    entries.push_back(std::move(out));
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return entries;
}

std::string mime_type(const fs::path& file) {
  static const std::map<std::string, std::string, std::less<>> types = {{".html", "text/html; charset=utf-8"},
                                                                        {".js", "text/javascript; charset=utf-8"},
                                                                        {".mjs", "text/javascript; charset=utf-8"},
                                                                        {".css", "text/css; charset=utf-8"},
                                                                        {".json", "application/json"},
                                                                        {".csv", "text/csv; charset=utf-8"},
                                                                        {".toml", "text/plain; charset=utf-8"},
                                                                        {".md", "text/plain; charset=utf-8"},
                                                                        {".svg", "image/svg+xml"},
                                                                        {".png", "image/png"},
                                                                        {".vtk", "application/octet-stream"},
                                                                        {".vti", "application/xml"},
                                                                        {".vtp", "application/xml"},
                                                                        {".vtu", "application/xml"},
                                                                        {".pvd", "application/xml"},
                                                                        {".omex", "application/zip"}};
  const auto found = types.find(file.extension().string());
  return found != types.end() ? found->second : "text/plain; charset=utf-8";
}

}  // namespace bungner::serve
