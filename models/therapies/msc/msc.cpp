// Mesenchymal stem-cell therapy: adipose (AD), bone-marrow (BM) or umbilical-cord (UC, Wharton's
// jelly) MSCs, undifferentiated or differentiated into Schwann-like cells, given at the repair
// site (seeded on a graft, in a conduit lumen, injected into the stumps) or intravenously. The
// graft is a pool of cells (the per-instance block msc.grafts, cell_graft.hpp) whose number, phenotype and paracrine release
// follow from the time since it was given; five switchable mechanisms turn the release into effects on neurons, the bridge and
// the distal Schwann cells. Equations and sources: README.md beside this file.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/core/text.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "bungner/site/site.hpp"
#include "cell_graft.hpp"

namespace bungner {
namespace {

constexpr std::array<const char*, 3> sources = {"adipose", "bone_marrow", "umbilical_cord"};
constexpr std::array<const char*, 4> neurotrophins = {"ngf", "bdnf", "gdnf", "nt3"};
/// The mechanisms of benefit, each of which `ablate` can switch off.
constexpr std::array<const char*, 6> mechanisms = {"neurotrophic_neurons", "neurotrophic_cones", "schwann_support",
                                                   "angiogenesis",         "immunomodulation",   "schwann_like"};
enum Mechanism : std::size_t {
  neurotrophic_neurons = 0,
  neurotrophic_cones,
  schwann_support,
  angiogenesis,
  immunomodulation,
  schwann_like,
};

double saturating(double x) { return x / (1.0 + x); }

class MscTherapy final : public treatment::Therapy {
 public:
  MscTherapy(const CompileContext& c, const toml::table& item) {
    const ParameterSet& p = c.parameters;
    const std::string source = schema::string(item, "source");
    const std::string prefix = "msc." + source + ".";
    for (std::size_t f = 0; f < neurotrophins.size(); ++f) {
      factor_pg_per_day_[f] = p.in(prefix + neurotrophins[f] + "_secretion", "pg/d");
      neurotrophin_pg_per_day_ += factor_pg_per_day_[f];
    }
    vegf_pg_per_day_ = p.in(prefix + "vegf_secretion", "pg/d");
    hgf_pg_per_day_ = p.in(prefix + "hgf_secretion", "pg/d");
    il10_pg_per_day_ = p.in(prefix + "il10_secretion", "pg/d");
    const double culture = schema::string(item, "culture") == "spheroid" ? p.get("msc.spheroid_secretion_gain") : 1.0;
    neurotrophin_pg_per_day_ *= culture;
    for (double& f : factor_pg_per_day_) f *= culture;
    vegf_pg_per_day_ *= culture;
    hgf_pg_per_day_ *= culture;
    il10_pg_per_day_ *= culture;

    const bool differentiated = schema::string(item, "state") == "differentiated";
    const std::string route = schema::string(item, "route");
    const std::string vehicle = schema::string(item, "vehicle");
    const bool scaffold = vehicle != "saline";
    double retained = 1.0;
    if (route == "graft_surface")
      retained = p.get(differentiated ? "msc.graft_attachment_differentiated" : "msc.graft_attachment_undifferentiated");
    else if (route == "conduit_lumen")
      retained = p.get(scaffold ? "msc.lumen_retention_scaffold" : "msc.lumen_retention_suspension");
    else if (route == "stump_injection")
      retained = p.get("msc.injection_retention");
    else
      retained = p.get("msc.intravenous_homing");
    delivered_ = schema::quantity(item, "dose", "cells") * retained;
    // Cells at the cut faces act on the bridge less than cells inside it.
    bridge_reach_ = route == "stump_injection" ? p.get("msc.injection_bridge_reach") : 1.0;
    in_lumen_at_repair_ = route == "conduit_lumen";
    route_ = route;
    max_agents_ = p.get("msc.max_agents");
    hypoxia_half_po2_ = p.in("inflammation.hypoxia_half_po2", "mmHg");

    schwann_like_0_ = differentiated ? p.get("msc.schwann_like_fraction") : 0.0;
    reversion_s_ = p.in("msc.reversion_time_constant", "s");
    priming_s_ = p.in("msc.priming_time_constant", "s");
    primed_gain_ = p.get("msc.primed_neurotrophin_gain");
    schwann_like_gain_ = p.get("msc.schwann_like_neurotrophin_gain");
    hypoxic_gain_ = p.get("msc.hypoxic_vegf_gain");
    revascularisation_s_ = p.in("msc.revascularisation_time_constant", "s");
    hgf_weight_ = p.get("msc.hgf_angiogenic_weight");

    const double survival_gain = scaffold ? p.get("msc.scaffold_survival_gain") : 1.0;
    early_fraction_ = p.get("msc.early_loss_fraction");
    early_s_ = p.in("msc.early_loss_time_constant", "s") * survival_gain;
    persistent_s_ = p.in("msc.persistent_time_constant", "s") * survival_gain;
    const std::string donor = schema::string(item, "donor");
    if (donor != "autologous") {
      const double tau =
          p.in(donor == "allogeneic" ? "msc.allogeneic_rejection_time_constant" : "msc.xenogeneic_rejection_time_constant", "s");
      rejection_per_s_ = 1.0 / tau;
      suppressed_rejection_per_s_ = p.get("msc.immunosuppression_factor") / tau;
      // Immunosuppressed: throughout by the item's own key, or while a cyclosporine course of
      // the scenario runs (its start and duration).
      always_suppressed_ = item["immunosuppression"].value_or(false);
      for (const TherapyItem& other : c.spec.therapies)
        if (other.type == "cyclosporine") suppression_.push_back(treatment::Window::of(other.table, c));
      // Merge overlapping courses so that no second is counted twice.
      std::sort(suppression_.begin(), suppression_.end(),
                [](const treatment::Window& a, const treatment::Window& b) { return a.start_s < b.start_s; });
      std::vector<treatment::Window> merged;
      for (const treatment::Window& w : suppression_)
        if (!merged.empty() && w.start_s <= merged.back().end_s)
          merged.back().end_s = std::max(merged.back().end_s, w.end_s);
        else
          merged.push_back(w);
      suppression_ = std::move(merged);
    }

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

    std::vector<std::string> off;
    if (const toml::array* a = item["ablate"].as_array())
      for (const auto& v : *a) off.push_back(v.value_or(std::string{}));
    for (std::size_t k = 0; k < mechanisms.size(); ++k) on_[k] = std::find(off.begin(), off.end(), mechanisms[k]) == off.end();

    preparation_days_ = p.in("msc.expansion_time", "d") + (differentiated ? p.in("msc.differentiation_time", "d") : 0.0) +
                        (culture > 1.0 ? p.in("msc.spheroid_time", "d") : 0.0);

    repair_s_ = static_cast<double>(c.spec.repair_time_s);
    given_s_ = round_to_tick(repair_s_ + schema::quantity(item, "after_repair", "s"), seconds_per_hour);
  }

  std::string_view name() const override { return "msc"; }

  void declare_state(StateLayout& layout) override {
    grafts_ = cell_grafts(layout);
    graft_ = layout.add_instance(grafts_);
    hazard_ = signals::neuron_death_hazard_factor(layout);
    decline_ = signals::schwann_decline_factor(layout);
    il10_ = signals::graft_il10_release(layout);
  }

  void initialize(const Model& m, State& state) const override {
    CellGraft& g = state.block(grafts_)[graft_];
    g = CellGraft{};
    g.preparation_days = preparation_days_;
    // Cells seeded in a conduit's lumen are there while the cable forms: their angiogenic release
    // (hypoxic, at implantation) widens the gap the conduit bridges.
    // The mean release over the window in which the cable forms, with the cells that survive it.
    if (!m.site && in_lumen_at_repair_ && given_s_ <= m.repair_time_s && on_[angiogenesis]) {
      constexpr int steps = 168;
      double release = 0;
      for (int k = 0; k < steps; ++k) {
        const double age = (k + 0.5) / steps * cable_window_s_;
        release += delivered_ * survival(age) * angiogenic_per_cell(std::exp(-age / revascularisation_s_)) / steps;
      }
      g.bridge_gap_gain_m = gap_gain_m_ * saturating(release / vegf_half_);
    }
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    const std::size_t graft = graft_;
    CellGraft& g = state.block(grafts_)[graft];
    const double t = static_cast<double>(tick.time_s);
    if (t < static_cast<double>(given_s_)) return;
    g.delivered = delivered_;
    const double age = t - static_cast<double>(given_s_);
    g.schwann_like = schwann_like_0_ * std::exp(-age / reversion_s_);
    g.primed = 1.0 - std::exp(-age / priming_s_);
    const double expression =
        1.0 + (primed_gain_ - 1.0) * g.primed * (1.0 - g.schwann_like) + (schwann_like_gain_ - 1.0) * g.schwann_like;
    // The repair site's hypoxia before it is revascularised (the 1D pool; agents sense their own).
    const double hypoxia = std::exp(-std::max(0.0, t - repair_s_) / revascularisation_s_);
    if (m.site && state.site) {
      // On the 3D site the cells are agents: they die one by one, sense their own oxygen and
      // secrete into the fields, where vessels, macrophages, Schwann cells and cones read it.
      advance_agents(m, state, tick, g, graft, expression);
    } else {
      g.cells = delivered_ * survival(age);
      g.neurotrophin_release = g.cells * neurotrophin_pg_per_day_ * expression;
      g.vegf_release = g.cells * vegf_pg_per_day_ * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia);
      g.il10_release = g.cells * il10_pg_per_day_;
    }

    // The released IL-10 reaches the nerve's cytokine compartment (and its macrophages) unless
    // the immunomodulation mechanism is ablated.
    if (on_[immunomodulation]) state.write(il10_, g.il10_release);
    const double trophic = saturating(g.neurotrophin_release / neurotrophin_half_);
    if (on_[neurotrophic_neurons]) state.write(hazard_, 1.0 - neuron_protection_ * trophic);
    if (on_[schwann_support]) state.write(decline_, 1.0 - decline_slowing_ * trophic);
    if (m.site) return;  // the site decides the bridge itself
    // Support of the bridge: each mechanism adds its saturating index; the bridge keeps what it
    // gained (a lasting effect of early colonisation), so the exposure integrates.
    double support = 0.0;
    if (on_[neurotrophic_cones]) support += trophic;
    if (on_[schwann_support]) support += trophic;
    if (on_[angiogenesis]) support += saturating(g.cells * angiogenic_per_cell(hypoxia) / vegf_half_);
    if (on_[immunomodulation]) support += saturating(g.il10_release / il10_half_);
    if (on_[schwann_like]) support += saturating(g.cells * g.schwann_like / schwann_like_half_);
    g.bridge_exposure += bridge_reach_ * support * static_cast<double>(tick.dt_s) / seconds_per_day;
    const double effect = g.bridge_exposure / (g.bridge_exposure + exposure_half_d_);
    g.bridge_speed_factor = 1.0 + speed_gain_ * effect;
    g.bridge_loss_factor = 1.0 - loss_reduction_ * effect;
  }

 private:
  /// The graft's agents on the 3D site: placement when given, death, secretion, the totals.
  void advance_agents(const Model& m, State& state, const Tick& tick, CellGraft& g, std::size_t graft, double expression) const {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *m.site;
    agents::Agents& c = s.cells;
    if (g.agent_count == 0 && delivered_ > 0) place(L, state, g, graft);
    const auto first = static_cast<std::uint64_t>(g.agent_first_id);
    const auto last = first + static_cast<std::uint64_t>(g.agent_count);
    const double dt = static_cast<double>(tick.dt_s);
    std::vector<std::uint8_t> dead(c.size(), 0);
    std::vector<fields::Exchange> secretion;
    double cells = 0, trophic = 0, vegf = 0, il10 = 0;
    bool any_dead = false;
    const std::uint8_t msc_kind = L.kind("msc");
    const std::size_t schwann_like_share = L.variable("msc", "schwann_like_share"), early_loss = L.variable("msc", "early_loss");
    const std::size_t cells_column = L.variable("msc", "cells");
    const std::size_t oxygen_field = L.substrate("oxygen"), vegf_field = L.substrate("vegf"), il10_field = L.substrate("il10");
    std::array<std::size_t, neurotrophins.size()> neurotrophin_field{};
    for (std::size_t f = 0; f < neurotrophins.size(); ++f) neurotrophin_field[f] = L.substrate(neurotrophins[f]);
    for (std::size_t a = 0; a < c.size(); ++a) {
      if (c.kind[a] != msc_kind || c.id[a] < first || c.id[a] >= last) continue;
      const double n = c.variables[cells_column][a];
      const bool early = c.variables[early_loss][a] > 0.5;
      const double hazard = (early ? 1.0 / early_s_ : 1.0 / persistent_s_) + rejection_rate_at(tick.time_s);
      RandomStream stream(state.key, c.id[a], static_cast<std::uint64_t>(tick.step), purpose_id("msc.death"));
      if (stream.bernoulli(1.0 - std::exp(-hazard * dt))) {
        dead[a] = 1;
        any_dead = true;
        continue;
      }
      c.variables[schwann_like_share][a] = on_[schwann_like] ? g.schwann_like : 0.0;
      const std::size_t v = site::voxel_at(L.grid, c.x[a], c.y[a], c.z[a]);
      const double po2 = s.fields.at(v, oxygen_field);
      const double hypoxia = 1.0 / (1.0 + std::pow(po2 / hypoxia_half_po2_, 3));
      const double v_rate = vegf_pg_per_day_ * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia) + hgf_weight_ * hgf_pg_per_day_;
      cells += n;
      trophic += n * neurotrophin_pg_per_day_ * expression;
      vegf += n * vegf_pg_per_day_ * (1.0 + (hypoxic_gain_ - 1.0) * hypoxia);
      il10 += n * il10_pg_per_day_;
      if (on_[neurotrophic_cones])
        for (std::size_t f = 0; f < neurotrophins.size(); ++f)
          secretion.push_back({.voxel = v,
                               .substrate = neurotrophin_field[f],
                               .secretion = site::pg_per_day_to_field(factor_pg_per_day_[f] * expression) * n});
      if (on_[angiogenesis])
        secretion.push_back({.voxel = v, .substrate = vegf_field, .secretion = site::pg_per_day_to_field(v_rate) * n});
      // The IL-10 field is in pg/mL, the others in ng/mL.
      if (on_[immunomodulation])
        secretion.push_back(
            {.voxel = v, .substrate = il10_field, .secretion = site::pg_per_day_to_field(il10_pg_per_day_) * 1e3 * n});
    }
    if (any_dead) c.remove_flagged(dead);
    fields::apply_exchange(s.fields, secretion, dt / 60.0);
    g.cells = cells;
    g.neurotrophin_release = trophic;
    g.vegf_release = vegf;
    g.il10_release = il10;
  }

  /// Places the graft's agents where the route puts the cells; one agent stands for several cells
  /// when the dose exceeds msc.max_agents (coarse-graining).
  void place(const site::Layout& L, State& state, CellGraft& g, std::size_t graft) const {
    agents::Agents& c = state.site->cells;
    const auto count = static_cast<std::size_t>(std::max(1.0, std::min(std::ceil(delivered_), max_agents_)));
    const double per_agent = delivered_ / static_cast<double>(count);
    const bool stumps = route_ == "stump_injection";
    const double radius = route_ == "conduit_lumen" && L.conduit ? L.lumen_radius_um : L.nerve_radius_um;
    const double inner = route_ == "graft_surface" ? 0.8 * radius : 0.0;
    const double reach = 1000.0;  // an injection spreads over the last millimetre of each stump
    const std::uint8_t msc_kind = L.kind("msc");
    const std::size_t schwann_like_share = L.variable("msc", "schwann_like_share"), early_loss = L.variable("msc", "early_loss");
    const std::size_t cells_column = L.variable("msc", "cells");
    for (std::size_t k = 0; k < count; ++k) {
      RandomStream stream(state.key, graft, k, purpose_id("msc.place"));
      const bool early = stream.bernoulli(early_fraction_);
      std::array<double, 3> at{};
      for (int attempt = 0; attempt < 100; ++attempt) {
        double x = L.gap_start_um + stream.uniform() * (L.gap_end_um - L.gap_start_um);
        if (stumps) {
          const double d = stream.uniform() * reach;
          x = stream.uniform() < 0.5 ? L.gap_start_um - d : L.gap_end_um + d;
        }
        const double r = std::sqrt(inner * inner + stream.uniform() * (radius * radius - inner * inner));
        const double phi = 2.0 * std::numbers::pi * stream.uniform();
        at = {x, r * std::cos(phi), r * std::sin(phi)};
        const site::Zone zone = L.zone[site::voxel_at(L.grid, at[0], at[1], at[2])];
        if (stumps ? zone == site::Zone::proximal_stump || zone == site::Zone::distal_stump : zone == site::Zone::bridge) break;
      }
      const std::size_t a = c.add(msc_kind, at);
      if (k == 0) g.agent_first_id = static_cast<double>(c.id[a]);
      c.variables[schwann_like_share][a] = on_[schwann_like] ? schwann_like_0_ : 0.0;
      c.variables[early_loss][a] = early ? 1.0 : 0.0;
      c.variables[cells_column][a] = per_agent;
    }
    g.agent_count = static_cast<double>(count);
  }

  static constexpr double seconds_per_day = 86400.0;

  /// Fraction of the delivered cells alive `age` seconds after they were given.
  double survival(double age) const {
    return (early_fraction_ * std::exp(-age / early_s_) + (1.0 - early_fraction_) * std::exp(-age / persistent_s_)) *
           std::exp(-rejection_exposure(age));
  }

  /// Integrated rejection rate over the first `age` seconds after the cells were given: the
  /// reduced rate while the host is immunosuppressed, the full rate otherwise [1].
  double rejection_exposure(double age) const {
    double suppressed = age;
    if (!always_suppressed_) {
      const double from = static_cast<double>(given_s_), to = from + age;
      suppressed = 0;
      for (const treatment::Window& w : suppression_)
        suppressed += std::max(0.0, std::min(to, static_cast<double>(w.end_s)) - std::max(from, static_cast<double>(w.start_s)));
    }
    return rejection_per_s_ * (age - suppressed) + suppressed_rejection_per_s_ * suppressed;
  }

  /// Rejection rate at a time: reduced while the host is immunosuppressed [1/s].
  double rejection_rate_at(std::int64_t time_s) const {
    const bool suppressed = always_suppressed_ || std::any_of(suppression_.begin(), suppression_.end(),
                                                              [&](const treatment::Window& w) { return w.covers(time_s); });
    return suppressed ? suppressed_rejection_per_s_ : rejection_per_s_;
  }

  /// VEGF plus HGF (weighted by its angiogenic potency) per cell [pg/day], at hypoxia h in [0, 1].
  double angiogenic_per_cell(double h) const {
    return vegf_pg_per_day_ * (1.0 + (hypoxic_gain_ - 1.0) * h) + hgf_weight_ * hgf_pg_per_day_;
  }

  BlockHandle<CellGraft> grafts_;
  std::size_t graft_ = 0;  ///< this item's graft in msc.grafts (the order of the msc items)
  SignalHandle hazard_, decline_, il10_;
  double neurotrophin_pg_per_day_ = 0, vegf_pg_per_day_ = 0, hgf_pg_per_day_ = 0, il10_pg_per_day_ = 0;
  std::array<double, neurotrophins.size()> factor_pg_per_day_{};
  std::string route_;
  double max_agents_ = 1000, hypoxia_half_po2_ = 10;
  double delivered_ = 0, bridge_reach_ = 1;
  bool in_lumen_at_repair_ = false;
  double schwann_like_0_ = 0, reversion_s_ = 1, priming_s_ = 1, primed_gain_ = 1, schwann_like_gain_ = 1;
  double hypoxic_gain_ = 1, revascularisation_s_ = 1, hgf_weight_ = 0;
  double early_fraction_ = 0, early_s_ = 1, persistent_s_ = 1, rejection_per_s_ = 0, suppressed_rejection_per_s_ = 0;
  bool always_suppressed_ = false;
  std::vector<treatment::Window> suppression_;  ///< cyclosporine courses, merged, in time order
  double neurotrophin_half_ = 1, vegf_half_ = 1, il10_half_ = 1, schwann_like_half_ = 1;
  double neuron_protection_ = 0, decline_slowing_ = 0, gap_gain_m_ = 0, cable_window_s_ = 1, exposure_half_d_ = 1,
         speed_gain_ = 0, loss_reduction_ = 0;
  std::array<bool, mechanisms.size()> on_{};
  double preparation_days_ = 0;
  double repair_s_ = 0;
  std::int64_t given_s_ = 0;
};

void declare(ParameterRegistry& r) {
  const std::string rehman = "Rehman J et al. Circulation 2004;109:1292, doi:10.1161/01.CIR.0000121425.42966.F1";
  const std::string gu =
      "assumption (normalisation: 1e5 cells/mL over 2 d) on Gu 2012 (BM-MSC conditioned medium: BDNF 132, GDNF 70 pg/mL; cell "
      "number and time not given)";
  const std::string sources_note =
      "Amable PR et al. Stem Cell Res Ther 2014;5:53 and Hsieh J-Y et al. PLoS One 2013;8:e72604 (UC more growth "
      "factors, AD more angiogenic, BM intermediate); Wang 2019 (UC > AD for NT-3, BDNF, GDNF)";
  const std::string mathot2020 = "Mathot F et al. JPRAS 2020;73:81 [no identifier on record: assumption]";
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
  r.declare({.name = "msc.graft_attachment_undifferentiated",
             .unit = "1",
             .default_value = 0.80,
             .hard = {0, 1},
             .plausible = {0.2, 1},
             .species = "rat",
             .meaning = "fraction of undifferentiated MSCs attached to a graft after dynamic seeding (12 h)",
             .source = mathot2020,
             .calibration = "E66"});
  r.declare({.name = "msc.graft_attachment_differentiated",
             .unit = "1",
             .default_value = 0.945,
             .hard = {0, 1},
             .plausible = {0.2, 1},
             .species = "rat",
             .meaning = "fraction of differentiated MSCs attached to a graft after dynamic seeding (12 h)",
             .source = mathot2020,
             .calibration = "E66"});
  r.declare({.name = "msc.lumen_retention_scaffold",
             .unit = "1",
             .default_value = 0.9,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "all",
             .meaning = "fraction of cells in a scaffold (fibrin, hydrogel, collagen/silk fibroin) kept in a conduit lumen",
             .source = "assumption"});
  r.declare({.name = "msc.lumen_retention_suspension",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.1, 1},
             .species = "all",
             .meaning = "fraction of cells injected in suspension into a conduit lumen that stay there",
             .source = "assumption"});
  r.declare({.name = "msc.injection_retention",
             .unit = "1",
             .default_value = 0.25,
             .hard = {0, 1},
             .plausible = {0.1, 0.4},
             .species = "all",
             .meaning = "fraction of cells retained after local injection into the nerve stumps",
             .source = "Mathot F et al. Gene 2019 review, Table 1 (retention 10-40 %) [no identifier on record: assumption]"});
  r.declare({.name = "msc.intravenous_homing",
             .unit = "1",
             .default_value = 0.0,
             .hard = {0, 1},
             .plausible = {0, 0.05},
             .species = "all",
             .meaning = "fraction of intravenous cells that reach the injured nerve alive",
             .source = "Fischer UM et al. Stem Cells Dev 2009, doi:10.1089/scd.2008.0253; Eggenhofer E et al. Front Immunol "
                       "2012, doi:10.3389/fimmu.2012.00297 (trapped in the lungs, no viable cells elsewhere)",
             .calibration = "E65"});
  r.declare({.name = "msc.injection_bridge_reach",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "all",
             .meaning = "effect on a bridge of cells injected into the stumps relative to cells inside it",
             .source = "assumption"});
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
             .source = "assumption (numerical: cost against resolution)"});
  r.declare({.name = "msc.expansion_time",
             .unit = "d",
             .default_value = 10.5,
             .hard = {0, 365},
             .plausible = {3, 60},
             .species = "all",
             .meaning = "culture time to expand the cells before implantation",
             .source = "Mathot thesis (about 1.5 weeks, P09) [no identifier on record: assumption]"});
  r.declare({.name = "msc.differentiation_time",
             .unit = "d",
             .default_value = 18,
             .hard = {0, 365},
             .plausible = {8, 56},
             .species = "all",
             .meaning = "duration of the Schwann-like differentiation protocol",
             .source = "Kingham 2007 Exp Neurol; Saulite 2018; Cai 2017 (8-56 d, typically 14-21 d, P10) [no identifier on "
                       "record: assumption]"});
  r.declare({.name = "msc.spheroid_time",
             .unit = "d",
             .default_value = 2,
             .hard = {0, 60},
             .plausible = {1, 7},
             .species = "all",
             .meaning = "extra culture time to form 3D spheroids",
             .source = "assumption (spheroids form in 1-3 days in hanging drops or low-attachment plates)"});
}

std::vector<TherapyProblem> check(const toml::table& item, const toml::table& s) {
  std::vector<TherapyProblem> problems;
  const std::string injury = schema::string(*s["injury"].as_table(), "type");
  const std::string repair = schema::string(*s["repair"].as_table(), "type");
  const std::string route = schema::string(item, "route");
  const std::string vehicle = schema::string(item, "vehicle");
  const double after = schema::quantity(item, "after_repair", "d");
  if (route == "graft_surface" && repair != "autograft" && repair != "decellularized_allograft")
    problems.push_back({"route", fmt::format("route 'graft_surface' seeds the cells on a nerve graft; this scenario "
                                             "has repair.type = '{}' (needs autograft or decellularized_allograft)",
                                             repair)});
  if (route == "conduit_lumen" && repair != "conduit")
    problems.push_back({"route", fmt::format("route 'conduit_lumen' fills a conduit; this scenario has repair.type = "
                                             "'{}' and no conduit",
                                             repair)});
  if ((route == "graft_surface" || route == "conduit_lumen") && after > 0)
    problems.push_back({"after_repair", fmt::format("cells seeded by route '{}' go in with the graft or conduit, at "
                                                    "the repair; after_repair must be 0 d",
                                                    route)});
  if (route == "intravenous" && vehicle != "saline")
    problems.push_back({"vehicle", fmt::format("an intravenous dose is given in saline; vehicle '{}' is a scaffold "
                                               "for a conduit or a local injection",
                                               vehicle)});
  if ((vehicle == "fibrin" || vehicle == "collagen_silk_fibroin") && route != "conduit_lumen")
    problems.push_back({"vehicle", fmt::format("vehicle '{}' is a conduit filler; use route = 'conduit_lumen'", vehicle)});
  if (vehicle == "hydrogel" && route != "conduit_lumen" && route != "stump_injection")
    problems.push_back({"vehicle", "a hydrogel carries cells in a conduit lumen or in a local injection"});
  if (injury == "conduction_block")
    problems.push_back({"type", "a conduction block loses no axons; there is nothing for a cell therapy to repair"});
  if (const toml::array* a = item["ablate"].as_array())
    for (const auto& v : *a) {
      const std::string name = v.value_or(std::string{});
      const std::vector<std::string> known(mechanisms.begin(), mechanisms.end());
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = fmt::format("'{}' is not a mechanism of the MSC therapy: {}", name, fmt::join(known, ", "));
      if (auto guess = text::did_you_mean(name, known)) message += fmt::format("; did you mean '{}'?", *guess);
      problems.push_back({"ablate", message});
    }
  if (auto late = treatment::after_the_end(item, s, "the cell dose")) problems.push_back(*late);
  return problems;
}

}  // namespace

void register_msc(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "msc",
             .kind = Kind::table,
             .doc = "mesenchymal stem (stromal) cells: source, state, dose, route, vehicle, donor and timing"};
  item.children = {
      Field{.key = "source",
            .kind = Kind::choice,
            .doc = "tissue of origin: adipose (AD-MSC), bone_marrow (BM-MSC), umbilical_cord (UC-MSC, Wharton's jelly)",
            .required = true,
            .choices = {sources.begin(), sources.end()}},
      Field{.key = "state",
            .kind = Kind::choice,
            .doc = "undifferentiated, or differentiated into Schwann-like cells before implantation",
            .default_text = "undifferentiated",
            .choices = {"undifferentiated", "differentiated"}},
      Field{.key = "culture",
            .kind = Kind::choice,
            .doc = "monolayer (2D) or 3D spheroids",
            .default_text = "monolayer",
            .choices = {"monolayer", "spheroid"}},
      Field{.key = "dose",
            .kind = Kind::quantity,
            .doc = "cells given",
            .unit = "cells",
            .required = true,
            .hard = {0, 1e10},
            .plausible = {1e4, 1e8}},
      Field{.key = "route",
            .kind = Kind::choice,
            .doc = "graft_surface (seeded on an autograft or allograft), conduit_lumen, stump_injection, intravenous",
            .required = true,
            .choices = {"graft_surface", "conduit_lumen", "stump_injection", "intravenous"}},
      Field{.key = "vehicle",
            .kind = Kind::choice,
            .doc = "saline (suspension), or a scaffold: fibrin, hydrogel, collagen_silk_fibroin",
            .default_text = "saline",
            .choices = {"saline", "fibrin", "hydrogel", "collagen_silk_fibroin"}},
      Field{.key = "donor",
            .kind = Kind::choice,
            .doc = "autologous, allogeneic (same species) or xenogeneic (e.g. human cells in a rat)",
            .default_text = "autologous",
            .choices = {"autologous", "allogeneic", "xenogeneic"}},
      Field{.key = "immunosuppression",
            .kind = Kind::boolean,
            .doc = "the host is immunosuppressed (cyclosporine)",
            .default_text = "false",
            // Only grafted cells the host rejects (allogeneic, xenogeneic) are spared by it.
            .no_effect_when = [](const toml::table&, const toml::table& therapy) -> std::string {
              return therapy["donor"].value_or(std::string("autologous")) == "autologous"
                         ? "the cells are autologous (donor), and the host does not reject its own cells"
                         : "";
            }},
      Field{.key = "after_repair",
            .kind = Kind::quantity,
            .doc = "when the cells are given, after the repair",
            .unit = "d",
            .default_text = "0 d",
            .hard = {0, 3650},
            .plausible = {0, 90}},
      Field{.key = "ablate",
            .kind = Kind::string_list,
            .doc = "mechanisms switched off (in-silico ablation): neurotrophic_neurons, neurotrophic_cones, "
                   "schwann_support, angiogenesis, immunomodulation, schwann_like"},
  };
  registry.add(TherapyEntry{.name = "msc",
                            .summary = "mesenchymal stem cells (AD, BM, UC; undifferentiated or Schwann-like): "
                                       "neurotrophic support, angiogenesis, immunomodulation, Schwann-like support",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<MscTherapy>,
                            .check = check,
                            .declare_site = [](SiteDeclaration& site) {
                              // Transplanted cells: the share with a Schwann-like phenotype, whether
                              // the agent is in the pool lost early (1) or persists (0), and the
                              // number of cells it stands for (they die off).
                              site.layout.kinds.push_back({.name = "msc",
                                                           .variables = {"schwann_like_share", "early_loss", "cells"},
                                                           .phenotype = "schwann_like_share",
                                                           .cells_variable = "cells"});
                            }});
}

}  // namespace bungner
