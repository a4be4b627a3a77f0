// Verification of the reaction-diffusion field engine against exact discrete solutions,
// analytic continuous solutions, conservation laws and convergence orders (docs/fields.md).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>

#include "bungner/core/errors.hpp"
#include "bungner/core/random.hpp"
#include "bungner/fields/diffusion.hpp"
#include "bungner/fields/geometry.hpp"

namespace bungner::fields {
namespace {

constexpr double pi = std::numbers::pi;

Grid cube(int n, double dx) {
  Grid g;
  g.nx = g.ny = g.nz = n;
  g.dx_um = dx;
  return g;
}

/// A domain that takes the general (heterogeneous) path with the same physics as the uniform one.
Domain all_lumen(const Grid& g) {
  Domain d;
  d.region.assign(g.voxels(), Region::lumen);
  return d;
}

void fill_random(Fields& f, std::uint64_t seed) {
  for (std::size_t v = 0; v < f.grid().voxels(); ++v) {
    RandomStream r({seed, 0}, v, 0, purpose_id("test.fields"));
    for (std::size_t s = 0; s < f.substrates(); ++s) f.at(v, s) = r.uniform();
  }
}

/// Product cosine mode, an eigenvector of the cell-centred Neumann Laplacian.
void fill_mode(Fields& f, int mx, int my, int mz) {
  const Grid& g = f.grid();
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i)
        for (std::size_t s = 0; s < f.substrates(); ++s)
          f.at(i, j, k, s) =
              std::cos(pi * mx * (i + 0.5) / g.nx) * std::cos(pi * my * (j + 0.5) / g.ny) * std::cos(pi * mz * (k + 0.5) / g.nz);
}

/// Eigenvalue of the unit-spacing Neumann Laplacian for mode m on n cells (negated).
double mode_eigenvalue(int m, int n) {
  const double s = std::sin(pi * m / (2.0 * n));
  return 4 * s * s;
}

const std::vector<Substrate> two = {{"fast", 1e4, 0.05}, {"slow", 50, 0.001}};

// Each axis solve multiplies a product mode by exactly 1 / (1 + lambda dt/3 + r mu_axis).
TEST(Fields, ProductModeDecaysByTheExactDiscreteFactor) {
  const Grid g = [] {
    Grid x;
    x.nx = 24;
    x.ny = 16;
    x.nz = 12;
    x.dx_um = 10;
    return x;
  }();
  for (bool general : {false, true}) {
    DiffusionSolver solver(g, two, 0.05, general ? all_lumen(g) : Domain{});
    ASSERT_EQ(solver.uniform(), !general);
    Fields f(g, two.size());
    fill_mode(f, 1, 2, 1);
    Fields initial = f;
    const int steps = 20;
    for (int n = 0; n < steps; ++n) solver.step(f);
    for (std::size_t s = 0; s < two.size(); ++s) {
      const double r = two[s].diffusion_um2_per_min * 0.05 / (g.dx_um * g.dx_um);
      const double base = 1 + two[s].decay_per_min * 0.05 / 3;
      const double per_step = 1 / ((base + r * mode_eigenvalue(1, g.nx)) * (base + r * mode_eigenvalue(2, g.ny)) *
                                   (base + r * mode_eigenvalue(1, g.nz)));
      const double factor = std::pow(per_step, steps);
      double worst = 0;
      for (std::size_t v = 0; v < g.voxels(); ++v) worst = std::max(worst, std::abs(f.at(v, s) - factor * initial.at(v, s)));
      // Rounding noise (~1e-16 of the initial amplitude 1) in slower modes decays more slowly than
      // the mode itself, hence the absolute floor.
      EXPECT_LT(worst, 1e-12 * factor + 1e-15) << "substrate " << s << (general ? " general" : " uniform");
    }
  }
}

// Zero-flux faces: the total of each substrate shrinks by exactly (1 + lambda dt/3)^-3 per step.
TEST(Fields, MassBalanceWithZeroFluxIsExact) {
  const Grid g = cube(20, 15);
  for (bool general : {false, true}) {
    DiffusionSolver solver(g, two, 0.2, general ? all_lumen(g) : Domain{});
    Fields f(g, two.size());
    fill_random(f, 3);
    std::vector<double> before = {f.total(0), f.total(1)};
    const int steps = 50;
    for (int n = 0; n < steps; ++n) solver.step(f);
    for (std::size_t s = 0; s < two.size(); ++s) {
      const double expected = before[s] * std::pow(solver.total_decay_factor(s), steps);
      EXPECT_NEAR(f.total(s) / expected, 1.0, 1e-12) << "substrate " << s << (general ? " general" : "");
    }
  }
}

TEST(Fields, StaysNonNegativeFromSpikes) {
  const Grid g = cube(16, 10);
  for (bool general : {false, true}) {
    DiffusionSolver solver(g, two, 5.0, general ? all_lumen(g) : Domain{});
    Fields f(g, two.size());
    f.at(0, 0, 0, 0) = 1e6;
    f.at(8, 3, 15, 1) = 1.0;
    for (int n = 0; n < 10; ++n) {
      solver.step(f);
      for (double v : f.all()) ASSERT_GE(v, 0.0);
    }
  }
}

// A field symmetric under x -> -x stays symmetric (to rounding).
TEST(Fields, MirrorSymmetryIsPreserved) {
  const Grid g = cube(18, 10);
  DiffusionSolver solver(g, two, 0.3);
  Fields f(g, two.size());
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx / 2; ++i)
        for (std::size_t s = 0; s < 2; ++s) {
          RandomStream r({9, 0}, g.index(i, j, k), s, 1);
          f.at(i, j, k, s) = f.at(g.nx - 1 - i, j, k, s) = r.uniform();
        }
  for (int n = 0; n < 25; ++n) solver.step(f);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx / 2; ++i)
        for (std::size_t s = 0; s < 2; ++s) EXPECT_NEAR(f.at(i, j, k, s), f.at(g.nx - 1 - i, j, k, s), 1e-13);
}

TEST(Fields, BitIdenticalAtOneAndTwoThreads) {
  Grid g;
  g.nx = 40;
  g.ny = 31;
  g.nz = 23;  // odd sizes: uneven splits of lines and columns
  g.dx_um = 20;
  const std::vector<Substrate> four = {{"a", 1e5, 0.1}, {"b", 1e3, 0.01}, {"c", 5e3, 0.05}, {"d", 1e2, 0.001}};
  for (bool general : {false, true}) {
    DiffusionSolver solver(g, four, 0.01, general ? all_lumen(g) : Domain{});
    Fields one(g, 4), two_threads(g, 4);
    fill_random(one, 11);
    fill_random(two_threads, 11);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    for (int n = 0; n < 7; ++n) solver.step(one);
    omp_set_num_threads(2);
    for (int n = 0; n < 7; ++n) solver.step(two_threads);
    omp_set_num_threads(before);
    EXPECT_EQ(std::memcmp(one.data(), two_threads.data(), g.voxels() * 4 * sizeof(double)), 0)
        << (general ? "general" : "uniform");
  }
}

// Away from the walls, each implicit axis solve adds exactly 2 D dt to the variance of a pulse
// (summation by parts on the tridiagonal system); a Gaussian stays Gaussian as in the analytic
// solution sigma^2(t) = sigma0^2 + 2 D t.
TEST(Fields, GaussianPulseSpreadsAsTheAnalyticSolution) {
  const Grid g = cube(64, 5);  // 320 um box
  const double D = 200, dt = 0.02, sigma0 = 20;
  DiffusionSolver solver(g, {{"x", D, 0.0}}, dt);
  Fields f(g, 1);
  const double centre = 160;
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const auto [x, y, z] = g.center(i, j, k);
        const double r2 = (x - centre) * (x - centre) + (y - centre) * (y - centre) + (z - centre) * (z - centre);
        f.at(i, j, k, 0) = std::exp(-r2 / (2 * sigma0 * sigma0));
      }
  const auto variance_x = [&] {
    double m0 = 0, m2 = 0;
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
          const double x = g.center(i, j, k)[0] - centre;
          m0 += f.at(i, j, k, 0);
          m2 += f.at(i, j, k, 0) * x * x;
        }
    return m2 / m0;
  };
  const double v0 = variance_x();
  const int steps = 50;
  for (int n = 0; n < steps; ++n) solver.step(f);
  const double t = steps * dt;
  EXPECT_NEAR(variance_x() - v0, 2 * D * t, 1e-6 * 2 * D * t);
  // Pointwise against the analytic Gaussian (discretisation error O(h^2 / sigma^2) and O(dt):
  // measured 1.1 % of the peak here).
  const double sigma2 = sigma0 * sigma0 + 2 * D * t;
  const double amplitude = std::pow(sigma0 * sigma0 / sigma2, 1.5);
  double worst = 0;
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const auto [x, y, z] = g.center(i, j, k);
        const double r2 = (x - centre) * (x - centre) + (y - centre) * (y - centre) + (z - centre) * (z - centre);
        worst = std::max(worst, std::abs(f.at(i, j, k, 0) - amplitude * std::exp(-r2 / (2 * sigma2))));
      }
  std::printf("Gaussian pulse: max error %.2e of the peak\n", worst / amplitude);
  EXPECT_LT(worst / amplitude, 2e-2);
}

// 1D steady diffusion-decay from a fixed concentration at x = 0 with zero flux at x = L:
// c(x) = cosh((L - x)/ell) / cosh(L/ell), ell = sqrt(D/lambda). The steady state of first-order
// LOD carries a splitting error of about lambda dt (the decay is applied in all three sweeps, the
// boundary source only in x), plus O(h^2); both are checked.
double steady_profile_error(double dt) {
  Grid g;
  g.nx = 200;
  g.dx_um = 2.5;  // L = 500 um
  const double D = 1000, lambda = 0.1, L = 500, ell = std::sqrt(D / lambda);
  Domain domain;
  domain.faces[0] = FaceCondition{true, {1.0}};
  DiffusionSolver solver(g, {{"x", D, lambda}}, dt, domain);
  EXPECT_FALSE(solver.uniform());
  Fields f(g, 1);
  const int steps = static_cast<int>(200.0 / dt);  // 20 decay times: converged to ~1e-9
  for (int n = 0; n < steps; ++n) solver.step(f);
  double worst = 0;
  for (int i = 0; i < g.nx; ++i) {
    const double x = (i + 0.5) * g.dx_um;
    worst = std::max(worst, std::abs(f.at(i, 0, 0, 0) - std::cosh((L - x) / ell) / std::cosh(L / ell)));
  }
  return worst;
}

TEST(Fields, SteadyDiffusionDecayProfile) {
  const double coarse = steady_profile_error(0.02), fine = steady_profile_error(0.01);
  std::printf("steady profile max error: %.2e (dt 0.02), %.2e (dt 0.01)\n", coarse, fine);
  EXPECT_LT(fine, 2e-3);
  EXPECT_NEAR(coarse / fine, 2.0, 0.2);  // the remaining error is the O(dt) splitting error
}

/// Max error at time T of the 3D cosine mode against the continuous solution, dt = c h^2.
double mode_error(int n, double dt, double T, bool discrete_reference) {
  const double L = 200, D = 400, lambda = 0.02;
  Grid g = cube(n, L / n);
  DiffusionSolver solver(g, {{"x", D, lambda}}, dt);
  Fields f(g, 1);
  fill_mode(f, 1, 1, 1);
  const Fields initial = f;
  const int steps = static_cast<int>(std::lround(T / dt));
  for (int s = 0; s < steps; ++s) solver.step(f);
  // Continuous decay rate, or the semi-discrete one (exact in space, so only time error remains).
  const double h = L / n;
  const double mu = discrete_reference ? 3 * mode_eigenvalue(1, n) / (h * h) : 3 * pi * pi / (L * L);
  const double exact = std::exp(-(D * mu + lambda) * T);
  double worst = 0;
  for (std::size_t v = 0; v < g.voxels(); ++v) worst = std::max(worst, std::abs(f.at(v, 0) - exact * initial.at(v, 0)));
  return worst;
}

// Second order in space: with dt proportional to h^2 the error falls fourfold per halving of h.
TEST(Fields, ObservedOrderInSpaceIsTwo) {
  const double T = 20;
  const double e1 = mode_error(8, 0.08, T, false);
  const double e2 = mode_error(16, 0.02, T, false);
  const double e3 = mode_error(32, 0.005, T, false);
  std::printf("observed order in space: %.3f, %.3f\n", std::log2(e1 / e2), std::log2(e2 / e3));
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.1);
  EXPECT_NEAR(std::log2(e2 / e3), 2.0, 0.1);
}

// First order in time (backward Euler and first-order splitting): against the semi-discrete
// exact solution the error halves with the time step.
TEST(Fields, ObservedOrderInTimeIsOne) {
  const double T = 20;
  const double e1 = mode_error(16, 0.4, T, true);
  const double e2 = mode_error(16, 0.2, T, true);
  const double e3 = mode_error(16, 0.1, T, true);
  std::printf("observed order in time: %.3f, %.3f\n", std::log2(e1 / e2), std::log2(e2 / e3));
  EXPECT_NEAR(std::log2(e1 / e2), 1.0, 0.1);
  EXPECT_NEAR(std::log2(e2 / e3), 1.0, 0.1);
}

TEST(Fields, FixedVoxelsHoldTheirValueAndFeedNeighbours) {
  const Grid g = cube(9, 10);
  Domain d;
  d.fixed.assign(g.voxels(), 0);
  d.fixed_values.assign(g.voxels(), 0.0);
  const std::size_t vessel = g.index(4, 4, 4);
  d.fixed[vessel] = 1;
  d.fixed_values[vessel] = 2.5;
  DiffusionSolver solver(g, {{"o2", 1e3, 0.01}}, 0.5, d);
  Fields f(g, 1);
  for (int n = 0; n < 200; ++n) solver.step(f);
  EXPECT_EQ(f.at(vessel, 0), 2.5);
  EXPECT_GT(f.at(3, 4, 4, 0), f.at(1, 4, 4, 0));
  EXPECT_GT(f.at(1, 4, 4, 0), 0.0);
}

// A wall of zero diffusivity isolates the lumen exactly; a permeable wall lets the two sides
// equilibrate more slowly than open tissue; outside voxels never change.
TEST(Fields, WallsAndOutsideRegions) {
  Grid g;
  g.nx = 21;
  g.ny = 3;
  g.nz = 3;
  g.dx_um = 10;
  const auto run = [&](double wall_diffusivity) {
    Domain d;
    d.region.assign(g.voxels(), Region::lumen);
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j) d.region[g.index(10, j, k)] = Region::wall;
    d.region[g.index(0, 0, 0)] = Region::outside;
    d.diffusivity[static_cast<int>(Region::wall)] = {wall_diffusivity};
    DiffusionSolver solver(g, {{"x", 500, 0.0}}, 0.1, d);
    Fields f(g, 1);
    for (int k = 0; k < g.nz; ++k)
      for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < 10; ++i) f.at(i, j, k, 0) = 1.0;
    f.at(0, 0, 0, 0) = 7.0;  // outside: must stay as it is
    const double total = f.total(0);
    for (int n = 0; n < 100; ++n) solver.step(f);
    EXPECT_EQ(f.at(0, 0, 0, 0), 7.0);
    EXPECT_NEAR(f.total(0) / total, 1.0, 1e-12);
    return f.at(15, 1, 1, 0);  // far side of the wall
  };
  EXPECT_EQ(run(0.0), 0.0);
  const double leaky = run(5.0), open = run(500.0);
  EXPECT_GT(leaky, 0.0);
  EXPECT_GT(open, 5 * leaky);
}

// Secretion and uptake: exact bookkeeping, non-negativity, and Michaelis-Menten kinetics.
TEST(Fields, ExchangeConservesAmountsAndStaysNonNegative) {
  const Grid g = cube(4, 10);
  Fields f(g, 2);
  fill_random(f, 5);
  const double before0 = f.total(0), before1 = f.total(1);
  std::vector<Exchange> e = {
      {g.index(1, 1, 1), 0, 50.0, 0, 1},   // secretion
      {g.index(1, 1, 1), 0, 0, 1e6, 0.1},  // strong uptake in the same voxel
      {g.index(2, 2, 2), 1, 0, 1e9, 0.5},  // uptake far above what is there
  };
  const ExchangeTotals t = apply_exchange(f, e, 1.0);
  EXPECT_NEAR(f.total(0), before0 + t.secreted[0] - t.taken_up[0], 1e-9 * before0);
  EXPECT_NEAR(f.total(1), before1 + t.secreted[1] - t.taken_up[1], 1e-9 * before1);
  for (double v : f.all()) EXPECT_GE(v, 0.0);
  // Slow uptake: the amount removed is Vmax c / (Km + c) dt to first order.
  Fields one(cube(1, 10), 1);
  one.at(0, 0) = 2.0;
  const ExchangeTotals small = apply_exchange(one, {{0, 0, 0, 1.0, 3.0}}, 0.01);
  EXPECT_NEAR(small.taken_up[0], 1.0 * 2.0 / 5.0 * 0.01, 1e-6);
}

TEST(Fields, NumericalGuardsNameSubstrateAndVoxel) {
  Grid g = cube(4, 10);
  Fields f(g, 2);
  EXPECT_NO_THROW(check_numerics(f, two));
  f.at(1, 2, 3, 1) = -1e-3;
  try {
    check_numerics(f, two);
    FAIL() << "no error";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("slow is -0.001 in voxel (1, 2, 3)"), std::string::npos) << e.what();
  }
  f.at(1, 2, 3, 1) = std::nan("");
  EXPECT_THROW(check_numerics(f, two), RuntimeFailure);
  EXPECT_TRUE(time_step_warnings(two, 0.1).empty());  // lambda dt = 0.005
  const auto w = time_step_warnings(two, 5.0);        // lambda dt = 0.25 for "fast"
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("fast"), std::string::npos);
}

TEST(Fields, RejectsInconsistentSetups) {
  EXPECT_THROW(DiffusionSolver(cube(4, 10), {}, 0.1), std::invalid_argument);
  EXPECT_THROW(DiffusionSolver(cube(4, 10), two, 0.0), std::invalid_argument);
  EXPECT_THROW(DiffusionSolver(cube(4, 10), {{"x", -1, 0}}, 0.1), std::invalid_argument);
  Domain d;
  d.region.assign(5, Region::tissue);
  EXPECT_THROW(DiffusionSolver(cube(4, 10), two, 0.1, d), std::invalid_argument);
}

}  // namespace
}  // namespace bungner::fields

namespace bungner::fields {
namespace {

TEST(FieldsGeometry, RegionVolumesMatchTheCylinders) {
  InjurySiteGeometry g;
  g.nerve_radius_um = 300;
  g.proximal_length_um = 400;
  g.gap_length_um = 1000;
  g.distal_length_um = 600;
  g.conduit = true;
  g.conduit_inner_radius_um = 400;
  g.wall_thickness_um = 100;
  g.wall_permeability_um_per_min = {0.5};
  const Grid grid = grid_for(g, 10);
  const Domain d = make_domain(grid, g, {{"x", 1000, 0}});
  double volume[region_count] = {};
  for (Region r : d.region) volume[static_cast<int>(r)] += grid.voxel_volume_um3();
  const auto near = [](double a, double b) { return std::abs(a - b) < 0.02 * b; };
  EXPECT_TRUE(near(volume[0], pi * 300 * 300 * (400 + 600))) << volume[0];
  EXPECT_TRUE(near(volume[1], pi * 400 * 400 * 1000)) << volume[1];
  EXPECT_TRUE(near(volume[2], pi * (500 * 500 - 400 * 400) * 1000)) << volume[2];
  EXPECT_DOUBLE_EQ(d.diffusivity[2][0], 0.5 * 100);  // D_wall = P w
}

// Factor released in the lumen leaks out through a permeable wall only: the amount that ends
// up outside the conduit grows with the permeability and is zero for an impermeable wall.
TEST(FieldsGeometry, ConduitWallPermeabilityControlsLeakage) {
  const auto leaked = [](double permeability) {
    InjurySiteGeometry g;
    g.nerve_radius_um = 100;
    g.proximal_length_um = 100;
    g.gap_length_um = 400;
    g.distal_length_um = 100;
    g.conduit = true;
    g.conduit_inner_radius_um = 150;
    g.wall_thickness_um = 40;
    g.wall_permeability_um_per_min = {permeability};
    g.margin_um = 0;
    const Grid grid = grid_for(g, 20);
    Domain d = make_domain(grid, g, {{"ngf", 2000, 0}});
    // The space around the conduit (not around the stumps) is tissue here, so that leaked factor
    // has somewhere to go but cannot get there around the conduit's ends.
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
          const auto [x, y, z] = grid.center(i, j, k);
          Region& r = d.region[grid.index(i, j, k)];
          if (r == Region::outside && x >= 100 && x < 500) r = Region::tissue;
        }
    DiffusionSolver solver(grid, {{"ngf", 2000, 0}}, 0.5, d);
    Fields f(grid, 1);
    const auto centre = grid.voxel_of({350, 0, 0});
    f.at(centre[0], centre[1], centre[2], 0) = 1000;
    for (int n = 0; n < 200; ++n) solver.step(f);
    double outside = 0;
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
          const auto [x, y, z] = grid.center(i, j, k);
          if (std::hypot(y, z) >= 190 && x >= 100 && x < 500) outside += f.at(i, j, k, 0);
        }
    return outside;
  };
  EXPECT_EQ(leaked(0.0), 0.0);
  const double low = leaked(0.1), high = leaked(10.0);
  EXPECT_GT(low, 0.0);
  EXPECT_GT(high, 3 * low);
}

TEST(FieldsGradient, ExactForLinearFields) {
  Grid g;
  g.nx = 5;
  g.ny = 4;
  g.nz = 3;
  g.dx_um = 2;
  Fields f(g, 2);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const auto [x, y, z] = g.center(i, j, k);
        f.at(i, j, k, 1) = 3 * x - 2 * y + 0.5 * z;
      }
  for (auto [i, j, k] : {std::array<int, 3>{0, 0, 0}, {2, 1, 1}, {4, 3, 2}}) {
    const auto grad = f.gradient(i, j, k, 1);
    EXPECT_NEAR(grad[0], 3, 1e-12);
    EXPECT_NEAR(grad[1], -2, 1e-12);
    EXPECT_NEAR(grad[2], 0.5, 1e-12);
  }
}

}  // namespace
}  // namespace bungner::fields
