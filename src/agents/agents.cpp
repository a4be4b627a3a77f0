#include "bungner/agents/agents.hpp"

#include <algorithm>
#include <stdexcept>

namespace bungner::agents {

std::size_t CellKind::variable(std::string_view wanted) const {
  const auto it = std::find(variables.begin(), variables.end(), wanted);
  if (it == variables.end())
    throw std::out_of_range("agents: cell kind '" + name + "' has no variable '" + std::string(wanted) + "'");
  return static_cast<std::size_t>(it - variables.begin());
}

Agents::Agents(std::vector<CellKind> kinds) : kinds_(std::move(kinds)) {
  if (kinds_.empty() || kinds_.size() > 255) throw std::invalid_argument("agents: need 1 to 255 kinds");
  std::size_t columns = 0;
  for (const CellKind& k : kinds_) columns = std::max(columns, k.variables.size());
  variables.resize(columns);
}

std::size_t Agents::add(std::uint8_t k, std::array<double, 3> p) {
  if (k >= kinds_.size()) throw std::out_of_range("agents: unknown kind");
  id.push_back(next_id++);
  kind.push_back(k);
  x.push_back(p[0]);
  y.push_back(p[1]);
  z.push_back(p[2]);
  for (auto* c : {&mx, &my, &mz}) c->push_back(0.0);
  for (auto& v : variables) v.push_back(0.0);
  return id.size() - 1;
}

std::uint8_t Agents::kind_index(std::string_view name) const {
  for (std::size_t k = 0; k < kinds_.size(); ++k)
    if (kinds_[k].name == name) return static_cast<std::uint8_t>(k);
  throw std::out_of_range("agents: no cell kind '" + std::string(name) + "'");
}

std::size_t Agents::find(std::uint64_t agent_id) const {
  return static_cast<std::size_t>(std::find(id.begin(), id.end(), agent_id) - id.begin());
}

double Agents::bytes_per_agent() const {
  return static_cast<double>(sizeof(std::uint64_t) + sizeof(std::uint8_t) + 6 * sizeof(double) +
                             variables.size() * sizeof(double));
}

void Agents::remove_flagged(const std::vector<std::uint8_t>& dead) {
  std::vector<std::uint32_t> keep;
  keep.reserve(size());
  for (std::size_t i = 0; i < size(); ++i)
    if (!dead[i]) keep.push_back(static_cast<std::uint32_t>(i));
  const auto compact = [&](auto& column) {
    for (std::size_t i = 0; i < keep.size(); ++i) column[i] = column[keep[i]];
    column.resize(keep.size());
  };
  compact(id);
  compact(kind);
  for (auto* c : {&x, &y, &z, &mx, &my, &mz}) compact(*c);
  for (auto& v : variables) compact(v);
}

}  // namespace bungner::agents
