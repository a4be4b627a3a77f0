#pragma once
// Error types. The library never exits: it throws these and the CLI maps them to exit codes
// (2 invalid input, 3 runtime failure).
#include <stdexcept>
#include <string>
#include <vector>

namespace bungner {

/// Where in an input a problem is: file, 1-based line and column, and the dotted key path.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One problem found in an input.
struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  SourceLocation where;
  std::string key;      ///< dotted key path, e.g. "injury.gap_length"
  std::string message;  ///< one sentence, no location
};

/// Formats a diagnostic as "file:line:col: error: key: message" followed by the offending line
/// of the file with a caret under the column (when the file can be read).
std::string format_diagnostic(const Diagnostic& diagnostic);

/// Invalid user input: a scenario, a preset, a command-line override. Carries every problem
/// found, so the user sees them all at once.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  InputError(SourceLocation where, std::string key, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A valid input that describes an impossible model (found while compiling the Model).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A failure while running: numerical trouble, I/O failure. Names what and where.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Exit codes of the command-line tool (documented in README and docs/cli.md).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 1;
inline constexpr int invalid_input = 2;
inline constexpr int runtime_failure = 3;
}  // namespace exit_code

}  // namespace bungner
