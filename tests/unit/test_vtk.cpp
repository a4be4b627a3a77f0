#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bungner/io/omex.hpp"
#include "bungner/io/vtk.hpp"

namespace bungner::io {
namespace {

TEST(Vtk, ImageDataNeedsOneNamePerSubstrate) {
  const fields::Fields fields(fields::Grid{2, 1, 1}, 2);
  EXPECT_THROW(vti_text(fields, {"oxygen"}), std::invalid_argument);
  const std::string text = vti_text(fields, {"oxygen", "ngf"});
  EXPECT_NE(text.find("WholeExtent=\"0 2 0 1 0 1\""), std::string::npos);
  EXPECT_NE(text.find("Name=\"ngf\""), std::string::npos);
}

TEST(Vtk, CollectionListsEveryFileWithItsTimeAndPart) {
  const std::string text = pvd_text({{0.5, 0, "fields_000000.vti"}, {0.5, 2, "axons_000000.vtp"}});
  EXPECT_NE(text.find("<DataSet timestep=\"0.5\" group=\"\" part=\"0\" file=\"fields_000000.vti\"/>"), std::string::npos);
  EXPECT_NE(text.find("<DataSet timestep=\"0.5\" group=\"\" part=\"2\" file=\"axons_000000.vtp\"/>"), std::string::npos);
}

// SWC (Cannon et al. 1998): one sample per polyline point with ids from 1, each parent earlier in
// the file or -1; a branch hangs from its parent axon's point nearest to its origin; radius is
// half the diameter of the segment ending at the point.
TEST(Swc, AxonsAsAForestOfSamplesWithEarlierParents) {
  agents::Axons axons(agents::GrowthCone{.segment_um = 10, .initial_diameter_um = 1.0});
  const auto trunk = axons.add({0, 0, 0}, {1, 0, 0});
  axons.all()[0].points = {{0, 0, 0}, {10, 0, 0}, {20, 0, 0}};
  axons.all()[0].diameter_um = {1.0, 3.0};
  axons.all()[0].myelin_um = {0, 0};
  axons.add({-5, 5, 0}, {1, 0, 0});  // a second root
  const auto branch = axons.add({11, 1, 0}, {0, 1, 0});
  axons.all()[2].parent = trunk;
  axons.all()[2].points = {{11, 1, 0}, {11, 11, 0}};
  const std::string text = axons_swc_text(axons, {"a comment"});
  std::istringstream in(text);
  std::string line;
  std::vector<std::vector<double>> samples;
  bool comments_first = true;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      EXPECT_TRUE(comments_first) << line;
      continue;
    }
    comments_first = false;
    std::istringstream fields(line);
    std::vector<double> v(7);
    for (double& x : v) ASSERT_TRUE(fields >> x) << line;
    samples.push_back(v);
  }
  ASSERT_EQ(samples.size(), 3U + 2U + 2U);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i][0], static_cast<double>(i + 1));
    EXPECT_EQ(samples[i][1], 2.0);  // axon
    EXPECT_TRUE(samples[i][6] == -1 || (samples[i][6] >= 1 && samples[i][6] < samples[i][0])) << i;
  }
  EXPECT_EQ(samples[0][6], -1);   // trunk root
  EXPECT_EQ(samples[0][5], 0.5);  // its first segment's radius
  EXPECT_EQ(samples[2][5], 1.5);  // the segment ending at (20, 0, 0) is 3 um thick
  EXPECT_EQ(samples[3][6], -1);   // the second root
  EXPECT_EQ(samples[5][6], 2);    // the branch's origin (11, 1, 0) hangs from the trunk's (10, 0, 0)
  EXPECT_EQ(samples[6][6], 6);
  EXPECT_EQ(samples[6][3], 11.0);  // y of the branch tip
  (void)branch;
}

// The zip container of COMBINE archives: a stored entry with its CRC-32 (of "hello": 0x3610a686),
// sizes and name, the central directory and the end record; a repeated name is refused.
TEST(Omex, StoredZipEntryWithItsCrcAndTheEndRecord) {
  const std::string zip = zip_stored({{"a.txt", "hello"}, {"b/c.csv", ""}});
  const auto u16 = [&](std::size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(zip[at])) |
           static_cast<unsigned>(static_cast<unsigned char>(zip[at + 1])) << 8;
  };
  const auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  EXPECT_EQ(u32(0), 0x04034b50U);
  EXPECT_EQ(u16(8), 0U);  // stored
  EXPECT_EQ(u32(14), 0x3610a686U);
  EXPECT_EQ(u32(18), 5U);
  EXPECT_EQ(u32(22), 5U);
  EXPECT_EQ(zip.substr(30, 5), "a.txt");
  EXPECT_EQ(zip.substr(35, 5), "hello");
  const std::size_t end = zip.size() - 22;
  EXPECT_EQ(u32(end), 0x06054b50U);
  EXPECT_EQ(u16(end + 10), 2U);                // entries
  EXPECT_EQ(u32(u32(end + 16)), 0x02014b50U);  // the central directory starts where the end record says
  EXPECT_THROW((void)zip_stored({{"x", "1"}, {"x", "2"}}), std::invalid_argument);
  EXPECT_EQ(omex_format("summary.csv"), "http://purl.org/NET/mediatypes/text/csv");
  EXPECT_EQ(omex_format("manifest.xml"), "http://identifiers.org/combine.specifications/omex-manifest");
}

}  // namespace
}  // namespace bungner::io
