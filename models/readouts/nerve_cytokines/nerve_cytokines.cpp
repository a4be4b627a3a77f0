// The injured nerve's cytokines as an ELISA of a nerve homogenate sees them: TNF-alpha, IL-1beta
// and IL-10 protein relative to the uninjured nerve (1 = baseline). Observes the cytokines mechanism's block.
#include "../../mechanisms/cytokines/nerve_cytokines.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner {
namespace {

class NerveCytokinesReadout final : public Readout {
 public:
  std::string_view name() const override { return "nerve_cytokines"; }
  void declare_state(StateLayout& layout) override { nerve_ = nerve_cytokines(layout); }

  void observe(const Model&, const State& state, std::vector<Observation>& out) const override {
    const NerveCytokines& c = state.scalar(nerve_);
    out.push_back({"tnf_alpha_ratio", c.tnf_alpha, "1"});
    out.push_back({"il1_beta_ratio", c.il1_beta, "1"});
    out.push_back({"il10_ratio", c.il10, "1"});
    out.push_back({"nerve_m2_share", 100.0 * c.m2_share, "%"});
  }

 private:
  BlockHandle<NerveCytokines> nerve_;
};

}  // namespace

void register_nerve_cytokines(Registry& registry) {
  registry.add(ReadoutEntry{
      .name = "nerve_cytokines",
      .summary = "TNF-alpha, IL-1beta and IL-10 of the injured nerve relative to the uninjured "
                 "nerve, and the M2 share of its recruited macrophages",
      .declare_parameters = nullptr,
      .create = [](const CompileContext&) -> std::unique_ptr<Readout> { return std::make_unique<NerveCytokinesReadout>(); },
      .observations = {"tnf_alpha_ratio", "il1_beta_ratio", "il10_ratio", "nerve_m2_share"}});
}

}  // namespace bungner
