#include "bungner/validation/check_input.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bungner/calibration/calibrate.hpp"
#include "bungner/model/model.hpp"
#include "bungner/study/study.hpp"
#include "bungner/validation/validation.hpp"

namespace bungner::validation {
namespace {

std::string read_whole_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CheckedInput checked_study(const study::StudySpec& spec) {
  std::size_t subjects = 0;
  for (const auto& arm : spec.arms) subjects += study::subjects_run(spec, arm);
  return {InputKind::study, fmt::format("study: {} arms, {} subjects", spec.arms.size(), subjects), {}};
}

/// The defaults of `bungner calibrate`: the validation cases and evidence base beside the data.
CheckedInput checked_calibration(const std::string& text, const std::string& name, const Registry& registry) {
  const std::filesystem::path data = data_directory();
  const calibration::CalibrationSpec spec = calibration::load_calibration_spec_text(
      text, name, registry, data.parent_path() / "validation", data / "evidence" / "evidence.csv");
  return {InputKind::calibration,
          fmt::format("calibration: {} parameter{}, {} fit entr{}, {} particles", spec.priors.size(),
                      spec.priors.size() == 1 ? "" : "s", spec.fit.size(), spec.fit.size() == 1 ? "y" : "ies",
                      spec.options.particles),
          {}};
}

CheckedInput checked_scenario(Scenario scenario, const Registry& registry) {
  // Compiling catches the combinations the schema cannot see, and the parameters of another
  // species that the model reads.
  return {InputKind::scenario, "scenario", Model::compile(std::move(scenario), registry)->warnings()};
}

}  // namespace

InputKind input_kind_of_text(const std::string& text, const std::string& name) {
  try {
    const toml::table t = toml::parse(text, name);
    if (t.contains("checks") && t.contains("study")) return InputKind::validation_case;
    if (!t.contains("species") && (t.contains("base") || t.contains("arms"))) return InputKind::study;
    if (!t.contains("species") && (t.contains("fit") || t.contains("particles"))) return InputKind::calibration;
  } catch (const std::exception&) {
    // Not TOML: the scenario loader says where.
  }
  return InputKind::scenario;
}

InputKind input_kind(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return InputKind::scenario;
  return input_kind_of_text(read_whole_file(file), file);
}

const char* input_kind_name(InputKind kind) {
  switch (kind) {
    case InputKind::study: return "study";
    case InputKind::validation_case: return "validation case";
    case InputKind::calibration: return "calibration";
    case InputKind::scenario: break;
  }
  return "scenario";
}

CheckedInput check_input(const std::string& file, const std::vector<Override>& overrides, const Registry& registry) {
  const InputKind kind = input_kind(file);
  if (kind != InputKind::scenario && !overrides.empty())
    throw InputError(SourceLocation{file, 0, 0}, "--set",
                     "--set overrides scenario keys; this file is a study, a validation case or a calibration");
  if (kind == InputKind::study) return checked_study(study::load_study(file, registry));
  if (kind == InputKind::calibration) return checked_calibration(read_whole_file(file), file, registry);
  if (kind == InputKind::validation_case) {
    // The case's checks against the evidence base, then the study it runs.
    const std::filesystem::path evidence = std::filesystem::path(data_directory()) / "evidence" / "evidence.csv";
    std::set<std::string> ids;
    for (const auto& r : load_evidence(evidence)) ids.insert(r.id);
    const Case c = load_case(file, ids);
    const study::StudySpec spec = study::load_study(c.study, registry);
    check_case_names(c, spec, study::study_observations(spec, registry));
    return {InputKind::validation_case,
            fmt::format("validation case: {} checks; study {} with {} arms", c.checks.size(), c.study, spec.arms.size()),
            {}};
  }
  return checked_scenario(load_scenario(file, registry, overrides), registry);
}

CheckedInput check_input_text(const std::string& text, const std::string& name, const Registry& registry) {
  switch (input_kind_of_text(text, name)) {
    case InputKind::study: return checked_study(study::load_study_text(text, name, registry));
    case InputKind::validation_case: return check_input(name, {}, registry);
    case InputKind::calibration: return checked_calibration(text, name, registry);
    case InputKind::scenario: break;
  }
  return checked_scenario(load_scenario_text(text, name, registry), registry);
}

}  // namespace bungner::validation
