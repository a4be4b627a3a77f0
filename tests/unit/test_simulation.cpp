// Simulation engine: multi-rate clock, determinism across threads and seeds, readouts that only
// observe, conservation of neurons, and exact solutions of the 0D models.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>

#include "bungner/core/parallel.hpp"
#include "bungner/io/checkpoint.hpp"
#include "run_helpers.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace bungner {
namespace {

using testing::compile;
using testing::rat_sciatic;
using testing::sample;

/// Bitwise equality of two vectors of doubles (NaN-safe, -0 vs +0 distinguished).
template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool same_state(const State& a, const State& b) {
  const auto& x = a.neurons;
  const auto& y = b.neurons;
  return a.time_s == b.time_s && same_bits(x.alive, y.alive) && same_bits(x.status, y.status) &&
         same_bits(x.position_m, y.position_m) && same_bits(x.arrival_s, y.arrival_s) &&
         same_bits(x.cumulative_hazard, y.cumulative_hazard) && same_bits(x.connection, y.connection) &&
         same_bits(std::vector<double>{a.distal.stump_support, a.distal.support_at_contact, a.distal.regrowing_fraction},
                   std::vector<double>{b.distal.stump_support, b.distal.support_at_contact, b.distal.regrowing_fraction}) &&
         std::equal(a.blocks.begin(), a.blocks.end(), b.blocks.begin(), b.blocks.end(),
                    [](const StateBlock& p, const StateBlock& q) {
                      return p.name == q.name && p.type == q.type && p.width == q.width && p.bytes == q.bytes;
                    }) &&
         std::equal(a.targets.begin(), a.targets.end(), b.targets.begin(), [](const TargetState& p, const TargetState& q) {
           return same_bits(
                      std::vector<double>{p.mass_ratio, p.receptivity, p.innervation, p.fibre_capacity, p.specific_force},
                      std::vector<double>{q.mass_ratio, q.receptivity, q.innervation, q.fibre_capacity, q.specific_force}) &&
                  p.connected_axons == q.connected_axons && p.connected_by_type == q.connected_by_type;
         });
}

const char* sutured = R"(
species = "rat"
nerve = "sciatic"
seed = 5
[injury]
type = "transection"
[repair]
type = "direct_suture"
timing = "10 d"
[simulation]
duration = "90 d"
[readouts]
times = []
)";

TEST(Simulation, BitIdenticalAtOneAndTwoThreads) {
  // Enough neurons that the parallel loops really run on two threads.
  const auto model = compile(sutured, {{"anatomy.motor_neurons", "20000 cells"}, {"anatomy.sensory_neurons", "20000 cells"}});
  ASSERT_GE(model->motor_neurons + model->sensory_neurons, 2 * parallel::min_items);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  Simulation one(model);
  one.advance_to(90 * seconds_per_day);
  omp_set_num_threads(2);
  Simulation two(model);
  two.advance_to(90 * seconds_per_day);
  omp_set_num_threads(before);
  EXPECT_TRUE(same_state(one.state(), two.state()));
}

TEST(Simulation, SeedAndRunIndexChangeStochasticOutcomes) {
  Simulation a(compile(sutured));
  Simulation b(compile(sutured, {{"seed", "6"}}));
  Simulation c(compile(sutured), 1);
  for (Simulation* s : {&a, &b, &c}) s->advance_to(60 * seconds_per_day);
  EXPECT_FALSE(same_bits(a.state().neurons.position_m, b.state().neurons.position_m));
  EXPECT_FALSE(same_bits(a.state().neurons.position_m, c.state().neurons.position_m));
  Simulation again(compile(sutured));
  again.advance_to(60 * seconds_per_day);
  EXPECT_TRUE(same_state(a.state(), again.state()));
}

TEST(Simulation, ObservingDoesNotChangeTheTrajectory) {
  const auto model = compile(sutured);
  Simulation watched(model), unwatched(model);
  for (std::int64_t t = 0; t <= 60 * seconds_per_day; t += seconds_per_hour * 7) {
    watched.advance_to(t);
    (void)watched.observe();
  }
  unwatched.advance_to(watched.state().time_s);
  EXPECT_TRUE(same_state(watched.state(), unwatched.state()));
}

TEST(Simulation, NeuronsAreConservedAndStatusesConsistent) {
  Simulation sim(compile(sutured));
  sim.advance_to(90 * seconds_per_day);
  const auto& n = sim.state().neurons;
  EXPECT_EQ(n.size(), 1650u + 5990u);
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n.status[i] == AxonStatus::arrived) {
      EXPECT_GE(n.arrival_s[i], 10.0 * seconds_per_day) << "arrived before the repair";
      EXPECT_NE(n.connection[i], Connection::none) << "arrival without a connection outcome";
    } else if (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::failed) {
      // Misdirected at the suture line (Sunderland V; possibly dead since) or not decided.
      EXPECT_TRUE(n.connection[i] == Connection::none || n.connection[i] == Connection::misdirected);
    } else {
      EXPECT_EQ(n.connection[i], Connection::none);
    }
    EXPECT_GE(n.position_m[i], 0.0);
  }
}

const char* unrepaired = R"(
species = "rat"
nerve = "sciatic"
[injury]
type = "transection"
[simulation]
duration = "100 d"
[readouts]
times = []
)";

// With no axon ever arriving, muscle mass and stump support follow closed-form exponentials;
// the exact per-step update must reproduce them to rounding error at any time. Mass (issue 21):
// fibre volume (1 - v0) a(t), a(t) = a_inf + (1 - a_inf) e^(-t/tau_a), plus the normal
// non-contractile volume v0; after the fibre-loss lag L the viable fibres fall as
// Phi = e^(-(t - L)/tau_Phi) and a share beta of the lost (fully atrophied) volume stays.
TEST(Simulation, DenervatedMuscleAndStumpFollowTheirAnalyticSolutions) {
  Simulation sim(compile(unrepaired));
  const ParameterSet& p = sim.model().parameters();
  const double v0 = p.get("muscle_target.noncontractile_share"), floor = p.get("muscle_target.fibre_area_floor");
  const double tau_a = p.get("muscle_target.atrophy_time_constant"), lag = p.get("muscle_target.fibre_loss_lag");
  const double tau_phi = p.get("muscle_target.fibre_loss_time_constant"), beta = p.get("muscle_target.fibrosis_share");
  EXPECT_EQ(v0, 0.132);
  for (double day : {1.0, 15.0, 49.0, 89.0, 100.0}) {
    const double mass = sample(sim, "muscle_mass_ratio.tibialis_anterior", {day})[0] / 100;
    const double area = floor + (1 - floor) * std::exp(-day / tau_a);
    const double viable = day <= lag ? 1.0 : std::exp(-(day - lag) / tau_phi);
    // The lost fibres had the floor's area to within (1 - a_inf) e^(-L/tau_a) ~ 2e-5.
    const double expected_mass = (1 - v0) * viable * area + v0 + beta * (1 - v0) * floor * (1 - viable);
    EXPECT_NEAR(mass, expected_mass, day <= lag ? 1e-12 : 1e-6) << day;
    const double support = sample(sim, "distal_schwann_support", {day})[0] / 100;
    const double expected = 0.05 + 0.95 * std::exp(-day / 54.0);
    EXPECT_NEAR(support, expected, 1e-12) << day;
    // No axon reaches any segment of the 1D nerve: all decline alike.
    for (const double s : sim.state().distal.segment_support) EXPECT_NEAR(s, expected, 1e-12) << day;
  }
}

// Sensory survival without support follows 1 - f (1 - exp(-(t - onset)/tau)) in expectation;
// the simulated fraction lies within 4 binomial standard errors.
TEST(Simulation, NeuronDeathMatchesTheHazardModel) {
  Simulation sim(compile(unrepaired));
  const auto declared = [](const char* name) { return make_builtin_registry().parameters().find(name)->default_value; };
  const double n = 5990, f = declared("neuron_survival.sensory_vulnerable_fraction"),
               tau = declared("neuron_survival.death_time_constant"), onset = declared("neuron_survival.death_onset");
  for (double day : {5.0, 20.0, 60.0}) {
    const double expected = 1 - f * (1 - std::exp(-(day - onset) / tau));
    const double observed = sample(sim, "sensory_neuron_survival", {day})[0] / 100;
    EXPECT_NEAR(observed, expected, 4 * std::sqrt(expected * (1 - expected) / n)) << day;
  }
}

// The base tick is the gcd of the processes' periods; each process runs exactly at its period.
TEST(Simulation, MultiRateClockRunsEachProcessAtItsPeriod) {
  struct Counter final : Process {
    Counter(std::string name, std::int64_t period, int* calls) : name_(std::move(name)), period_(period), calls_(calls) {}
    std::string_view name() const override { return name_; }
    Phase phase() const override { return Phase::targets; }
    std::int64_t period_s() const override { return period_; }
    void advance(const Model&, State&, const Tick& tick) const override {
      ASSERT_EQ(tick.dt_s, period_);
      ASSERT_EQ(tick.time_s % period_, 0);
      ++*calls_;
    }
    std::string name_;
    std::int64_t period_;
    int* calls_;
  };
  int every_20_min = 0, every_30_min = 0;
  Registry registry;
  // The species presets set parameters of the real content: declare them all, run only the stubs.
  registry.add(MechanismEntry{.name = "a",
                              .summary = "",
                              .declare_parameters =
                                  [](ParameterRegistry& r) {
                                    const Registry builtin = make_builtin_registry();
                                    for (const ParameterSpec& p : builtin.parameters().all()) r.declare(p);
                                  },
                              .create = [&](const CompileContext&) -> std::unique_ptr<Process> {
                                return std::make_unique<Counter>("a", 1200, &every_20_min);
                              }});
  registry.add(MechanismEntry{.name = "b",
                              .summary = "",
                              .declare_parameters = nullptr,
                              .create = [&](const CompileContext&) -> std::unique_ptr<Process> {
                                return std::make_unique<Counter>("b", 1800, &every_30_min);
                              }});
  const auto model = Model::compile(load_scenario_text(rat_sciatic, "t.toml", registry), registry);
  EXPECT_EQ(model->tick_s, 600);
  Simulation sim(model);
  sim.advance_to(6 * seconds_per_hour);
  EXPECT_EQ(every_20_min, 18);
  EXPECT_EQ(every_30_min, 12);
}

// Restart equivalence: N steps equal k steps, a checkpoint written to disk and read back, and
// N - k more steps, bit for bit.
TEST(Simulation, CheckpointRestartIsBitIdentical) {
  const auto model = compile(sutured);
  Simulation whole(model);
  whole.advance_to(60 * seconds_per_day);
  Simulation first(model);
  first.advance_to(23 * seconds_per_day + 5 * seconds_per_hour);
  const auto path = std::filesystem::temp_directory_path() / "bungner-test-checkpoint.bin";
  io::write_checkpoint(path, io::Checkpoint{io::binary_version(), model->scenario().sha256(), "test.toml",
                                            model->scenario().canonical_toml(), first.state(), "rows", "", 3, 7});
  const io::Checkpoint restored = io::read_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_EQ(restored.timeseries_csv, "rows");
  EXPECT_EQ(restored.next_readout, 3u);
  EXPECT_EQ(restored.next_row_s, 7);
  Simulation second(model, restored.state);
  second.advance_to(60 * seconds_per_day);
  EXPECT_TRUE(same_state(whole.state(), second.state()));
}

// Issue 25, item 10: a checkpoint carries the SHA-256 of its contents, so that a damaged but
// well-formed file (one flipped byte in a value) is refused with a clear error, not resumed.
TEST(Simulation, DamagedCheckpointIsRefused) {
  const auto model = compile(sutured);
  Simulation first(model);
  first.advance_to(5 * seconds_per_day);
  const auto path = std::filesystem::temp_directory_path() / "bungner-test-checkpoint-damaged.bin";
  io::write_checkpoint(path, io::Checkpoint{io::binary_version(), model->scenario().sha256(), "test.toml",
                                            model->scenario().canonical_toml(), first.state(), "1,rows,2,mm\n", "", 3, 7});
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove(path);
  ASSERT_NO_THROW(io::parse_checkpoint(bytes, "intact"));
  const auto message_of = [](const std::string& damaged) {
    try {
      io::parse_checkpoint(damaged, "damaged");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  // One flipped byte in the rows written so far: still well-formed, so only the checksum sees it.
  std::string rows = bytes;
  const auto at = rows.rfind("rows");
  ASSERT_NE(at, std::string::npos);
  rows[at + 3] = 'z';
  EXPECT_NE(message_of(rows).find("checkpoint is damaged: its SHA-256 does not match"), std::string::npos) << message_of(rows);
  // One flipped bit anywhere (a state value, a length, the trailer itself) is refused.
  for (std::size_t i = 0; i < bytes.size(); i += 97) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    EXPECT_NE(message_of(damaged), "(accepted)") << "byte " << i;
  }
  EXPECT_NE(message_of(bytes.substr(0, bytes.size() - 1)), "(accepted)");
  // An older format (6: content fields written by hand) is refused with a clear message.
  std::string old = bytes;
  const auto magic_at = old.find("BUNGNER-CHECKPOINT-7");
  ASSERT_NE(magic_at, std::string::npos);
  old[magic_at + 19] = '6';
  EXPECT_NE(message_of(old).find("checkpoint format 6 is not 7"), std::string::npos) << message_of(old);
}

// A NaN or a negative quantity is reported with the process, the entity and the time.
TEST(Simulation, NumericalGuardsNameProcessEntityAndTime) {
  const auto model = compile(sutured);
  Simulation ok(model);
  ok.advance_to(10 * seconds_per_day);
  EXPECT_NO_THROW(ok.check_numerics());
  State broken = ok.state();
  broken.neurons.position_m[17] = std::nan("");
  try {
    Simulation(model, broken).check_numerics();
    FAIL() << "no error";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("axon_regeneration at day 10: position of neuron 17 is nan"), std::string::npos)
        << e.what();
  }
  State negative = ok.state();
  negative.targets[0].mass_ratio = -0.1;
  EXPECT_THROW(Simulation(model, negative).check_numerics(), RuntimeFailure);
}

// A conduction block loses no neurons and no axons; conduction returns for (nearly) all.
TEST(Simulation, ConductionBlockLosesNothing) {
  Simulation sim(compile(rat_sciatic, {{"injury.type", "conduction_block"}}));
  sim.advance_to(120 * seconds_per_day);
  EXPECT_DOUBLE_EQ(testing::observed(sim, "sensory_neuron_survival"), 100.0);
  EXPECT_DOUBLE_EQ(testing::observed(sim, "muscle_mass_ratio.gastrocnemius"), 100.0);
  EXPECT_GT(testing::observed(sim, "muscle_innervation.gastrocnemius"), 99.0);
}

}  // namespace
}  // namespace bungner
