#pragma once
// State: everything that changes during a run. A Model is shared read-only by many States.
// Storage is structure-of-arrays per entity kind (engine); mechanisms work on whole populations.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bungner/core/random.hpp"
#include "bungner/site/site.hpp"

namespace bungner {

/// Lifecycle of one neuron's regenerating axon.
enum class AxonStatus : std::uint8_t {
  intact,       ///< not injured (conduction block: conduction only interrupted)
  waiting,      ///< axotomised, sprout not started or not yet across the repair site
  growing,      ///< advancing down the distal nerve
  arrived,      ///< reached its target
  failed,       ///< did not regenerate (capacity lost, no repair, or stalled)
};

enum class NeuronKind : std::uint8_t { motor, sensory };

/// Outcome of an axon's arrival at its target. `misdirected` is set when the axon enters a wrong
/// endoneurial pathway at the injury site (Sunderland III-V): it grows and arrives, but at a
/// target it does not belong to, so it never innervates its own.
enum class Connection : std::uint8_t { none, connected, rejected, misdirected };

/// Myosin-based fibre types of skeletal muscle, and of the motor neurons that set them: slow type I,
/// fast fatigue-resistant IIA, fast fatigable IIX/IIB (rodent IIX and IIB pooled).
enum class FibreType : std::uint8_t { type_i, type_iia, type_iix };
inline constexpr std::size_t fibre_types = 3;

/// Target index of neurons whose target is not modelled.
inline constexpr std::uint16_t no_target = 0xFFFF;

/// All neurons of the injured nerve (0D pools resolved to individuals) and their axons (1D).
/// One entry per neuron; ids are the indices and never change.
struct NeuronPopulation {
  std::vector<NeuronKind> kind;
  std::vector<std::uint16_t> target;          ///< index into Model::targets()
  std::vector<double> vigour;                 ///< latent intrinsic growth capacity (standard normal)
  std::vector<std::uint8_t> alive;
  std::vector<double> death_threshold;        ///< Exp(1) threshold of the cumulative hazard
  std::vector<double> cumulative_hazard;
  std::vector<AxonStatus> status;
  std::vector<double> growth_start_s;         ///< when the tip leaves the repair site [s]
  std::vector<double> speed_m_per_s;          ///< elongation speed [m/s]
  std::vector<double> position_m;             ///< distance of the tip past the injury [m]
  std::vector<double> arrival_s;              ///< time of arrival at the target, or -1 [s]
  /// Cumulative loss hazard of the tip in poorly supported distal nerve; the axon stops when it
  /// reaches `distal_loss_threshold` [1].
  std::vector<double> distal_hazard;
  std::vector<double> distal_loss_threshold;  ///< Exp(1), drawn when the axon enters the distal nerve [1]
  std::vector<Connection> connection;         ///< outcome at the target

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n);
};

/// The distal nerve in 1D: segments of equal length (Model::distal_segment_m) from the distal
/// end of the repair site to the farthest target. Each segment's Schwann cells lose their
/// repair capacity while denervated and regain it once regrowing axons reach them.
struct DistalNerve {
  /// Support of the first segment (the stump's proximal end) [1]; equals `segment_support[0]`
  /// when the nerve has segments.
  double schwann_support = 1.0;
  /// Support when the proximal stump regained contact with the distal stump (repair or crush);
  /// it decides how many axons the stump accepts [1].
  double support_at_contact = 1.0;
  bool contact_made = false;
  double regrowing_fraction = 0.0;  ///< neurons whose axons are in the distal nerve [1]
  /// Repair capacity of each segment's Schwann cells, 1 = fresh [1].
  std::vector<double> segment_support;
  /// Share of all neurons whose regrowing axon tip has passed the start of each segment [1].
  std::vector<double> segment_reached;

  /// Support at a distance past the distal end of the repair site (the first segment for tips
  /// still in the bridge, the last for tips beyond it) [1].
  double support_at(double distal_position_m, double segments_per_m) const {
    if (segment_support.empty()) return schwann_support;
    const double k = distal_position_m > 0 ? distal_position_m * segments_per_m : 0.0;
    const auto j = static_cast<std::size_t>(std::min(k, static_cast<double>(segment_support.size() - 1)));
    return segment_support[j];
  }
};

/// One target organ (muscle or skin).
struct TargetState {
  double mass_ratio = 1.0;     ///< wet weight relative to contralateral [1]
  double receptivity = 1.0;    ///< ability of denervated end-plates to accept axons [1]
  double innervation = 1.0;    ///< fraction of motor units functionally innervated [1]
  std::uint32_t connected_axons = 0;
  /// Connected motor axons by the type of their neuron (FibreType order); the fibres they
  /// reinnervate take that type [cells].
  std::array<std::uint32_t, fibre_types> connected_by_type{};
  /// Fraction of the muscle's fibres still able to recover when reinnervated; lost to chronic
  /// denervation (atrophy, fibrosis) [1].
  double fibre_capacity = 1.0;
  /// Specific tension of the innervated fibres relative to the normal muscle's, from the fibre
  /// types of the reinnervating motor neurons [1].
  double specific_force = 1.0;
  /// Isometric tetanic force relative to contralateral: the innervated fraction of a muscle of
  /// the current relative mass, times the specific tension of its current fibre types [1].
  double force_ratio() const { return innervation * mass_ratio * specific_force; }
};

/// Time-varying signals that therapies set and mechanisms read; reset to neutral every tick.
struct Signals {
  double neuron_death_hazard_factor = 1.0;
  double growth_speed_factor = 1.0;
  /// Factor on the remaining suture-crossing delay of the axons still waiting at the repair site;
  /// axon_regeneration applies it once, in the tick it is set (brief electrical stimulation) [1].
  double crossing_delay_factor = 1.0;
  /// Factor on the rate at which denervated distal Schwann cells lose their repair capacity [1].
  double schwann_decline_factor = 1.0;
  /// Factor on the share of axons lost crossing a gap repair (bridge), read when an axon enters
  /// the distal nerve (cyclosporine) [1].
  double bridge_loss_factor = 1.0;
  /// Activity imposed on denervated muscles by direct stimulation, as a share of a normal
  /// muscle's (muscle_stimulation): their mass tends to what this much innervation sustains [1].
  double muscle_activity = 0.0;
  /// IL-10 that cell grafts release into the injured nerve now (immunomodulation not ablated) [pg/day].
  double graft_il10_release = 0.0;
};

/// Lasting effects of therapies: set by therapies, never reset, observed by readouts.
struct TherapyEffects {
  /// Factor on the diameter of regenerated fibres, as morphometry and conduction see it (vitamin D) [1].
  double fibre_diameter_factor = 1.0;
};

/// Transplanted cells of one cell therapy (an [[therapies]] item of type msc), as a pool at the
/// repair site: what is left of them, their phenotype and what they release.
struct CellGraft {
  double cells = 0;           ///< surviving transplanted cells at the repair site [cells]
  double delivered = 0;       ///< cells that reached the site when given [cells]
  double schwann_like = 0;    ///< fraction still in the Schwann-like (differentiated) phenotype [1]
  double primed = 0;          ///< fraction primed by the injured nerve (in vivo activation) [1]
  double neurotrophin_release = 0;  ///< NGF + BDNF + GDNF + NT-3 released now [pg/day]
  double vegf_release = 0;          ///< VEGF released now [pg/day]
  double il10_release = 0;          ///< IL-10 released now [pg/day]
  double preparation_days = 0;      ///< culture time before the cells could be given [d]
  // What the graft leaves behind in the bridge (read by axon_regeneration): lasting, because a
  // bridge colonised early by Schwann cells and vessels stays better after the cells are gone.
  double bridge_exposure = 0;       ///< time integral of the graft's support of the bridge [d]
  double bridge_speed_factor = 1;   ///< factor on the elongation speed in the bridge [1]
  double bridge_loss_factor = 1;    ///< factor on the share of axons lost in the bridge [1]
  double bridge_gap_gain_m = 0;     ///< gain of the gap a conduit bridges with even odds [m]
  // On the 3D injury site the cells are agents (kind site::msc) with consecutive ids.
  double agent_first_id = 0;        ///< id of the graft's first agent
  double agent_count = 0;           ///< agents placed (0: not placed, or no 3D site)
};

/// The injured nerve's cytokines as one well-mixed compartment (0D; every scenario), relative to
/// the uninjured nerve, and the two drivers that carry the Wallerian-degeneration phase.
struct NerveCytokines {
  double tnf_alpha = 1.0;    ///< TNF-alpha protein relative to the uninjured nerve [1]
  double il1_beta = 1.0;     ///< IL-1beta protein relative to the uninjured nerve [1]
  double il10 = 1.0;         ///< IL-10 protein relative to the uninjured nerve [1]
  /// Recruited macrophages, in units of the debris at fragmentation (the load that debris at its
  /// start would hold at steady state) [1].
  double macrophages = 0.0;
  double m2_share = 0.0;     ///< share of the recruited macrophages in the M2 (pro-repair) state [1]
};

/// Neurotrophic support that growth cones at the injury site convey back to their neurons
/// (retrograde transport); set by the site's axon mechanism, read by neuron survival.
struct RetrogradeSupport {
  double fraction_supported = 0.0;  ///< share of regrowing axons in contact with repair Schwann cells [1]
};

/// Counters of recoverable oddities, reported in provenance (MuJoCo-style warnings).
struct Diagnostics {
  std::map<std::string, std::uint64_t> counts;
};

struct State {
  RandomKey key;
  std::int64_t time_s = 0;   ///< simulated time since injury [s]
  std::int64_t tick = 0;     ///< number of base ticks taken
  NeuronPopulation neurons;
  DistalNerve distal;
  std::vector<TargetState> targets;
  Signals signals;
  TherapyEffects effects;
  RetrogradeSupport retrograde;
  NerveCytokines cytokines;
  /// Cell therapies, in the order of their [[therapies]] items.
  std::vector<CellGraft> grafts;
  /// The 3D injury site, when the model has one (`site.model = "3d"`).
  std::optional<site::InjurySite> site;
  Diagnostics diagnostics;
  /// Arrival events: neurons whose axons became `arrived` since the targets last looked, in
  /// ascending id order. Whoever sets AxonStatus::arrived appends the neuron; muscle_target
  /// consumes and clears the list every tick (phase targets), so it is empty between ticks and
  /// not part of a checkpoint.
  std::vector<std::uint32_t> arrivals;
};

}  // namespace bungner
