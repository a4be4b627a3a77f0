// Cyclosporine A given systemically through the study (the immunosuppression of xenogeneic cell
// studies). It keeps transplanted cells from rejection: while it is given it signals
// host_immunosuppressed, which the cell_graft mechanism reads for every graft. It has an effect of its own on regeneration
// through a gap: fewer axons are lost in the bridge while it is given. The calcineurin/immunophilin mechanism behind the second
// effect is not resolved; its size is fitted to one study (McGrath 2018, E64).
// Equations and sources: README.md beside this file.
#include "../../signals.hpp"
#include "../treatment_window.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class Cyclosporine final : public treatment::Therapy {
 public:
  Cyclosporine(const CompileContext& c, const toml::table& item)
      : window_(treatment::Window::of(item, c)), loss_factor_(c.parameters.get("cyclosporine.bridge_loss_factor")) {}

  std::string_view name() const override { return "cyclosporine"; }

  void declare_state(StateLayout& layout) override {
    loss_ = signals::bridge_loss_factor(layout);
    immunosuppressed_ = signals::host_immunosuppressed(layout);
  }

  // When the State is made: whether the host is immunosuppressed at the repair, for the forecast
  // of a conduit's cable that cell_graft makes then (signals are reset before the first tick).
  void initialize(const Model& m, State& state) const override {
    if (window_.covers(m.repair_time_s)) state.write(immunosuppressed_, 1.0);
  }

  void advance(const Model&, State& state, const Tick& tick) const override {
    if (!window_.covers(tick.time_s)) return;
    state.write(loss_, loss_factor_);
    state.write(immunosuppressed_, 1.0);
  }

 private:
  SignalHandle loss_, immunosuppressed_;
  treatment::Window window_;
  double loss_factor_;
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
            .doc = "daily dose (recorded; the effects are those of an "
                   "immunosuppressive dose)",
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
