// Verification of the agent engine: contact mechanics, random walks, chemotaxis, population
// dynamics, coupling to fields, and determinism (docs/agents.md).
#include "bungner/agents/agents.hpp"

#include "bungner/io/checkpoint.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <numbers>

namespace bungner::agents {
namespace {

Engine::Settings only(bool mechanics, bool motility, bool life, double dt = 0.1) {
  Engine::Settings s;
  s.dt_min = dt;
  s.behaviours = {mechanics, motility, life, true, true};
  return s;
}

// Two cells settle where repulsion and adhesion balance:
// sqrt(c_r) (1 - d/R) = sqrt(c_a) (1 - d/M), R = r1 + r2, M = 1.25 (r1 + r2).
TEST(Agents, TwoCellContactEquilibrium) {
  CellKind k;
  k.repulsion_um_per_min = 10;
  k.adhesion_um_per_min = 0.4;
  Agents a({k});
  a.add(0, {0, 0, 0});
  a.add(0, {12, 0, 0});
  const Engine engine(only(true, false, false));
  for (std::uint64_t s = 0; s < 3000; ++s) engine.step(a, nullptr, s, {1, 0});
  const double R = 2 * k.radius_um, M = 1.25 * R;
  const double expected = (std::sqrt(10.0) - std::sqrt(0.4)) / (std::sqrt(10.0) / R - std::sqrt(0.4) / M);
  EXPECT_NEAR(std::abs(a.x[a.find(1)] - a.x[a.find(0)]), expected, 1e-6);
  // Adhesion beyond contact pulls separated cells together to the same distance.
  Agents b({k});
  b.add(0, {0, 0, 0});
  b.add(0, {20, 0, 0});
  for (std::uint64_t s = 0; s < 6000; ++s) engine.step(b, nullptr, s, {1, 0});
  EXPECT_NEAR(std::abs(b.x[b.find(1)] - b.x[b.find(0)]), expected, 1e-6);
}

/// Mean squared displacement of non-interacting persistent walkers at the given times.
std::vector<double> msd(double speed, double persistence, const std::vector<int>& at_steps, std::size_t walkers, double dt,
                        int chemotaxis_substrate = -1, double bias = 0, fields::Fields* field = nullptr,
                        std::vector<double>* mean_x = nullptr) {
  CellKind k;
  k.speed_um_per_min = speed;
  k.persistence_min = persistence;
  k.chemotaxis_substrate = chemotaxis_substrate;
  k.chemotaxis_bias = bias;
  Agents a({k});
  for (std::size_t i = 0; i < walkers; ++i) a.add(0, {0, 0, 0});
  const Engine engine(only(false, true, false, dt));
  std::vector<double> out;
  int step = 0;
  for (int target : at_steps) {
    for (; step < target; ++step) engine.step(a, field, static_cast<std::uint64_t>(step), {7, 0});
    double sum = 0, sx = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sum += a.x[i] * a.x[i] + a.y[i] * a.y[i] + a.z[i] * a.z[i];
      sx += a.x[i];
    }
    out.push_back(sum / static_cast<double>(a.size()));
    if (mean_x) mean_x->push_back(sx / static_cast<double>(a.size()));
  }
  return out;
}

// Persistent random walk: MSD(t) = 2 s^2 P^2 (t/P - 1 + exp(-t/P)) (new direction at rate 1/P).
TEST(Agents, PersistentRandomWalkMeanSquaredDisplacement) {
  const double s = 2.0, P = 5.0, dt = 0.05;
  const std::vector<int> steps = {40, 200, 1000};
  const auto observed = msd(s, P, steps, 4000, dt);
  for (std::size_t n = 0; n < steps.size(); ++n) {
    const double t = steps[n] * dt;
    const double theory = 2 * s * s * P * P * (t / P - 1 + std::exp(-t / P));
    // Statistical error of a mean of 4000 squared 3D displacements is ~2 %; discretisation of
    // the turning process at dt/P = 0.01 adds ~1 %.
    EXPECT_NEAR(observed[n] / theory, 1.0, 0.06) << "t = " << t;
  }
}

// Chemotaxis along a uniform gradient: mean drift speed s E[dir . g] with
// dir = normalise((1 - b) u + b g), u uniform on the sphere (a one-dimensional integral).
TEST(Agents, ChemotacticDriftSpeed) {
  const double s = 2.0, b = 0.5, dt = 0.05;
  fields::Grid g;
  g.nx = 40;
  g.ny = g.nz = 4;
  g.dx_um = 100;
  g.origin_um = {-2000, -200, -200};
  fields::Fields f(g, 1);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) f.at(i, j, k, 0) = 0.01 * i;
  double expected = 0;
  const int n = 20000;
  for (int m = 0; m < n; ++m) {
    const double c = -1 + (m + 0.5) * 2.0 / n;
    expected += ((1 - b) * c + b) / std::sqrt((1 - b) * (1 - b) + b * b + 2 * b * (1 - b) * c);
  }
  expected *= s / n;
  std::vector<double> mean_x;
  // Persistence dt: a fresh biased direction every step, so the drift is the instantaneous one.
  (void)msd(s, dt, {400}, 3000, dt, 0, b, &f, &mean_x);
  const double drift = mean_x[0] / (400 * dt);
  EXPECT_NEAR(drift / expected, 1.0, 0.03) << drift << " vs " << expected;
}

// Pure birth process: E[N(k steps)] = N0 (1 + p)^k with p = 1 - exp(-r dt); the mean over
// replicates lies within 4 standard errors (Yule variance N0 m (m - 1), m = (1+p)^k).
TEST(Agents, PopulationGrowthMatchesTheMeanField) {
  CellKind k;
  k.division_rate_per_min = 0.01;
  k.repulsion_um_per_min = 0;
  k.adhesion_um_per_min = 0;
  const double dt = 1.0;
  const int steps = 100, replicates = 30;
  const std::size_t n0 = 50;
  double sum = 0;
  for (int r = 0; r < replicates; ++r) {
    Agents a({k});
    for (std::size_t i = 0; i < n0; ++i) a.add(0, {20.0 * static_cast<double>(i), 0, 0});
    const Engine engine(only(false, false, true, dt));
    for (int s = 0; s < steps; ++s) engine.step(a, nullptr, static_cast<std::uint64_t>(s), {11, static_cast<std::uint64_t>(r)});
    sum += static_cast<double>(a.size());
  }
  const double p = -std::expm1(-0.01 * dt);
  const double m = std::pow(1 + p, steps);
  const double expected = static_cast<double>(n0) * m;
  const double se = std::sqrt(static_cast<double>(n0) * m * (m - 1) / replicates);
  EXPECT_NEAR(sum / replicates, expected, 4 * se);
}

TEST(Agents, DeathRemovesAgentsAndBirthsGetIdsInParentOrder) {
  CellKind k;
  k.apoptosis_rate_per_min = 0.05;
  k.division_rate_per_min = 0.05;
  Agents a({k});
  for (int i = 0; i < 200; ++i) a.add(0, {30.0 * i, 0, 0});
  const Engine engine(only(false, false, true, 1.0));
  std::size_t births = 0, deaths = 0;
  for (std::uint64_t s = 0; s < 10; ++s) {
    const std::uint64_t first_new = a.next_id;
    std::vector<std::uint64_t> before(a.id.begin(), a.id.end());
    const StepReport r = engine.step(a, nullptr, s, {3, 0});
    births += r.births;
    deaths += r.deaths;
    EXPECT_EQ(a.next_id - first_new, r.births);
    EXPECT_EQ(a.size(), before.size() + r.births - r.deaths);
  }
  EXPECT_GT(births, 0u);
  EXPECT_GT(deaths, 0u);
  // Ids are unique.
  std::vector<std::uint64_t> ids(a.id.begin(), a.id.end());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

// Contact inhibition: with a neighbour limit of 0 a packed cell cannot divide.
TEST(Agents, DensityLimitStopsDivision) {
  CellKind k;
  k.division_rate_per_min = 1.0;
  k.max_neighbours_for_division = 1;
  Agents a({k});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 3; ++l) a.add(0, {10.0 * i, 10.0 * j, 10.0 * l});
  const StepReport r = Engine(only(true, false, true, 0.1)).step(a, nullptr, 0, {1, 0});
  EXPECT_EQ(r.births, 0u);
}

// Secretion and uptake move exactly the amounts reported into and out of the field.
TEST(Agents, SecretionMassBalanceWithTheFields) {
  fields::Grid g;
  g.nx = g.ny = g.nz = 10;
  g.dx_um = 20;
  fields::Fields f(g, 2);
  const fields::DiffusionSolver solver(g, {{"vegf", 1000, 0.0}, {"o2", 1e5, 0.0}}, 0.1);
  for (std::size_t v = 0; v < g.voxels(); ++v) f.at(v, 1) = 1.0;
  CellKind secreting;
  secreting.secretion = {5.0, 0.0};
  secreting.uptake_max = {0.0, 40.0};
  secreting.uptake_km = {1.0, 0.5};
  CellKind eating = secreting;
  eating.secretion = {0.0};
  eating.uptake_max = {0.0};
  eating.phagocytosed_substrate = 0;
  eating.phagocytosis_clearance = 200.0;
  Agents a({secreting, eating});
  for (int i = 0; i < 20; ++i) a.add(static_cast<std::uint8_t>(i % 2), {10.0 + 9 * i, 100, 100});
  const Engine engine(only(true, false, false, 0.1));
  double secreted = 0, taken0 = 0, taken1 = 0;
  const double start0 = f.total(0), start1 = f.total(1);
  for (std::uint64_t s = 0; s < 100; ++s) {
    const StepReport r = engine.step(a, &f, s, {1, 0});
    solver.step(f);
    secreted += r.exchange.secreted[0];
    taken0 += r.exchange.taken_up[0];
    taken1 += r.exchange.taken_up[1];
  }
  EXPECT_NEAR(f.total(0), start0 + secreted - taken0, 1e-9 * (start0 + secreted));
  EXPECT_NEAR(f.total(1), start1 - taken1, 1e-9 * start1);
  EXPECT_GT(taken0, 0.0);
  double cleared = 0;
  for (std::size_t i = 0; i < a.size(); ++i) cleared += a.cleared[i];
  EXPECT_NEAR(cleared, taken0, 1e-9 * taken0);  // only phagocytes take up substrate 0
}

// A c-Jun-like state variable relaxes exactly to production * signal / decay.
TEST(Agents, StateVariableIntegratesExactly) {
  CellKind k;
  Agents a({k}, {StateVariable{"c_jun", 0.3, 0.1, -1}});
  a.add(0, {0, 0, 0});
  const Engine engine(only(false, false, false, 0.5));
  for (std::uint64_t s = 0; s < 40; ++s) engine.step(a, nullptr, s, {1, 0});
  EXPECT_NEAR(a.variables[0][0], 3.0 * (1 - std::exp(-0.1 * 20)), 1e-12);
}

// A mixed scenario (mechanics, motility with chemotaxis, division, death, secretion) is
// bit-identical at one and two threads.
TEST(Agents, BitIdenticalAtOneAndTwoThreads) {
  const auto run = [](int threads) {
    omp_set_num_threads(threads);
    fields::Grid g;
    g.nx = g.ny = g.nz = 12;
    g.dx_um = 20;
    g.origin_um = {-120, -120, -120};
    fields::Fields f(g, 1);
    const fields::DiffusionSolver solver(g, {{"ngf", 2000, 0.01}}, 0.1);
    CellKind k;
    k.speed_um_per_min = 1;
    k.persistence_min = 2;
    k.chemotaxis_substrate = 0;
    k.chemotaxis_bias = 0.3;
    k.division_rate_per_min = 0.01;
    k.apoptosis_rate_per_min = 0.005;
    k.secretion = {2.0};
    Agents a({k});
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j)
        for (int l = 0; l < 20; ++l) a.add(0, {-90 + 11.0 * i, -90 + 11.0 * j, -100 + 10.0 * l});
    Engine::Settings settings;
    settings.box = Box{{-120, -120, -120}, {120, 120, 120}};
    const Engine engine(settings);
    for (std::uint64_t s = 0; s < 60; ++s) {
      engine.step(a, &f, s, {5, 0});
      solver.step(f);
    }
    return std::make_pair(std::move(a), std::move(f));
  };
  const int before = omp_get_max_threads();
  auto [a1, f1] = run(1);
  auto [a2, f2] = run(2);
  omp_set_num_threads(before);
  ASSERT_GT(a1.size(), 4096u);  // large enough for the parallel loops to engage
  ASSERT_EQ(a1.size(), a2.size());
  EXPECT_EQ(a1.id, a2.id);
  EXPECT_EQ(std::memcmp(a1.x.data(), a2.x.data(), a1.size() * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(a1.z.data(), a2.z.data(), a1.size() * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(f1.data(), f2.data(), f1.grid().voxels() * sizeof(double)), 0);
}

}  // namespace
}  // namespace bungner::agents

namespace bungner::agents {
namespace {

// A phagocyte engulfs one touching apoptotic cell per step, the one with the lowest id; a cell
// wanted by two phagocytes goes to the phagocyte with the lower id.
TEST(Agents, PhagocytesEngulfTouchingAgentsInIdOrder) {
  CellKind macrophage;
  macrophage.engulfs_kind = 1;
  macrophage.engulf_rate_per_min = 1e9;  // certain within a step
  CellKind apoptotic;
  Agents a({macrophage, apoptotic});
  a.add(1, {10, 0, 0});   // id 0: prey touching both phagocytes
  a.add(0, {0, 0, 0});    // id 1: phagocyte
  a.add(0, {20, 0, 0});   // id 2: phagocyte
  a.add(1, {-10, 0, 0});  // id 3: prey touching phagocyte 1 only
  const Engine engine(only(true, false, true, 0.01));
  StepReport r = engine.step(a, nullptr, 0, {1, 0});
  EXPECT_EQ(r.engulfed, 1u);  // both wanted id 0; phagocyte 1 (lower id) got it
  EXPECT_EQ(a.find(0), a.size());
  EXPECT_EQ(a.engulfed[a.find(1)], 1u);
  EXPECT_EQ(a.engulfed[a.find(2)], 0u);
  r = engine.step(a, nullptr, 1, {1, 0});
  EXPECT_EQ(r.engulfed, 1u);  // phagocyte 1 now takes id 3
  EXPECT_EQ(a.find(3), a.size());
  EXPECT_EQ(a.size(), 2u);
}

}  // namespace
}  // namespace bungner::agents

namespace bungner::agents {
namespace {

// Haptotaxis on a substrate-bound gradient (no diffusion) gives the same drift as chemotaxis with
// the same bias, and the two combine.
TEST(Agents, HaptotaxisDriftsUpABoundGradient) {
  fields::Grid g;
  g.nx = 40;
  g.ny = g.nz = 4;
  g.dx_um = 100;
  g.origin_um = {-2000, -200, -200};
  fields::Fields f(g, 2);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        f.at(i, j, k, 0) = 0.0;       // no chemoattractant
        f.at(i, j, k, 1) = 0.02 * i;  // laminin rising along x
      }
  const auto drift = [&](double chemotaxis, double haptotaxis, int substrate_for_chemotaxis) {
    CellKind k;
    k.speed_um_per_min = 2;
    k.persistence_min = 0.05;
    k.chemotaxis_substrate = substrate_for_chemotaxis;
    k.chemotaxis_bias = chemotaxis;
    k.haptotaxis_substrate = 1;
    k.haptotaxis_bias = haptotaxis;
    Agents a({k});
    for (int n = 0; n < 3000; ++n) a.add(0, {0, 0, 0});
    const Engine engine(only(false, true, false, 0.05));
    for (std::uint64_t s = 0; s < 200; ++s) engine.step(a, &f, s, {7, 0});
    double mean = 0;
    for (std::size_t i = 0; i < a.size(); ++i) mean += a.x[i];
    return mean / static_cast<double>(a.size()) / (200 * 0.05);
  };
  const double hapto = drift(0.0, 0.5, -1);
  const double chemo_on_same_field = drift(0.5, 0.0, 1);
  EXPECT_NEAR(hapto / chemo_on_same_field, 1.0, 0.05);
  EXPECT_GT(drift(0.0, 0.9, -1), hapto);
  EXPECT_NEAR(drift(0.0, 0.0, -1), 0.0, 0.1);
}

}  // namespace
}  // namespace bungner::agents

namespace bungner::agents {
namespace {

// Checkpoints of the 3D layers: k steps + image + restore + N - k steps equals N steps, bit for
// bit, for agents coupled to a diffusing field and for growing axons.
TEST(Agents, CheckpointRestartOfAgentsFieldsAndAxonsIsBitIdentical) {
  fields::Grid g;
  g.nx = g.ny = g.nz = 10;
  g.dx_um = 20;
  g.origin_um = {-100, -100, -100};
  const std::vector<fields::Substrate> substrates = {{"ngf", 2000, 0.01}};
  const fields::DiffusionSolver solver(g, substrates, 0.1);
  CellKind k;
  k.speed_um_per_min = 1;
  k.chemotaxis_substrate = 0;
  k.chemotaxis_bias = 0.3;
  k.division_rate_per_min = 0.02;
  k.apoptosis_rate_per_min = 0.01;
  k.secretion = {2.0};
  const std::vector<StateVariable> variables = {{"c_jun", 0.3, 0.1, 0}};
  GrowthCone cone;
  cone.attractant = 0;
  cone.chemotropism = 0.2;
  cone.branch_rate_per_min = 0.01;
  const auto fresh = [&] {
    Agents a({k}, variables);
    for (int i = 0; i < 60; ++i) a.add(0, {-60 + 2.0 * i, 10.0 * (i % 5), 0});
    Axons x(cone);
    for (int i = 0; i < 10; ++i) x.add({-90, 15.0 * i - 70, 0}, {1, 0, 0});
    return std::make_tuple(std::move(a), fields::Fields(g, 1), std::move(x));
  };
  Engine::Settings settings;
  settings.box = Box{{-100, -100, -100}, {100, 100, 100}};
  const Engine engine(settings);
  const auto advance = [&](Agents& a, fields::Fields& f, Axons& x, std::uint64_t from, std::uint64_t to) {
    for (std::uint64_t s = from; s < to; ++s) {
      engine.step(a, &f, s, {3, 0});
      x.step(&f, 0.1, s, {3, 0});
      solver.step(f);
    }
  };
  auto [a1, f1, x1] = fresh();
  advance(a1, f1, x1, 0, 80);
  auto [a2, f2, x2] = fresh();
  advance(a2, f2, x2, 0, 33);
  Agents a3 = io::deserialize_agents(io::serialize(a2), {k}, variables);
  fields::Fields f3 = io::deserialize_fields(io::serialize(f2));
  Axons x3 = io::deserialize_axons(io::serialize(x2), cone);
  advance(a3, f3, x3, 33, 80);
  ASSERT_EQ(a1.size(), a3.size());
  EXPECT_EQ(a1.id, a3.id);
  EXPECT_EQ(std::memcmp(a1.x.data(), a3.x.data(), a1.size() * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(a1.variables[0].data(), a3.variables[0].data(), a1.size() * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(f1.data(), f3.data(), g.voxels() * sizeof(double)), 0);
  ASSERT_EQ(x1.all().size(), x3.all().size());
  for (std::size_t n = 0; n < x1.all().size(); ++n) EXPECT_EQ(x1.all()[n].points, x3.all()[n].points);
  EXPECT_THROW(io::deserialize_fields("garbage"), InputError);
}

}  // namespace
}  // namespace bungner::agents
