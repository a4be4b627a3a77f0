#pragma once
// Model: the scenario compiled once into an immutable object. Everything that changes lives in
// State; many States (a cohort) share one Model.
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bungner/core/parameters.hpp"
#include "bungner/model/process.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/model/state_layout.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/site/site.hpp"

namespace bungner {

enum class InjuryType { conduction_block, crush, transection };
enum class RepairType { none, direct_suture, autograft, decellularized_allograft, conduit };

struct TargetSpec {
  std::string name;
  bool is_muscle = true;
  double distance_m = 0;     ///< from the injury along the nerve [m]
  double motor_share = 0;    ///< fraction of the nerve's motor axons [1]
  double sensory_share = 0;  ///< fraction of the nerve's sensory axons [1]
  /// Neurons of each kind assigned to this target (shares rounded cumulatively, so they add up).
  std::uint32_t motor_axons = 0;
  std::uint32_t sensory_axons = 0;
  std::string branch;  ///< nerve branch: none, tibial, peroneal, other
  /// Normal (contralateral) values; 0 where the preset does not give one.
  double cmap_amplitude_v = 0;
  double distal_latency_s = 0;
  double tetanic_force_n = 0;
  double wet_weight_kg = 0;
  /// Fibre-type composition of a muscle (type I, IIA, IIX/IIB shares; they add up to 1). The
  /// motor neurons supplying it are drawn with these shares (one unit per neuron; unit size
  /// differences between types are not modelled) [1].
  std::array<double, 3> fibre_shares{0.4, 0.3, 0.3};
  /// The axons of this target's own kind (motor for a muscle, sensory for skin).
  std::uint32_t own_axons() const { return is_muscle ? motor_axons : sensory_axons; }
};

struct ConduitSpec {
  std::string material;
  double length_m = 0;
  double inner_diameter_m = 0;
  double wall_permeability_m_per_s = 0;  ///< from the material preset unless the scenario sets it
  double degradation_time_s = 0;         ///< 0: the wall does not degrade
  std::string filler;
};

/// One [[therapies]] item as the scenario resolves it.
struct TherapyItem {
  std::string type;
  toml::table table;
};

/// Stage 1 of compiling a scenario: everything the scenario says, parsed once into typed SI
/// values (anatomy, targets, injury, repair with its timing, conduit, the site's layout, the
/// simulation and output timing). The content is built from a finished spec (stage 2, Model), so
/// a factory never sees a half-compiled model. Times are whole seconds; Model rounds them to its
/// base tick once the processes (and so their periods) exist.
class ModelSpec {
 public:
  /// Parses a validated scenario; `parameters` are its resolved values. Throws ModelError for
  /// impossible combinations.
  static ModelSpec parse(const Scenario& scenario, const ParameterSet& parameters, const Registry& registry);

  const std::vector<TargetSpec>& targets() const { return targets_; }

  std::string species;
  std::string nerve;
  std::uint64_t seed = 1;
  InjuryType injury = InjuryType::crush;
  /// Sunderland grade 1-5 (I conduction block, II axonotmesis with intact endoneurial tubes, III
  /// endoneurium disrupted, IV fascicles disrupted in continuity, V transection).
  int sunderland_grade = 2;
  /// The branch injured ("tibial", "peroneal"), or empty for the whole nerve: only the neurons of
  /// that branch's targets are injured.
  std::string injured_branch;
  /// Share of the axons (of the injured branch) that the injury reaches; the others are spared
  /// (a partial lesion) [1].
  double injured_share = 1.0;
  /// A crush's load, how long it was held and the length of nerve under the jaws; a force of 0
  /// means not given (every axon cut, tubes intact) [N, s, m].
  struct Crush {
    double force_n = 0;
    double duration_s = 30;
    double length_m = 2e-3;
    bool given() const { return force_n > 0; }
  } crush;
  /// A traction injury (injury.type = "stretch", compiled as a crush: the nerve stays in
  /// continuity): its strain, or the force that causes it (one of them is 0) [1, N].
  struct Stretch {
    bool applied = false;
    double strain = 0;
    double force_n = 0;
    double nerve_diameter_m = 1e-3;  ///< site.nerve_diameter: the cross-section the force acts on
  } stretch;
  /// The preset's normal motor NCV, at its reference body weight; 0: unknown. Content that needs
  /// this animal's velocity scales it by `body_weight_ratio` with an exponent it declares.
  double reference_motor_velocity_m_per_s = 0;
  /// The animal's body weight over the weight the preset's velocity belongs to; 0: not given or
  /// no reference weight, so no scaling [1].
  double body_weight_ratio = 0;
  double endoneurial_area_m2 = 0;  ///< 0: unknown
  /// Distance along the nerve from the spinal cord to the injury; 0: unknown (distal) [m].
  double lesion_distance_from_cord_m = 0;
  RepairType repair = RepairType::none;
  double gap_m = 0;
  ConduitSpec conduit;
  std::int64_t repair_time_s = 0;
  /// When the neurons were axotomised, the distal stump denervated and the muscles denervated,
  /// relative to the injury (differ from 0 only in cross-suture designs) [s].
  std::int64_t axotomy_time_s = 0;
  std::int64_t stump_denervation_time_s = 0;
  std::int64_t muscle_denervation_time_s = 0;
  /// When regenerating axons can first reach the distal stump: the injury for a crush, the repair
  /// for a repaired transection, never (INT64_MAX) for an unrepaired one [s].
  std::int64_t contact_time_s = 0;
  /// The distal nerve in 1D: segments from the repair site's distal end to the farthest target.
  std::size_t distal_segments = 1;
  double distal_segment_m = 1e-3;
  double distal_segments_per_m = 1e3;  ///< 1 / distal_segment_m (a multiply in the per-axon loops)
  /// The 3D injury site's layout, or null when the site is not modelled in 3D.
  std::shared_ptr<const site::Layout> site;
  std::uint32_t motor_neurons = 0;
  std::uint32_t sensory_neurons = 0;
  /// The scenario's [[therapies]] in order (a therapy may depend on another, as a cell graft's
  /// rejection on a course of an immunosuppressant).
  std::vector<TherapyItem> therapies;

  std::int64_t duration_s = 0;
  std::int64_t timeseries_interval_s = 0;
  std::int64_t checkpoint_interval_s = 0;  ///< 0: no checkpoints
  std::vector<std::int64_t> readout_times_s;
  std::vector<std::string> readouts_included;  ///< empty: all
  /// Whether readouts.csv (and a study's tables) take this readout (`readouts.include`).
  bool includes_readout(std::string_view name) const {
    return readouts_included.empty() ||
           std::find(readouts_included.begin(), readouts_included.end(), name) != readouts_included.end();
  }
  /// The parameters that parsing read (the site's layout): a subject whose overlay changes one of
  /// them needs its own spec.
  std::vector<std::string> parameters_read;

 protected:
  /// Sets the repair time and the times that follow from it (cross-suture partners, contact).
  void set_repair_time(std::int64_t repair_s, const std::string& cross_suture);
  /// Rounds every time to a whole number of ticks; true when that changed one.
  bool round_times_to(std::int64_t tick_s);

  std::vector<TargetSpec> targets_;
  std::string cross_suture_ = "none";
};

/// What one subject of a study changes in its arm's Model: the seed and parameter values (in the
/// declared units), typed, without a round trip through scenario text.
struct SubjectOverlay {
  std::uint64_t seed = 1;
  std::vector<ParameterAssignment> parameters;
};

/// Stage 2: the content (processes and readouts) built from a finished ModelSpec and the resolved
/// parameters. Immutable once built; a Model is a ModelSpec, so content reads `model.repair_time_s`.
class Model : public ModelSpec {
 public:
  /// Compiles a validated scenario. Throws ModelError for impossible combinations.
  static std::shared_ptr<const Model> compile(Scenario scenario, const Registry& registry);
  /// The Model of one subject of `arm`: the arm's spec with the subject's seed, and the content
  /// built again with the subject's parameters (content holds its parameters resolved). The spec
  /// is parsed again only when the overlay changes a parameter it read; the scenario is shared.
  static std::shared_ptr<const Model> for_subject(const Model& arm, const SubjectOverlay& subject, const Registry& registry);

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  /// The scenario compiled (for a subject: its arm's; its seed and parameters are the subject's).
  const Scenario& scenario() const { return *scenario_; }
  const ParameterSet& parameters() const { return parameters_; }
  const std::vector<std::unique_ptr<Process>>& processes() const { return processes_; }
  const std::vector<std::unique_ptr<Readout>>& readouts() const { return readouts_; }
  /// The state blocks and signals the processes and readouts declared.
  const StateLayout& layout() const { return layout_; }
  /// Names of the registered items active in this model (mechanisms, therapies, readouts).
  const std::vector<std::string>& active_items() const { return active_items_; }
  /// Parameters that the active items declare (what `explain` must cover).
  std::vector<std::string> used_parameters() const;
  /// The scenario's warnings and the model's own: parameters declared for another species that
  /// this model reads at their default (a rat constant in a human run), one warning per species.
  std::vector<Diagnostic> warnings() const;

  std::int64_t tick_s = 0;  ///< base tick: gcd of the processes' periods [s]

 private:
  Model(std::shared_ptr<const Scenario> scenario, ModelSpec spec, ParameterSet parameters, const Registry& registry);
  void build_content(const Registry& registry);
  std::shared_ptr<const Scenario> scenario_;
  ParameterSet parameters_;
  std::vector<std::unique_ptr<Process>> processes_;
  std::vector<std::unique_ptr<Readout>> readouts_;
  std::vector<std::string> active_items_;
  StateLayout layout_;
  std::vector<Diagnostic> species_warnings_;  ///< of the arm; a subject keeps its arm's
};

/// Rounds a time in seconds to a whole number of ticks.
std::int64_t round_to_tick(double seconds, std::int64_t tick_s);

inline constexpr std::int64_t seconds_per_day = 86400;
inline constexpr std::int64_t seconds_per_hour = 3600;

}  // namespace bungner
