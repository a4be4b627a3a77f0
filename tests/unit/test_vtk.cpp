#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

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

}  // namespace
}  // namespace bungner::io
