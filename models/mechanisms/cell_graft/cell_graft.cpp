// The biology of transplanted cells (a cell graft): how many of the delivered cells survive
// (early loss, a persistent pool, immune rejection, less of it while the host is
// immunosuppressed), their phenotype (Schwann-like cells revert, undifferentiated cells are
// primed by the nerve), what they release (neurotrophins, VEGF and HGF, IL-10) and what that does
// through six switchable mechanisms: neurons, growth cones, distal Schwann cells, the bridge. A cell
// therapy (models/therapies/msc) decides what is given, where, when and how many and hands each
// graft over in the block cell_graft.deliveries (cell_graft.hpp); this mechanism keeps what
// becomes of it in cell_graft.grafts: on the 1D nerve a pool, on the 3D site agents.
// Equations and sources: README.md beside this file.
#include "cell_graft.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../../signals.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "bungner/site/site.hpp"

namespace bungner {
namespace {

/// The cell kind of the agents of transplanted cells on the 3D site (the name pictures and VTK
/// files show).
constexpr const char* kind_name = "msc";
constexpr std::array<const char*, 4> neurotrophins = {"ngf", "bdnf", "gdnf", "nt3"};

double saturating(double x) { return x / (1.0 + x); }

/// What one source's cells release per cell [pg/day] (undifferentiated, monolayer).
struct Secretion {
  std::array<double, neurotrophins.size()> factor{};
  double neurotrophin = 0, vegf = 0, hgf = 0, il10 = 0;
};

/// One graft's constants, derived from its delivery record and the parameters.
struct GraftBiology {
  Secretion s;  ///< per cell, with the culture's gain
  double schwann_like_0 = 0, early_s = 1, persistent_s = 1, rejection_per_s = 0, suppressed_rejection_per_s = 0;
  bool always_suppressed = false;
};

class CellGraftMechanism final : public Process {
 public:
  explicit CellGraftMechanism(const CompileContext& c) {
    if (c.spec.site) site_ = SiteHandles::of(*c.spec.site);
    const ParameterSet& p = c.parameters;
    for (std::size_t k = 0; k < graft_sources.size(); ++k) {
      const std::string prefix = std::string("msc.") + graft_sources[k] + ".";
      Secretion& s = secretion_[k];
      for (std::size_t f = 0; f < neurotrophins.size(); ++f) {
        s.factor[f] = p.in(prefix + neurotrophins[f] + "_secretion", "pg/d");
        s.neurotrophin += s.factor[f];
      }
      s.vegf = p.in(prefix + "vegf_secretion", "pg/d");
      s.hgf = p.in(prefix + "hgf_secretion", "pg/d");
      s.il10 = p.in(prefix + "il10_secretion", "pg/d");
    }
    spheroid_gain_ = p.get("msc.spheroid_secretion_gain");
    max_agents_ = p.get("msc.max_agents");
    hypoxia_half_po2_ = p.in("inflammation.hypoxia_half_po2", "mmHg");

    schwann_like_fraction_ = p.get("msc.schwann_like_fraction");
    reversion_s_ = p.in("msc.reversion_time_constant", "s");
    priming_s_ = p.in("msc.priming_time_constant", "s");
    primed_gain_ = p.get("msc.primed_neurotrophin_gain");
    schwann_like_gain_ = p.get("msc.schwann_like_neurotrophin_gain");
    hypoxic_gain_ = p.get("msc.hypoxic_vegf_gain");
    revascularisation_s_ = p.in("msc.revascularisation_time_constant", "s");
    hgf_weight_ = p.get("msc.hgf_angiogenic_weight");

    scaffold_survival_gain_ = p.get("msc.scaffold_survival_gain");
    early_fraction_ = p.get("msc.early_loss_fraction");
    early_s_ = p.in("msc.early_loss_time_constant", "s");
    persistent_s_ = p.in("msc.persistent_time_constant", "s");
    allogeneic_s_ = p.in("msc.allogeneic_rejection_time_constant", "s");
    xenogeneic_s_ = p.in("msc.xenogeneic_rejection_time_constant", "s");
    immunosuppression_factor_ = p.get("msc.immunosuppression_factor");

    neurotrophin_half_ = p.in("msc.neurotrophin_half_effect", "pg/d");
    vegf_half_ = p.in("msc.angiogenic_half_effect", "pg/d");
    il10_half_ = p.in("msc.il10_half_effect", "pg/d");
    schwann_like_half_ = p.get("msc.schwann_like_half_effect");
    neuron_protection_ = p.get("msc.max_neuron_protection");
    decline_slowing_ = p.get("msc.max_schwann_decline_slowing");
    gap_gain_m_ = p.in("msc.max_conduit_gap_gain", "m");
    cable_window_s_ = p.in("axon_regeneration.conduit_bridge_delay", "s");
    exposure_half_d_ = p.in("msc.bridge_exposure_half_effect", "d");
    speed_gain_ = p.get("msc.max_bridge_speed_gain");
    loss_reduction_ = p.get("msc.max_bridge_loss_reduction");
  }

  std::string_view name() const override { return "cell_graft"; }
  // First among the mechanisms: after every therapy of the tick (the grafts they deliver, the
  // host's immunosuppression they signal) and before every reader of the graft's signals and
  // blocks (neuron_survival, the 3D site, axon_regeneration, cytokines, schwann_support).
  Phase phase() const override { return Phase::neurons; }
  // Every base tick, as the cell therapy did before it handed the biology over: the agents die
  // and secrete at the site's pace, and the pool counts the host's immunosuppression tick by tick.
  std::int64_t period_s() const override { return 0; }

  void declare_state(StateLayout& layout) override {
    grafts_ = cell_grafts(layout);
    deliveries_ = graft_deliveries(layout);
    hazard_ = signals::neuron_death_hazard_factor(layout);
    decline_ = signals::schwann_decline_factor(layout);
    il10_ = signals::graft_il10_release(layout);
    immunosuppressed_ = signals::host_immunosuppressed(layout);
  }

  void initialize(const Model& m, State& state) const override {
    const auto deliveries = state.block(deliveries_);
    const auto grafts = state.block(grafts_);
    // The immunosuppressing therapies have initialised before (they run in the therapy phase):
    // what they signal now is the host's state when the nerve is repaired.
    const bool suppressed_at_repair = state.signal(immunosuppressed_) > 0;
    for (std::size_t k = 0; k < grafts.size(); ++k) {
      const GraftDelivery& d = deliveries[k];
      CellGraft& g = grafts[k];
      g = CellGraft{};
      // Cells seeded in a conduit's lumen are there while the cable forms: their angiogenic
      // release (hypoxic, at implantation) widens the gap the conduit bridges. The mean release
      // over the window in which the cable forms, with the cells that survive it; axon_regeneration
      // draws whether the cable forms when the State is made, so the host's immunosuppression
      // over that window is taken to be the one at the repair.
      if (!m.site && static_cast<GraftPlacement>(static_cast<int>(d.placement)) == GraftPlacement::conduit_lumen &&
          d.given_s <= static_cast<double>(m.repair_time_s) && d.on(angiogenesis)) {
        const GraftBiology b = biology(d);
        constexpr int steps = 168;
        double release = 0;
        for (int s = 0; s < steps; ++s) {
          const double age = (s + 0.5) / steps * cable_window_s_;
          const double suppressed = b.always_suppressed || suppressed_at_repair ? age : 0.0;
          release +=
              d.cells * survival(b, age, suppressed) * angiogenic_per_cell(b.s, std::exp(-age / revascularisation_s_)) / steps;
        }
        g.bridge_gap_gain_m = gap_gain_m_ * saturating(release / vegf_half_);
      }
    }
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    const auto deliveries = state.block(deliveries_);
    const auto grafts = state.block(grafts_);
    // The host's immunosuppression now (cyclosporine writes it while it is given).
    const bool host_suppressed = state.signal(immunosuppressed_) > 0;
    for (std::size_t k = 0; k < grafts.size(); ++k) advance_graft(m, state, tick, k, deliveries[k], grafts[k], host_suppressed);
  }

  void check_numerics(const Model&, const State& state) const override {
    const auto grafts = state.block(grafts_);
    for (std::size_t k = 0; k < grafts.size(); ++k)
      if (!std::isfinite(grafts[k].cells) || grafts[k].cells < 0)
        numerical_failure(name(), state, "cells", fmt::format("graft {}", k + 1), grafts[k].cells);
  }

 private:
  static constexpr double seconds_per_day = 86400.0;

  /// One graft over one tick: phenotype, survival and release, the signals it sets, its bridge.
  void advance_graft(const Model& m, State& state, const Tick& tick, std::size_t graft, const GraftDelivery& d, CellGraft& g,
                     bool host_suppressed) const {
    const double t = static_cast<double>(tick.time_s);
    if (d.given_s < 0 || t < d.given_s) return;
    const GraftBiology b = biology(d);
    g.delivered = d.cells;
    const double age = t - d.given_s;
    g.schwann_like = b.schwann_like_0 * std::exp(-age / reversion_s_);
    g.primed = 1.0 - std::exp(-age / priming_s_);
    const double expression =
        1.0 + (primed_gain_ - 1.0) * g.primed * (1.0 - g.schwann_like) + (schwann_like_gain_ - 1.0) * g.schwann_like;
    // The repair site's hypoxia before it is revascularised (the 1D pool; agents sense their own).
    const double hypoxia = std::exp(-std::max(0.0, t - static_cast<double>(m.repair_time_s)) / revascularisation_s_);
    const bool suppressed_now = b.always_suppressed || host_suppressed;
    if (m.site && state.site) {
      // On the 3D site the cells are agents: they die one by one, sense their own oxygen and
      // secrete into the fields, where vessels, macrophages, Schwann cells and cones read it.
      const double rejection = suppressed_now ? b.suppressed_rejection_per_s : b.rejection_per_s;
      advance_agents(m, state, tick, d, b, g, graft, expression, rejection);
    } else {
      // The time under immunosuppression since the cells were given counts whole ticks before
      // this one (the courses start and end on ticks), so the sum is exact in seconds.
      const double suppressed = b.always_suppressed ? age : g.suppressed_s;
      g.cells = d.cells * survival(b, age, suppressed);
      g.neurotrophin_release = g.cells * b.s.neurotrophin * expression;
      g.vegf_release = g.cells * b.s.vegf * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia);
      g.il10_release = g.cells * b.s.il10;
    }
    if (suppressed_now) g.suppressed_s += static_cast<double>(tick.dt_s);

    // The released IL-10 reaches the nerve's cytokine compartment (and its macrophages) unless
    // the immunomodulation mechanism is ablated.
    if (d.on(immunomodulation)) state.write(il10_, g.il10_release);
    const double trophic = saturating(g.neurotrophin_release / neurotrophin_half_);
    if (d.on(neurotrophic_neurons)) state.write(hazard_, 1.0 - neuron_protection_ * trophic);
    if (d.on(schwann_support)) state.write(decline_, 1.0 - decline_slowing_ * trophic);
    if (m.site) return;  // the site decides the bridge itself
    // Support of the bridge: each mechanism adds its saturating index; the bridge keeps what it
    // gained (a lasting effect of early colonisation), so the exposure integrates.
    double support = 0.0;
    if (d.on(neurotrophic_cones)) support += trophic;
    if (d.on(schwann_support)) support += trophic;
    if (d.on(angiogenesis)) support += saturating(g.cells * angiogenic_per_cell(b.s, hypoxia) / vegf_half_);
    if (d.on(immunomodulation)) support += saturating(g.il10_release / il10_half_);
    if (d.on(schwann_like)) support += saturating(g.cells * g.schwann_like / schwann_like_half_);
    g.bridge_exposure += d.bridge_reach * support * static_cast<double>(tick.dt_s) / seconds_per_day;
    const double effect = g.bridge_exposure / (g.bridge_exposure + exposure_half_d_);
    g.bridge_speed_factor = 1.0 + speed_gain_ * effect;
    g.bridge_loss_factor = 1.0 - loss_reduction_ * effect;
  }

  /// The graft's constants from what was delivered (a few multiplications, done where needed
  /// rather than kept, since the grafts are known only in the State).
  GraftBiology biology(const GraftDelivery& d) const {
    GraftBiology b;
    b.s = secretion_[static_cast<std::size_t>(d.source)];
    if (d.spheroid > 0) {
      b.s.neurotrophin *= spheroid_gain_;
      for (double& f : b.s.factor) f *= spheroid_gain_;
      b.s.vegf *= spheroid_gain_;
      b.s.hgf *= spheroid_gain_;
      b.s.il10 *= spheroid_gain_;
    }
    b.schwann_like_0 = d.differentiated > 0 ? schwann_like_fraction_ : 0.0;
    const double survival_gain = d.scaffold > 0 ? scaffold_survival_gain_ : 1.0;
    b.early_s = early_s_ * survival_gain;
    b.persistent_s = persistent_s_ * survival_gain;
    const auto donor = static_cast<GraftDonor>(static_cast<int>(d.donor));
    if (donor != GraftDonor::autologous) {
      const double tau = donor == GraftDonor::allogeneic ? allogeneic_s_ : xenogeneic_s_;
      b.rejection_per_s = 1.0 / tau;
      b.suppressed_rejection_per_s = immunosuppression_factor_ / tau;
    }
    b.always_suppressed = d.immunosuppressed > 0;
    return b;
  }

  /// The graft's agent kind, its variables and the fields its cells breathe and secrete into on
  /// the 3D site, looked up by name once.
  struct SiteHandles {
    std::uint8_t kind = 0;
    std::size_t schwann_like_share = 0, early_loss = 0, cells = 0;
    std::size_t oxygen = 0, vegf = 0, il10 = 0;
    std::array<std::size_t, neurotrophins.size()> neurotrophin{};
    static SiteHandles of(const site::Layout& L) {
      SiteHandles h{.kind = L.kind(kind_name),
                    .schwann_like_share = L.variable(kind_name, "schwann_like_share"),
                    .early_loss = L.variable(kind_name, "early_loss"),
                    .cells = L.variable(kind_name, "cells"),
                    .oxygen = L.substrate("oxygen"),
                    .vegf = L.substrate("vegf"),
                    .il10 = L.substrate("il10")};
      for (std::size_t f = 0; f < neurotrophins.size(); ++f) h.neurotrophin[f] = L.substrate(neurotrophins[f]);
      return h;
    }
  };
  SiteHandles site_;

  // All that touches the 3D site's agents is in the two functions below (advance_agents and
  // place), so that a change of the site's agent kinds or columns meets this item in one place.

  /// The graft's agents on the 3D site: placement when given, death, secretion, the totals.
  void advance_agents(const Model& m, State& state, const Tick& tick, const GraftDelivery& d, const GraftBiology& b, CellGraft& g,
                      std::size_t graft, double expression, double rejection_per_s) const {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *m.site;
    agents::Agents& c = s.cells;
    if (g.agent_count == 0 && d.cells > 0) place(L, state, d, b, g, graft);
    const auto first = static_cast<std::uint64_t>(g.agent_first_id);
    const auto last = first + static_cast<std::uint64_t>(g.agent_count);
    const double dt = static_cast<double>(tick.dt_s);
    std::vector<std::uint8_t> dead(c.size(), 0);
    std::vector<fields::Exchange> secretion;
    double cells = 0, trophic = 0, vegf = 0, il10 = 0;
    bool any_dead = false;
    const std::uint8_t graft_kind = site_.kind;
    const std::size_t schwann_like_share = site_.schwann_like_share, early_loss = site_.early_loss, cells_column = site_.cells;
    for (std::size_t a = 0; a < c.size(); ++a) {
      if (c.kind[a] != graft_kind || c.id[a] < first || c.id[a] >= last) continue;
      const double n = c.variables[cells_column][a];
      const bool early = c.variables[early_loss][a] > 0.5;
      const double hazard = (early ? 1.0 / b.early_s : 1.0 / b.persistent_s) + rejection_per_s;
      // The purpose names are those the cell therapy drew with before the split: same draws.
      RandomStream stream(state.key, c.id[a], static_cast<std::uint64_t>(tick.step), purpose_id("msc.death"));
      if (stream.bernoulli(1.0 - std::exp(-hazard * dt))) {
        dead[a] = 1;
        any_dead = true;
        continue;
      }
      c.variables[schwann_like_share][a] = d.on(schwann_like) ? g.schwann_like : 0.0;
      // This mechanism runs in the neurons phase, before the engine builds the site's occupancy
      // table for the tick (site::Occupancy, at the start of the site phase), so it looks up the
      // voxel of each of its own agents itself (they do not move).
      const std::size_t v = site::voxel_at(L.grid, c.x[a], c.y[a], c.z[a]);
      const double po2 = s.fields.at(v, site_.oxygen);
      const double hypoxia = 1.0 / (1.0 + std::pow(po2 / hypoxia_half_po2_, 3));
      const double v_rate = b.s.vegf * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia) + hgf_weight_ * b.s.hgf;
      cells += n;
      trophic += n * b.s.neurotrophin * expression;
      vegf += n * b.s.vegf * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia);
      il10 += n * b.s.il10;
      if (d.on(neurotrophic_cones))
        for (std::size_t f = 0; f < neurotrophins.size(); ++f)
          secretion.push_back({.voxel = v,
                               .substrate = site_.neurotrophin[f],
                               .secretion = site::pg_per_day_to_field(b.s.factor[f] * expression) * n});
      if (d.on(angiogenesis))
        secretion.push_back({.voxel = v, .substrate = site_.vegf, .secretion = site::pg_per_day_to_field(v_rate) * n});
      // The IL-10 field is in pg/mL, the others in ng/mL.
      if (d.on(immunomodulation))
        secretion.push_back({.voxel = v, .substrate = site_.il10, .secretion = site::pg_per_day_to_field(b.s.il10) * 1e3 * n});
    }
    if (any_dead) c.remove_flagged(dead);
    fields::apply_exchange(s.fields, secretion, dt / 60.0);
    g.cells = cells;
    g.neurotrophin_release = trophic;
    g.vegf_release = vegf;
    g.il10_release = il10;
  }

  /// Places the graft's agents where the delivery put the cells; one agent stands for several
  /// cells when the dose exceeds msc.max_agents (coarse-graining).
  void place(const site::Layout& L, State& state, const GraftDelivery& d, const GraftBiology& b, CellGraft& g,
             std::size_t graft) const {
    agents::Agents& c = state.site->cells;
    const auto count = static_cast<std::size_t>(std::max(1.0, std::min(std::ceil(d.cells), max_agents_)));
    const double per_agent = d.cells / static_cast<double>(count);
    const auto placement = static_cast<GraftPlacement>(static_cast<int>(d.placement));
    const bool stumps = placement == GraftPlacement::stump_injection;
    const double radius = placement == GraftPlacement::conduit_lumen && L.conduit ? L.lumen_radius_um : L.nerve_radius_um;
    const double inner = placement == GraftPlacement::graft_surface ? 0.8 * radius : 0.0;
    const double reach = 1000.0;  // an injection spreads over the last millimetre of each stump
    const std::uint8_t graft_kind = site_.kind;
    const std::size_t schwann_like_share = site_.schwann_like_share, early_loss = site_.early_loss, cells_column = site_.cells;
    for (std::size_t k = 0; k < count; ++k) {
      RandomStream stream(state.key, graft, k, purpose_id("msc.place"));
      const bool early = stream.bernoulli(early_fraction_);
      std::array<double, 3> at{};
      for (int attempt = 0; attempt < 100; ++attempt) {
        double x = L.gap_start_um + stream.uniform() * (L.gap_end_um - L.gap_start_um);
        if (stumps) {
          const double dx = stream.uniform() * reach;
          x = stream.uniform() < 0.5 ? L.gap_start_um - dx : L.gap_end_um + dx;
        }
        const double r = std::sqrt(inner * inner + stream.uniform() * (radius * radius - inner * inner));
        const double phi = 2.0 * std::numbers::pi * stream.uniform();
        at = {x, r * std::cos(phi), r * std::sin(phi)};
        const site::Zone zone = L.zone[site::voxel_at(L.grid, at[0], at[1], at[2])];
        if (stumps ? zone == site::Zone::proximal_stump || zone == site::Zone::distal_stump : zone == site::Zone::bridge) break;
      }
      const std::size_t a = c.add(graft_kind, at);
      if (k == 0) g.agent_first_id = static_cast<double>(c.id[a]);
      c.variables[schwann_like_share][a] = d.on(schwann_like) ? b.schwann_like_0 : 0.0;
      c.variables[early_loss][a] = early ? 1.0 : 0.0;
      c.variables[cells_column][a] = per_agent;
    }
    g.agent_count = static_cast<double>(count);
  }

  /// Fraction of the delivered cells alive `age` seconds after they were given, `suppressed` of
  /// which the host was immunosuppressed (the reduced rejection rate) [1].
  double survival(const GraftBiology& b, double age, double suppressed) const {
    const double rejection = b.rejection_per_s * (age - suppressed) + b.suppressed_rejection_per_s * suppressed;
    return (early_fraction_ * std::exp(-age / b.early_s) + (1.0 - early_fraction_) * std::exp(-age / b.persistent_s)) *
           std::exp(-rejection);
  }

  /// VEGF plus HGF (weighted by its angiogenic potency) per cell [pg/day], at hypoxia h in [0, 1].
  double angiogenic_per_cell(const Secretion& s, double h) const {
    return s.vegf * (1.0 + (hypoxic_gain_ - 1.0) * h) + hgf_weight_ * s.hgf;
  }

  BlockHandle<CellGraft> grafts_;
  BlockHandle<GraftDelivery> deliveries_;
  SignalHandle hazard_, decline_, il10_, immunosuppressed_;
  std::array<Secretion, graft_sources.size()> secretion_{};
  double spheroid_gain_ = 1, max_agents_ = 1000, hypoxia_half_po2_ = 10;
  double schwann_like_fraction_ = 0, reversion_s_ = 1, priming_s_ = 1, primed_gain_ = 1, schwann_like_gain_ = 1;
  double hypoxic_gain_ = 1, revascularisation_s_ = 1, hgf_weight_ = 0;
  double scaffold_survival_gain_ = 1, early_fraction_ = 0, early_s_ = 1, persistent_s_ = 1;
  double allogeneic_s_ = 1, xenogeneic_s_ = 1, immunosuppression_factor_ = 0;
  double neurotrophin_half_ = 1, vegf_half_ = 1, il10_half_ = 1, schwann_like_half_ = 1;
  double neuron_protection_ = 0, decline_slowing_ = 0, gap_gain_m_ = 0, cable_window_s_ = 1, exposure_half_d_ = 1,
         speed_gain_ = 0, loss_reduction_ = 0;
};

void declare(ParameterRegistry& r) {
  const std::string rehman = "Rehman J et al. Circulation 2004;109:1292, doi:10.1161/01.CIR.0000121425.42966.F1";
  const std::string gu =
      "assumption (normalisation: 1e5 cells/mL over 2 d) on Gu 2012 (BM-MSC conditioned medium: BDNF 132, GDNF 70 pg/mL; cell "
      "number and time not given)";
  const std::string sources_note =
      "Amable PR et al. Stem Cell Res Ther 2014;5:53 and Hsieh J-Y et al. PLoS One 2013;8:e72604 (UC more growth "
      "factors, AD more angiogenic, BM intermediate); Wang 2019 (UC > AD for NT-3, BDNF, GDNF)";
  const std::string period = " per 1e6 cells over an assumed 72 h conditioning period";
  // Secretion profiles [pg per cell per day]: BM neurotrophins from Gu 2012 normalised by an
  // assumed 1e5 cells/mL over 2 days; AD VEGF/HGF from Rehman 2004; the other sources scaled by
  // the rankings of Amable 2014, Hsieh 2013 and Wang 2019 (magnitudes are assumptions).
  struct Profile {
    const char* source;
    double ngf, bdnf, gdnf, nt3, vegf, hgf, il10;
  };
  const Profile profiles[] = {
      {"adipose", 2.4e-4, 5.3e-4, 2.8e-4, 0.8e-4, 4.0e-4, 4.1e-3, 1.0e-4},
      {"bone_marrow", 3.0e-4, 6.6e-4, 3.5e-4, 1.0e-4, 2.4e-4, 2.0e-3, 1.0e-4},
      {"umbilical_cord", 4.5e-4, 9.9e-4, 5.3e-4, 1.5e-4, 2.8e-4, 4.1e-3, 1.5e-4},
  };
  for (const Profile& pr : profiles) {
    const std::string s = pr.source;
    const bool bm = s == "bone_marrow", ad = s == "adipose";
    const auto nt_source = [&](const char* factor) {
      if (bm && (std::string(factor) == "BDNF" || std::string(factor) == "GDNF")) return std::string(gu);
      return fmt::format("assumption ({} relative to BM-MSC by {})", factor, sources_note);
    };
    const std::pair<const char*, double> nts[] = {{"ngf", pr.ngf}, {"bdnf", pr.bdnf}, {"gdnf", pr.gdnf}, {"nt3", pr.nt3}};
    const char* labels[] = {"NGF", "BDNF", "GDNF", "NT-3"};
    for (int k = 0; k < 4; ++k)
      r.declare({.name = "msc." + s + "." + nts[k].first + "_secretion",
                 .unit = "pg/d",
                 .default_value = nts[k].second,
                 .hard = {0, 1},
                 .plausible = {0, 1e-2},
                 .species = "all",
                 .meaning = fmt::format("{} secreted per {} MSC per day (undifferentiated, monolayer)", labels[k], s),
                 .source = nt_source(labels[k])});
    r.declare({.name = "msc." + s + ".vegf_secretion",
               .unit = "pg/d",
               .default_value = pr.vegf,
               .hard = {0, 1},
               .plausible = {0, 1e-2},
               .species = "all",
               .meaning = "VEGF secreted per " + s + " MSC per day in normoxia",
               .source = ad ? rehman + " (1203 pg" + period + ")"
                            : "assumption (relative to AD-MSC, which are the most angiogenic: " + sources_note + ")"});
    r.declare({.name = "msc." + s + ".hgf_secretion",
               .unit = "pg/d",
               .default_value = pr.hgf,
               .hard = {0, 1},
               .plausible = {0, 1e-1},
               .species = "all",
               .meaning = "HGF secreted per " + s + " MSC per day",
               .source = ad ? rehman + " (12280 pg" + period + ")" : "assumption (relative to AD-MSC, " + sources_note + ")"});
    r.declare({.name = "msc." + s + ".il10_secretion",
               .unit = "pg/d",
               .default_value = pr.il10,
               .hard = {0, 1},
               .plausible = {0, 1e-2},
               .species = "all",
               .meaning = "IL-10 secreted per " + s + " MSC per day",
               .source = "assumption (order of the neurotrophins; UC-MSC the most immunomodulatory, " + sources_note + ")"});
  }
  r.declare({.name = "msc.hypoxic_vegf_gain",
             .unit = "1",
             .default_value = 4.97,
             .hard = {1, 50},
             .plausible = {2, 10},
             .species = "all",
             .meaning = "factor on VEGF secretion under hypoxia",
             .source = rehman + " (5980 vs 1203 pg per 1e6 cells)",
             .calibration = "E35"});
  r.declare({.name = "msc.spheroid_secretion_gain",
             .unit = "1",
             .default_value = 2.1,
             .hard = {1, 20},
             .plausible = {1, 5},
             .species = "all",
             .meaning = "factor on paracrine secretion per cell of 3D spheroids over monolayer culture",
             .source =
                 "Bou-Ghannam S et al. Sci Rep 2021;11:8170, doi:10.1038/s41598-021-87571-7 (VEGF per cell; applied to every "
                 "factor: assumption)",
             .calibration = "E36"});
  r.declare({.name = "msc.hgf_angiogenic_weight",
             .unit = "1",
             .default_value = 0.1,
             .hard = {0, 10},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "angiogenic potency of a pg of HGF relative to a pg of VEGF",
             .source = "assumption (HGF is angiogenic but secreted ~10x more than VEGF)"});
  r.declare({.name = "msc.revascularisation_time_constant",
             .unit = "d",
             .default_value = 4,
             .hard = {0.1, 100},
             .plausible = {1, 14},
             .species = "all",
             .meaning = "time constant of the end of hypoxia at the repair site after the repair",
             .source = "assumption (bridges are vascularised within days, E16)"});
  r.declare({.name = "msc.early_loss_fraction",
             .unit = "1",
             .default_value = 0.9,
             .hard = {0, 1},
             .plausible = {0.5, 0.99},
             .species = "rat",
             .meaning = "fraction of transplanted cells lost in the first days (anoikis, hypoxia)",
             .source = "fitted to Rbia N et al. J Hand Surg Am 2019, autologous luciferase MSCs on a 10 mm allograft (signal "
                       "falls over week 1) [no identifier on record: assumption]",
             .calibration = "E33"});
  r.declare({.name = "msc.early_loss_time_constant",
             .unit = "d",
             .default_value = 2.5,
             .hard = {0.1, 100},
             .plausible = {1, 7},
             .species = "rat",
             .meaning = "time constant of the early loss",
             .source = "fitted to Rbia 2019 (signal falls over week 1) [no identifier on record: assumption]",
             .calibration = "E33"});
  r.declare({.name = "msc.persistent_time_constant",
             .unit = "d",
             .default_value = 14,
             .hard = {0.1, 1000},
             .plausible = {5, 60},
             .species = "rat",
             .meaning = "time constant of the loss of the cells that outlast the first days",
             .source = "fitted to Rbia 2019 (detectable up to 29 d) [no identifier on record: assumption]",
             .calibration = "E33"});
  r.declare({.name = "msc.scaffold_survival_gain",
             .unit = "1",
             .default_value = 1.5,
             .hard = {1, 10},
             .plausible = {1, 3},
             .species = "all",
             .meaning = "factor on survival time constants of cells carried in a scaffold",
             .source = "assumption"});
  r.declare({.name = "msc.allogeneic_rejection_time_constant",
             .unit = "d",
             .default_value = 14,
             .hard = {0.1, 10000},
             .plausible = {5, 100},
             .species = "all",
             .meaning = "time constant of immune rejection of allogeneic MSCs",
             .source = "assumption (allogeneic MSCs are rejected over weeks: Eliopoulos N et al. Blood 2005;106:4057, "
                       "doi:10.1182/blood-2005-03-1004)"});
  r.declare({.name = "msc.xenogeneic_rejection_time_constant",
             .unit = "d",
             .default_value = 3,
             .hard = {0.01, 10000},
             .plausible = {0.5, 10},
             .species = "all",
             .meaning = "time constant of immune rejection of xenogeneic (e.g. human in rat) MSCs",
             .source = "assumption (McGrath AM et al. 2018: human MSCs survive in rats only with cyclosporine, E64)"});
  r.declare({.name = "msc.immunosuppression_factor",
             .unit = "1",
             .default_value = 0.1,
             .hard = {0, 1},
             .plausible = {0, 0.5},
             .species = "all",
             .meaning = "factor on the rejection rate under immunosuppression (cyclosporine)",
             .source = "assumption"});
  r.declare({.name = "msc.schwann_like_fraction",
             .unit = "1",
             .default_value = 0.93,
             .hard = {0, 1},
             .plausible = {0.8, 1},
             .species = "all",
             .meaning = "fraction of differentiated cells with the Schwann-like phenotype (S100, GFAP, p75) when given",
             .source = "Fu 2016; Cai 2017 (90-95 % marker positive) [no identifier on record: assumption]"});
  r.declare(
      {.name = "msc.reversion_time_constant",
       .unit = "d",
       .default_value = 1.5,
       .hard = {0.01, 1000},
       .plausible = {0.5, 30},
       .species = "all",
       .meaning = "time constant with which differentiated cells lose the Schwann-like phenotype in vivo",
       .source =
           "Mortimer 2017 (reverted within 72 h of factor withdrawal: e^-2 left at 72 h) [no identifier on record: assumption]",
       .calibration = "E67"});
  r.declare({.name = "msc.priming_time_constant",
             .unit = "d",
             .default_value = 3,
             .hard = {0.01, 100},
             .plausible = {1, 10},
             .species = "rat",
             .meaning = "time constant with which undifferentiated cells raise neurotrophin expression in the nerve",
             .source = "Mathot thesis (uMSC neurotrophic mRNA rises from day 3 to day 7 after seeding, P19) [no identifier on "
                       "record: assumption]"});
  r.declare({.name = "msc.primed_neurotrophin_gain",
             .unit = "1",
             .default_value = 2,
             .hard = {1, 20},
             .plausible = {1, 5},
             .species = "all",
             .meaning = "factor on neurotrophin secretion of primed undifferentiated cells",
             .source = "assumption (direction: Mathot thesis, P19)"});
  r.declare({.name = "msc.schwann_like_neurotrophin_gain",
             .unit = "1",
             .default_value = 3,
             .hard = {1, 20},
             .plausible = {1, 6},
             .species = "all",
             .meaning = "factor on neurotrophin secretion of Schwann-like (differentiated) cells",
             .source = "assumption (direction: Kingham PJ et al. Stem Cells Dev 2014; dMSC high on days 0-3, P19)"});
  r.declare({.name = "msc.neurotrophin_half_effect",
             .unit = "pg/d",
             .default_value = 500,
             .hard = {1e-6, 1e9},
             .plausible = {10, 1e5},
             .species = "rat",
             .meaning = "neurotrophin release at the repair site with half the maximal effect",
             .source = "assumption (of the order of 1e6 primed cells)"});
  r.declare({.name = "msc.angiogenic_half_effect",
             .unit = "pg/d",
             .default_value = 500,
             .hard = {1e-6, 1e9},
             .plausible = {10, 1e5},
             .species = "rat",
             .meaning = "angiogenic (VEGF + weighted HGF) release with half the maximal effect",
             .source = "assumption (of the order of 1e6 hypoxic cells)"});
  r.declare({.name = "msc.il10_half_effect",
             .unit = "pg/d",
             .default_value = 50,
             .hard = {1e-6, 1e9},
             .plausible = {1, 1e4},
             .species = "rat",
             .meaning = "IL-10 release with half the maximal effect",
             .source = "assumption"});
  r.declare({.name = "msc.schwann_like_half_effect",
             .unit = "cells",
             .default_value = 1e5,
             .hard = {1, 1e10},
             .plausible = {1e3, 1e7},
             .species = "rat",
             .meaning = "Schwann-like cells in the bridge with half the maximal support (of the order of the host "
                        "repair Schwann cells of a 10 mm rat graft)",
             .source = "assumption"});
  r.declare({.name = "msc.max_neuron_protection",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "largest reduction of the death hazard of axotomised neurons by MSC neurotrophins",
             .source = "assumption (exogenous neurotrophins rescue most axotomised sensory neurons)"});
  r.declare({.name = "msc.max_schwann_decline_slowing",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "largest reduction of the loss rate of distal Schwann-cell repair capacity (conditioned "
                        "medium raises their survival and proliferation)",
             .source = "assumption"});
  r.declare({.name = "msc.max_conduit_gap_gain",
             .unit = "mm",
             .default_value = 4,
             .hard = {0, 100},
             .plausible = {0, 10},
             .species = "rat",
             .meaning = "largest gain of the gap a conduit bridges half the time, from MSC angiogenesis in its lumen",
             .source = "assumption (MSC-filled conduits bridge 15 mm rat gaps that empty tubes do not)"});
  r.declare({.name = "msc.bridge_exposure_half_effect",
             .unit = "d",
             .default_value = 5,
             .hard = {1e-3, 1000},
             .plausible = {0.5, 50},
             .species = "rat",
             .meaning = "integrated support of the bridge (sum of the mechanisms' saturating indices over time) with "
                        "half the maximal lasting effect",
             .source = "assumption"});
  r.declare({.name = "msc.max_bridge_speed_gain",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0, 10},
             .plausible = {0, 2},
             .species = "rat",
             .meaning = "largest fractional rise of the elongation speed in the bridge",
             .source = "assumption"});
  r.declare({.name = "msc.max_bridge_loss_reduction",
             .unit = "1",
             .default_value = 0.4,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "rat",
             .meaning = "largest reduction of the share of axons lost in the bridge",
             .source = "fitted to E32.3 and E32.4 (Mathot 2021: allograft seeded with undifferentiated / differentiated "
                       "AD-MSCs, CMAP 44.3 / 48.9 % at 12 weeks; 0.3 gives 37.9 / 41.2, 0.4 gives 45.3 / 48.7, 0.5 "
                       "gives 49.5 / 51.1 over 10 rats) [no identifier on record: assumption]",
             .calibration = "E32"});
  r.declare({.name = "msc.max_agents",
             .unit = "1",
             .default_value = 1000,
             .hard = {1, 1e7},
             .plausible = {100, 1e5},
             .species = "all",
             .meaning = "most agents a graft places on the 3D site; larger doses are coarse-grained (one agent stands "
                        "for dose / max_agents cells)",
             .source = "assumption (numerical: cost against resolution)",
             .numerical = true});
}
}  // namespace

// Named apart from register_cell_graft, the readout of the same name (CMakeLists.txt).
void register_cell_graft_mechanism(Registry& registry) {
  registry.add(MechanismEntry{
      .name = "cell_graft",
      .summary = "transplanted cells (cell therapies): survival, rejection (less under immunosuppression), "
                 "Schwann-like phenotype, paracrine release and its effects on neurons, bridge and Schwann cells",
      .declare_parameters = declare,
      // Always present: it costs nothing without grafts, and a therapy that gives cells hands
      // them over through the State, so this mechanism need not know which items those are.
      .create = [](const CompileContext& c) -> std::unique_ptr<Process> { return std::make_unique<CellGraftMechanism>(c); },
      .declare_site =
          [](SiteDeclaration& site) {
            // Transplanted cells on the 3D site: the share with a Schwann-like phenotype, whether the
            // agent is in the pool lost early (1) or persists (0), and the number of cells it stands
            // for (they die off). Declared in every 3D site, used only where cells are given.
            site.layout.kinds.push_back({.name = kind_name,
                                         .variables = {"schwann_like_share", "early_loss", "cells"},
                                         .phenotype = "schwann_like_share",
                                         .cells_variable = "cells"});
          }});
}

}  // namespace bungner
