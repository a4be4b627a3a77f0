// Issue 20, item 6: a mechanism defined only here (demo_mechanism.cpp) runs with its own state
// block, signal and parameter, checkpoints and restarts bit-identically; the engine knows it only
// through what it declared.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "bungner/io/checkpoint.hpp"
#include "demo_mechanism.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

const char* transection = R"(
species = "rat"
nerve = "sciatic"
seed = 11
[injury]
type = "transection"
[repair]
type = "direct_suture"
timing = "3 d"
[simulation]
duration = "40 d"
[readouts]
times = []
)";

std::shared_ptr<const Model> compile_with(const Registry& registry, const std::vector<Override>& overrides = {}) {
  return Model::compile(load_scenario_text(transection, "demo.toml", registry, overrides), registry);
}

bool same_blocks(const State& a, const State& b) {
  return a.time_s == b.time_s && a.neurons.position_m == b.neurons.position_m &&
         std::equal(a.blocks.begin(), a.blocks.end(), b.blocks.begin(), b.blocks.end(),
                    [](const StateBlock& p, const StateBlock& q) {
                      return p.name == q.name && p.type == q.type && p.width == q.width && p.bytes == q.bytes;
                    });
}

TEST(DemoMechanism, DeclaresItsStateAndRuns) {
  const Registry registry = demo::demo_registry();
  const auto model = compile_with(registry);
  const StateLayout& layout = model->layout();
  const auto load = layout.find<double>("demo_tally.load");
  const auto steps = layout.find<std::uint64_t>("demo_tally.steps");
  EXPECT_EQ(layout.find_signal("demo.pulse").combine, Combine::sum);
  Simulation sim(model);
  ASSERT_EQ(sim.state().block(load).size(), static_cast<std::size_t>(model->motor_neurons + model->sensory_neurons));
  sim.advance_to(10 * seconds_per_day);
  EXPECT_EQ(sim.state().scalar(steps), 40u);  // every 6 h for 10 days
  // Mean load: the pulse (0.5/d) times 10 d times the mean share (1/2) for neurons alive throughout.
  double sum = 0;
  for (const double v : sim.state().block(load)) sum += v;
  EXPECT_NEAR(sum / static_cast<double>(sim.state().block(load).size()), 2.5, 0.2);
  EXPECT_NO_THROW(sim.check_numerics());
  // Its parameter is a model parameter like any other.
  const auto doubled = compile_with(registry, {{"parameters.demo_pulse.rate", "\"1 1/d\""}});
  Simulation faster(doubled);
  faster.advance_to(10 * seconds_per_day);
  EXPECT_DOUBLE_EQ(faster.state().block(doubled->layout().find<double>("demo_tally.load"))[3], 2 * sim.state().block(load)[3]);
}

TEST(DemoMechanism, SignalWithoutWriterReadsNeutral) {
  const Registry registry = demo::demo_registry(false);
  const auto model = compile_with(registry);
  Simulation sim(model);
  sim.advance_to(5 * seconds_per_day);
  EXPECT_EQ(sim.state().signal(model->layout().find_signal("demo.pulse")), 0.0);
  for (const double v : sim.state().block(model->layout().find<double>("demo_tally.load"))) ASSERT_EQ(v, 0.0);
  EXPECT_EQ(sim.state().scalar(model->layout().find<std::uint64_t>("demo_tally.steps")), 20u);
}

TEST(DemoMechanism, CheckpointRestartIsBitIdentical) {
  const Registry registry = demo::demo_registry();
  const auto model = compile_with(registry);
  Simulation whole(model);
  whole.advance_to(40 * seconds_per_day);
  Simulation first(model);
  first.advance_to(17 * seconds_per_day + 7 * seconds_per_hour);  // between two of its 6-hour steps
  const auto path = std::filesystem::temp_directory_path() / "bungner-test-demo-checkpoint.bin";
  io::write_checkpoint(path, io::Checkpoint{io::binary_version(), model->scenario().sha256(), "demo.toml",
                                            model->scenario().canonical_toml(), first.state(), "", "", 0, 0});
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // The checkpoint names the demo's blocks and their types: it describes itself.
  EXPECT_NE(bytes.find("demo_tally.load"), std::string::npos);
  EXPECT_NE(bytes.find("demo_tally.steps"), std::string::npos);
  const io::Checkpoint restored = io::read_checkpoint(path);
  std::filesystem::remove(path);
  Simulation second(model, restored.state);
  second.advance_to(40 * seconds_per_day);
  EXPECT_TRUE(same_blocks(whole.state(), second.state()));
  const auto observations = [](const Simulation& s) {
    std::string out;
    for (const auto& o : s.observe()) out += o.name + "=" + std::to_string(o.value) + ";";
    return out;
  };
  EXPECT_EQ(observations(whole), observations(second));

  // The builtin model did not declare the demo's blocks: restoring there is refused by name.
  const auto builtin = testing::compile(transection);
  try {
    Simulation wrong(builtin, restored.state);
    FAIL() << "restored into a model without the demo";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("block 'demo_tally.load' (f64) is not declared by this model"), std::string::npos)
        << e.what();
  }
}

// One name, one meaning: a readout defined here that reports a name another readout already
// reports makes the model's observation list refuse it, naming both (until 2026-12-07 the 3D
// site's histology and the 1D morphometry both wrote g_ratio_distal, at different sections).
TEST(DemoMechanism, TwoReadoutsMayNotReportOneName) {
  class Echo : public Readout {
   public:
    std::string_view name() const override { return "echo"; }
    void observe(const Model&, const State&, std::vector<Observation>& out) const override {
      out.push_back({"motor_neuron_survival", 100.0, "%"});
    }
  };
  Registry registry = demo::demo_registry();
  EXPECT_NO_THROW((void)observation_names(compile_with(registry)));
  registry.add(ReadoutEntry{.name = "echo",
                            .summary = "reports a name another readout reports (a test)",
                            .declare_parameters = nullptr,
                            .create = [](const CompileContext&) -> std::unique_ptr<Readout> { return std::make_unique<Echo>(); },
                            .observations = {"motor_neuron_survival"}});
  try {
    (void)observation_names(compile_with(registry));
    FAIL() << "a name reported twice was accepted";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("'echo' both report 'motor_neuron_survival'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bungner
