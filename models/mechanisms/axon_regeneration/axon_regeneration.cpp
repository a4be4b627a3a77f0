// Axon regeneration in 1D: each neuron's axon sprouts after an onset delay, crosses the repair
// site after a staggered delay, enters the distal stump if the Schwann cells there still support
// it, and advances at its own speed to its target. A latent "vigour" per neuron makes fast axons
// also early ones. Equations and sources: README.md beside this file.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <limits>
#include <memory>
#include <vector>

#include <omp.h>

#include "../../signals.hpp"
#include "../cell_graft/cell_graft.hpp"
#include "bungner/core/parallel.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"
#include "crush_severity.hpp"
#include "stretch_severity.hpp"

namespace bungner {
namespace {

constexpr double never = std::numeric_limits<double>::infinity();

class AxonRegeneration final : public Process {
 public:
  AxonRegeneration(const ModelSpec& m, const ParameterSet& p)
      : onset_s_(p.in("axon_regeneration.onset_delay", "s")),
        speed_m_per_s_(p.in("axon_regeneration.speed", "m/s")),
        speed_spread_(p.get("axon_regeneration.speed_spread")),
        onset_spread_(p.get("axon_regeneration.onset_spread")),
        crossing_median_s_(p.in("axon_regeneration.suture_crossing_median", "s")),
        crossing_spread_(p.get("axon_regeneration.suture_crossing_spread")),
        capacity_tau_s_(p.in("axon_regeneration.capacity_time_constant", "s")),
        capacity_floor_(p.get("axon_regeneration.capacity_floor")),
        block_median_s_(p.in("axon_regeneration.block_recovery_median", "s")),
        block_spread_(p.get("axon_regeneration.block_recovery_spread")),
        full_speed_support_(p.get("axon_regeneration.full_speed_support")),
        unsupported_speed_factor_(p.get("axon_regeneration.unsupported_speed_factor")),
        unsupported_loss_length_m_(p.in("axon_regeneration.unsupported_loss_length", "m")),
        unguided_speed_factor_(p.get("axon_regeneration.unguided_speed_factor")),
        scar_maturation_s_(p.in("axon_regeneration.scar_maturation_time", "s")) {
    // A crush with a given load: each axon is blocked only, cut, or cut in a zone whose Schwann
    // cells the compression killed, by the compression dose (crush_severity.hpp).
    if (m.injury == InjuryType::crush && m.crush.given()) {
      const double dose = crush_severity::dose(m.crush.force_n, m.crush.duration_s, m.crush.length_m, m.endoneurial_area_m2,
                                               p.get("axon_regeneration.crush_duration_exponent"));
      crush_fates_ =
          crush_severity::fates(dose, p.get("axon_regeneration.crush_axonotmesis_dose"), m.crush.duration_s,
                                p.in("axon_regeneration.crush_depletion_time", "s"), p.get("axon_regeneration.crush_dose_hill"));
      graded_crush_ = true;
    }
    // A stretch: each axon is spared, blocked for hours, cut in its tube, or torn with it, by the
    // strain (stretch_severity.hpp); a force is turned into a strain by the nerve's stiffness.
    if (m.stretch.applied) {
      const double strain = m.stretch.strain > 0
                                ? m.stretch.strain
                                : stretch_severity::strain_of_force(m.stretch.force_n, m.stretch.nerve_diameter_m,
                                                                    p.in("axon_regeneration.nerve_tensile_modulus", "Pa"));
      stretch_fates_ = stretch_severity::fates(
          strain, p.get("axon_regeneration.stretch_block_strain"), p.get("axon_regeneration.stretch_axonotmesis_strain"),
          p.get("axon_regeneration.stretch_failure_strain"), p.get("axon_regeneration.stretch_strain_hill"));
      stretch_block_median_s_ = p.in("axon_regeneration.stretch_block_recovery_median", "s");
      torn_misdirection_ = p.get("axon_regeneration.misdirection_transection");
      torn_scar_loss_ = p.get("axon_regeneration.scar_loss_grade4");
      stretched_ = true;
    }
    // Structural meaning of the Sunderland grade: with the endoneurium (III) or the fascicles (IV, V)
    // disrupted, axons choose among pathways at the injury site and some choose wrongly; in an
    // unrepaired grade III or IV injury they must also cross the intraneural scar, which stops some
    // and staggers the others like a suture line.
    const bool repaired_or_cut =
        m.injury == InjuryType::transection && !(m.sunderland_grade == 4 && m.repair == RepairType::none);
    motor_pathway_factor_ = p.get("axon_regeneration.motor_pathway_factor");
    if (m.sunderland_grade == 3) {
      misdirection_ = p.get("axon_regeneration.misdirection_grade3");
      scar_loss_ = p.get("axon_regeneration.scar_loss_grade3");
      scar_crossing_ = true;
    } else if (m.sunderland_grade >= 4) {
      misdirection_ = p.get("axon_regeneration.misdirection_transection");
      if (!repaired_or_cut) {
        scar_loss_ = p.get("axon_regeneration.scar_loss_grade4");
        scar_crossing_ = true;
      }
    }
    // A cut nerve left unrepaired: the stump's axons sprout into the wound bed with the proximal
    // Schwann cells (minifascicles), unguided and slowing as the scar matures, and never find
    // the distal stump (E69). The 3D injury site grows its own cones.
    unguided_outgrowth_ = m.injury == InjuryType::transection && m.repair == RepairType::none && !m.site && !scar_crossing_;
    switch (m.repair) {
      case RepairType::autograft: bridge_speed_factor_ = p.get("axon_regeneration.autograft_speed_factor"); break;
      case RepairType::decellularized_allograft:
        bridge_speed_factor_ = p.get("axon_regeneration.allograft_speed_factor");
        // A graft without Schwann cells: the farther from the host's migrating Schwann cells, the
        // fewer axons keep going; the share that crosses falls exponentially with the graft's
        // length (cell grafts reduce the loss below). The 3D injury site models the acellular
        // bridge itself.
        if (!m.site) bridge_loss_ = 1.0 - std::exp(-m.gap_m / p.in("axon_regeneration.allograft_crossing_length", "m"));
        break;
      case RepairType::conduit: {
        bridge_speed_factor_ = p.get("axon_regeneration.conduit_speed_factor");
        bridge_delay_s_ = p.in("axon_regeneration.conduit_bridge_delay", "s");
        bridge_loss_ = p.get("axon_regeneration.conduit_crossing_loss");
        half_gap_m_ = p.in("axon_regeneration.conduit_half_success_gap", "m");
        if (m.conduit.wall_permeability_m_per_s > 0) half_gap_m_ += p.in("axon_regeneration.permeable_wall_gap_gain", "m");
        success_width_m_ = p.in("axon_regeneration.conduit_success_width", "m");
        break;
      }
      default: break;
    }
  }

  std::string_view name() const override { return "axon_regeneration"; }

  void check_numerics(const Model&, const State& state) const override {
    const NeuronPopulation& n = state.neurons;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!std::isfinite(n.position_m[i]) || n.position_m[i] < 0)
        numerical_failure(name(), state, "position", fmt::format("neuron {}", i), n.position_m[i]);
      if (!std::isfinite(n.speed_m_per_s[i]) || n.speed_m_per_s[i] < 0)
        numerical_failure(name(), state, "speed", fmt::format("neuron {}", i), n.speed_m_per_s[i]);
    }
  }

  void declare_state(StateLayout& layout) override {
    grafts_ = cell_grafts(layout);
    delay_ = signals::crossing_delay_factor(layout);
    speed_ = signals::growth_speed_factor(layout);
    bridge_loss_signal_ = signals::bridge_loss_factor(layout);
    end_plates_ = crush_severity::end_plates(layout);
  }
  Phase phase() const override { return Phase::axons; }
  std::int64_t period_s() const override { return seconds_per_hour; }

  void initialize(const Model& m, State& state) const override {
    NeuronPopulation& n = state.neurons;
    // A conduit either forms a bridging cable or not: one draw for the whole nerve.
    RandomStream nerve_stream(state.key, std::numeric_limits<std::uint64_t>::max(), 0, purpose_id("axon_regeneration.bridge"));
    // Cells seeded in the lumen (cell grafts) widen the gap a conduit bridges: they are in place
    // when the draw is made, at the start.
    double success = 1.0;
    if (m.repair == RepairType::conduit) {
      double half_gap = half_gap_m_;
      for (const CellGraft& g : state.block(grafts_)) half_gap += g.bridge_gap_gain_m;
      success = 1.0 / (1.0 + std::exp((m.gap_m - half_gap) / success_width_m_));
    }
    const bool bridged = nerve_stream.uniform() < success;
    const double axotomy = static_cast<double>(m.axotomy_time_s);
    const double repair = static_cast<double>(m.repair_time_s);
    // Prolonged axotomy before repair lowers the chance that a neuron regenerates at all (E20).
    const double waited = m.injury == InjuryType::transection ? std::max(0.0, repair - axotomy) : 0.0;
    const double capacity = capacity_floor_ + (1.0 - capacity_floor_) * std::exp(-waited / capacity_tau_s_);
    for (std::size_t i = 0; i < n.size(); ++i) {
      RandomStream stream(state.key, i, 0, purpose_id("axon_regeneration.init"));
      const double u_capacity = stream.uniform();
      const double zeta = stream.normal();
      const double z = n.vigour[i];
      n.speed_m_per_s[i] = speed_m_per_s_ * std::exp(speed_spread_ * z);
      const double onset = onset_s_ * std::exp(-onset_spread_ * z);
      if (outside_lesion(m, n, i) || spared_by_partial_lesion(m, state, i)) {
        // A branch lesion spares the other branches' axons, a partial lesion some of its own: they
        // conduct from the start and their units never lose their end-plates.
        n.status[i] = AxonStatus::intact;
        n.growth_start_s[i] = 0;
        state.block(end_plates_)[i].kept = 1.0;
        continue;
      }
      crush_severity::Fate fate = crush_severity::Fate::cut;
      if (graded_crush_) {
        RandomStream fate_stream(state.key, i, 0, purpose_id("axon_regeneration.crush_fate"));
        fate = crush_severity::fate_of(fate_stream.uniform(), crush_fates_);
        state.block(end_plates_)[i].kept = fate == crush_severity::Fate::block ? 1.0 : 0.0;
      }
      if (stretched_) {
        RandomStream fate_stream(state.key, i, 0, purpose_id("axon_regeneration.stretch_fate"));
        const stretch_severity::Fate stretch = stretch_severity::fate_of(fate_stream.uniform(), stretch_fates_);
        if (stretch == stretch_severity::Fate::spared || stretch == stretch_severity::Fate::block) {
          // In continuity with its end-plates: it conducts again once the ischaemic block is gone.
          n.status[i] = AxonStatus::intact;
          n.growth_start_s[i] =
              stretch == stretch_severity::Fate::spared ? 0.0 : stretch_block_median_s_ * std::exp(block_spread_ * zeta);
          state.block(end_plates_)[i].kept = 1.0;
          continue;
        }
        // A torn axon's tube is gone too: it crosses the torn stretch late and staggered, as an
        // axon crosses a crushed zone without Schwann cells.
        fate = stretch == stretch_severity::Fate::torn ? crush_severity::Fate::depleted_zone : crush_severity::Fate::cut;
      }
      if (m.injury == InjuryType::conduction_block || fate == crush_severity::Fate::block) {
        // Axons stay in continuity; conduction returns when the local demyelination is repaired.
        n.status[i] = AxonStatus::intact;
        n.growth_start_s[i] = block_median_s_ * std::exp(block_spread_ * zeta);
        continue;
      }
      n.status[i] = AxonStatus::waiting;
      if (u_capacity >= capacity) {
        n.status[i] = AxonStatus::failed;
        continue;
      }
      if (m.site) {
        // The 3D injury site decides when (and whether) this axon reaches the distal nerve.
        n.growth_start_s[i] = never;
      } else if (scar_crossing_) {
        // In continuity across a scar (grade III, unrepaired IV): staggered like a suture line.
        n.growth_start_s[i] = axotomy + onset + crossing_median_s_ * std::exp(crossing_spread_ * zeta);
      } else if (fate == crush_severity::Fate::depleted_zone) {
        // The crushed zone lost its Schwann cells: axons wait for them to return and cross it
        // staggered, as they cross a suture line.
        n.growth_start_s[i] = axotomy + onset + crossing_median_s_ * std::exp(crossing_spread_ * zeta);
      } else if (m.injury == InjuryType::crush) {
        n.growth_start_s[i] = axotomy + onset;
      } else if (unguided_outgrowth_) {
        n.growth_start_s[i] = axotomy + onset;  // sprouts into the wound bed; stays `waiting`
      } else if (m.repair == RepairType::none || (m.repair == RepairType::conduit && !bridged)) {
        n.growth_start_s[i] = never;
      } else {
        // Staggered crossing of the suture line (E05), after sprouting and after the repair.
        n.growth_start_s[i] = ready_to_cross_s(m, z) + crossing_median_s_ * std::exp(crossing_spread_ * zeta);
      }
    }
  }

  /// Whether a branch lesion spares neuron i: its target lies in another branch, or is not
  /// modelled (neurons of unmodelled targets count as outside the injured branch).
  static bool outside_lesion(const Model& m, const NeuronPopulation& n, std::size_t i) {
    if (m.injured_branch.empty()) return false;
    return n.target[i] == no_target || m.targets()[n.target[i]].branch != m.injured_branch;
  }

  /// Whether a partial lesion (injury.injured_share < 1) leaves neuron i's axon uninjured: one
  /// draw per neuron.
  static bool spared_by_partial_lesion(const Model& m, const State& state, std::size_t i) {
    if (m.injured_share >= 1.0) return false;
    RandomStream stream(state.key, i, 0, purpose_id("axon_regeneration.partial_lesion"));
    return stream.uniform() >= m.injured_share;
  }

  void advance(const Model& m, State& state, const Tick& tick) const override {
    NeuronPopulation& n = state.neurons;
    const double t0 = static_cast<double>(tick.time_s);
    const double t1 = t0 + static_cast<double>(tick.dt_s);
    if (state.signal(delay_) != 1.0) compress_crossing(m, state, t0);
    const double speed_factor = state.signal(speed_);
    // Lasting effects of cell grafts on the bridge: faster growth, fewer axons lost in it.
    double graft_speed = 1.0;
    double graft_loss = 1.0;
    for (const CellGraft& g : state.block(grafts_)) {
      graft_speed *= g.bridge_speed_factor;
      graft_loss *= g.bridge_loss_factor;
    }
    const double pass_bridge = 1.0 - std::clamp(bridge_loss_ * graft_loss * state.signal(bridge_loss_signal_), 0.0, 1.0);
    // Until schwann_support has recorded the contact (it runs later in the same tick), the
    // current support is the support at contact.
    const double support = state.distal.contact_made ? state.distal.support_at_contact : state.distal.stump_support;
    const auto& targets = m.targets();
    double farthest = 0;
    for (const auto& t : targets) farthest = std::max(farthest, t.distance_m);
    const auto count = static_cast<std::int64_t>(n.size());
    const DistalNerve& distal = state.distal;
    const std::size_t last_segment = std::max<std::size_t>(distal.segment_support.size(), 1) - 1;
    const double per_loss_length = 1.0 / unsupported_loss_length_m_;
    // Deficit and speed factor of each segment, once per tick rather than once per axon.
    std::vector<double> deficit_of(last_segment + 1);
    std::vector<double> speed_of(last_segment + 1);
    for (std::size_t k = 0; k <= last_segment; ++k) {
      deficit_of[k] = support_deficit(distal.segment_support.empty() ? distal.stump_support : distal.segment_support[k], support);
      speed_of[k] = 1.0 - (1.0 - unsupported_speed_factor_) * deficit_of[k];
    }
    // Arrivals are events for the targets (State::arrivals): each thread collects its own, in id
    // order; a static schedule gives threads ascending blocks, and a final sort makes the order
    // independent of the thread count anyway.
    const int threads = count >= parallel::min_items ? omp_get_max_threads() : 1;
    std::vector<std::vector<std::uint32_t>> arrived(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      std::vector<std::uint32_t>& mine = arrived[static_cast<std::size_t>(omp_get_thread_num())];
      // The neurons this tick can change, in ascending order: an intact axon whose conduction
      // returns, and a living one that grows or may start to; for all others the loop below would
      // do nothing. Found without a branch per neuron (the statuses are mixed at random, so such a
      // branch mostly mispredicts): a vectorised pass marks them, a second lists them. Both loops
      // give each thread the same neurons (static schedules of one length).
      const auto changes = std::make_unique_for_overwrite<std::uint8_t[]>(static_cast<std::size_t>(count));
      const auto active = std::make_unique_for_overwrite<std::uint32_t[]>(static_cast<std::size_t>(count));
      std::uint8_t* marked = changes.get();
      std::size_t active_count = 0;
      const auto* status = reinterpret_cast<const std::uint8_t*>(n.status.data());  // bytes: enums do not vectorise
      const std::uint8_t* alive = n.alive.data();
      const double* growth_start = n.growth_start_s.data();
      constexpr auto intact = static_cast<std::uint8_t>(AxonStatus::intact);
      constexpr auto waiting = static_cast<std::uint8_t>(AxonStatus::waiting);
      constexpr auto growing = static_cast<std::uint8_t>(AxonStatus::growing);
#pragma omp for simd schedule(static) nowait
      for (std::int64_t k = 0; k < count; ++k) {
        // Intact needs its start; waiting its start and life; growing its life.
        const std::uint8_t st = status[k];
        const bool started = growth_start[k] < t1;
        const bool waits = ((st == intact) | (st == waiting)) & started;
        marked[k] = static_cast<std::uint8_t>((waits | (st == growing)) & ((alive[k] != 0) | (st == intact)));
      }
#pragma omp for schedule(static) nowait
      for (std::int64_t k = 0; k < count; ++k) {
        active[active_count] = static_cast<std::uint32_t>(k);
        active_count += marked[k];
      }
      for (std::size_t a = 0; a < active_count; ++a) {
        const std::size_t i = active[a];
        if (n.status[i] == AxonStatus::intact) {
          if (n.growth_start_s[i] < t1) {  // conduction has returned
            n.status[i] = AxonStatus::arrived;
            n.arrival_s[i] = std::max(t0, n.growth_start_s[i]);
            n.position_m[i] = m.gap_m + (n.target[i] == no_target ? farthest : targets[n.target[i]].distance_m);
            mine.push_back(static_cast<std::uint32_t>(i));
          }
          continue;
        }
        if (!n.alive[i]) continue;
        double from = t0;
        if (unguided_outgrowth_ && n.status[i] == AxonStatus::waiting) {
          // Exact for a speed signal constant over the tick: dx/dt = f v s exp(-(t - t_s)/tau).
          const double start = n.growth_start_s[i];
          if (start < t1) {
            const double since = std::max(t0, start) - start;
            n.position_m[i] += unguided_speed_factor_ * n.speed_m_per_s[i] * speed_factor * scar_maturation_s_ *
                               (std::exp(-since / scar_maturation_s_) - std::exp(-(t1 - start) / scar_maturation_s_));
          }
          continue;
        }
        if (n.status[i] == AxonStatus::waiting) {
          if (!(n.growth_start_s[i] < t1)) continue;
          // Entering the distal nerve: Schwann cells there must still support regeneration (E21).
          // An axon torn with its tube by a stretch crosses a grade IV lesion of its own: scar and
          // a choice among pathways (the draw that set its fate, repeated).
          const bool torn =
              stretched_ &&
              stretch_severity::fate_of(RandomStream(state.key, i, 0, purpose_id("axon_regeneration.stretch_fate")).uniform(),
                                        stretch_fates_) == stretch_severity::Fate::torn;
          const double scar_loss = torn ? torn_scar_loss_ : scar_loss_;
          const double misdirection = torn ? torn_misdirection_ : misdirection_;
          RandomStream stream(state.key, i, 0, purpose_id("axon_regeneration.entry"));
          if (stream.uniform() >= support * (1.0 - scar_loss) * pass_bridge) {
            n.status[i] = AxonStatus::failed;
            continue;
          }
          n.status[i] = AxonStatus::growing;
          RandomStream loss(state.key, i, 0, purpose_id("axon_regeneration.distal_loss"));
          n.distal_loss_threshold[i] = loss.exponential(1.0);
          if (misdirection > 0) {
            // Motor axons find a motor pathway less often where they are a small minority of the
            // nerve's fibres (random choice among mostly sensory tubes, Madison 1999).
            const double wrong = n.kind[i] == NeuronKind::motor
                                     ? std::clamp(1.0 - motor_pathway_factor_ * (1.0 - misdirection), 0.0, 1.0)
                                     : misdirection;
            RandomStream pathway(state.key, i, 0, purpose_id("axon_regeneration.pathway"));
            if (pathway.uniform() < wrong) n.connection[i] = Connection::misdirected;
          }
          from = std::max(t0, n.growth_start_s[i]);
        }
        if (n.status[i] != AxonStatus::growing) continue;
        const double destination = m.gap_m + (n.target[i] == no_target ? farthest : targets[n.target[i]].distance_m);
        const double v = n.speed_m_per_s[i] * speed_factor;
        double x = n.position_m[i];
        double time = from;
        // Inside a bridge (graft or conduit) the axon grows at a reduced speed.
        if (x < m.gap_m && bridge_speed_factor_ > 0) {
          const double vb = v * bridge_speed_factor_ * graft_speed;
          const double reach = std::min(m.gap_m, x + vb * (t1 - time));
          time += (reach - x) / vb;
          x = reach;
        }
        if (x >= m.gap_m && time < t1) {
          // Down the distal nerve segment by segment: where the Schwann cells have lost support
          // the tip slows and may stop (its loss hazard grows with the unsupported length crossed).
          auto j = std::min(static_cast<std::size_t>((x - m.gap_m) * m.distal_segments_per_m), last_segment);
          while (time < t1) {
            const double deficit = deficit_of[j];
            const double vj = v * speed_of[j];
            const double segment_end = j == last_segment
                                           ? destination
                                           : std::min(destination, m.gap_m + static_cast<double>(j + 1) * m.distal_segment_m);
            const double step = std::max(0.0, segment_end - x);
            const double possible = vj * (t1 - time);
            const double dx = std::min(step, possible);
            if (deficit > 0) {
              const double hazard = n.distal_hazard[i] + deficit * dx * per_loss_length;
              const double threshold = n.distal_loss_threshold[i];
              if (hazard >= threshold) {
                // The tip stops where its hazard reached the threshold.
                x += dx * (threshold - n.distal_hazard[i]) / (hazard - n.distal_hazard[i]);
                n.distal_hazard[i] = threshold;
                n.status[i] = AxonStatus::failed;
                break;
              }
              n.distal_hazard[i] = hazard;
            }
            if (possible < step) {
              x += possible;
              time = t1;
            } else {
              if (step > 0) time += step / vj;
              x = segment_end;
              j = std::min(j + 1, last_segment);
            }
            if (x >= destination) {
              n.arrival_s[i] = time;
              n.status[i] = AxonStatus::arrived;
              mine.push_back(static_cast<std::uint32_t>(i));
              x = destination;
              break;
            }
          }
        }
        n.position_m[i] = x;
      }
    }
    const std::size_t before = state.arrivals.size();
    for (const auto& list : arrived) state.arrivals.insert(state.arrivals.end(), list.begin(), list.end());
    std::sort(state.arrivals.begin() + static_cast<std::ptrdiff_t>(before), state.arrivals.end());
  }

 private:
  BlockHandle<CellGraft> grafts_;
  SignalHandle delay_, speed_, bridge_loss_signal_;
  /// How far a segment's support falls short of what axons need to grow at full speed without
  /// loss: 0 at or above the lesser of `full_speed_support` and the support the stump had when
  /// the axons entered it, 1 with no support left. The entry draw already holds the axons to the
  /// stump's support at contact (E21 measured the two together in stumps denervated alike along
  /// their length), so only segments that declined further, waiting longer for axons, cost more.
  double support_deficit(double support, double entry_support) const {
    const double reference = std::min(full_speed_support_, entry_support);
    return reference > 0 ? std::max(0.0, 1.0 - support / reference) : 0.0;
  }

  /// When neuron i's sprout can start crossing a repaired suture line: after its onset delay, the
  /// repair and (conduit) the bridge delay.
  double ready_to_cross_s(const Model& m, double z) const {
    const double onset = onset_s_ * std::exp(-onset_spread_ * z);
    const double repair = static_cast<double>(m.repair_time_s);
    return std::max({static_cast<double>(m.axotomy_time_s) + onset, repair, repair + bridge_delay_s_});
  }

  /// Scales the crossing delay still ahead of every axon waiting at a repaired suture line by the
  /// tick's crossing_delay_factor signal (brief electrical stimulation): an axon that would
  /// cross at g crosses at c + f (g - c), with c the later of now and the moment it was ready.
  void compress_crossing(const Model& m, State& state, double now) const {
    if (m.site || scar_crossing_ || m.injury != InjuryType::transection || m.repair == RepairType::none) return;
    NeuronPopulation& n = state.neurons;
    const double f = std::max(0.0, state.signal(delay_));
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n.status[i] != AxonStatus::waiting || !std::isfinite(n.growth_start_s[i]) || n.growth_start_s[i] < now) continue;
      const double from = std::max(now, ready_to_cross_s(m, n.vigour[i]));
      if (n.growth_start_s[i] > from) n.growth_start_s[i] = from + f * (n.growth_start_s[i] - from);
    }
  }

  double onset_s_;
  double speed_m_per_s_;
  double speed_spread_;
  double onset_spread_;
  double crossing_median_s_;
  double crossing_spread_;
  double capacity_tau_s_;
  double capacity_floor_;
  double block_median_s_;
  double block_spread_;
  double full_speed_support_;
  double unsupported_speed_factor_;
  double unsupported_loss_length_m_;
  double unguided_speed_factor_;
  double scar_maturation_s_;
  bool unguided_outgrowth_ = false;
  double misdirection_ = 0.0;
  crush_severity::Fates crush_fates_;
  BlockHandle<crush_severity::EndPlates> end_plates_;
  bool graded_crush_ = false;
  stretch_severity::Fates stretch_fates_;
  double stretch_block_median_s_ = 0.0;
  double torn_misdirection_ = 0.0;
  double torn_scar_loss_ = 0.0;
  bool stretched_ = false;
  double motor_pathway_factor_ = 1.0;
  double scar_loss_ = 0.0;
  bool scar_crossing_ = false;
  double bridge_speed_factor_ = 1.0;
  double bridge_delay_s_ = 0.0;
  double bridge_loss_ = 0.0;      ///< share of axons lost in the bridge (acellular allograft, bridged conduit)
  double half_gap_m_ = 0.0;       ///< conduit: gap bridged half the time
  double success_width_m_ = 1.0;  ///< conduit: width of the logistic fall with gap length
};

void declare(ParameterRegistry& r) {
  const std::string forman = "Forman & Berenberg, Brain Res 1978;156:213, PMID 81705";
  r.declare({.name = "axon_regeneration.onset_delay",
             .unit = "d",
             .default_value = 3.2,
             .hard = {0, 100},
             .plausible = {1, 10},
             .species = "rat",
             .meaning = "delay from crush to outgrowth of the median motor axon",
             .source = forman,
             .calibration = "E01"});
  r.declare_varying(
      {.name = "axon_regeneration.speed",
       .unit = "mm/day",
       .default_value = 3.0,
       .hard = {0.01, 20},
       .plausible = {0.5, 6},
       .species = "rat",
       .meaning = "elongation speed of the median motor axon",
       .source = forman,
       .calibration = "E02"},
      {.cv = 0.1,
       .plausible = {0.03, 0.3},
       .species = "rat",
       .source = "assumption: no between-animal SD of the rat regeneration rate was found (McQuarrie 1977 and Forman & "
                 "Berenberg 1978, PMID 81705, give only the error of a pooled fit); 0.1 lies between the crush-front SE "
                 "and the upper bound 0.27 of Mackinnon 1985's regeneration distances (E69); docs/validation.md, spread"});
  r.declare({.name = "axon_regeneration.speed_spread",
             .unit = "1",
             .default_value = 0.1647,
             .hard = {0, 2},
             .plausible = {0.02, 0.6},
             .species = "rat",
             .meaning = "log-SD of speed over neurons (the 99th percentile axon is the 'fastest axons' front)",
             .source = "fitted to Forman & Berenberg 1978 PMID 81705 (fastest axons 4.4 mm/d)",
             .calibration = "E04"});
  r.declare({.name = "axon_regeneration.onset_spread",
             .unit = "1",
             .default_value = 0.1811,
             .hard = {0, 2},
             .plausible = {0.02, 0.6},
             .species = "rat",
             .meaning = "log-SD of onset delay over neurons (fast axons start early)",
             .source = "fitted to Forman & Berenberg 1978 PMID 81705 (fastest axons start at 2.1 d)",
             .calibration = "E03"});
  r.declare_varying({.name = "axon_regeneration.suture_crossing_median",
                     .unit = "d",
                     .default_value = 21,
                     .hard = {0, 1000},
                     .plausible = {3, 60},
                     .species = "rat",
                     .meaning = "median delay for a motor axon to cross a suture line (staggered regeneration)",
                     .source = "assumption; spread set so 99% cross by 10 weeks (Al-Majed 2000 "
                               "doi:10.1523/JNEUROSCI.20-07-02602.2000)",
                     .calibration = "E05"},
                    {.cv = 0.25,
                     .plausible = {0.05, 0.5},
                     .species = "rat",
                     .source = "assumption: how well a repair is made varies between surgeons and animals; no measured spread of "
                               "the crossing delay"});
  r.declare({.name = "axon_regeneration.suture_crossing_spread",
             .unit = "1",
             .default_value = 0.497,
             .hard = {0, 3},
             .plausible = {0.1, 1.5},
             .species = "rat",
             .meaning = "log-SD of the suture crossing delay",
             .source = "fitted so 99% of motor axons cross within 10 weeks of the repair (after the 3.2 d "
                       "onset: 99th percentile 66.8 d), Al-Majed 2000 "
                       "doi:10.1523/JNEUROSCI.20-07-02602.2000",
             .calibration = "E05"});
  r.declare({.name = "axon_regeneration.capacity_time_constant",
             .unit = "d",
             .default_value = 323,
             .hard = {1, 100000},
             .plausible = {100, 1000},
             .species = "rat",
             .meaning = "time constant of the decline of regenerative capacity with prolonged axotomy",
             .source = "Gordon lab cross-suture study, J Neurosci, PMC6622714 Fig. 5",
             .calibration = "E20"});
  r.declare({.name = "axon_regeneration.capacity_floor",
             .unit = "1",
             .default_value = 0.3,
             .hard = {0, 1},
             .plausible = {0, 0.6},
             .species = "rat",
             .meaning = "fraction of neurons that still regenerate after very long axotomy",
             .source = "assumption (Fu & Gordon 1995: about a third regenerate after long delays)"});
  r.declare({.name = "axon_regeneration.block_recovery_median",
             .unit = "d",
             .default_value = 21,
             .hard = {0, 1000},
             .plausible = {3, 90},
             .species = "all",
             .meaning = "median time for conduction to return through a conduction block",
             .source = "assumption (Seddon neurapraxia: recovery within weeks)"});
  r.declare({.name = "axon_regeneration.block_recovery_spread",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 3},
             .plausible = {0.1, 1.5},
             .species = "all",
             .meaning = "log-SD of the conduction-block recovery time",
             .source = "assumption"});
  r.declare({.name = "axon_regeneration.full_speed_support",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.2, 0.9},
             .species = "all",
             .meaning = "distal Schwann-cell support at and above which axons grow at full speed and without loss; "
                        "below it the deficit 1 - support / this value slows them and stops some",
             .source = "assumption (Gordon, Int J Mol Sci 2024;25:665, doi:10.3390/ijms25010665: growth support "
                       "of chronically denervated Schwann cells deteriorates with time and distance; the repair "
                       "phenotype holds for the first weeks, Wagstaff 2021 doi:10.7554/eLife.62232, E23)"});
  r.declare({.name = "axon_regeneration.unsupported_speed_factor",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0.01, 1},
             .plausible = {0.2, 1},
             .species = "all",
             .meaning = "elongation speed through distal nerve without Schwann-cell support, relative to full speed",
             .source = "assumption (Schwann-cell basal lamina tubes alone still guide axons, more slowly)"});
  r.declare({.name = "axon_regeneration.unsupported_loss_length",
             .unit = "mm",
             .default_value = 80,
             .hard = {0.1, 100000},
             .plausible = {5, 500},
             .species = "all",
             .meaning = "length of distal nerve without support over which a growing axon's chance to keep going "
                        "falls by 1/e (loss hazard = deficit x length / this)",
             .source = "assumption (Sulaiman & Gordon, Glia 2000;32:234, PMID 11102965: few axons regenerate far "
                       "into chronically denervated stumps); chosen with schwann_support.decline_time_constant so "
                       "that the 1D nerve reproduces E21 and the delayed-repair decline (E20 x E21) together",
             .calibration = "E21"});
  r.declare({.name = "axon_regeneration.unguided_speed_factor",
             .unit = "1",
             .default_value = 0.33,
             .hard = {0, 1},
             .plausible = {0.1, 0.7},
             .species = "all",
             .meaning = "elongation speed of axons sprouting unguided into the wound bed of an unrepaired cut, "
                        "at first, relative to their speed in Schwann-cell bands",
             .source = "assumption (about 1 mm/d against 3 mm/d: axons without bands of Büngner follow the "
                       "proximal Schwann cells, whose migration is the slower process)"});
  r.declare({.name = "axon_regeneration.scar_maturation_time",
             .unit = "d",
             .default_value = 16,
             .hard = {0.1, 1000},
             .plausible = {5, 60},
             .species = "rat",
             .meaning = "time constant with which unguided outgrowth into an unrepaired wound bed slows as the "
                        "scar matures; the fastest axons reach about speed x unguided_speed_factor x this",
             .source = "fitted so that the leading motor axons reach 23.7 mm by 5 months after excision without "
                       "repair (Mackinnon, Hudson & Hunter, Plast Reconstr Surg 1985;75:384-388); the slowing law "
                       "itself is an assumption",
             .calibration = "E69"});
  r.declare({.name = "axon_regeneration.crush_duration_exponent",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 2},
             .plausible = {0.3, 1},
             .species = "all",
             .meaning = "exponent a of the crush dose D = (pressure / 1 MPa) (duration / 1 min)^a: how much a longer "
                        "crush adds to a heavier one",
             .source = "assumption (a square root of time, as for an injury spreading by diffusion or ischaemia; "
                       "E164, Chen 1993, would give 0.45 and is kept as a test, not fitted)"});
  r.declare({.name = "axon_regeneration.crush_axonotmesis_dose",
             .unit = "1",
             .default_value = 1.0,
             .hard = {1e-3, 1e4},
             .plausible = {0.5, 15},
             .species = "rat",
             .meaning = "crush dose at which half of the axons are cut (axonotmesis); the others are only blocked "
                        "(local demyelination) and conduct again after axon_regeneration.block_recovery_median",
             .source =
                 "fitted to E163.1 (Chen 1992, PMID 1500979: a 100 g, 10 min crush, dose 0.66, recovers by day 14, faster than "
                 "regrowth allows); bracketed by cuff compression that mostly blocks (Ochoa 1972, 1000 mmHg for "
                 "1-3 h, dose about 1) and forceps crushes that cut every axon (about 20 N on 1 mm for 30 s, "
                 "dose about 15)",
             .calibration = "E163"});
  r.declare({.name = "axon_regeneration.crush_depletion_time",
             .unit = "min",
             .default_value = 1.5,
             .hard = {0.01, 10000},
             .plausible = {0.5, 60},
             .species = "rat",
             .meaning = "time a crush load must be held for half of the cut axons to lie in a zone whose Schwann "
                        "cells died of the ischaemia; they cross it after a staggered delay like a suture line's "
                        "(suture_crossing_median)",
             .source = "fitted to E163.2 (Chen 1992, PMID 1500979: 39 d to a normal SFI after 500 g for 10 min); "
                       "that crushes of seconds leave the Schwann cells and crushes of minutes do not is an "
                       "assumption (forceps crushes of about 30 s recover in 3-4 weeks, E160)",
             .calibration = "E163"});
  r.declare({.name = "axon_regeneration.crush_dose_hill",
             .unit = "1",
             .default_value = 2,
             .hard = {0.1, 20},
             .plausible = {1, 4},
             .species = "all",
             .meaning = "Hill exponent of the shares of axons cut (by crush dose) and in a depleted zone (by "
                        "crush duration): how sharply the fates change",
             .source = "assumption"});
  r.declare({.name = "axon_regeneration.nerve_tensile_modulus",
             .unit = "MPa",
             .default_value = 6.58,
             .hard = {0.01, 1000},
             .plausible = {3.36, 12.6},
             .species = "rat",
             .meaning = "tensile modulus of the nerve in its linear region: turns a stretch force into a strain over "
                        "the cross-section of site.nerve_diameter",
             .source = "assumption-grade: in-vitro tensile properties of rat sciatic nerves, thesis abstract, National "
                       "Central University (Taiwan) 2005: 6.58 +- 3.22 MPa at 0.083 mm/s, 12.6 MPa ten times faster "
                       "(docs/plans/issue27-stretch.md M3); the soft toe region below about 8 % strain is ignored"});
  r.declare({.name = "axon_regeneration.stretch_block_strain",
             .unit = "1",
             .default_value = 0.11,
             .hard = {0.001, 2},
             .plausible = {0.08, 0.15},
             .species = "rat",
             .meaning = "strain at which half of the axons stop conducting while the nerve is stretched (ischaemic "
                        "block, gone within hours; stretch_block_recovery_median)",
             .source = "taken from E173 (rabbit tibial held 2 h: 8 % no significant CMAP fall, 15 % -99 %; "
                       "docs/plans/issue27-stretch.md T4; Brown, Pedowitz, Rydevik et al. 1993, citation unverified, so "
                       "assumption-grade), midway; rabbit, not rat",
             .calibration = "E173"});
  r.declare({.name = "axon_regeneration.stretch_axonotmesis_strain",
             .unit = "1",
             .default_value = 0.17,
             .hard = {0.001, 2},
             .plausible = {0.14, 0.20},
             .species = "rat",
             .meaning = "strain at which half of the axons break inside their endoneurial tubes (axonotmesis)",
             .source = "taken from E175 (rat sciatic acutely lengthened: axon density almost normal at 14.7 %, "
                       "decreased at 20.4 %; Chinese journal 2001, no identifier, so assumption-grade), midway; rabbit teased "
                       "fibres rupture at nodes at 20 %, not at 10 % "
                       "(Wang 2010, doi:10.3109/10731191003670558)",
             .calibration = "E175"});
  r.declare({.name = "axon_regeneration.stretch_failure_strain",
             .unit = "1",
             .default_value = 0.20,
             .hard = {0.001, 2},
             .plausible = {0.14, 0.25},
             .species = "rat",
             .meaning = "strain at which half of the cut axons are torn with their tubes (the nerve's mechanical "
                        "failure, continuity kept); they cross the torn stretch like a suture line",
             .source = "assumption-grade, taken from E174 (Mahan 2017 conference abstract, no identifier: rat sciatic "
                       "in situ fails at 20.1 % under slow axial loading, 14.4 % under rapid; the same group's "
                       "doi:10.1093/neuros/nyy423)",
             .calibration = "E174"});
  r.declare({.name = "axon_regeneration.stretch_strain_hill",
             .unit = "1",
             .default_value = 15,
             .hard = {0.5, 100},
             .plausible = {8, 30},
             .species = "all",
             .meaning = "Hill exponent of the shares of axons blocked, cut and torn against the strain",
             .source =
                 "assumption-grade, taken from E175: at most 10 % of axons cut at 14.7 % strain with half cut at 17 % needs an "
                 "exponent of about 15",
             .calibration = "E175"});
  r.declare({.name = "axon_regeneration.stretch_block_recovery_median",
             .unit = "h",
             .default_value = 6,
             .hard = {0.01, 10000},
             .plausible = {1, 24},
             .species = "all",
             .meaning = "median time after a stretch until an axon only blocked by it conducts again",
             .source = "assumption-grade: acute ischaemic block of the rat sciatic nerve is deepest at 45-60 min and "
                       "gone within 24 h (Muscle Nerve 1985;8:409, doi:10.1002/mus.880080510); flow returns within "
                       "30 min after an 8 % stretch (Clark 1992, PMID 1629548)"});
  r.declare({.name = "axon_regeneration.misdirection_grade3",
             .unit = "1",
             .default_value = 0.25,
             .hard = {0, 1},
             .plausible = {0, 0.6},
             .species = "all",
             .meaning = "fraction of axons that enter a wrong endoneurial pathway in a Sunderland grade III injury "
                        "(endoneurium disrupted, perineurium intact: misrouting within the fascicle)",
             .source = "assumption (half the transection value: choice confined to the fascicle)"});
  r.declare_varying({.name = "axon_regeneration.misdirection_transection",
                     .unit = "1",
                     .default_value = 0.5,
                     .hard = {0, 1},
                     .plausible = {0.2, 0.8},
                     .species = "all",
                     .meaning = "fraction of axons that enter a wrong pathway after a grade IV or V injury or its repair",
                     .source = "assumption informed by P43 (preferential motor reinnervation at most 2-fold over random "
                               "pathway choice, Madison 1999; random choice between motor and sensory pathways misroutes "
                               "about half)"},
                    {.cv = 0.15,
                     .plausible = {0.05, 0.4},
                     .species = "rat",
                     .source = "assumption: preferential motor reinnervation varies between animals by 10-25 % of its mean "
                               "(retrograde-labelling studies, not yet an evidence entry)"});
  r.declare({.name = "axon_regeneration.motor_pathway_factor",
             .unit = "1",
             .default_value = 1,
             .hard = {0, 10},
             .plausible = {0.1, 2},
             .species = "rat",
             .meaning = "chance of a motor axon to enter a correct pathway at a grade III-V injury, relative to the "
                        "chance 1 - misdirection of any axon (motor axons that are a small minority of the nerve's "
                        "fibres mostly enter sensory tubes)",
             .source = "assumption (rat sciatic: motor axons are ~22 % of the fibres, the generic misdirection "
                       "applies); see the human median preset for Madison 1999"});
  r.declare({.name = "axon_regeneration.scar_loss_grade3",
             .unit = "1",
             .default_value = 0.2,
             .hard = {0, 1},
             .plausible = {0, 0.5},
             .species = "all",
             .meaning = "fraction of axons stopped by the intrafascicular scar of a grade III injury",
             .source = "assumption (Sunderland 1951: incomplete recovery after grade III)"});
  r.declare({.name = "axon_regeneration.scar_loss_grade4",
             .unit = "1",
             .default_value = 0.8,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "all",
             .meaning = "fraction of axons stopped by the neuroma in continuity of an unrepaired grade IV injury",
             .source = "assumption (Sunderland 1951: grade IV needs excision and repair for useful recovery)"});
  r.declare({.name = "axon_regeneration.autograft_speed_factor",
             .unit = "1",
             .default_value = 1.0,
             .hard = {0.01, 2},
             .plausible = {0.5, 1},
             .species = "all",
             .meaning = "axon speed in an autograft relative to a distal stump",
             .source = "assumption"});
  r.declare({.name = "axon_regeneration.allograft_speed_factor",
             .unit = "1",
             .default_value = 0.6,
             .hard = {0.01, 2},
             .plausible = {0.2, 1},
             .species = "all",
             .meaning = "axon speed in a decellularised allograft (bands without cells) relative to a stump",
             .source = "assumption"});
  r.declare_varying({.name = "axon_regeneration.allograft_crossing_length",
                     .unit = "mm",
                     .default_value = 4.6,
                     .hard = {0.01, 1000},
                     .plausible = {2, 50},
                     .species = "rat",
                     .meaning = "length over which the share of axons that cross a decellularised allograft falls by 1/e "
                                "(share = exp(-gap / length); 1D model only)",
                     .source = "assumption, fitted to E32.2 (Mathot 2021: 10 mm rat sciatic decellularised allograft, CMAP "
                               "13.5 +- 5.0 % vs autograft 53.8 % at 12 wk); direction from Whitlock 2009 "
                               "doi:10.1002/mus.21220, identifier not verified (fewer axons through acellular than "
                               "through cellular grafts, worse for longer gaps)",
                     .calibration = "E32"},
                    {.cv = 0.4,
                     .plausible = {0.05, 0.8},
                     .species = "rat",
                     .meaning = "between-subject CV of axon_regeneration.allograft_crossing_length: how far axons get through "
                                "an acellular graft differs between grafts and hosts (lognormal)",
                     .source = "assumption, fitted to the SD of E32.2 (Mathot 2021: CMAP ratio 13.5 +- 5.0 SEM % after a "
                               "10 mm acellular allograft, about 10 rats: SD 15.8, larger than the mean)",
                     .calibration = "E32"});
  r.declare({.name = "axon_regeneration.conduit_crossing_loss",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0, 0.9},
             .species = "all",
             .meaning = "share of axons that enter a bridged conduit's thin regeneration cable and do not reach the "
                        "distal stump",
             .source = "assumption informed by E68 (Spector: axons 26-51 % of normal in bridged 10 mm tubes at 5 "
                       "weeks)",
             .calibration = "E68"});
  r.declare({.name = "axon_regeneration.conduit_speed_factor",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0.01, 2},
             .plausible = {0.2, 1},
             .species = "all",
             .meaning = "axon speed across a conduit's regeneration cable relative to a stump",
             .source = "assumption"});
  r.declare({.name = "axon_regeneration.conduit_bridge_delay",
             .unit = "d",
             .default_value = 7,
             .hard = {0, 100},
             .plausible = {2, 21},
             .species = "all",
             .meaning = "time for a conduit cable with Schwann-cell cords to form before axons enter",
             .source = "assumption from E49 (Schwann cords in the bridge by day 7, Chen 2019)",
             .calibration = "E49"});
  r.declare({.name = "axon_regeneration.conduit_half_success_gap",
             .unit = "mm",
             .default_value = 10,
             .hard = {0.1, 200},
             .plausible = {5, 20},
             .species = "rat",
             .meaning = "gap at which an empty impermeable conduit bridges half the time",
             .source = "assumption from E31 (longest gap bridged ~10 mm, Jenq & Coggeshall 1987) and E68",
             .calibration = "E31, E68"});
  r.declare({.name = "axon_regeneration.conduit_success_width",
             .unit = "mm",
             .default_value = 1.5,
             .hard = {0.01, 50},
             .plausible = {0.5, 5},
             .species = "rat",
             .meaning = "width of the logistic fall of conduit success with gap length",
             .source = "assumption"});
  r.declare({.name = "axon_regeneration.permeable_wall_gap_gain",
             .unit = "mm",
             .default_value = 2,
             .hard = {0, 50},
             .plausible = {0, 10},
             .species = "rat",
             .meaning = "extra gap a permeable conduit wall bridges",
             .source = "assumption from E68 (permeable 75% vs silicone 43% success at 10 mm)",
             .calibration = "E68"});
}

}  // namespace

void register_axon_regeneration(Registry& registry) {
  registry.add(MechanismEntry{.name = "axon_regeneration",
                              .summary = "sprouting, crossing the repair site and elongation of axons to targets",
                              .declare_parameters = declare,
                              .create = [](const CompileContext& c) -> std::unique_ptr<Process> {
                                return std::make_unique<AxonRegeneration>(c.spec, c.parameters);
                              }});
}

}  // namespace bungner
