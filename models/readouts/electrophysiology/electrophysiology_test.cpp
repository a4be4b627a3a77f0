// The normal conduction velocity by body weight (E58): the engine's spec carries the preset's
// velocity and the body-weight ratio; the readouts of conduction scale one by the other with
// this item's exponent (issue 20: the engine names no content item).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../nerve_morphometry/fibre_maturation.hpp"
#include "dispersion.hpp"
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

// Temporal dispersion (issue 21): the peak of many equal Gaussian unit potentials (width w) whose
// arrival times are spread normally with SD s is w / sqrt(w^2 + s^2) of their synchronous peak.
// Checked against a direct sum over 4001 arrival times at normal quantiles, and the spread of the
// conduction times against its closed form for two velocities.
TEST(Electrophysiology, DispersedUnitPotentialsPeakAsTheGaussianConvolution) {
  const double w = 0.5e-3;
  for (const double s : {0.0, 0.25e-3, 0.5e-3, 2e-3}) {
    const int n = 4001;
    std::vector<double> arrivals;
    for (int k = 0; k < n; ++k) {
      // Inverse normal CDF by bisection on erfc (no library quantile needed).
      const double p = (k + 0.5) / n;
      double lo = -10, hi = 10;
      for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
      }
      arrivals.push_back(s * 0.5 * (lo + hi));
    }
    double peak = 0;
    for (int step = -400; step <= 400; ++step) {
      const double t = step * 1e-5;
      double sum = 0;
      for (const double a : arrivals) sum += std::exp(-0.5 * (t - a) * (t - a) / (w * w));
      peak = std::max(peak, sum / n);
    }
    EXPECT_NEAR(peak, dispersion::peak_factor(s, w), 2e-3) << s;
  }
  EXPECT_DOUBLE_EQ(dispersion::peak_factor(0, w), 1.0);
  // Two fibres at 10 and 40 m/s over 50 mm: times 5 and 1.25 ms, SD half their difference.
  EXPECT_NEAR(dispersion::conduction_time_spread({10.0, 40.0}, 0.05), 0.5 * (5e-3 - 1.25e-3), 1e-15);
  EXPECT_EQ(dispersion::conduction_time_spread({30.0, 30.0, 30.0}, 0.05), 0.0);
  EXPECT_EQ(dispersion::conduction_time_spread({30.0}, 0.05), 0.0);
}

// The CMAP falls behind the innervated fraction while the regenerated fibres conduct at spread
// velocities, and the gap closes as they mature; a conduction block, whose fibres conduct
// normally, has none.
TEST(Electrophysiology, RegeneratedFibresDisperseTheCmapUntilTheyMature) {
  const auto run = [](const std::string& injury, const std::string& repair) {
    return compile("species = \"rat\"\nnerve = \"sciatic\"\n[injury]\ntype = \"" + injury + "\"\n[repair]\ntype = \"" + repair +
                   "\"\n[simulation]\nduration = \"400 d\"\n[readouts]\ntimes = []\n");
  };
  // CMAP over innervation at a day (both in % of the other side).
  const auto ratio = [](Simulation& sim, double day) {
    sim.advance_to(static_cast<std::int64_t>(day * seconds_per_day));
    return testing::observed(sim, "cmap_amplitude_ratio.gastrocnemius") /
           testing::observed(sim, "muscle_innervation.gastrocnemius");
  };
  Simulation sim(run("transection", "direct_suture"));
  const double early = ratio(sim, 60), late = ratio(sim, 400);
  EXPECT_LT(early, 0.9);
  EXPECT_GT(late, early);
  EXPECT_GT(late, 0.97);
  Simulation block(run("conduction_block", "none"));
  EXPECT_NEAR(ratio(block, 60), 1.0, 1e-12);
}

}  // namespace
}  // namespace bungner
