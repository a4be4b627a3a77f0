// Regrowing axons at the injury site: a growth cone per surviving neuron sets out from the
// proximal stump after its onset delay, waits at a suture line until it finds a way across
// (staggered regeneration), advances at its neuron's own speed scaled by the substrate (Büngner
// bands, bare matrix, nothing), steers along bands and vessels and up the gradients of the
// neurotrophins its kind responds to, and passes to the 1D distal nerve at the end of the site.
// Behind the cone the axon thickens and is myelinated by the Schwann cells around it.
// Equations and sources: README.md beside this file and docs/model.md.
#include <cmath>
#include <limits>

#include "../../signals.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

using site::Zone;
constexpr double never = std::numeric_limits<double>::infinity();

class SiteAxons final : public Process {
 public:
  SiteAxons(const ModelSpec& m, const ParameterSet& p)
      : layout_(m.site),
        onset_s_(p.in("axon_regeneration.onset_delay", "s")),
        onset_spread_(p.get("axon_regeneration.onset_spread")),
        speed_um_per_s_(p.in("axon_regeneration.speed", "um/s")),
        speed_spread_(p.get("axon_regeneration.speed_spread")),
        crossing_median_s_(p.in("axon_regeneration.suture_crossing_median", "s")),
        crossing_spread_(p.get("axon_regeneration.suture_crossing_spread")),
        matrix_factor_(p.get("site_axons.matrix_speed_factor")),
        graft_factor_(p.get("site_axons.basal_lamina_speed_factor")),
        stump_factor_(p.get("site_axons.unbanded_stump_speed_factor")),
        guidance_(p.get("site_axons.band_guidance")),
        chemotropism_(p.get("site_axons.chemotropism")),
        wander_(p.get("site_axons.wander")),
        matrix_threshold_(p.get("bridge_formation.matrix_threshold")),
        support_threshold_(p.get("site_axons.support_threshold")),
        motor_diameter_(p.in("site_axons.motor_axon_diameter", "um")),
        sensory_diameter_(p.in("site_axons.sensory_axon_diameter", "um")),
        sprout_diameter_(p.in("site_axons.sprout_diameter", "um")),
        diameter_tau_s_(p.in("site_axons.diameter_time_constant", "s")),
        myelination_threshold_(p.in("site_axons.myelination_threshold", "um")),
        g_ratio_(p.get("site_axons.mature_g_ratio")),
        myelin_tau_s_(p.in("site_axons.myelination_time_constant", "s")),
        crush_(m.injury == InjuryType::crush),
        suture_line_(m.injury == InjuryType::transection &&
                     (m.repair == RepairType::direct_suture || m.repair == RepairType::autograft ||
                      m.repair == RepairType::decellularized_allograft)),
        gap_m_(m.injury == InjuryType::transection ? m.gap_m : 0.0),
        normal_axons_per_voxel_(static_cast<double>(m.motor_neurons + m.sensory_neurons) * m.site->grid.dx_um *
                                m.site->grid.dx_um / (3.14159265358979 * m.site->nerve_radius_um * m.site->nerve_radius_um)),
        ngf_(m.site->substrate("ngf")),
        bdnf_(m.site->substrate("bdnf")),
        gdnf_(m.site->substrate("gdnf")),
        nt3_(m.site->substrate("nt3")) {}

  std::string_view name() const override { return "site_axons"; }

  void declare_state(StateLayout& layout) override {
    speed_ = signals::growth_speed_factor(layout);
    retrograde_ = signals::retrograde_support(layout);
  }
  Phase phase() const override { return Phase::site; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model& m, State& state) const override {
    site::InjurySite& s = *state.site;
    const NeuronPopulation& n = state.neurons;
    s.axon_of_neuron.assign(n.size(), site::InjurySite::no_axon);
    s.cone_start_s.assign(n.size(), never);
    s.suture_cross_s.assign(n.size(), 0.0);
    const double axotomy = static_cast<double>(m.axotomy_time_s);
    const double repair = static_cast<double>(m.repair_time_s);
    const bool can_cross = m.injury == InjuryType::crush || m.repair != RepairType::none || gap_m_ > 0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!can_cross) continue;
      const double onset = onset_s_ * std::exp(-onset_spread_ * n.vigour[i]);
      s.cone_start_s[i] = axotomy + onset;
      if (suture_line_) {
        RandomStream stream(state.key, i, 0, purpose_id("site_axons.crossing"));
        const double ready = std::max(axotomy + onset, repair);
        s.suture_cross_s[i] = ready + crossing_median_s_ * std::exp(crossing_spread_ * stream.normal());
      }
    }
  }

  void advance(const Model&, State& state, const Tick& tick) const override {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    NeuronPopulation& n = state.neurons;
    auto& axons = s.axons.all();
    const double t0 = static_cast<double>(tick.time_s);
    const double dt = static_cast<double>(tick.dt_s);
    const double factor = state.signal(speed_);
    // New cones, in neuron order.
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (s.axon_of_neuron[i] != site::InjurySite::no_axon || !(s.cone_start_s[i] < t0 + dt)) continue;
      if (!n.alive[i] || n.status[i] != AxonStatus::waiting) continue;
      RandomStream stream(state.key, i, 0, purpose_id("site_axons.origin"));
      const double r = 0.9 * L.nerve_radius_um * std::sqrt(stream.uniform());
      const double phi = 2 * 3.14159265358979 * stream.uniform();
      const double x = std::max(g.origin_um[0] + 1.0, L.gap_start_um - 0.5 * L.grid.dx_um - 400.0);
      s.axon_of_neuron[i] = static_cast<std::uint32_t>(axons.size());
      s.axons.add({x, r * std::cos(phi), r * std::sin(phi)}, {1.0, 0.0, 0.0});
      s.neuron_of_axon.push_back(static_cast<std::uint32_t>(i));
    }
    // Growth.
    std::size_t supported = 0, growing = 0;
    for (std::size_t ax = 0; ax < axons.size(); ++ax) {
      agents::Axon& a = axons[ax];
      if (!a.growing) continue;
      const std::size_t i = s.neuron_of_axon[ax];
      if (!n.alive[i] || n.status[i] == AxonStatus::failed) {
        a.growing = false;
        continue;
      }
      ++growing;
      RandomStream stream(state.key, i, static_cast<std::uint64_t>(tick.step), purpose_id("site_axons.grow"));
      const double v_own = speed_um_per_s_ * std::exp(speed_spread_ * n.vigour[i]) * factor;
      const bool motor = n.kind[i] == NeuronKind::motor;
      double remaining = dt;
      const double sub = dt / 2;
      while (remaining > 0) {
        const double h = std::min(sub, remaining);
        remaining -= h;
        auto& tip = a.points.back();
        const auto ijk = g.voxel_of(tip);
        const std::size_t v = g.index(ijk[0], ijk[1], ijk[2]);
        const double f = substrate_factor(s, L, v);
        if (s.band[v] >= support_threshold_ || (crush_ && L.zone[v] != Zone::bridge)) ++supported;
        // Steering: bands/vessels (either sense), neurotrophin gradient, random wander.
        const auto& o = s.orientation[v];
        const double sense = a.heading[0] * o[0] + a.heading[1] * o[1] + a.heading[2] * o[2] >= 0 ? 1.0 : -1.0;
        auto grad_a = s.fields.gradient(ijk[0], ijk[1], ijk[2], motor ? gdnf_ : ngf_);
        const auto grad_b = s.fields.gradient(ijk[0], ijk[1], ijk[2], motor ? bdnf_ : nt3_);
        for (int q = 0; q < 3; ++q) grad_a[q] += grad_b[q];
        const auto noise = site::random_direction(stream);
        const double guide = L.zone[v] == Zone::bridge ? guidance_ * std::min(1.0, s.band[v] + s.vessel[v]) : guidance_;
        const site::Steering steering =
            site::steer(std::array<site::Cue, 4>{{{.weight = 1, .direction = a.heading},
                                                  {.weight = guide * sense, .direction = o},
                                                  {.weight = chemotropism_, .direction = grad_a, .unit = true},
                                                  {.weight = wander_, .direction = noise}}});
        std::array<double, 3> d = steering.direction;
        const double norm = std::sqrt(steering.norm2);
        for (auto& x : d) x /= norm;
        const double step = v_own * f * h;
        std::array<double, 3> next{tip[0] + step * d[0], tip[1] + step * d[1], tip[2] + step * d[2]};
        // A suture line holds the cone until its own crossing time (staggered regeneration).
        if (suture_line_ && tip[0] < L.gap_start_um && next[0] >= L.gap_start_um && t0 + dt - remaining < s.suture_cross_s[i]) {
          a.heading = d;
          continue;
        }
        const auto nijk = g.voxel_of(next);
        const std::size_t w = g.index(nijk[0], nijk[1], nijk[2]);
        const bool inside =
            next[1] * next[1] + next[2] * next[2] <
            std::pow(L.lumen_radius_um > 0 && L.zone[w] == Zone::bridge ? L.lumen_radius_um : L.nerve_radius_um, 2);
        if (step <= 0 || !L.in_nerve(w) || !inside || substrate_factor(s, L, w) <= 0) {
          a.heading = site::random_direction(stream);
          if (a.heading[0] < 0) a.heading[0] = -a.heading[0];
          continue;
        }
        if (w != v) s.regrown[w] += 1.0 / normal_axons_per_voxel_;
        a.heading = d;
        a.since_last_point_um += step;
        if (a.points.size() == 1 || a.since_last_point_um >= s.axons.cone().segment_um) {
          a.points.push_back(next);
          a.diameter_um.push_back(sprout_diameter_);
          a.myelin_um.push_back(0.0);
          a.since_last_point_um = 0;
        } else {
          tip = next;
        }
        if (next[0] >= L.handover_um) {
          // Into the 1D distal nerve: axon_regeneration takes the axon from here.
          a.growing = false;
          n.growth_start_s[i] = t0 + dt - remaining;
          n.position_m[i] = gap_m_ + (next[0] - L.gap_end_um) * 1e-6;
          break;
        }
      }
    }
    state.scalar(retrograde_) = growing > 0 ? static_cast<double>(supported) / (2.0 * static_cast<double>(growing)) : 0.0;
    if ((tick.time_s + tick.dt_s) % seconds_per_day == 0) mature(state, seconds_per_day);
  }

 private:
  SignalHandle speed_;
  BlockHandle<double> retrograde_;
  /// Speed of a cone in voxel v relative to its neuron's own speed on a Büngner band.
  double substrate_factor(const site::InjurySite& s, const site::Layout& L, std::size_t v) const {
    switch (L.zone[v]) {
      case Zone::proximal_stump: return 1.0;
      case Zone::distal_stump: return crush_ ? 1.0 : stump_factor_ + (1 - stump_factor_) * s.band[v];
      case Zone::bridge: {
        const double floor = L.graft ? graft_factor_ : (s.fibrin[v] >= matrix_threshold_ ? matrix_factor_ : 0.0);
        if (floor <= 0 && s.band[v] < support_threshold_) return 0.0;
        return floor + (1 - floor) * s.band[v];
      }
      default: return 0.0;
    }
  }

  /// Radial growth and myelination behind the cones, once a day.
  void mature(State& state, double dt) const {
    site::InjurySite& s = *state.site;
    const site::Layout& L = *layout_;
    const fields::Grid& g = L.grid;
    const double keep_d = std::exp(-dt / diameter_tau_s_);
    const double keep_m = std::exp(-dt / myelin_tau_s_);
    auto& axons = s.axons.all();
    for (std::size_t ax = 0; ax < axons.size(); ++ax) {
      agents::Axon& a = axons[ax];
      const bool motor = state.neurons.kind[s.neuron_of_axon[ax]] == NeuronKind::motor;
      const double target_d = motor ? motor_diameter_ : sensory_diameter_;
      for (std::size_t q = 0; q + 1 < a.points.size(); ++q) {
        const auto& p0 = a.points[q];
        const auto& p1 = a.points[q + 1];
        const std::size_t v = site::voxel_at(g, 0.5 * (p0[0] + p1[0]), 0.5 * (p0[1] + p1[1]), 0.5 * (p0[2] + p1[2]));
        const bool supported =
            L.zone[v] == Zone::proximal_stump || (crush_ && L.zone[v] == Zone::distal_stump) || s.band[v] >= support_threshold_;
        if (!supported) continue;
        double& d = a.diameter_um[q];
        d = target_d + (d - target_d) * keep_d;
        if (d < myelination_threshold_) continue;
        const double target_m = d * (1 / g_ratio_ - 1) / 2;
        double& my = a.myelin_um[q];
        my = target_m + (my - target_m) * keep_m;
      }
    }
  }

  std::shared_ptr<const site::Layout> layout_;
  double onset_s_, onset_spread_, speed_um_per_s_, speed_spread_, crossing_median_s_, crossing_spread_;
  double matrix_factor_, graft_factor_, stump_factor_, guidance_, chemotropism_, wander_;
  double matrix_threshold_, support_threshold_;
  double motor_diameter_, sensory_diameter_, sprout_diameter_, diameter_tau_s_, myelination_threshold_, g_ratio_, myelin_tau_s_;
  bool crush_, suture_line_;
  double gap_m_;
  double normal_axons_per_voxel_;
  std::size_t ngf_, bdnf_, gdnf_, nt3_;  ///< neurotrophin fields: motor axons climb GDNF + BDNF, sensory NGF + NT-3
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "site_axons.matrix_speed_factor",
             .unit = "1",
             .default_value = 0.15,
             .hard = {0, 1},
             .plausible = {0, 0.6},
             .species = "all",
             .meaning = "speed of a cone on bare fibrin matrix (no Schwann cells) relative to a Büngner band",
             .source = "assumption (axons lag behind Schwann cells in a bridge; Cattin et al. 2015)"});
  r.declare({.name = "site_axons.basal_lamina_speed_factor",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.1, 1},
             .species = "all",
             .meaning = "speed of a cone in a graft's basal-lamina tubes without Schwann cells",
             .source = "assumption (acellular grafts support slower regeneration than autografts)"});
  r.declare({.name = "site_axons.unbanded_stump_speed_factor",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0, 1},
             .plausible = {0.1, 1},
             .species = "all",
             .meaning = "speed of a cone in a transected distal stump before bands form",
             .source = "assumption"});
  r.declare({.name = "site_axons.band_guidance",
             .unit = "1",
             .default_value = 2.0,
             .hard = {0, 100},
             .plausible = {0, 10},
             .species = "all",
             .meaning = "weight of band or vessel orientation in a cone's steering",
             .source = "assumption"});
  r.declare({.name = "site_axons.chemotropism",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 100},
             .plausible = {0, 3},
             .species = "all",
             .meaning = "weight of the neurotrophin gradient (GDNF+BDNF for motor, NGF+NT-3 for sensory axons)",
             .source = "assumption"});
  r.declare({.name = "site_axons.wander",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 100},
             .plausible = {0, 2},
             .species = "all",
             .meaning = "weight of random turning in a cone's steering",
             .source = "assumption"});
  r.declare({.name = "site_axons.support_threshold",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 1},
             .plausible = {0.05, 0.9},
             .species = "all",
             .meaning = "band maturity at which Schwann cells support a cone and myelinate an axon",
             .source = "assumption"});
  r.declare({.name = "site_axons.motor_axon_diameter",
             .unit = "um",
             .default_value = 3.5,
             .hard = {0.1, 30},
             .plausible = {1.5, 8},
             .species = "rat",
             .meaning = "diameter regenerated motor axons approach at the site",
             .source = "assumption (regenerated rat sciatic axons are smaller than normal 4-6 um ones)"});
  r.declare({.name = "site_axons.sensory_axon_diameter",
             .unit = "um",
             .default_value = 2.8,
             .hard = {0.1, 30},
             .plausible = {1, 8},
             .species = "rat",
             .meaning = "diameter regenerated myelinated sensory axons approach at the site",
             .source = "assumption"});
  r.declare({.name = "site_axons.sprout_diameter",
             .unit = "um",
             .default_value = 0.5,
             .hard = {0.05, 5},
             .plausible = {0.2, 1.5},
             .species = "all",
             .meaning = "diameter of a fresh regenerating sprout",
             .source = "assumption"});
  r.declare({.name = "site_axons.diameter_time_constant",
             .unit = "d",
             .default_value = 30,
             .hard = {1, 10000},
             .plausible = {7, 200},
             .species = "all",
             .meaning = "time constant of radial growth of a regenerated axon",
             .source = "assumption"});
  r.declare({.name = "site_axons.myelination_threshold",
             .unit = "um",
             .default_value = 1.0,
             .hard = {0.1, 5},
             .plausible = {0.5, 2},
             .species = "all",
             .meaning = "axon diameter above which Schwann cells myelinate it",
             .source = "assumption (the ~1 um calibre threshold of myelination; Voyvodic, Nature 1989;342:430, "
                       "doi:10.1038/342430a0)"});
  r.declare({.name = "site_axons.mature_g_ratio",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0.3, 0.95},
             .plausible = {0.5, 0.8},
             .species = "all",
             .meaning = "g-ratio (axon / fibre diameter) that remyelination approaches",
             .source = "assumption (optimal g-ratio ~0.6; Chomiak & Hu, PLoS One 2009;4:e7754, "
                       "doi:10.1371/journal.pone.0007754)"});
  r.declare({.name = "site_axons.myelination_time_constant",
             .unit = "d",
             .default_value = 21,
             .hard = {1, 10000},
             .plausible = {7, 200},
             .species = "all",
             .meaning = "time constant of myelin thickening on a regenerated axon",
             .source = "assumption"});
}

}  // namespace

void register_site_axons(Registry& registry) {
  registry.add(MechanismEntry{.name = "site_axons",
                              .summary = "growth cones crossing the injury site; radial growth and remyelination",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                if (!c.spec.site) return nullptr;
                                return std::make_unique<SiteAxons>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
