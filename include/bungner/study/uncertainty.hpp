#pragma once
// Parameter uncertainty in studies (docs/uncertainty.md): besides the variability between
// subjects, the model's parameters themselves are uncertain. An uncertainty source is a posterior
// of `bungner calibrate` (weighted particles) and/or priors over named parameters; a study draws
// N parameter sets from it and runs each arm's subjects once per set, so that each arm's
// summary carries a predictive interval next to its mean, SD and CI.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "bungner/calibration/abc_smc.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/model/registry.hpp"

namespace bungner::study {

/// A weighted sample of parameter sets: the posterior.csv of `bungner calibrate`.
struct Posterior {
  std::string path;
  std::vector<std::string> names;              ///< its parameters, in its column order
  std::vector<double> weights;                 ///< normalised to sum 1
  std::vector<std::vector<double>> particles;  ///< [particle][parameter], declared units
};

/// Where the parameter sets come from and the sets drawn. Parameters named by a posterior come
/// from it (the posteriors of separate calibrations drawn independently), the others from their
/// priors; draw k of every study that shares this source (the cases of a validation) is the same
/// parameter set.
struct Uncertainty {
  std::size_t draws = 0;  ///< parameter sets; 0: no parameter uncertainty
  std::uint64_t seed = 1;
  std::vector<Posterior> posteriors;
  std::vector<calibration::Prior> priors;  ///< parameters drawn from a prior
  std::vector<std::string> names, units;   ///< every uncertain parameter: the posteriors', then the priors'
  std::vector<std::vector<double>> sets;   ///< [draw][parameter], in declared units
  std::string sha256;                      ///< of the source (the table's text, the posterior files)

  bool enabled() const { return draws > 0 && !names.empty(); }
  /// (Re)draws `n` parameter sets: set k from its own stream keyed by (seed, k); a posterior
  /// particle is picked with probability its weight, prior parameters by inverse transform.
  void draw(std::size_t n);
};

/// Reads an `[uncertainty]` table (keys draws, seed, posterior = a file or a list of files,
/// parameters = [[...]] as in a calibration file). Paths are relative to `file`'s folder. Problems are appended at
/// file:line:column under `prefix` ("uncertainty.").
Uncertainty read_uncertainty(const toml::table& table, const std::string& file, const std::string& prefix,
                             const Registry& registry, std::uint64_t default_seed, std::vector<Diagnostic>& problems);

/// Reads a posterior CSV of `bungner calibrate` (particle,weight,distance,<parameters>...) and adds
/// it to `u`. Problems (unknown parameters or one another posterior names, bad numbers, no positive
/// weight) are appended.
void read_posterior(const std::filesystem::path& csv, const Registry& registry, Uncertainty& u,
                    std::vector<Diagnostic>& problems);

/// An uncertainty source given on the command line: a TOML file with an `[uncertainty]` table or a
/// posterior CSV. `draws` > 0 replaces the file's number of draws. Throws InputError.
Uncertainty load_uncertainty(const std::filesystem::path& path, const Registry& registry, std::size_t draws,
                             std::uint64_t default_seed);

/// The draw a subject of an arm with `subjects_per_draw` subjects per parameter set belongs to.
inline std::size_t draw_of_subject(std::size_t subject, std::size_t subjects_per_draw) {
  return subjects_per_draw == 0 ? 0 : subject / subjects_per_draw;
}

}  // namespace bungner::study
