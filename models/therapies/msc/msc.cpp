// Mesenchymal stem-cell therapy, the delivery: adipose (AD), bone-marrow (BM) or umbilical-cord
// (UC, Wharton's jelly) MSCs, undifferentiated or differentiated into Schwann-like cells, in
// monolayer or spheroid culture, given at the repair site (seeded on a graft, in a conduit lumen,
// injected into the stumps) or intravenously. This item decides what is given, where, when and
// how many reach the site, and hands the graft to the cell_graft mechanism through the block
// cell_graft.deliveries (models/mechanisms/cell_graft/cell_graft.hpp); what becomes of the cells
// (survival, rejection, phenotype, release and its effects) is that mechanism's.
// Equations and sources: README.md beside this file.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../../mechanisms/cell_graft/cell_graft.hpp"
#include "../treatment_window.hpp"
#include "bungner/core/text.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

/// Index of `name` in `names` (the schema has checked that it is one of them).
template <std::size_t N>
double index_of(const std::array<const char*, N>& names, const std::string& name) {
  for (std::size_t k = 0; k < N; ++k)
    if (name == names[k]) return static_cast<double>(k);
  return 0.0;
}

class MscTherapy final : public treatment::Therapy {
 public:
  MscTherapy(const CompileContext& c, const toml::table& item) {
    const ParameterSet& p = c.parameters;
    GraftDelivery& d = delivery_;
    d.source = index_of(graft_sources, schema::string(item, "source"));
    const bool spheroid = schema::string(item, "culture") == "spheroid";
    d.spheroid = spheroid ? 1.0 : 0.0;
    const bool differentiated = schema::string(item, "state") == "differentiated";
    d.differentiated = differentiated ? 1.0 : 0.0;
    const std::string route = schema::string(item, "route");
    const std::string vehicle = schema::string(item, "vehicle");
    const bool scaffold = vehicle != "saline";
    d.scaffold = scaffold ? 1.0 : 0.0;
    double retained = 1.0;
    if (route == "graft_surface") {
      retained = p.get(differentiated ? "msc.graft_attachment_differentiated" : "msc.graft_attachment_undifferentiated");
      d.placement = static_cast<double>(GraftPlacement::graft_surface);
    } else if (route == "conduit_lumen") {
      retained = p.get(scaffold ? "msc.lumen_retention_scaffold" : "msc.lumen_retention_suspension");
      d.placement = static_cast<double>(GraftPlacement::conduit_lumen);
    } else if (route == "stump_injection") {
      retained = p.get("msc.injection_retention");
      d.placement = static_cast<double>(GraftPlacement::stump_injection);
    } else {
      retained = p.get("msc.intravenous_homing");
      d.placement = static_cast<double>(GraftPlacement::intravenous);
    }
    d.cells = schema::quantity(item, "dose", "cells") * retained;
    // Cells at the cut faces act on the bridge less than cells inside it.
    d.bridge_reach = route == "stump_injection" ? p.get("msc.injection_bridge_reach") : 1.0;

    const std::string donor = schema::string(item, "donor");
    d.donor = static_cast<double>(donor == "allogeneic"   ? GraftDonor::allogeneic
                                  : donor == "xenogeneic" ? GraftDonor::xenogeneic
                                                          : GraftDonor::autologous);
    // The item's own key: the host is immunosuppressed throughout. A cyclosporine course of the
    // scenario reaches the graft through the signal host_immunosuppressed instead.
    d.immunosuppressed = item["immunosuppression"].value_or(false) ? 1.0 : 0.0;

    std::vector<std::string> off;
    if (const toml::array* a = item["ablate"].as_array())
      for (const auto& v : *a) off.push_back(v.value_or(std::string{}));
    unsigned long long ablated = 0;
    for (std::size_t k = 0; k < graft_mechanisms.size(); ++k)
      if (std::find(off.begin(), off.end(), graft_mechanisms[k]) != off.end()) ablated |= 1ULL << k;
    d.ablated = static_cast<double>(ablated);

    d.preparation_days = p.in("msc.expansion_time", "d") + (differentiated ? p.in("msc.differentiation_time", "d") : 0.0) +
                         (spheroid ? p.in("msc.spheroid_time", "d") : 0.0);

    const double repair_s = static_cast<double>(c.spec.repair_time_s);
    d.given_s = static_cast<double>(round_to_tick(repair_s + schema::quantity(item, "after_repair", "s"), seconds_per_hour));
  }

  std::string_view name() const override { return "msc"; }

  void declare_state(StateLayout& layout) override { slot_ = add_graft(layout); }

  // The delivery is decided before the run: the record is written once, when the State is made.
  void initialize(const Model&, State& state) const override { state.block(slot_.deliveries)[slot_.index] = delivery_; }

  void advance(const Model&, State&, const Tick&) const override {}

 private:
  GraftSlot slot_;          ///< this item's graft (the order of the cell-therapy items)
  GraftDelivery delivery_;  ///< what this item gives
};

void declare(ParameterRegistry& r) {
  const std::string mathot2020 = "Mathot F et al. JPRAS 2020;73:81 [no identifier on record: assumption]";
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
      const std::vector<std::string> known(graft_mechanisms.begin(), graft_mechanisms.end());
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
            .choices = {graft_sources.begin(), graft_sources.end()}},
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
                            .check = check});
}

}  // namespace bungner
