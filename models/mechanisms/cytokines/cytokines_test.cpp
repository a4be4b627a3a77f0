// The nerve's cytokine compartment: the exact update against closed forms, the literature it was
// fitted to (E52 TNF-alpha, E53 IL-1beta, E54 IL-10), a graft's IL-10, and a conduction block.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../cell_graft/cell_graft.hpp"
#include "nerve_cytokines.hpp"
#include "run_helpers.hpp"

namespace bungner {
namespace {

using testing::compile;
using testing::observed;

std::string nerve(const std::string& species, const std::string& injury, const std::string& extra = "") {
  return "species = \"" + species + "\"\nnerve = \"sciatic\"\nseed = 9\n[injury]\ntype = \"" + injury + "\"\n" + extra +
         "[simulation]\nduration = \"40 d\"\n[readouts]\ntimes = []\n";
}

/// Response at time r of dX/dt = (c e^{-r/a} - X)/tau from X(0) = 0.
double filtered(double c, double a, double tau, double r) { return c * a / (a - tau) * (std::exp(-r / a) - std::exp(-r / tau)); }

// With the macrophage releases switched off every level has a closed form; the hourly exact
// updates, split at the end of the latent phase, must reproduce it to rounding.
TEST(Cytokines, FollowTheirClosedFormsHourByHour) {
  const auto model = compile(nerve("mouse", "crush"), {{"parameters.cytokines.tnf_m1_release", "0"},
                                                       {"parameters.cytokines.il1_beta_m1_release", "0"},
                                                       {"parameters.cytokines.il10_m2_release", "0"}});
  Simulation sim(model);
  const ParameterSet& p = model->parameters();
  const double latent = p.in("wallerian_degeneration.latent_phase_crush", "d");
  const double tau_a = p.in("cytokines.immediate_release_time", "d"), a_t = p.get("cytokines.tnf_immediate_release");
  const double tau_t = p.in("cytokines.tnf_clearance_time", "d"), tau_i = p.in("cytokines.il1_beta_clearance_time", "d");
  const double d_i = p.get("cytokines.il1_beta_degeneration_release"), tau_d = p.in("cytokines.debris_clearance_time", "d");
  const double tau_m = p.in("cytokines.macrophage_recruitment_time", "d"), k = p.in("cytokines.m2_shift_rate", "1/d");
  const double sigma = p.get("cytokines.il10_suppression"), tau_s = p.in("cytokines.il10_recovery_time", "d");
  const double tau_10 = p.in("cytokines.il10_clearance_time", "d");
  ASSERT_EQ(latent, 40.0 / 24);
  const double il10_at_fragmentation = 1 - sigma * (1 - std::exp(-latent / tau_10));
  int checked = 0;
  for (int hour = 1; hour <= 30 * 24; ++hour) {
    sim.advance_to(hour * seconds_per_hour);
    const double t = hour / 24.0, r = t - latent;
    const NerveCytokines& c = testing::block_named<NerveCytokines>(sim.state(), "cytokines.nerve")[0];
    EXPECT_NEAR(c.tnf_alpha, 1 + filtered(a_t, tau_a, tau_t, t), 1e-12) << "hour " << hour;
    if (r <= 0) {
      EXPECT_EQ(c.il1_beta, 1.0);
      EXPECT_EQ(c.macrophages, 0.0);
      EXPECT_EQ(c.m2_share, 0.0);
      EXPECT_NEAR(c.il10, 1 - sigma * (1 - std::exp(-t / tau_10)), 1e-12) << "hour " << hour;
    } else {
      EXPECT_NEAR(c.il1_beta, 1 + filtered(d_i, tau_d, tau_i, r), 1e-12) << "hour " << hour;
      EXPECT_NEAR(c.macrophages, tau_d / (tau_d - tau_m) * (std::exp(-r / tau_d) - std::exp(-r / tau_m)), 1e-12);
      EXPECT_NEAR(c.m2_share, 1 - std::exp(-k * r), 1e-12) << "hour " << hour;
      EXPECT_NEAR(c.il10, 1 + (il10_at_fragmentation - 1) * std::exp(-r / tau_10) - filtered(sigma, tau_s, tau_10, r), 1e-12)
          << "hour " << hour;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 720);
}

struct Course {
  std::vector<double> day, tnf, il1, il10;
  double at(const std::vector<double>& v, double d) const {
    const auto i = std::find_if(day.begin(), day.end(), [&](double x) { return std::abs(x - d) < 1e-9; });
    return v.at(static_cast<std::size_t>(i - day.begin()));
  }
  std::pair<double, double> peak(const std::vector<double>& v) const {
    const auto i = static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
    return {day[i], v[i]};
  }
};

Course course(const std::string& text, double days = 30) {
  Simulation sim(compile(text));
  Course c;
  for (int hour = 1; hour <= days * 24; ++hour) {
    sim.advance_to(hour * seconds_per_hour);
    c.day.push_back(hour / 24.0);
    c.tnf.push_back(observed(sim, "tnf_alpha_ratio"));
    c.il1.push_back(observed(sim, "il1_beta_ratio"));
    c.il10.push_back(observed(sim, "il10_ratio"));
  }
  return c;
}

// E52 (George 1999, rat CCI mapped to a crush): TNF-alpha 2.7-fold at 12 h, elevated on a lower
// level to day 3, baseline by day 14 (fitted: immediate release and its time).
TEST(Cytokines, TnfAlphaPeaksAtTwelveHoursAndReturnsByDayFourteen) {
  const Course c = course(nerve("rat", "crush"));
  const auto [when, peak] = c.peak(c.tnf);
  EXPECT_GE(when * 24, 10.0);
  EXPECT_LE(when * 24, 14.0);
  EXPECT_NEAR(c.at(c.tnf, 0.5), 2.7, 0.1);
  EXPECT_LT(peak, 2.8);
  EXPECT_GT(c.at(c.tnf, 3), 1.1) << "still elevated, on a lower level";
  EXPECT_LT(c.at(c.tnf, 3), 2.0);
  EXPECT_LT(c.at(c.tnf, 14), 1.05) << "baseline by day 14";
}

// E53 (Wu 2019, mouse crush): IL-1beta raised at day 3 (peaking in the debris phase, after the
// latent phase), normal by day 14.
TEST(Cytokines, Il1BetaRisesAfterTheLatentPhaseAndIsNormalByDayFourteen) {
  const Course c = course(nerve("mouse", "crush"));
  EXPECT_EQ(c.at(c.il1, 1.5), 1.0) << "nothing before fragmentation at 40 h";
  const auto [when, peak] = c.peak(c.il1);
  EXPECT_GT(when, 40.0 / 24);
  EXPECT_LT(when, 4.0);
  EXPECT_GT(c.at(c.il1, 3), 2.0);
  EXPECT_LT(c.at(c.il1, 14), 1.2);
  EXPECT_LT(c.at(c.il1, 28), 1.01);
}

// E54 (George 2004, mouse crush): IL-10 falls to 10-20 % early, then recovers and overshoots in
// the second week as the macrophages turn M2.
TEST(Cytokines, Il10DipsToTenToTwentyPercentThenOvershoots) {
  const Course c = course(nerve("mouse", "crush"));
  for (double d : {0.5, 1.0, 1.5}) {
    EXPECT_GE(c.at(c.il10, d), 0.10) << d;
    EXPECT_LE(c.at(c.il10, d), 0.20) << d;
  }
  EXPECT_GE(*std::min_element(c.il10.begin(), c.il10.end()), 0.15 - 1e-9) << "never below 1 - suppression";
  const auto [when, peak] = c.peak(c.il10);
  EXPECT_GT(when, 5.0);
  EXPECT_LT(when, 14.0);
  EXPECT_GT(peak, 1.1);
  EXPECT_NEAR(c.at(c.il10, 30), 1.0, 0.02);
}

// The therapy lever: a graft's IL-10 adds to the compartment and speeds the M2 shift, so IL-10 is
// higher and the M1-borne TNF-alpha and IL-1beta lower than without cells.
TEST(Cytokines, MscGraftRaisesIl10AndTurnsMacrophagesToM2) {
  const std::string repair = "[repair]\ntype = \"direct_suture\"\n";
  const std::string cells =
      "[[therapies]]\ntype = \"msc\"\nsource = \"umbilical_cord\"\ndose = \"1e6 cells\"\n"
      "route = \"stump_injection\"\n";
  Simulation plain(compile(nerve("rat", "transection", repair)));
  Simulation graft(compile(nerve("rat", "transection", repair + cells)));
  for (double d : {3.0, 7.0}) {
    plain.advance_to(static_cast<std::int64_t>(d * seconds_per_day));
    graft.advance_to(static_cast<std::int64_t>(d * seconds_per_day));
    ASSERT_GT(testing::block_named<CellGraft>(graft.state(), "cell_graft.grafts")[0].il10_release, 0.0);
    EXPECT_GT(observed(graft, "il10_ratio"), observed(plain, "il10_ratio") + 0.05) << d;
    EXPECT_GT(observed(graft, "nerve_m2_share"), observed(plain, "nerve_m2_share")) << d;
    EXPECT_LT(observed(graft, "tnf_alpha_ratio"), observed(plain, "tnf_alpha_ratio")) << d;
    EXPECT_LT(observed(graft, "il1_beta_ratio"), observed(plain, "il1_beta_ratio")) << d;
  }
}

// Ablating the graft's immunomodulation removes its IL-10 from the compartment: the levels are
// then those of the nerve without cells, bit for bit.
TEST(Cytokines, AblatedImmunomodulationLeavesTheCompartmentAsWithoutCells) {
  const std::string repair = "[repair]\ntype = \"direct_suture\"\n";
  const std::string cells =
      "[[therapies]]\ntype = \"msc\"\nsource = \"umbilical_cord\"\ndose = \"1e6 cells\"\n"
      "route = \"stump_injection\"\nablate = [\"immunomodulation\"]\n";
  Simulation plain(compile(nerve("rat", "transection", repair)));
  Simulation graft(compile(nerve("rat", "transection", repair + cells)));
  plain.advance_to(5 * seconds_per_day);
  graft.advance_to(5 * seconds_per_day);
  ASSERT_GT(testing::block_named<CellGraft>(graft.state(), "cell_graft.grafts")[0].il10_release, 0.0);
  EXPECT_EQ(testing::block_named<NerveCytokines>(graft.state(), "cytokines.nerve")[0].il10,
            testing::block_named<NerveCytokines>(plain.state(), "cytokines.nerve")[0].il10);
  EXPECT_EQ(testing::block_named<NerveCytokines>(graft.state(), "cytokines.nerve")[0].m2_share,
            testing::block_named<NerveCytokines>(plain.state(), "cytokines.nerve")[0].m2_share);
}

// A conduction block (no Wallerian degeneration) leaves the compartment at baseline.
TEST(Cytokines, ConductionBlockStaysAtBaseline) {
  Simulation sim(compile(nerve("rat", "conduction_block")));
  for (double d : {0.5, 3.0, 14.0}) {
    sim.advance_to(static_cast<std::int64_t>(d * seconds_per_day));
    EXPECT_EQ(observed(sim, "tnf_alpha_ratio"), 1.0);
    EXPECT_EQ(observed(sim, "il1_beta_ratio"), 1.0);
    EXPECT_EQ(observed(sim, "il10_ratio"), 1.0);
  }
}

}  // namespace
}  // namespace bungner
