#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "bungner/io/pictures.hpp"

namespace bungner::io {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A 4 x 3 x 2 grid of 10 um whose substrate 0 rises along x; three cells, one outside the slab;
// one axon.
struct Scene {
  fields::Fields fields{fields::Grid{4, 3, 2, 10.0, {0, 0, 0}}, 1};
  agents::Agents cells{{{.name = "Schwann cell", .variables = {"repair"}, .radius_um = 5, .phenotype = "repair"},
                        {.name = "macrophage", .radius_um = 6}}};
  agents::Axons axons{agents::GrowthCone{}};
  Scene() {
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 4; ++i) fields.at(i, j, k, 0) = i;
    cells.add(0, {5, 5, 10});
    cells.add(1, {15, 5, 12});
    cells.add(1, {25, 5, 19.5});  // 9.5 um from the plane z = 10
    cells.variables[0] = {1.0, 0.0, 0.0};
    axons.add({0, 15, 10}, {1, 0, 0});
    axons.all()[0].points = {{0, 15, 10}, {20, 15, 10}, {40, 16, 10}};
    axons.all()[0].diameter_um = {2, 2};
    axons.all()[0].myelin_um = {0, 0};
  }
};

TEST(Pictures, LongitudinalSectionDrawsTheLayerTheCellsInTheSlabAndTheAxons) {
  const Scene scene;
  LongitudinalSection options{.slab_half_thickness_um = 5, .field_substrate = 0, .field_name = "oxygen"};
  const std::string svg = longitudinal_section_svg(&scene.fields, &scene.cells, &scene.axons, options);
  EXPECT_EQ(count(svg, "class=\"voxel\""), 12u);  // nx * ny of the layer z = 10
  EXPECT_EQ(count(svg, "class=\"cell\""), 2u);
  EXPECT_EQ(count(svg, "class=\"axon\""), 1u);
  // Viridis ends at the lowest (x = 0) and highest (x = 3) values of the layer: three voxels
  // each, and one swatch each in the colour bar.
  EXPECT_EQ(count(svg, "fill=\"#440154\""), 3u + 1u);
  EXPECT_EQ(count(svg, "fill=\"#fde725\""), 3u + 1u);
  EXPECT_NE(svg.find("data-kind=\"Schwann cell\" data-id=\"0\" cx=\"25.00\" cy=\"45.00\" r=\"5.00\" fill=\"#4e79a7\""),
            std::string::npos);
  EXPECT_NE(svg.find("data-kind=\"macrophage\" data-id=\"1\" cx=\"35.00\" cy=\"45.00\" r=\"6.00\" fill=\"#f28e2b\""),
            std::string::npos);
  EXPECT_NE(svg.find("oxygen: 0 to 3"), std::string::npos);

  options.slab_half_thickness_um = 10;
  options.phenotype_label = "repair";
  const std::string thick = longitudinal_section_svg(&scene.fields, &scene.cells, &scene.axons, options);
  EXPECT_EQ(count(thick, "class=\"cell\""), 3u);
  // repair = 1 turns the first cell fully to the phenotype colour.
  EXPECT_NE(thick.find("data-id=\"0\" cx=\"25.00\" cy=\"45.00\" r=\"5.00\" fill=\"#d91abf\""), std::string::npos);
}

TEST(Pictures, CrossSectionDrawsEveryCrossingAxonWithItsMyelinRing) {
  agents::Axons axons{agents::GrowthCone{}};
  for (int a = 0; a < 3; ++a) axons.add({0, 0, 0}, {1, 0, 0});
  auto& all = axons.all();
  all[0].points = {{0, 0, 0}, {50, 0, 0}, {100, 0, 0}};
  all[0].diameter_um = {4, 3};
  all[0].myelin_um = {1, 0.5};
  all[1].points = {{0, 10, 0}, {40, 10, 0}};  // ends before the plane
  all[1].diameter_um = {2};
  all[1].myelin_um = {1};
  all[2].points = {{100, 10, 5}, {0, 10, 5}};  // grows backwards, unmyelinated
  all[2].diameter_um = {1};
  all[2].myelin_um = {0};

  const auto crossings = axon_crossings(axons, 60);
  ASSERT_EQ(crossings.size(), 2u);
  EXPECT_EQ(crossings[0].axon_id, 0u);
  EXPECT_DOUBLE_EQ(crossings[0].diameter_um, 3);
  EXPECT_DOUBLE_EQ(crossings[1].z_um, 5);
  EXPECT_EQ(axon_crossings(axons, 50).size(), 2u);  // a point on the plane counts once

  const std::string svg = cross_section_svg(axons, {.x_um = 60, .pixels_per_um = 8});
  EXPECT_EQ(count(svg, "class=\"axon\""), 2u);
  EXPECT_EQ(count(svg, "class=\"myelin\""), 1u);
  // The area is the crossings' box (y -2..10.5, z -2..5.5) plus 5 um, so (y, z) = (0, 0) is at
  // 10 px + 7 um * 8 px/um = 66 px across and 10 px + 10.5 um * 8 px/um = 94 px down. Axon
  // radius 1.5 um and myelin 0.5 um: a 4 px ring centred 14 px out.
  EXPECT_NE(svg.find("class=\"axon\" data-axon=\"0\" cx=\"66.00\" cy=\"94.00\" r=\"12.000\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"myelin\" data-axon=\"0\" cx=\"66.00\" cy=\"94.00\" r=\"14.000\" fill=\"none\" "
                     "stroke=\"#1d1846\" stroke-width=\"4.000\""),
            std::string::npos);
  EXPECT_NE(svg.find("2 axons, 1 myelinated, mean g-ratio 0.75"), std::string::npos);
}

TEST(Pictures, WritePicturesWritesTheSectionAndWithAxonsTheCrossSection) {
  const Scene scene;
  const auto dir = std::filesystem::temp_directory_path() / ("bungner-test-pictures-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  write_pictures(dir, 3, &scene.fields, &scene.cells, nullptr, {}, {});
  EXPECT_TRUE(std::filesystem::exists(dir / "section_000003.svg"));
  EXPECT_FALSE(std::filesystem::exists(dir / "cross_section_000003.svg"));
  write_pictures(dir, 4, nullptr, nullptr, &scene.axons, {}, {.x_um = 10});
  EXPECT_TRUE(std::filesystem::exists(dir / "section_000004.svg"));
  EXPECT_TRUE(std::filesystem::exists(dir / "cross_section_000004.svg"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 3);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bungner::io
