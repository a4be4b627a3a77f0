// A check's simulated values from a finished study: what the scorecard (validate) summarises and
// what calibration measures its distance on, computed in this one place.
#include <cmath>
#include <map>
#include <utility>

#include "bungner/validation/validation.hpp"

namespace bungner::validation {
namespace {

std::size_t arm_index(const Case& c, const study::StudySpec& spec, const std::string& name, const std::string& key) {
  if (name.empty()) return 0;
  for (std::size_t a = 0; a < spec.arms.size(); ++a)
    if (spec.arms[a].name == name) return a;
  throw InputError(SourceLocation{c.path, 0, 0}, key, "no arm '" + name + "' in " + c.study);
}

/// Per-subject statistic of one arm, times the check's scale (loss applied to every sample).
std::vector<double> arm_statistic(const Case& c, const study::StudyResult& result, const Check& k, std::size_t arm) {
  std::map<std::size_t, std::pair<std::vector<double>, std::vector<double>>> per_subject;
  bool readout_seen = false;
  for (const auto& row : result.rows) {
    if (row.arm != arm || row.readout != k.readout) continue;
    readout_seen = true;
    const double v = k.transform == Transform::loss ? 100 - row.value : row.value;
    const bool at_time = k.statistic == Statistic::mean || k.statistic == Statistic::share_at_least;
    const bool in = at_time ? std::abs(row.time_days - k.time_days) < 1e-6
                            : row.time_days >= k.from_days - 1e-6 && row.time_days <= k.to_days + 1e-6;
    if (in) per_subject[row.subject].first.push_back(row.time_days), per_subject[row.subject].second.push_back(v);
  }
  if (!readout_seen)
    throw InputError(SourceLocation{c.path, 0, 0}, "readout", "the study reports no readout '" + k.readout + "'");
  std::vector<double> values;
  for (const auto& [subject, xy] : per_subject)
    if (const std::optional<double> v = subject_statistic(k, xy.first, xy.second)) values.push_back(k.scale * *v);
  return values;
}

}  // namespace

std::vector<double> check_values(const Case& c, const study::StudySpec& spec, const study::StudyResult& result, const Check& k,
                                 Summary* other) {
  const bool ordering = k.criterion == Criterion::greater_than || k.criterion == Criterion::less_than;
  Summary other_summary;
  if (!k.other_arm.empty()) {
    Check at_other = k;
    at_other.time_days = k.other_time_days.value_or(k.time_days);
    other_summary = summarise(arm_statistic(c, result, at_other, arm_index(c, spec, k.other_arm, "other_arm")));
  }
  std::vector<double> values = arm_statistic(c, result, k, arm_index(c, spec, k.arm, "arm"));
  if (!ordering && !k.other_arm.empty()) {
    if (k.transform == Transform::time_constant) {
      const double delay = k.time_days - k.other_time_days.value_or(k.time_days);
      for (double& v : values) v = decline_time_constant(v, other_summary.mean, delay, k.floor);
    } else {
      for (double& v : values) v = relate(k.transform, v, other_summary.mean);
    }
  }
  if (other != nullptr) *other = other_summary;
  return values;
}

}  // namespace bungner::validation
