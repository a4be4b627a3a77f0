// Cyclosporine A given systemically through the study (the immunosuppression of xenogeneic cell
// studies). It keeps transplanted cells from rejection: while it is given it signals
// host_immunosuppressed, which the cell_graft mechanism reads for every graft. It has an effect of its own on regeneration
// through a gap: fewer axons are lost in the bridge while it is given. The calcineurin/immunophilin mechanism behind the second
// effect is not resolved; its size is fitted to one study (McGrath 2018, E64).
// Both act with the onset and washout of the drug's pharmacokinetics (absorption, elimination,
// effect site), at the size of an immunosuppressive dose. Equations and sources: README.md.
#include <algorithm>

#include "../../signals.hpp"
#include "../pharmacokinetics.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class Cyclosporine final : public treatment::Therapy {
 public:
  Cyclosporine(const CompileContext& c, const toml::table& item)
      : course_(treatment::PkRates::declared(c.parameters, "cyclosporine"), schema::quantity(item, "dose", "mg/kg/day"),
                treatment::Window::of(item, c)),
        loss_factor_(c.parameters.get("cyclosporine.bridge_loss_factor")),
        minimal_dose_(c.parameters.in("cyclosporine.immunosuppressive_dose", "mg/kg/day")),
        threshold_(c.parameters.get("cyclosporine.immunosuppression_threshold")) {}

  std::string_view name() const override { return "cyclosporine"; }

  void declare_state(StateLayout& layout) override {
    loss_ = signals::bridge_loss_factor(layout);
    immunosuppressed_ = signals::host_immunosuppressed(layout);
    course_.declare(layout, "cyclosporine.pk");
  }

  // When the State is made: whether the host is immunosuppressed at the repair, for the forecast
  // of a conduit's cable that cell_graft makes then (signals are reset before the first tick).
  void initialize(const Model& m, State& state) const override {
    if (share(course_.at(m.repair_time_s)) >= threshold_) state.write(immunosuppressed_, 1.0);
  }

  void advance(const Model&, State& state, const Tick& tick) const override {
    const double s = share(course_.advance(state, tick));
    if (s <= 0) return;
    state.write(loss_, 1.0 - (1.0 - loss_factor_) * s);
    if (s >= threshold_) state.write(immunosuppressed_, 1.0);
  }

 private:
  // The exposure at the effect site as a share of the minimal immunosuppressive dose's [0, 1]:
  // full effects from that dose on, proportionally less below it (Bain 1988: 5 mg/kg/day was the
  // lowest dose that prevented rejection), so a small dose is no longer a full one.
  double share(double equivalent_daily_dose) const {
    return std::clamp(equivalent_daily_dose / minimal_dose_, 0.0, 1.0);  // minimal_dose_ > 0 (hard bound)
  }

  SignalHandle loss_, immunosuppressed_;
  treatment::Course course_;
  double loss_factor_;
  double minimal_dose_;
  double threshold_;
};

void declare(ParameterRegistry& r) {
  r.declare({.name = "cyclosporine.bridge_loss_factor",
             .unit = "1",
             .default_value = 0,
             .hard = {0, 1},
             .plausible = {0, 1},
             .species = "rat",
             .meaning = "factor on the share of axons lost crossing a gap repair while cyclosporine is given",
             .source = "assumption, fitted to E64 (McGrath AM et al. 2018: through a 10 mm fibrin conduit 67 % of "
                       "motoneurons regenerate with cyclosporine alone, 64 % with cyclosporine and human MSCs, 105 %; "
                       "the model's drug-alone arm gives 79 / 83 / 86 % of drug and cells at 0.4 / 0.2 / 0, so the "
                       "fit lands on the bound 0: no axon is lost in the bridge while the drug is given); direction: "
                       "immunophilin ligands promote "
                       "nerve regeneration (Gold BG, Mol Neurobiol 1997;15:285; not verified)",
             .calibration = "E64"});
  const std::string wagner =
      "'Apparent dose-dependent oral absorption of cyclosporin A in rats', Biopharm Drug Dispos 1984;5:141, "
      "doi:10.1002/bdd.2510050207";
  r.declare({.name = "cyclosporine.absorption_half_life",
             .unit = "h",
             .default_value = 1.5,
             .hard = {0.001, 100},
             .plausible = {0.25, 6},
             .species = "rat",
             .meaning = "half-time of absorption (first-order stand-in for the rat's 4-5 h of apparently zero-order "
                        "oral absorption)",
             .source = "assumption from " + wagner +
                       " (oral cyclosporin A in rats: absorption lasting 4-5 h after a 1-2 h lag; i.p. and "
                       "femoral-vein peaks are delayed like oral ones, Luke DR et al. Drug Metab Dispos 1990;18:158)"});
  r.declare({.name = "cyclosporine.elimination_half_life",
             .unit = "h",
             .default_value = 24,
             .hard = {0.1, 1000},
             .plausible = {10, 40},
             .species = "rat",
             .meaning = "terminal elimination half-life of cyclosporin A",
             .source = wagner + " (rats, oral and i.v.: t1/2 21-28 h, beta 0.030 /h)"});
  r.declare({.name = "cyclosporine.effect_half_life",
             .unit = "h",
             .default_value = 2,
             .hard = {0.001, 1000},
             .plausible = {0.25, 24},
             .species = "rat",
             .meaning = "half-time of equilibration of the effect (calcineurin inhibition in lymphocytes and "
                        "at the nerve) with blood (ln 2 / ke0)",
             .source = "assumption (no measurement found)"});
  r.declare({.name = "cyclosporine.immunosuppressive_dose",
             .unit = "mg/kg/day",
             .default_value = 5,
             .hard = {1e-3, 1000},
             .plausible = {2, 15},
             .species = "rat",
             .meaning = "lowest daily dose (at steady state, as the equivalent daily dose at the effect site) with the "
                        "full effects: immunosuppression and the bridge effect; lower exposures act proportionally",
             .source = "taken from Bain JR, Mackinnon SE, Hudson AR, Falk RE, Falk JA, Hunter DA. Plast Reconstr Surg "
                       "1988 (rat ACI to Lewis nerve allografts: 5 mg/kg/day was the minimal non-toxic dose that "
                       "abolished the mixed lymphocyte reaction at 10, 20 and 40 d and prevented rejection; abstract "
                       "read, route as in the study; E156) [no identifier on record: assumption]",
             .calibration = "E156"});
  r.declare({.name = "cyclosporine.immunosuppression_threshold",
             .unit = "1",
             .default_value = 0.9,
             .hard = {0, 1},
             .plausible = {0.5, 1},
             .species = "rat",
             .meaning = "share of the minimal immunosuppressive dose's exposure (cyclosporine.immunosuppressive_dose) from "
                        "which the host counts as immunosuppressed",
             .source = "assumption (0.9: a course of the minimal effective dose of Bain 1988 immunosuppresses once "
                       "built up to 90 % of its steady state, after 3.5 days; its exposure approaches the dose only "
                       "asymptotically)"});
}

}  // namespace

void register_cyclosporine(Registry& registry) {
  using schema::Field;
  using schema::Kind;
  Field item{.key = "cyclosporine",
             .kind = Kind::table,
             .doc =
                 "systemic cyclosporine A: immunosuppresses the host (cell grafts are not rejected) and reduces "
                 "the axons lost in a bridge"};
  item.children = {
      Field{.key = "dose",
            .kind = Kind::quantity,
            .doc = "daily dose; full effects from cyclosporine.immunosuppressive_dose (5 mg/kg/day) on, "
                   "proportionally less below it",
            .unit = "mg/kg/day",
            .default_text = "15 mg/kg/day",
            .hard = {0, 1000},
            .plausible = {1, 50}},
      treatment::start_field(),
      treatment::duration_field(),
  };
  registry.add(TherapyEntry{.name = "cyclosporine",
                            .summary = "cyclosporine A: no rejection of cell grafts; fewer axons lost in a bridge",
                            .declare_parameters = declare,
                            .schema = std::move(item),
                            .create = treatment::make<Cyclosporine>});
}

}  // namespace bungner
