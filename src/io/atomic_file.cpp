#include "bungner/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bungner/core/errors.hpp"

namespace bungner::io {
namespace {

void sync_path(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path final_path) : final_(std::move(final_path)) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on the equivalent chain of operator+.
  std::string name = ".";
  name.append(final_.filename().string());
  name.append(partial_marker);
  name.append(std::to_string(::getpid()));
  temporary_ = final_.parent_path() / name;
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) throw RuntimeFailure("cannot create " + temporary_.string() + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_) throw RuntimeFailure("cannot write " + temporary_.string() + " (disk full?)");
  out_.close();
  if (out_.fail()) throw RuntimeFailure("cannot close " + temporary_.string());
  sync_path(temporary_, false);
  std::error_code ec;
  std::filesystem::rename(temporary_, final_, ec);
  if (ec) throw RuntimeFailure("cannot rename " + temporary_.string() + " to " + final_.string() + ": " + ec.message());
  sync_path(final_.parent_path().empty() ? std::filesystem::path(".") : final_.parent_path(), true);
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  file.commit();
}

bool is_partial_name(std::string_view file_name) { return file_name.find(partial_marker) != std::string_view::npos; }

}  // namespace bungner::io
