#pragma once
// Scenario texts for the injury-site tests (3D site on, readouts sampled by the tests).
#include <string>

namespace bungner::testing {

/// A scenario with the 3D site on; `body` adds [injury], [repair] and anything else.
inline std::string site_run(const std::string& species, const std::string& nerve, const std::string& body,
                            const std::string& duration = "30 d", const std::string& resolution = "100 um") {
  return "species = \"" + species + "\"\nnerve = \"" + nerve + "\"\nseed = 3\n" + body +
         "\n[site]\nmodel = \"3d\"\nresolution = \"" + resolution + "\"\n[simulation]\nduration = \"" + duration +
         "\"\n[readouts]\ntimes = []\n";
}

/// Fewer neurons than the preset, for tests of the site's tissue that need no realistic axon
/// counts (the cost of a run grows with the growth cones it follows).
inline std::string few_neurons() { return "[anatomy]\nmotor_neurons = \"200 cells\"\nsensory_neurons = \"600 cells\"\n"; }

inline std::string transection(const std::string& repair = "none", const std::string& gap = "0 mm") {
  return "[injury]\ntype = \"transection\"\ngap_length = \"" + gap + "\"\n[repair]\ntype = \"" + repair + "\"\n";
}

inline std::string crush() { return "[injury]\ntype = \"crush\"\n"; }

inline std::string conduit(const std::string& gap, const std::string& permeability = "0 cm/s") {
  return transection("conduit", gap) + "[repair.conduit]\nmaterial = \"silicone\"\ninner_diameter = \"1.6 mm\"\n" +
         "wall_permeability = \"" + permeability + "\"\n";
}

}  // namespace bungner::testing
