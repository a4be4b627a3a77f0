#pragma once
// What `bungner check` does to an input file, as a library function: the command-line tool and
// the workbench (`bungner serve`, which checks the text being edited) report the same problems.
#include <string>
#include <vector>

#include "bungner/core/errors.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/scenario/scenario.hpp"

namespace bungner::validation {

enum class InputKind { scenario, study, validation_case, calibration };

/// What a TOML input holds, from its top-level keys: a validation case has `checks` and `study`, a
/// study `base` or `arms` (and no `species`), a calibration file (docs/calibration-abc.md) `[[fit]]`
/// entries or `particles` (and no `species`); anything else, and text that is no TOML, is taken for
/// a scenario (whose loader reports what is wrong with it).
InputKind input_kind_of_text(const std::string& text, const std::string& name);
/// The same for a file; a file that cannot be read is taken for a scenario.
InputKind input_kind(const std::string& file);
const char* input_kind_name(InputKind kind);

/// An input that passed the checks: its kind, a one-line summary for the user, and the warnings.
struct CheckedInput {
  InputKind kind = InputKind::scenario;
  std::string summary;  ///< e.g. "study: 3 arms, 24 subjects"
  std::vector<Diagnostic> warnings;
};

/// Checks a scenario, study, validation case or calibration file as `bungner check FILE` does:
/// every arm and readout of a study, a case's checks against the evidence base and its study, a
/// calibration's priors and fit entries (as `bungner calibrate` reads them), a scenario's schema
/// and the model it compiles to. Throws InputError (every problem found) or ModelError.
/// `overrides` (--set) apply to scenarios only.
CheckedInput check_input(const std::string& file, const std::vector<Override>& overrides, const Registry& registry);

/// The same for `text` standing for the file `name` (relative paths inside it are taken from
/// name's folder), without writing it anywhere. A validation case is read from its file, as only
/// files are loaded as cases: pass the case's saved text.
CheckedInput check_input_text(const std::string& text, const std::string& name, const Registry& registry);

}  // namespace bungner::validation
