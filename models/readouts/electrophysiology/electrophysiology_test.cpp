// The normal conduction velocity by body weight (E58): the engine's spec carries the preset's
// velocity and the body-weight ratio; the readouts of conduction scale one by the other with
// this item's exponent (issue 20: the engine names no content item).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../nerve_morphometry/fibre_maturation.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::registry;

double velocity_of(const Model& model) { return maturation::normal_motor_velocity_m_per_s(model, model.parameters()); }

// Body weight scales the preset's normal conduction velocity by (W / W_ref)^b (E58); without the
// key nothing changes, and a preset without a reference weight ignores it.
TEST(Electrophysiology, BodyWeightScalesTheNormalConductionVelocity) {
  const auto velocity = [](const std::string& species, const std::string& nerve, const std::string& anatomy) {
    return velocity_of(
        *compile("species = \"" + species + "\"\nnerve = \"" + nerve + "\"\n[injury]\ntype = \"crush\"\n" + anatomy));
  };
  const double reference = velocity("rat", "sciatic", "");
  EXPECT_DOUBLE_EQ(reference, 41.8);
  EXPECT_DOUBLE_EQ(velocity("rat", "sciatic", "[anatomy]\nbody_weight = \"260 g\"\n"), 41.8);
  const double b = 0.45;  // electrophysiology.velocity_weight_exponent
  EXPECT_NEAR(velocity("rat", "sciatic", "[anatomy]\nbody_weight = \"520 g\"\n"), 41.8 * std::pow(2.0, b), 1e-12);
  EXPECT_NEAR(velocity("rat", "sciatic", "[anatomy]\nbody_weight = \"125 g\"\n"), 30.1, 0.3);  // E58.1
  EXPECT_DOUBLE_EQ(velocity("mouse", "sciatic", "[anatomy]\nbody_weight = \"50 g\"\n"), velocity("mouse", "sciatic", ""));
}

// The exponent is read by the content, not by the spec: a study's subject that draws another
// exponent gets the velocity the value written in the scenario gives, without a spec of its own.
TEST(Electrophysiology, ASubjectsWeightExponentNeedsNoSpecOfItsOwn) {
  const std::string text = R"(
species = "rat"
nerve = "sciatic"
[injury]
type = "crush"
[anatomy]
body_weight = "300 g"
)";
  const auto arm = compile(text);
  const std::string name = "electrophysiology.velocity_weight_exponent";
  EXPECT_TRUE(arm->parameters_read.empty() ||
              std::find(arm->parameters_read.begin(), arm->parameters_read.end(), name) == arm->parameters_read.end());
  const auto subject =
      Model::for_subject(*arm, SubjectOverlay{.seed = 5, .parameters = {{name, 0.9, "test", "test"}}}, registry());
  const auto written = compile(text, {{"parameters." + name, "0.9"}});
  EXPECT_EQ(velocity_of(*subject), velocity_of(*written));
  EXPECT_NE(velocity_of(*subject), velocity_of(*arm));
}

}  // namespace
}  // namespace bungner
