// Walking-track analysis of the rat: the sciatic functional index (Bain, Mackinnon & Hunter 1989,
// E45) from print length, toe spread and intermediate toe spread, each mapped from the deficit of
// the footprint's motor control: the force the tibial- and peroneal-innervated muscles can give
// for walking (saturating: walking needs a fraction of the maximal force) and the share of motor
// axons that regenerated along their own pathway (misrouted ones drive the wrong muscles).
// Mapping and sources: README.md.
#include "../../mechanisms/muscle_target/muscle_fibres.hpp"
#include "../pathway_accuracy/pathway_counts.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

#include <algorithm>

namespace bungner {
namespace {

class WalkingTrack final : public Readout {
 public:
  explicit WalkingTrack(const ParameterSet& p)
      : print_length_{p.get("walking_track.print_length_factor_tibial"), p.get("walking_track.print_length_factor_peroneal")},
        toe_spread_{p.get("walking_track.toe_spread_factor_tibial"), p.get("walking_track.toe_spread_factor_peroneal")},
        intermediate_(p.get("walking_track.intermediate_toe_factor_tibial")),
        walking_force_(p.get("walking_track.walking_force_share")) {}
  std::string_view name() const override { return "walking_track"; }
  void declare_state(StateLayout& layout) override { fibres_ = muscle::fibres(layout); }

  /// Share of the motor axons of a branch's muscles, among those in the distal nerve, that chose
  /// their own pathway (as the pathway_accuracy readout counts them); 1 when none is there.
  static double motor_pathway_accuracy(const Model& m, const NeuronPopulation& n, const std::string& branch) {
    const pathway::Counts c = pathway::count(n, [&](std::size_t i) {
      return n.kind[i] == NeuronKind::motor && n.target[i] != no_target && m.targets()[n.target[i]].branch == branch;
    });
    return c.entered[0] == 0 ? 1.0 : static_cast<double>(c.correct[0]) / static_cast<double>(c.entered[0]);
  }

  /// Bervar 2000, the index of the standing rat's footprint (no print length, which needs a
  /// walking rat): SSI = 108.44 TSF + 31.85 ITF - 5.49.
  static double ssi(double tsf, double itf) { return 108.44 * tsf + 31.85 * itf - 5.49; }

  /// Bain 1989: SFI = -38.3 PLF + 109.5 TSF + 13.3 ITF - 8.8.
  static double sfi(double plf, double tsf, double itf) { return -38.3 * plf + 109.5 * tsf + 13.3 * itf - 8.8; }
  /// Bain 1989: TFI = -37.2 PLF + 104.4 TSF + 45.6 ITF - 8.8, for tibial lesions.
  static double tfi(double plf, double tsf, double itf) { return -37.2 * plf + 104.4 * tsf + 45.6 * itf - 8.8; }
  /// Bain 1989: PFI = 174.9 PLF + 80.3 TSF - 13.4, for peroneal lesions.
  static double pfi(double plf, double tsf) { return 174.9 * plf + 80.3 * tsf - 13.4; }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    double force[2] = {0, 0}, axons[2] = {0, 0};  // tibial, peroneal
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      const int b = spec.branch == "tibial" ? 0 : spec.branch == "peroneal" ? 1 : -1;
      if (!spec.is_muscle || b < 0) continue;
      force[b] += spec.motor_axons * muscle::tetanic_force_ratio(state.targets[t], state.block(fibres_)[t]);
      axons[b] += spec.motor_axons;
    }
    if (axons[0] <= 0 || axons[1] <= 0) return;  // the SFI needs both branches
    // Control of the footprint per branch: the force available for walking, saturating at the
    // share of the maximal force walking needs, times the share of the branch's regenerated motor
    // axons that took their own pathway (1 while none has entered a disrupted one: crush, no repair).
    const auto control = [&](double f, const char* branch) {
      return motor_pathway_accuracy(m, state.neurons, branch) * std::min(1.0, f / walking_force_);
    };
    // Each footprint factor from the branches whose muscles shape it (README): print length grows
    // with a tibial deficit (no push-off) and shrinks with a peroneal one; both spread the toes
    // less; only the tibial branch's intrinsic muscles hold the intermediate toes apart.
    const double tibial = 1 - control(force[0] / axons[0], "tibial");
    const double peroneal = 1 - control(force[1] / axons[1], "peroneal");
    const double plf = print_length_[0] * tibial + print_length_[1] * peroneal;
    const double tsf = -(toe_spread_[0] * tibial + toe_spread_[1] * peroneal);
    const double itf = -intermediate_ * tibial;
    out.push_back({"sciatic_functional_index", sfi(plf, tsf, itf), "SFI"});
    out.push_back({"sciatic_static_index", ssi(tsf, itf), "SSI"});
    out.push_back({"tibial_functional_index", tfi(plf, tsf, itf), "TFI"});
    out.push_back({"peroneal_functional_index", pfi(plf, tsf), "PFI"});
    // The parts themselves, as footprint studies report them (Hare et al. 1993 judge recovery by
    // print length and toe spreads separately, not by the index).
    out.push_back({"print_length_factor", plf, "1"});
    out.push_back({"toe_spread_factor", tsf, "1"});
    out.push_back({"intermediate_toe_factor", itf, "1"});
  }

 private:
  BlockHandle<muscle::Fibres> fibres_;
  double print_length_[2];  // tibial, peroneal
  double toe_spread_[2];
  double intermediate_;
  double walking_force_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "walking_track.walking_force_share",
             .unit = "1",
             .default_value = 0.25,
             .hard = {0.01, 1},
             .plausible = {0.1, 0.6},
             .species = "rat",
             .meaning = "share of a muscle's maximal force that normal walking needs: above it, weakness no longer "
                        "shows in the footprint",
             .source = "assumption: walking recruits a muscle's small, slow and fatigue-resistant motor units first "
                       "and rarely its largest (the size principle); rat ankle extensors and flexors are active "
                       "well below their maximal EMG in treadmill walking (Roy RR et al., J Appl Physiol "
                       "1991;70:2522, doi:10.1152/jappl.1991.70.6.2522, identifier not verified); not fitted to "
                       "any walking-track entry"});
  // The five factors solve Bain's three formulas: complete loss of both branches gives the SFI's
  // -100 with the factors of the earlier combined model (0.35, -0.65, -0.5), of the tibial branch
  // alone the TFI's -100, of the peroneal branch alone the PFI's -100; the peroneal branch has no
  // intermediate-toe term (the PFI has none; after peroneal repair only print length changes, Hare
  // et al. 1993).
  const std::string bain =
      "derived from Bain, Mackinnon & Hunter 1989 (PMID 2909054, E45): the value that makes "
      "complete loss of both branches, of the tibial branch alone and of the peroneal branch "
      "alone give SFI, TFI and PFI of -100 (README, 'Footprint factors per branch')";
  r.declare({.name = "walking_track.print_length_factor_tibial",
             .unit = "1",
             .default_value = 0.728,
             .hard = {-2, 2},
             .plausible = {0.3, 1.2},
             .species = "rat",
             .meaning = "relative change of print length (PLF) with complete loss of the tibial branch's control "
                        "(longer: no push-off)",
             .source = bain,
             .calibration = "E45"});
  r.declare({.name = "walking_track.print_length_factor_peroneal",
             .unit = "1",
             .default_value = -0.378,
             .hard = {-2, 2},
             .plausible = {-0.8, 0},
             .species = "rat",
             .meaning = "relative change of print length (PLF) with complete loss of the peroneal branch's control "
                        "(shorter)",
             .source = bain,
             .calibration = "E45"});
  r.declare({.name = "walking_track.toe_spread_factor_tibial",
             .unit = "1",
             .default_value = 0.396,
             .hard = {0, 1},
             .plausible = {0.1, 0.8},
             .species = "rat",
             .meaning = "relative decrease of toe spread 1-5 (TSF) with complete loss of the tibial branch's control",
             .source = bain,
             .calibration = "E45"});
  r.declare({.name = "walking_track.toe_spread_factor_peroneal",
             .unit = "1",
             .default_value = 0.254,
             .hard = {0, 1},
             .plausible = {0.05, 0.6},
             .species = "rat",
             .meaning = "relative decrease of toe spread 1-5 (TSF) with complete loss of the peroneal branch's control",
             .source = bain,
             .calibration = "E45"});
  r.declare({.name = "walking_track.intermediate_toe_factor_tibial",
             .unit = "1",
             .default_value = 0.5,
             .hard = {0, 1},
             .plausible = {0.2, 0.9},
             .species = "rat",
             .meaning = "relative decrease of intermediate toe spread 2-4 (ITF) with complete loss of the tibial "
                        "branch's control (its intrinsic foot muscles)",
             .source = "assumption, kept from the combined model (complete sciatic loss gives SFI = -100 with it; "
                       "Bain 1989 PMID 2909054, E45)",
             .calibration = "E45"});
}

}  // namespace

void register_walking_track(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "walking_track",
      .summary = "sciatic, tibial and peroneal functional indices (Bain 1989), the static index (Bervar 2000) and the "
                 "footprint factors PLF, TSF and ITF from the motor control of the two branches",
      .declare_parameters = declare,
      .create = [](const CompileContext& c) -> std::unique_ptr<Readout> { return std::make_unique<WalkingTrack>(c.parameters); },
      .observations = {"sciatic_functional_index", "sciatic_static_index", "tibial_functional_index", "peroneal_functional_index",
                       "print_length_factor", "toe_spread_factor", "intermediate_toe_factor"},
      .headline = {{130, "sciatic_functional_index"}}});
}

}  // namespace bungner
