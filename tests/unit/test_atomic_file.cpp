#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bungner/core/errors.hpp"
#include "bungner/io/atomic_file.hpp"

namespace fs = std::filesystem;
using bungner::io::AtomicFile;
using bungner::io::is_partial_name;
using bungner::io::write_file_atomically;

namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("bungner-atomic-" + std::to_string(::getpid()) + "-" + std::string(info->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

}  // namespace

TEST_F(AtomicFileTest, WritesUnderATemporaryNameUntilCommit) {
  const fs::path final_path = dir_ / "timeseries.csv";
  const std::string content = "time_days,variable,value,unit\n0,x,1,mm\n";
  {
    AtomicFile file(final_path);
    EXPECT_EQ(file.final_path(), final_path);
    file.stream() << content;
    file.stream().flush();
    EXPECT_FALSE(fs::exists(final_path)) << "the final name must not exist before commit";
    const auto names = entries();
    ASSERT_EQ(names.size(), 1u);
    EXPECT_EQ(names[0], ".timeseries.csv.partial-" + std::to_string(::getpid()));
    EXPECT_TRUE(is_partial_name(names[0]));
    EXPECT_EQ(read(dir_ / names[0]), content);

    file.commit();
    EXPECT_TRUE(fs::exists(final_path));
    EXPECT_EQ(read(final_path), content);
    EXPECT_EQ(entries(), std::vector<std::string>{"timeseries.csv"});
  }
  // Destroying a committed file keeps it.
  EXPECT_EQ(entries(), std::vector<std::string>{"timeseries.csv"});
  EXPECT_EQ(read(final_path), content);
}

TEST_F(AtomicFileTest, CommitKeepsExactBytes) {
  std::string content;
  for (int i = 0; i < 256; ++i) content.push_back(static_cast<char>(i));
  content += std::string(1 << 20, 'x');  // larger than any stream buffer
  content += "\r\n\n";
  {
    AtomicFile file(dir_ / "blob.bin");
    file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
    file.commit();
  }
  EXPECT_EQ(fs::file_size(dir_ / "blob.bin"), content.size());
  EXPECT_EQ(read(dir_ / "blob.bin"), content);
}

TEST_F(AtomicFileTest, DestructionWithoutCommitLeavesNoFile) {
  {
    AtomicFile file(dir_ / "run.json");
    file.stream() << "{\"incomplete\": ";
    file.stream().flush();
    EXPECT_EQ(entries().size(), 1u);
  }
  EXPECT_TRUE(entries().empty()) << "left: " << (entries().empty() ? "" : entries()[0]);
}

TEST_F(AtomicFileTest, AnAbandonedWriteLeavesAnExistingFileAlone) {
  write_file_atomically(dir_ / "readouts.csv", "old\n");
  {
    AtomicFile file(dir_ / "readouts.csv");
    file.stream() << "new but never committed\n";
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"readouts.csv"});
  EXPECT_EQ(read(dir_ / "readouts.csv"), "old\n");
}

TEST_F(AtomicFileTest, WriteFileAtomicallyReplacesContent) {
  const fs::path p = dir_ / "readouts.csv";
  write_file_atomically(p, "a much longer first content that must not survive in any part\n");
  EXPECT_EQ(read(p), "a much longer first content that must not survive in any part\n");
  write_file_atomically(p, "short\n");
  EXPECT_EQ(read(p), "short\n");
  write_file_atomically(p, "");
  EXPECT_TRUE(fs::exists(p));
  EXPECT_EQ(fs::file_size(p), 0u);
  EXPECT_EQ(entries(), std::vector<std::string>{"readouts.csv"});
}

TEST_F(AtomicFileTest, UnwritableLocationThrowsRuntimeFailure) {
  EXPECT_THROW(AtomicFile(dir_ / "no-such-dir" / "run.json"), bungner::RuntimeFailure);
  EXPECT_THROW(write_file_atomically(dir_ / "no-such-dir" / "run.json", "x"), bungner::RuntimeFailure);
  EXPECT_TRUE(entries().empty());
}

TEST(AtomicFile, IsPartialName) {
  EXPECT_TRUE(is_partial_name(".run.json.partial-123"));
  EXPECT_TRUE(is_partial_name(".timeseries.csv.partial-4567"));
  EXPECT_TRUE(is_partial_name(".readouts.csv.partial-1"));
  EXPECT_FALSE(is_partial_name("run.json"));
  EXPECT_FALSE(is_partial_name("timeseries.csv"));
  EXPECT_FALSE(is_partial_name("readouts.csv"));
  EXPECT_FALSE(is_partial_name("notes.txt"));
  EXPECT_FALSE(is_partial_name("partial.csv"));
  EXPECT_FALSE(is_partial_name(""));
}
