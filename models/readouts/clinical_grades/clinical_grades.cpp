// Clinical grades of human nerve injuries: British MRC motor grade M0-M5 of each muscle (from its
// force relative to the other side) and sensory grade S0-S4 of each skin territory (from its
// reinnervated fraction), and the advance of the Tinel sign (the front of regenerating sensory
// axons). Reported for species = "human" only. Mapping: README.md beside this file.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../../mechanisms/axon_regeneration/crush_severity.hpp"
#include "../../mechanisms/collateral_sprouting/collateral_sprouting.hpp"
#include "../../mechanisms/muscle_target/muscle_fibres.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class ClinicalGrades final : public Readout {
 public:
  explicit ClinicalGrades(const ParameterSet& p)
      : motor_{p.get("clinical_grades.motor_m1"), p.get("clinical_grades.motor_m2"), p.get("clinical_grades.motor_m3"),
               p.get("clinical_grades.motor_m4"), p.get("clinical_grades.motor_m5")},
        sensory_{p.get("clinical_grades.sensory_s1"), p.get("clinical_grades.sensory_s2"), p.get("clinical_grades.sensory_s3")},
        tinel_quantile_(p.get("clinical_grades.tinel_quantile")),
        normal_2pd_mm_(p.in("clinical_grades.normal_static_2pd", "mm")),
        unmeasurable_2pd_mm_(p.in("clinical_grades.unmeasurable_2pd", "mm")),
        moving_ratio_(p.get("clinical_grades.moving_2pd_ratio")),
        s3_plus_2pd_mm_(p.in("clinical_grades.s3_plus_2pd", "mm")),
        s4_2pd_mm_(p.in("clinical_grades.s4_2pd", "mm")),
        maturation_s_(p.in("clinical_grades.sensory_maturation_time_constant", "s")),
        fidelity_(p.get("clinical_grades.topographic_fidelity")),
        touch_response_(p.get("clinical_grades.touch_innervation_for_full_response")) {}
  std::string_view name() const override { return "clinical_grades"; }
  void declare_state(StateLayout& layout) override {
    fibres_ = muscle::fibres(layout);
    end_plates_ = crush_severity::end_plates(layout);
    territory_ = collateral::territory(layout);
  }

  /// Of a skin territory's own sensory axons (as a share of those supplying it): the matured
  /// reinnervated share M, and the density of matured units in their own place in the cortical
  /// map, rho (README.md, "Two-point discrimination and monofilaments").
  struct SkinDensity {
    double matured = 0;
    double mapped = 0;
  };
  SkinDensity skin_density(const Model& m, const State& state, std::size_t t, double now_s) const {
    // Until the denervation (at the start, unless a cross-suture delays it) the skin keeps its own
    // innervation, as muscle_target has it.
    if (now_s <= static_cast<double>(m.muscle_denervation_time_s)) return {1.0, 1.0};
    const NeuronPopulation& n = state.neurons;
    const bool all_kept = m.injury == InjuryType::conduction_block;
    // A crush keeps each axon's tube, so a regrown axon returns to its own place in the skin.
    const double fidelity = m.sunderland_grade >= 3 ? std::min(1.0, fidelity_) : 1.0;
    double matured = 0, mapped = 0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n.kind[i] != NeuronKind::sensory || n.target[i] != t || !n.alive[i] || n.connection[i] != Connection::connected)
        continue;
      if (all_kept || state.block(end_plates_)[i].kept > 0) {
        matured += 1;  // never disconnected: mature and in place
        mapped += 1;
        continue;
      }
      const double w = n.arrival_s[i] >= 0 ? 1.0 - std::exp(-(now_s - n.arrival_s[i]) / maturation_s_) : 0.0;
      matured += w;
      mapped += w * fidelity;
    }
    const double supplied = std::max<double>(1, m.targets()[t].own_axons());
    return {std::min(1.0, matured / supplied), std::min(1.0, mapped / supplied)};
  }

  /// Number of thresholds reached (thresholds ascending, in %).
  template <std::size_t N>
  static double grade(double percent, const double (&thresholds)[N]) {
    double g = 0;
    for (double t : thresholds) g += percent >= t ? 1 : 0;
    return g;
  }

  void observe(const Model& m, const State& state, std::vector<Observation>& out) const override {
    for (std::size_t t = 0; t < m.targets().size(); ++t) {
      const TargetSpec& spec = m.targets()[t];
      const TargetState& s = state.targets[t];
      if (spec.is_muscle)
        out.push_back({"mrc_motor_grade." + spec.name,
                       grade(100.0 * muscle::tetanic_force_ratio(s, state.block(fibres_)[t]), motor_), "M"});
      else {
        const SkinDensity d = skin_density(m, state, t, static_cast<double>(state.time_s));
        // Spacing law: discrimination distance ~ unit spacing ~ density^(-1/2); beyond the
        // calliper's limit the test reports "not measurable", given as that limit.
        const double static_2pd =
            d.mapped > 0 ? std::min(unmeasurable_2pd_mm_, normal_2pd_mm_ / std::sqrt(d.mapped)) : unmeasurable_2pd_mm_;
        double sensory_grade = grade(100.0 * s.innervation, sensory_);
        if (sensory_grade >= 3 && static_2pd <= s3_plus_2pd_mm_) sensory_grade = static_2pd <= s4_2pd_mm_ ? 4.0 : 3.5;
        out.push_back({"mrc_sensory_grade." + spec.name, sensory_grade, "S"});
        out.push_back({"static_2pd." + spec.name, static_2pd, "mm"});
        out.push_back({"moving_2pd." + spec.name, std::min(unmeasurable_2pd_mm_, moving_ratio_ * static_2pd), "mm"});
        // Touch threshold: the share of the site that matured own fibres or a neighbour's sprouts
        // innervate, log-linear in force between the normal and the largest filament.
        const double sprouted = state.block(territory_)[t].sprouted_share;
        const double response = std::min(1.0, (1.0 - (1.0 - d.matured) * (1.0 - sprouted)) / touch_response_);
        out.push_back({"monofilament_threshold." + spec.name,
                       normal_monofilament + (largest_monofilament - normal_monofilament) * (1.0 - response), "marking"});
      }
    }
    if (m.injury == InjuryType::conduction_block) return;  // no regeneration: no advancing Tinel sign
    // Tinel sign: tapping over the tips of regenerating sensory axons; its distal limit advances.
    const NeuronPopulation& n = state.neurons;
    std::vector<double> tips;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (n.kind[i] == NeuronKind::sensory && n.alive[i] &&
          (n.status[i] == AxonStatus::growing || n.status[i] == AxonStatus::arrived))
        tips.push_back(n.position_m[i]);
    double front = 0;
    if (!tips.empty()) {
      const auto k = static_cast<std::size_t>(std::floor(tinel_quantile_ * static_cast<double>(tips.size() - 1)));
      std::nth_element(tips.begin(), tips.begin() + static_cast<std::ptrdiff_t>(k), tips.end());
      front = tips[k];
    }
    out.push_back({"tinel_sign_distance", 1e3 * front, "mm"});
  }

 private:
  /// Semmes-Weinstein marking numbers, log10(10 x force in mg): the hand's upper normal (0.07 g)
  /// and the largest filament (300 g); North Coast Medical's table (PMC7873561).
  static constexpr double normal_monofilament = 2.83;
  static constexpr double largest_monofilament = 6.65;
  BlockHandle<muscle::Fibres> fibres_;
  BlockHandle<crush_severity::EndPlates> end_plates_;
  BlockHandle<collateral::Territory> territory_;
  double motor_[5];
  double sensory_[3];
  double tinel_quantile_;
  double normal_2pd_mm_;
  double unmeasurable_2pd_mm_;
  double moving_ratio_;
  double s3_plus_2pd_mm_;
  double s4_2pd_mm_;
  double maturation_s_;
  double fidelity_;
  double touch_response_;
};

void declare(ParameterRegistry& r) {
  const std::string motor_source =
      "assumption (observation model: MRC grades are ordinal; force fractions after Medical Research Council, "
      "Aids to the investigation of peripheral nerve injuries, 1943/1976)";
  const std::string sensory_source = "assumption (observation model of the MRC sensory scale S0-S4)";
  const struct {
    const char* name;
    double value;
    const char* meaning;
    const std::string& source;
  } thresholds[] = {
      {"motor_m1", 1, "force (% of contralateral) for M1: flicker of contraction", motor_source},
      {"motor_m2", 5, "force for M2: movement with gravity eliminated", motor_source},
      {"motor_m3", 15, "force for M3: movement against gravity", motor_source},
      {"motor_m4", 40, "force for M4: movement against some resistance", motor_source},
      {"motor_m5", 80, "force for M5: normal power", motor_source},
      {"sensory_s1", 1, "reinnervated fraction of a skin territory (%) for S1: deep cutaneous pain", sensory_source},
      {"sensory_s2", 10, "reinnervated fraction for S2: some superficial pain and touch", sensory_source},
      {"sensory_s3", 30, "reinnervated fraction for S3: pain and touch without over-response", sensory_source}};
  for (const auto& g : thresholds)
    r.declare({.name = std::string("clinical_grades.") + g.name,
               .unit = "%",
               .default_value = g.value,
               .hard = {0, 100},
               .plausible = {0, 100},
               .species = "human",
               .meaning = g.meaning,
               .source = g.source,
               .numerical = true});
  const auto human = [&r](ParameterSpec spec) {
    spec.species = "human";
    r.declare(std::move(spec));
  };
  human({.name = "clinical_grades.normal_static_2pd",
         .unit = "mm",
         .default_value = 3.0,
         .hard = {0.5, 20},
         .plausible = {2, 5},
         .meaning = "static two-point discrimination of a normal adult fingertip",
         .source = "assumption-grade: 2.6 mm mean in young adults (Nolan 1982, read in a secondary source), larger "
                   "with age (4.4 mm on the uninjured side in a digital-repair series, doi:10.1177/1753193415578986); "
                   "docs/plans/human-sensory-evidence.md 1a"});
  human({.name = "clinical_grades.unmeasurable_2pd",
         .unit = "mm",
         .default_value = 20,
         .hard = {5, 100},
         .plausible = {15, 25},
         .meaning = "two-point distance beyond which the test reports no discrimination (reported as this value)",
         .source = "assumption (calliper limit of the clinical test; S3+ ends at 15 mm)"});
  human({.name = "clinical_grades.moving_2pd_ratio",
         .unit = "1",
         .default_value = 0.84,
         .hard = {0.1, 2},
         .plausible = {0.6, 1},
         .meaning = "moving over static two-point discrimination",
         .source = "assumption-grade: 9.2 / 11.0 mm after digital grafts (J Jpn Soc Reconstr Microsurg 31(4), "
                   "J-STAGE abstract); moving below static in normal hands (Louis 1984, doi:10.1016/S0363-5023(84)80136-7 "
                   "from memory)"});
  human({.name = "clinical_grades.s3_plus_2pd",
         .unit = "mm",
         .default_value = 15,
         .hard = {1, 50},
         .plausible = {12, 15},
         .meaning = "largest static 2PD of grade S3+ (with S3's pain and touch)",
         .source = "assumption-grade: modified Highet scale of Mackinnon & Dellon 1988 (S3+ 7-15 mm), cut-offs "
                   "from memory, unverified"});
  human({.name = "clinical_grades.s4_2pd",
         .unit = "mm",
         .default_value = 6,
         .hard = {1, 50},
         .plausible = {5, 7},
         .meaning = "largest static 2PD of grade S4 (complete recovery)",
         .source = "assumption-grade: modified Highet scale of Mackinnon & Dellon 1988 (S4 2-6 mm), cut-offs "
                   "from memory, unverified"});
  human({.name = "clinical_grades.sensory_maturation_time_constant",
         .unit = "d",
         .default_value = 150,
         .hard = {1, 5000},
         .plausible = {60, 400},
         .meaning = "time constant with which a reconnected sensory fibre matures (receptor, myelin, calibre) until "
                    "it counts fully for discrimination and touch",
         .source = "assumption-grade: sensory recovery after median and ulnar suture is greatest about 15 months "
                   "after repair (Ballantyne & Campbell, JNNP 1973;36:797, doi:10.1136/jnnp.36.5.797), about 2.5 time "
                   "constants after the first fibres reach the hand; the motor maturation of the human presets"});
  r.declare_varying(
      {.name = "clinical_grades.topographic_fidelity",
       .unit = "1",
       .default_value = 0.2,
       .hard = {1e-4, 10},
       .plausible = {0.03, 0.6},
       .species = "human",
       .meaning = "share of a territory's reconnected own fibres that also reach their own place in it and in the "
                  "cortical map, after a lesion that disrupted the tubes (grade III and up); sets two-point "
                  "discrimination with the matured density (capped at 1)",
       .source = "assumption-grade, fitted to E187 (median and ulnar forearm suture, 31 % of median nerves at S3+ "
                 "at 80 months, doi:10.1016/0266-7681(93)90247-d; scan 0.12 / 0.2 / 0.3 -> 17.5 / 32.5 / 35 %); "
                 "the human digital preset fits its own to E185",
       .calibration = "E187"},
      {.cv = 0.5,
       .plausible = {0.3, 1.5},
       .species = "human",
       .source = "assumption-grade, fitted to E186 (64 digital repairs at 24 months: 14 % normal 2PD, 71 % at 15 mm "
                 "or less, doi:10.3109/17453679509157166): 0.5 gives 25 % and 67.5 %, 0.7 gives 30 % (scan in the "
                 "clinical_grades README)",
       .calibration = "E186"});
  human({.name = "clinical_grades.touch_innervation_for_full_response",
         .unit = "1",
         .default_value = 0.3,
         .hard = {0.01, 1},
         .plausible = {0.1, 0.6},
         .meaning = "share of a fingertip innervated (matured own fibres or a neighbour's sprouts) at which the "
                    "normal monofilament is felt; below it the threshold rises log-linearly to the largest",
         .source = "assumption-grade, taken from E185 (93 digital repairs: monofilaments near normal, 2.7, while "
                   "2PD stays 2.4 times normal; doi:10.1177/1753193415578986): touch needs far fewer fibres than "
                   "discrimination",
         .calibration = "E185"});
  r.declare({.name = "clinical_grades.tinel_quantile",
             .unit = "1",
             .default_value = 0.9,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "human",
             .meaning = "quantile of regenerating sensory tip positions at which the Tinel sign is elicited",
             .source = "assumption (the sign is felt over the most advanced sensory sprouts)",
             .numerical = true});
}

}  // namespace

void register_clinical_grades(Registry& registry) {
  registry.add(ReadoutEntry{.name = "clinical_grades",
                            .summary = "MRC motor M0-M5 and sensory S0-S4 grades and the Tinel sign (humans)",
                            .declare_parameters = declare,
                            .create = [](const CompileContext& c) -> std::unique_ptr<Readout> {
                              if (c.spec.species != "human") return nullptr;
                              return std::make_unique<ClinicalGrades>(c.parameters);
                            },
                            .observations = {"mrc_motor_grade.*", "mrc_sensory_grade.*", "static_2pd.*", "moving_2pd.*",
                                             "monofilament_threshold.*", "tinel_sign_distance"},
                            .headline = {{140, "mrc_motor_grade."}, {150, "mrc_sensory_grade."}, {160, "tinel_sign_distance"}}});
}

}  // namespace bungner
