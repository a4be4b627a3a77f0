#pragma once
// The workbench's view of the files it serves (docs/workbench.md): one folder, the workspace, and
// nothing outside it. Every path a request names goes through resolve_in_workspace.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bungner::serve {

/// The workbench's own folder in the workspace: its job list (jobs.json), kept across restarts.
inline constexpr std::string_view job_list_folder = ".bungner-serve";

/// The absolute, canonical path of `relative` inside `workspace` (itself canonical), or nothing
/// when the path leaves it: an absolute path, a `..` component, a NUL byte, or a symbolic link
/// that points outside. The path need not exist (an output folder about to be written).
std::optional<std::filesystem::path> resolve_in_workspace(const std::filesystem::path& workspace, std::string_view relative);

/// `path` (inside `workspace`) relative to it, with '/' separators: what the API hands back.
std::string workspace_relative(const std::filesystem::path& workspace, const std::filesystem::path& path);

struct WorkspaceEntry {
  std::string path;  ///< relative to the workspace
  bool directory = false;
  std::uintmax_t size = 0;
  double modified = 0;  ///< seconds since the epoch, to notice files being written
};

/// Files and folders under `folder`, depth first, at most `limit` entries and `depth` levels; the
/// folders a workspace holds but a user never edits (.git, node_modules, build) are left out.
std::vector<WorkspaceEntry> list_workspace(const std::filesystem::path& workspace, const std::filesystem::path& folder,
                                           std::size_t limit, int depth);

/// The MIME type the browser needs for a file, from its extension (text/plain when unknown).
std::string mime_type(const std::filesystem::path& file);

}  // namespace bungner::serve
