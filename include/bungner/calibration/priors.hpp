#pragma once
// Priors over model parameters as calibration and uncertainty files give them: one table per
// parameter (`name`, `prior`, `low`, `high`, `mean`, `sd`, `median`, `sigma`), quantities with
// units converted to the parameter's declared unit, bounds defaulting to its plausible range.
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/model/registry.hpp"

namespace bungner::calibration {

/// A prior and the declared unit its numbers are in.
struct ParameterPrior {
  Prior prior;
  std::string unit;
};

/// Reads one parameter's table. Problems (an unknown key or parameter with a suggestion, a prior
/// without the numbers it needs, bounds that do not make a usable prior) are appended to
/// `problems` at file:line:column under `prefix` ("parameters.0."); none is returned then.
std::optional<ParameterPrior> read_prior(const toml::table& table, const std::string& file, const std::string& prefix,
                                         const Registry& registry, std::vector<Diagnostic>& problems);

}  // namespace bungner::calibration
