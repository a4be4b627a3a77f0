#include "bungner/core/errors.hpp"

#include <fmt/format.h>

#include <fstream>

namespace bungner {
namespace {

std::string summary(const std::vector<Diagnostic>& diagnostics) {
  std::size_t errors = 0;
  for (const auto& d : diagnostics) errors += d.severity == Diagnostic::Severity::error ? 1 : 0;
  if (diagnostics.empty()) return "invalid input";
  if (errors <= 1) return format_diagnostic(diagnostics.front());
  return fmt::format("{} errors in input; first: {}", errors, format_diagnostic(diagnostics.front()));
}

std::string source_line(const std::string& file, int line) {
  if (file.empty() || line <= 0) return {};
  std::ifstream in(file);
  std::string text;
  for (int i = 1; i <= line && std::getline(in, text); ++i) {
    if (i == line) return text;
  }
  return {};
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d) {
  const char* severity = d.severity == Diagnostic::Severity::error ? "error" : "warning";
  std::string where = d.where.file.empty() ? std::string("<input>") : d.where.file;
  if (d.where.line > 0) where += fmt::format(":{}:{}", d.where.line, d.where.column);
  std::string out = d.key.empty() ? fmt::format("{}: {}: {}", where, severity, d.message)
                                  : fmt::format("{}: {}: {}: {}", where, severity, d.key, d.message);
  // Quote the offending line with a caret, as compilers (and Cantera) do.
  const std::string line = source_line(d.where.file, d.where.line);
  if (!line.empty()) {
    const std::string gutter = fmt::format("{:>5} | ", d.where.line);
    out += "\n" + gutter + line + "\n" + std::string(gutter.size() - 2, ' ') + "| " +
           std::string(static_cast<std::size_t>(std::max(0, d.where.column - 1)), ' ') + "^";
  }
  return out;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(summary(diagnostics)), diagnostics_(std::move(diagnostics)) {}

InputError::InputError(SourceLocation where, std::string key, std::string message)
    : InputError(std::vector<Diagnostic>{
          Diagnostic{Diagnostic::Severity::error, std::move(where), std::move(key), std::move(message)}}) {}

}  // namespace bungner
