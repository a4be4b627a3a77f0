// Pathway accuracy against its closed form: each axon entering the distal nerve after a
// transection picks a wrong pathway with probability m (sensory) or 1 - f (1 - m) (motor, f the
// motor pathway factor), once and independently, so the correct shares are binomial around
// 1 - m and f (1 - m). Crushes keep their tubes and report nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;

std::optional<double> find(const std::vector<Observation>& observations, const std::string& name) {
  const auto it = std::find_if(observations.begin(), observations.end(), [&](const Observation& o) { return o.name == name; });
  return it == observations.end() ? std::nullopt : std::optional<double>(it->value);
}

const char* transection = R"(
species = "rat"
nerve = "sciatic"
seed = 41
[injury]
type = "transection"
[repair]
type = "direct_suture"
[simulation]
duration = "60 d"
[readouts]
times = ["60 d"]
)";

TEST(PathwayAccuracy, SharesAreBinomialAroundTheClosedForm) {
  const auto model = compile(transection);
  const double m = model->parameters().get("axon_regeneration.misdirection_transection");
  const double f = model->parameters().get("axon_regeneration.motor_pathway_factor");
  Simulation simulation(model);
  EXPECT_FALSE(find(simulation.observe(), "motor_pathway_accuracy"));  // nothing has entered yet
  simulation.advance_to(60 * seconds_per_day);
  const auto observed = simulation.observe();
  const auto& n = simulation.state().neurons;
  for (const auto& [name, kind, expected] : {std::tuple{"motor_pathway_accuracy", NeuronKind::motor, f * (1 - m)},
                                             {"sensory_pathway_accuracy", NeuronKind::sensory, 1 - m}}) {
    std::size_t entered = 0;
    for (std::size_t i = 0; i < n.size(); ++i)
      entered += n.alive[i] && n.kind[i] == kind && (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived);
    ASSERT_GT(entered, 500u) << name;
    const auto share = find(observed, name);
    ASSERT_TRUE(share) << name;
    const double se = 100 * std::sqrt(expected * (1 - expected) / static_cast<double>(entered));
    EXPECT_NEAR(*share, 100 * expected, 4 * se) << name << ": " << entered << " axons";
    EXPECT_GT(se, 0.3) << name;  // the check has teeth: a few points at most
  }
}

TEST(PathwayAccuracy, CrushKeepsTheTubesAndReportsNothing) {
  std::string crush = transection;
  crush.replace(crush.find("transection"), std::string("transection").size(), "crush");
  crush.replace(crush.find("[repair]\ntype = \"direct_suture\"\n"), std::string("[repair]\ntype = \"direct_suture\"\n").size(),
                "");
  Simulation simulation(compile(crush));
  simulation.advance_to(60 * seconds_per_day);
  EXPECT_FALSE(find(simulation.observe(), "motor_pathway_accuracy"));
  EXPECT_FALSE(find(simulation.observe(), "sensory_pathway_accuracy"));
}

}  // namespace
}  // namespace bungner
