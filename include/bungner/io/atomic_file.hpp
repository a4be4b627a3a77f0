#pragma once
// Files that appear under their final name only when complete: written to a temporary name in
// the same directory, flushed to disk, then renamed (rename is atomic on POSIX file systems).
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace bungner::io {

/// Prefix of temporary output names (".<name>.partial-<pid>"), never a final name.
inline constexpr std::string_view partial_marker = ".partial-";

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path final_path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  std::ofstream& stream() { return out_; }
  /// Flushes, syncs and renames to the final name. Throws RuntimeFailure on any I/O error.
  void commit();
  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes the whole content atomically.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Whether a file name is a leftover temporary of an interrupted write.
bool is_partial_name(std::string_view file_name);

}  // namespace bungner::io
