// Cytokines of the injured nerve as one well-mixed compartment (0D, in every scenario, with or
// without the 3D site): TNF-alpha released at once by resident Schwann cells and macrophages,
// IL-1beta made during the debris phase of Wallerian degeneration, and resting IL-10 that the
// injury suppresses and M2 macrophages and MSC grafts restore. Levels are relative to the
// uninjured nerve. Every driver is a sum of exponentials over a step, so the update is exact.
// Equations and sources: README.md beside this file and docs/model.md.
#include <array>
#include <cmath>
#include <vector>

#include "../../signals.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "nerve_cytokines.hpp"

namespace bungner {
namespace {

/// One production term c * exp(-rate * u) over a step (u: time into the step) [1, 1/s].
struct Exponential {
  double coefficient;
  double rate;
};

/// X(h) for dX/dt = (sum_i c_i exp(-r_i u) - X) / tau, X(0) = x: the exact solution. Each term
/// adds c (exp(-r h) - exp(-h/tau)) / (1 - r tau), written with expm1 so that r tau near 1 loses
/// no digits (its limit is c (h/tau) exp(-h/tau)).
double relax(double x, double tau, const std::vector<Exponential>& production, double h) {
  const double decay = std::exp(-h / tau);
  double out = x * decay;
  for (const Exponential& p : production) {
    const double delta = 1.0 / tau - p.rate;
    const double growth = std::abs(delta * h) < 1e-8 ? h * (1.0 + 0.5 * delta * h) : std::expm1(delta * h) / delta;
    out += p.coefficient * decay * growth / tau;
  }
  return out;
}

class Cytokines final : public Process {
 public:
  Cytokines(const ModelSpec& m, const ParameterSet& p)
      : injured_(m.injury != InjuryType::conduction_block),
        lesion_s_(static_cast<double>(m.stump_denervation_time_s)),
        latent_s_(m.injury == InjuryType::transection ? p.in("wallerian_degeneration.latent_phase_transection", "s")
                                                      : p.in("wallerian_degeneration.latent_phase_crush", "s")),
        immediate_s_(p.in("cytokines.immediate_release_time", "s")),
        tnf_immediate_(p.get("cytokines.tnf_immediate_release")),
        tnf_m1_(p.get("cytokines.tnf_m1_release")),
        tnf_s_(p.in("cytokines.tnf_clearance_time", "s")),
        il1_degeneration_(p.get("cytokines.il1_beta_degeneration_release")),
        il1_m1_(p.get("cytokines.il1_beta_m1_release")),
        il1_s_(p.in("cytokines.il1_beta_clearance_time", "s")),
        debris_s_(p.in("cytokines.debris_clearance_time", "s")),
        macrophage_s_(distinct(p.in("cytokines.macrophage_recruitment_time", "s"), debris_s_)),
        m2_per_s_(p.in("cytokines.m2_shift_rate", "1/s")),
        il10_m2_gain_(p.get("cytokines.il10_m2_gain")),
        il10_suppression_(p.get("cytokines.il10_suppression")),
        il10_recovery_s_(p.in("cytokines.il10_recovery_time", "s")),
        il10_m2_(p.get("cytokines.il10_m2_release")),
        il10_s_(p.in("cytokines.il10_clearance_time", "s")),
        resting_il10_pg_per_day_(p.in("cytokines.resting_il10_release", "pg/d")) {}

  std::string_view name() const override { return "cytokines"; }

  void declare_state(StateLayout& layout) override {
    nerve_ = nerve_cytokines(layout);
    graft_il10_ = signals::graft_il10_release(layout);
  }
  Phase phase() const override { return Phase::schwann; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void advance(const Model&, State& state, const Tick& tick) const override {
    // The grafts' IL-10 (a signal the therapy phase set this tick) as production relative to the
    // resting nerve's, held over the step.
    const double msc = state.signal(graft_il10_) / resting_il10_pg_per_day_;
    // Split the step where the drivers change form: the lesion and the end of the latent phase.
    const double t0 = static_cast<double>(tick.time_s);
    const double t1 = t0 + static_cast<double>(tick.dt_s);
    std::array<double, 4> cuts{t0, lesion_s_, lesion_s_ + latent_s_, t1};
    double from = t0;
    for (std::size_t k = 1; k < cuts.size(); ++k) {
      const double to = std::min(std::max(cuts[k], from), t1);
      if (to > from) step(state.scalar(nerve_), from, to, msc);
      from = to;
    }
  }

 private:
  BlockHandle<NerveCytokines> nerve_;
  SignalHandle graft_il10_;
  /// Recruitment and clearance times must differ for the closed form; equal ones are moved apart
  /// by a relative 1e-6 (no measurable difference).
  static double distinct(double tau, double other) { return std::abs(tau - other) < 1e-9 * other ? tau * (1 + 1e-6) : tau; }

  /// Advances the compartment exactly from a to b, an interval on which no driver changes form.
  void step(NerveCytokines& c, double a, double b, double msc) const {
    const double h = b - a;
    const double since = a - lesion_s_;
    const bool lesioned = injured_ && since >= 0;
    const bool degenerating = lesioned && since >= latent_s_;
    // Drivers at the start of the step: the immediate release (from the lesion), the debris (from
    // fragmentation at the end of the latent phase) and the suppression of resting IL-10 (whole
    // until fragmentation, then recovering).
    const double immediate = lesioned ? std::exp(-since / immediate_s_) : 0.0;
    const double debris = degenerating ? std::exp(-(since - latent_s_) / debris_s_) : 0.0;
    const double suppression = !lesioned ? 0.0 : degenerating ? std::exp(-(since - latent_s_) / il10_recovery_s_) : 1.0;
    const double suppression_rate = degenerating ? 1.0 / il10_recovery_s_ : 0.0;
    // Macrophages follow the debris: M(u) = (M0 - bD0) e^{-u/tau_M} + bD0 e^{-u/tau_D}, b = tau_D/(tau_D - tau_M);
    // the M1 share (1 - phi) decays at the M2 shift rate once they arrive, faster with graft IL-10.
    const double b_d0 = debris * debris_s_ / (debris_s_ - macrophage_s_);
    const double own = c.macrophages - b_d0;
    const double shift = degenerating ? m2_per_s_ * (1.0 + il10_m2_gain_ * msc / (1.0 + msc)) : 0.0;
    const double m1 = 1.0 - c.m2_share;
    const double rate_m = 1.0 / macrophage_s_, rate_d = 1.0 / debris_s_;
    const std::vector<Exponential> m1_terms{{m1 * own, rate_m + shift}, {m1 * b_d0, rate_d + shift}};
    const std::vector<Exponential> all_terms{{own, rate_m}, {b_d0, rate_d}};
    const auto with = [](std::vector<Exponential> terms, double weight, const std::vector<Exponential>& more) {
      for (const Exponential& e : more) terms.push_back({weight * e.coefficient, e.rate});
      return terms;
    };
    std::vector<Exponential> tnf{{1.0, 0.0}, {tnf_immediate_ * immediate, 1.0 / immediate_s_}};
    std::vector<Exponential> il1{{1.0, 0.0}, {il1_degeneration_ * debris, rate_d}};
    // IL-10: resting production less its suppression, plus M2 macrophages (all minus M1) and grafts.
    std::vector<Exponential> il10{{1.0 + msc, 0.0}, {-il10_suppression_ * suppression, suppression_rate}};
    c.tnf_alpha = relax(c.tnf_alpha, tnf_s_, with(tnf, tnf_m1_, m1_terms), h);
    c.il1_beta = relax(c.il1_beta, il1_s_, with(il1, il1_m1_, m1_terms), h);
    c.il10 = relax(c.il10, il10_s_, with(with(il10, il10_m2_, all_terms), -il10_m2_, m1_terms), h);
    c.macrophages = own * std::exp(-h * rate_m) + b_d0 * std::exp(-h * rate_d);
    c.m2_share = 1.0 - m1 * std::exp(-shift * h);
  }

  bool injured_;
  double lesion_s_;
  double latent_s_;
  double immediate_s_;
  double tnf_immediate_;
  double tnf_m1_;
  double tnf_s_;
  double il1_degeneration_;
  double il1_m1_;
  double il1_s_;
  double debris_s_;
  double macrophage_s_;
  double m2_per_s_;
  double il10_m2_gain_;
  double il10_suppression_;
  double il10_recovery_s_;
  double il10_m2_;
  double il10_s_;
  double resting_il10_pg_per_day_;
};

void declare(ParameterRegistry& r) {
  const std::string george_tnf =
      "George A et al. Exp Neurol 1999;160:124, doi:10.1006/exnr.1999.7193, PMID 10630197 (rat CCI: TNF-alpha "
      "protein 2.7-fold at 12 h, elevated on a lower level to day 3, baseline by day 14)";
  const std::string george_il10 =
      "George A et al. Exp Neurol 2004 (Wallerian degeneration after crush or CCI ... depletion of endoneurial IL-10 "
      "protein): mouse IL-10 protein 10-20 % of baseline early after crush or CCI; identifier not verified, "
      "assumption-grade";
  const std::string shamash = "Shamash S et al. J Neurosci 2002;22:3052, doi:10.1523/JNEUROSCI.22-08-03052.2002";
  const std::string mietto =
      "Mietto BS et al. J Neurosci 2015, PMC6605511 (IL-10+ cells, mostly macrophages, rise ~3-fold over the first 3 "
      "weeks after a mouse crush)";
  r.declare({.name = "cytokines.immediate_release_time",
             .unit = "d",
             .default_value = 1.0,
             .hard = {0.01, 30},
             .plausible = {0.2, 3},
             .species = "all",
             .meaning = "time constant of the injury-triggered TNF-alpha release by resident Schwann cells and "
                        "macrophages (preformed and rapidly transcribed)",
             .source = "fitted to E52 (peak at 12 h with the clearance time below; " + george_tnf +
                       "); resident Schwann cells make TNF-alpha within hours: Wagner R, Myers RR. Neuroscience "
                       "1996;73:625, doi:10.1016/0306-4522(96)00127-3, and " +
                       shamash,
             .calibration = "E52"});
  r.declare({.name = "cytokines.tnf_immediate_release",
             .unit = "1",
             .default_value = 2.7,
             .hard = {0, 1000},
             .plausible = {0.5, 20},
             .species = "all",
             .meaning = "injury-triggered TNF-alpha production at the lesion, relative to the resting production",
             .source = "fitted to E52 (2.7-fold at 12 h; " + george_tnf + ")",
             .calibration = "E52"});
  r.declare({.name = "cytokines.tnf_m1_release",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0, 1000},
             .plausible = {0, 10},
             .species = "all",
             .meaning = "TNF-alpha production of the recruited M1 macrophages at a load of 1, relative to the resting "
                        "production",
             .source = "assumption (recruited macrophages add TNF-alpha later in Wallerian degeneration, " + shamash +
                       "; sized so TNF stays on a lower level to day 3, " + george_tnf + ")"});
  r.declare({.name = "cytokines.tnf_clearance_time",
             .unit = "h",
             .default_value = 6,
             .hard = {0.1, 1000},
             .plausible = {1, 24},
             .species = "all",
             .meaning = "time constant of TNF-alpha clearance from the nerve",
             .source = "assumption (cytokine protein turns over within hours in tissue)"});
  r.declare({.name = "cytokines.il1_beta_degeneration_release",
             .unit = "1",
             .default_value = 3.0,
             .hard = {0, 1000},
             .plausible = {0.5, 20},
             .species = "all",
             .meaning = "IL-1beta production of the denervated Schwann cells at full debris, relative to the resting "
                        "production",
             .source = "assumption (IL-1beta is induced in Schwann cells with a delay after injury, " + shamash + ")"});
  r.declare({.name = "cytokines.il1_beta_m1_release",
             .unit = "1",
             .default_value = 1.0,
             .hard = {0, 1000},
             .plausible = {0, 10},
             .species = "all",
             .meaning = "IL-1beta production of the recruited M1 macrophages at a load of 1, relative to the resting "
                        "production",
             .source = "assumption (recruited macrophages then contribute IL-1beta, " + shamash + ")"});
  r.declare({.name = "cytokines.il1_beta_clearance_time",
             .unit = "h",
             .default_value = 6,
             .hard = {0.1, 1000},
             .plausible = {1, 24},
             .species = "all",
             .meaning = "time constant of IL-1beta clearance from the nerve",
             .source = "assumption (cytokine protein turns over within hours in tissue)"});
  r.declare({.name = "cytokines.debris_clearance_time",
             .unit = "d",
             .default_value = 3.0,
             .hard = {0.1, 100},
             .plausible = {1, 14},
             .species = "mouse",
             .meaning = "time constant of the degeneration signal (myelin and axon debris) after fragmentation, which "
                        "drives IL-1beta and macrophage recruitment",
             .source = "fitted to E53 (mouse IL-1beta raised at day 3 and normal by day 14, Wu 2019; identifier not "
                       "verified, assumption-grade); of the order of mouse myelin clearance (E11)",
             .calibration = "E53"});
  r.declare({.name = "cytokines.macrophage_recruitment_time",
             .unit = "d",
             .default_value = 2.5,
             .hard = {0.1, 100},
             .plausible = {0.5, 10},
             .species = "all",
             .meaning = "time constant with which recruited macrophages follow the debris",
             .source = "assumption (macrophages take over phagocytosis within days, " + shamash + ")"});
  r.declare({.name = "cytokines.m2_shift_rate",
             .unit = "1/d",
             .default_value = 0.15,
             .hard = {0, 100},
             .plausible = {0.02, 2},
             .species = "all",
             .meaning = "rate of the M1 to M2 shift of the recruited macrophages without graft IL-10",
             .source = "assumption (as inflammation.m2_shift_rate: M2 markers dominate from about 1-2 weeks)"});
  r.declare({.name = "cytokines.il10_m2_gain",
             .unit = "1",
             .default_value = 2,
             .hard = {0, 100},
             .plausible = {0, 10},
             .species = "all",
             .meaning = "relative speed-up of the M2 shift when a graft's IL-10 release far exceeds the resting "
                        "nerve's (gain x u/(1+u), u = graft release / resting release)",
             .source = "assumption (as inflammation.il10_m2_gain; IL-10 is needed for the M1-to-M2 shift, " + mietto + ")"});
  r.declare({.name = "cytokines.il10_suppression",
             .unit = "1",
             .default_value = 0.85,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "mouse",
             .meaning = "fraction of the resting IL-10 production lost from the injury until fragmentation",
             .source = "fitted to E54 (the level falls to 1 - suppression = 15 %, the middle of 10-20 %; " + george_il10 + ")",
             .calibration = "E54"});
  r.declare({.name = "cytokines.il10_recovery_time",
             .unit = "d",
             .default_value = 5,
             .hard = {0.1, 100},
             .plausible = {1, 20},
             .species = "all",
             .meaning = "time constant of the recovery of the resident IL-10 production after fragmentation",
             .source = "assumption (IL-10 recovers in the second week, " + mietto + ")"});
  r.declare({.name = "cytokines.il10_m2_release",
             .unit = "1",
             .default_value = 3,
             .hard = {0, 1000},
             .plausible = {0, 20},
             .species = "all",
             .meaning = "IL-10 production of the recruited M2 macrophages at a load of 1, relative to the resting "
                        "production",
             .source = "assumption (macrophages are the main IL-10 source after a crush, " + mietto + ")"});
  r.declare({.name = "cytokines.il10_clearance_time",
             .unit = "h",
             .default_value = 2.4,
             .hard = {0.1, 1000},
             .plausible = {0.5, 24},
             .species = "all",
             .meaning = "time constant of IL-10 clearance from the nerve",
             .source = "assumption (the protein falls to 10-20 % 'rapidly', " + george_il10 + ")"});
  r.declare({.name = "cytokines.resting_il10_release",
             .unit = "pg/d",
             .default_value = 100,
             .hard = {1e-6, 1e9},
             .plausible = {1, 1e4},
             .species = "rat",
             .meaning = "IL-10 that the resident cells of the uninjured nerve segment release (sets the scale on which "
                        "a graft's IL-10 adds to the compartment)",
             .source = "assumption (tens of pg of IL-10 in a rodent sciatic segment turning over within hours)"});
}

}  // namespace

void register_cytokines(Registry& registry) {
  registry.add(MechanismEntry{.name = "cytokines",
                              .summary = "TNF-alpha, IL-1beta and IL-10 of the injured nerve (0D, relative to baseline)",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                return std::make_unique<Cytokines>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
