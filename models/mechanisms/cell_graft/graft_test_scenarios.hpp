#pragma once
// Scenario text shared by the tests of the cell therapy (msc) and of the transplanted cells
// (cell_graft): a 10 mm rat sciatic gap with a repair, and an msc item.
#include <string>

namespace bungner::testing {

inline std::string nerve(const std::string& repair, int seed = 3, const std::string& extra = "") {
  return "species = \"rat\"\nnerve = \"sciatic\"\nseed = " + std::to_string(seed) +
         "\n[injury]\ntype = \"transection\"\ngap_length = \"10 mm\"\n[repair]\ntype = \"" + repair + "\"\n" + extra +
         "[simulation]\nduration = \"84 d\"\n[readouts]\ntimes = []\n";
}

inline std::string msc(const std::string& keys) { return "[[therapies]]\ntype = \"msc\"\n" + keys; }

inline const std::string ad_on_graft = msc("source = \"adipose\"\ndose = \"1e6 cells\"\nroute = \"graft_surface\"\n");

}  // namespace bungner::testing
