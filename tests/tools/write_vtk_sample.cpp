// Writes a small, fully known 3D state as a ParaView series, for tests/python/vtk_readback.py
// to read back with VTK's own readers: usage write-vtk-sample DIR.
#include <cstdio>

#include "bungner/io/vtk.hpp"

int main(int argc, char** argv) {
  using namespace bungner;
  if (argc != 2) {
    std::fprintf(stderr, "usage: write-vtk-sample DIR\n");
    return 2;
  }
  // 3 x 2 x 2 voxels of 10 um from (5, -10, 0); value = 10 * voxel + substrate.
  fields::Fields fields(fields::Grid{3, 2, 2, 10.0, {5.0, -10.0, 0.0}}, 2);
  for (std::size_t v = 0; v < fields.grid().voxels(); ++v)
    for (std::size_t s = 0; s < 2; ++s) fields.at(v, s) = 10.0 * static_cast<double>(v) + static_cast<double>(s);

  agents::Agents cells({{.name = "Schwann cell", .variables = {"repair_phenotype"}, .radius_um = 6},
                        {.name = "macrophage", .variables = {"m2_share", "il10"}, .radius_um = 7.5}});
  cells.add(0, {1, 2, 3});
  cells.add(1, {4, 5, 6});
  cells.add(0, {7, 8, 9});
  for (std::size_t i = 0; i < cells.size(); ++i) {
    cells.variables[0][i] = 0.25 * static_cast<double>(i);
    cells.variables[1][i] = 100.0 + static_cast<double>(i);
  }

  agents::Axons axons(agents::GrowthCone{});
  axons.add({0, 0, 0}, {1, 0, 0});
  axons.add({0, 20, 0}, {1, 0, 0});
  auto& all = axons.all();
  all[0].points = {{0, 0, 0}, {10, 0, 0}, {20, 1, 0}};
  all[0].diameter_um = {4.0, 3.0};
  all[0].myelin_um = {1.0, 0.5};
  all[1].parent = 0;
  all[1].points = {{0, 20, 0}, {15, 20, 0}};
  all[1].diameter_um = {2.0};
  all[1].myelin_um = {0.0};

  io::VtkSeries series(argv[1]);
  series.add(0.0, 0, {&fields, {"oxygen", "VEGF & <co>"}, &cells, &axons});
  for (std::size_t v = 0; v < fields.grid().voxels(); ++v) fields.at(v, 0) *= 2;
  series.add(1.5, 1, {&fields, {"oxygen", "VEGF & <co>"}, nullptr, nullptr});
  return 0;
}
