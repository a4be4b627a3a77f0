#include "bungner/agents/agents.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "bungner/core/parallel.hpp"

namespace bungner::agents {
namespace {

constexpr std::uint64_t purpose_motility = purpose_id("agents.motility");
constexpr std::uint64_t purpose_life = purpose_id("agents.life_cycle");
constexpr std::uint64_t purpose_division = purpose_id("agents.division");

/// A uniformly distributed unit vector (Marsaglia 1972, from two uniforms).
std::array<double, 3> random_direction(RandomStream& r) {
  const double z = 2 * r.uniform() - 1;
  const double phi = 2 * 3.14159265358979323846 * r.uniform();
  const double s = std::sqrt(std::max(0.0, 1 - z * z));
  return {s * std::cos(phi), s * std::sin(phi), z};
}

void normalise(std::array<double, 3>& v) {
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 0)
    for (double& c : v) c /= n;
}

}  // namespace

double interaction_range(const std::vector<CellKind>& kinds) {
  double range = 0;
  for (const auto& k : kinds) range = std::max(range, 2 * std::max(1.0, k.relative_max_adhesion_distance) * k.radius_um);
  return range;
}

Agents::Agents(std::vector<CellKind> kinds, std::vector<StateVariable> variable_specs)
    : variables(variable_specs.size()), kinds_(std::move(kinds)), variable_specs_(std::move(variable_specs)) {
  if (kinds_.empty() || kinds_.size() > 255) throw std::invalid_argument("agents: need 1 to 255 kinds");
}

std::size_t Agents::add(std::uint8_t k, std::array<double, 3> p) {
  if (k >= kinds_.size()) throw std::out_of_range("agents: unknown kind");
  id.push_back(next_id++);
  kind.push_back(k);
  x.push_back(p[0]);
  y.push_back(p[1]);
  z.push_back(p[2]);
  for (auto* c : {&vx, &vy, &vz, &px, &py, &pz, &mx, &my, &mz, &cleared}) c->push_back(0.0);
  engulfed.push_back(0);
  radius.push_back(kinds_[k].radius_um);
  for (auto& v : variables) v.push_back(0.0);
  return id.size() - 1;
}

std::size_t Agents::find(std::uint64_t agent_id) const {
  return static_cast<std::size_t>(std::find(id.begin(), id.end(), agent_id) - id.begin());
}

double Agents::bytes_per_agent() const {
  return static_cast<double>(sizeof(std::uint64_t) + sizeof(std::uint8_t) + 15 * sizeof(double) + sizeof(std::uint32_t) +
                             variables.size() * sizeof(double));
}

void Agents::permute(const std::vector<std::uint32_t>& order) {
  const auto apply = [&](auto& column) {
    auto copy = column;
    for (std::size_t i = 0; i < order.size(); ++i) column[i] = copy[order[i]];
  };
  apply(id);
  apply(kind);
  apply(engulfed);
  for (auto* c : {&x, &y, &z, &vx, &vy, &vz, &px, &py, &pz, &mx, &my, &mz, &radius, &cleared}) apply(*c);
  for (auto& v : variables) apply(v);
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
  compact(engulfed);
  for (auto* c : {&x, &y, &z, &vx, &vy, &vz, &px, &py, &pz, &mx, &my, &mz, &radius, &cleared}) compact(*c);
  for (auto& v : variables) compact(v);
}

void NeighbourGrid::build(const Agents& a, double voxel) {
  voxel_um = voxel;
  const std::size_t count = a.size();
  if (count == 0) {
    start.assign(2, 0);
    agents.clear();
    voxel_of.clear();
    n = {1, 1, 1};
    return;
  }
  // Bounding box: min and max are exact in any order, so a parallel reduction is deterministic.
  double lx = a.x[0], ly = a.y[0], lz = a.z[0], hx = lx, hy = ly, hz = lz;
  const bool threaded = count >= 4096;
#pragma omp parallel for schedule(static) if (threaded) reduction(min : lx, ly, lz) reduction(max : hx, hy, hz)
  for (std::size_t i = 0; i < count; ++i) {
    lx = std::min(lx, a.x[i]);
    ly = std::min(ly, a.y[i]);
    lz = std::min(lz, a.z[i]);
    hx = std::max(hx, a.x[i]);
    hy = std::max(hy, a.y[i]);
    hz = std::max(hz, a.z[i]);
  }
  const std::array<double, 3> low{lx, ly, lz}, high{hx, hy, hz};
  for (int d = 0; d < 3; ++d) {
    // At least one empty layer of voxels around the agents, so the 27-voxel stencil never leaves
    // the grid; half a voxel more so that rounding cannot put the lowest agent in layer 0.
    origin[d] = low[d] - 1.5 * voxel;
    n[d] = static_cast<int>((high[d] - origin[d]) / voxel) + 2;
  }
  const std::size_t voxels = static_cast<std::size_t>(n[0]) * n[1] * n[2];
  start.assign(voxels + 1, 0);
  voxel_of.resize(count);
#pragma omp parallel for schedule(static) if (threaded)
  for (std::size_t i = 0; i < count; ++i) {
    const auto ci = static_cast<int>((a.x[i] - origin[0]) / voxel);
    const auto cj = static_cast<int>((a.y[i] - origin[1]) / voxel);
    const auto ck = static_cast<int>((a.z[i] - origin[2]) / voxel);
    voxel_of[i] = static_cast<std::uint32_t>(this->voxel(ci, cj, ck));
  }
  for (std::size_t i = 0; i < count; ++i) ++start[voxel_of[i] + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  agents.resize(count);
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < count; ++i) agents[fill[voxel_of[i]]++] = static_cast<std::uint32_t>(i);
}

StepReport Engine::step(Agents& a, fields::Fields* fields, std::uint64_t step, RandomKey key,
                        const std::vector<std::array<double, 3>>& orientation) const {
  StepReport report;
  const double dt = settings_.dt_min;
  const auto& kinds = a.kinds();
  const std::size_t nk = kinds.size();
  const double range = interaction_range(kinds);
  NeighbourGrid grid;
  // Memory order follows space every few steps, so neighbours are near in memory too.
  if (settings_.sort_interval > 0 && step % static_cast<std::uint64_t>(settings_.sort_interval) == 0 && a.size() > 1) {
    grid.build(a, range);
    a.permute(grid.agents);
  }
  grid.build(a, range);

  const std::size_t count = a.size();
  std::vector<std::uint8_t> dies(count, 0), divides(count, 0);
  constexpr std::uint64_t none = UINT64_MAX;
  std::vector<std::uint64_t> wants(count, none);  // id of the agent a phagocyte engulfs this step
  // Voxel-sorted copies of what the neighbour loop reads, so it streams through memory. The
  // strengths are stored as square roots: PhysiCell's pair strength sqrt(c_i c_j) is a product.
  std::vector<double> root_repulsion(nk), root_adhesion(nk);
  for (std::size_t k = 0; k < nk; ++k) {
    root_repulsion[k] = std::sqrt(kinds[k].repulsion_um_per_min);
    root_adhesion[k] = std::sqrt(kinds[k].adhesion_um_per_min);
  }
  const bool threaded = static_cast<std::int64_t>(count) >= 4096;
  double max_radius = 0;
  for (double r : a.radius) max_radius = std::max(max_radius, r);
  double max_relative = 1;
  for (const auto& k : kinds) max_relative = std::max(max_relative, k.relative_max_adhesion_distance);
  const double reach2 = std::pow(2 * max_relative * max_radius, 2);  // no pair interacts beyond this
  const std::size_t copies = settings_.behaviours.mechanics ? count : 0;
  aligned_vector<double> sx(copies), sy(copies), sz(copies), sr(copies);
  std::vector<std::uint8_t> skind(copies);
  std::vector<std::uint64_t> sid(copies);
  std::vector<std::uint32_t> slot(copies);
  std::vector<double> relative(nk);
  for (std::size_t k = 0; k < nk; ++k) relative[k] = kinds[k].relative_max_adhesion_distance;
#pragma omp parallel for schedule(static) if (threaded)
  for (std::size_t m = 0; m < copies; ++m) {
    const std::uint32_t j = grid.agents[m];
    sx[m] = a.x[j];
    sy[m] = a.y[j];
    sz[m] = a.z[j];
    sr[m] = a.radius[j];
    skind[m] = a.kind[j];
    sid[m] = a.id[j];
    slot[j] = static_cast<std::uint32_t>(m);
  }
  const fields::Grid* fg = fields ? &fields->grid() : nullptr;

  // Phase 1: read positions, write each agent's own velocity, motility, variables and intents.
#pragma omp parallel for schedule(static) if (threaded)
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t ki = a.kind[i];
    const CellKind& kind = kinds[ki];
    double fx = 0, fy = 0, fz = 0;
    int neighbours = 0;
    std::uint64_t prey = none;  // lowest id of a touching agent of the engulfed kind
    if (settings_.behaviours.mechanics) {
      const double xi = a.x[i], yi = a.y[i], zi = a.z[i], ri = a.radius[i];
      const double reach_i = kind.relative_max_adhesion_distance * ri;
      const double rep_i = root_repulsion[ki], adh_i = root_adhesion[ki];
      const std::uint32_t self = slot[i];
      const std::uint32_t v = grid.voxel_of[i];
      const auto nx = static_cast<std::uint32_t>(grid.n[0]), ny = static_cast<std::uint32_t>(grid.n[1]);
      const int ci = static_cast<int>(v % nx), cj = static_cast<int>((v / nx) % ny), ck = static_cast<int>(v / (nx * ny));
      for (int dk = -1; dk <= 1; ++dk)
        for (int dj = -1; dj <= 1; ++dj) {
          // The three voxels along x are contiguous in the voxel-sorted copies.
          const std::size_t row = grid.voxel(ci - 1, cj + dj, ck + dk);
          const std::uint32_t begin = grid.start[row], end = grid.start[row + 3];
          for (std::uint32_t m = begin; m < end; ++m) {
            const double dx = xi - sx[m], dy = yi - sy[m], dz = zi - sz[m];
            const double d2 = dx * dx + dy * dy + dz * dz;
            // Most candidates are out of reach: reject them before any division or root.
            if (d2 >= reach2 || m == self) continue;
            const double d = std::max(std::sqrt(d2), 1e-5);
            double strength = 0;
            const std::uint8_t kj = skind[m];
            const double contact = ri + sr[m];
            if (d < contact) {
              const double t = 1 - d / contact;
              strength = rep_i * root_repulsion[kj] * t * t;
              ++neighbours;
              if (kj == kind.engulfs_kind) prey = std::min(prey, sid[m]);
            }
            const double adhesion_reach = reach_i + relative[kj] * sr[m];
            if (d < adhesion_reach) {
              const double t = 1 - d / adhesion_reach;
              strength -= adh_i * root_adhesion[kj] * t * t;
            }
            strength /= d;
            fx += strength * dx;
            fy += strength * dy;
            fz += strength * dz;
          }
        }
    }
    // Persistent random motility, biased by a gradient and guided by an orientation field.
    if (settings_.behaviours.motility && kind.speed_um_per_min > 0) {
      RandomStream r(key, a.id[i], step, purpose_motility);
      const bool turn = (a.mx[i] == 0 && a.my[i] == 0 && a.mz[i] == 0) || r.uniform() < dt / kind.persistence_min;
      if (turn) {
        std::array<double, 3> dir = random_direction(r);
        std::size_t fv = 0;
        if (fg != nullptr) {
          const auto c = fg->voxel_of({a.x[i], a.y[i], a.z[i]});
          fv = fg->index(c[0], c[1], c[2]);
          // Taxis: mix the random direction with the gradient directions of the chemotactic and
          // haptotactic substrates, weighted by their biases.
          double random_weight = 1;
          std::array<double, 3> biased{0, 0, 0};
          for (const auto& [substrate, bias] : {std::pair{kind.chemotaxis_substrate, kind.chemotaxis_bias},
                                                std::pair{kind.haptotaxis_substrate, kind.haptotaxis_bias}}) {
            if (substrate < 0 || bias <= 0) continue;
            auto g = fields->gradient(c[0], c[1], c[2], static_cast<std::size_t>(substrate));
            normalise(g);
            for (int d = 0; d < 3; ++d) biased[d] += bias * g[d];
            random_weight -= bias;
          }
          if (random_weight < 1) {
            for (int d = 0; d < 3; ++d) dir[d] = std::max(0.0, random_weight) * dir[d] + biased[d];
            normalise(dir);
          }
          if (kind.contact_guidance > 0 && !orientation.empty()) {
            const auto& o = orientation[fv];
            const double along = dir[0] * o[0] + dir[1] * o[1] + dir[2] * o[2];
            const double sign = along >= 0 ? 1.0 : -1.0;
            for (int d = 0; d < 3; ++d) dir[d] = (1 - kind.contact_guidance) * dir[d] + kind.contact_guidance * sign * o[d];
            normalise(dir);
          }
        }
        a.mx[i] = kind.speed_um_per_min * dir[0];
        a.my[i] = kind.speed_um_per_min * dir[1];
        a.mz[i] = kind.speed_um_per_min * dir[2];
      }
      fx += a.mx[i];
      fy += a.my[i];
      fz += a.mz[i];
    }
    a.vx[i] = fx;
    a.vy[i] = fy;
    a.vz[i] = fz;
    // Life cycle intents: applied after the step in id order.
    if (settings_.behaviours.life_cycle) {
      RandomStream r(key, a.id[i], step, purpose_life);
      const double u_death = r.uniform(), u_division = r.uniform(), u_engulf = r.uniform();
      if (prey != none && u_engulf < -std::expm1(-kind.engulf_rate_per_min * dt)) wants[i] = prey;
      double death_rate = kind.apoptosis_rate_per_min;
      if (fields != nullptr && kind.oxygen_substrate >= 0) {
        const auto c = fg->voxel_of({a.x[i], a.y[i], a.z[i]});
        if (fields->at(c[0], c[1], c[2], static_cast<std::size_t>(kind.oxygen_substrate)) < kind.necrosis_threshold)
          death_rate += kind.necrosis_rate_per_min;
      }
      // Probabilities of an exponential waiting time within dt.
      if (death_rate > 0 && u_death < -std::expm1(-death_rate * dt))
        dies[i] = 1;
      else if (kind.division_rate_per_min > 0 && neighbours < kind.max_neighbours_for_division &&
               u_division < -std::expm1(-kind.division_rate_per_min * dt))
        divides[i] = 1;
    }
    // Per-agent ODE states, integrated exactly over dt.
    if (settings_.behaviours.state_variables) {
      for (std::size_t v = 0; v < a.variable_specs().size(); ++v) {
        const StateVariable& spec = a.variable_specs()[v];
        double signal = 1;
        if (spec.signal_substrate >= 0 && fields != nullptr) {
          const auto c = fg->voxel_of({a.x[i], a.y[i], a.z[i]});
          signal = fields->at(c[0], c[1], c[2], static_cast<std::size_t>(spec.signal_substrate));
        }
        double& y = a.variables[v][i];
        const double production = spec.production_per_min * signal;
        if (spec.decay_per_min > 0) {
          const double equilibrium = production / spec.decay_per_min;
          y = equilibrium + (y - equilibrium) * std::exp(-spec.decay_per_min * dt);
        } else {
          y += production * dt;
        }
      }
    }
  }

  // Phase 2: second-order Adams-Bashforth position update, kept inside the box.
  const Box& box = settings_.box;
#pragma omp parallel for schedule(static) if (threaded)
  for (std::size_t i = 0; i < count; ++i) {
    a.x[i] += dt * (1.5 * a.vx[i] - 0.5 * a.px[i]);
    a.y[i] += dt * (1.5 * a.vy[i] - 0.5 * a.py[i]);
    a.z[i] += dt * (1.5 * a.vz[i] - 0.5 * a.pz[i]);
    a.px[i] = a.vx[i];
    a.py[i] = a.vy[i];
    a.pz[i] = a.vz[i];
    const double r = a.radius[i];
    a.x[i] = std::clamp(a.x[i], box.low[0] + r, box.high[0] - r);
    a.y[i] = std::clamp(a.y[i], box.low[1] + r, box.high[1] - r);
    a.z[i] = std::clamp(a.z[i], box.low[2] + r, box.high[2] - r);
  }

  // Exchange with the fields, combined per voxel in agent-id order.
  if (fields != nullptr && settings_.behaviours.exchange) {
    struct Entry {
      fields::Exchange exchange;
      std::uint64_t agent;
      std::size_t index;
      bool phagocytosis;
    };
    std::vector<Entry> entries;
    constexpr double linear = 1e300;  // Km so large that uptake is first order (clearance)
    for (std::size_t i = 0; i < count; ++i) {
      const CellKind& kind = kinds[a.kind[i]];
      const auto c = fg->voxel_of({a.x[i], a.y[i], a.z[i]});
      const std::size_t fv = fg->index(c[0], c[1], c[2]);
      for (std::size_t s = 0; s < std::max(kind.secretion.size(), kind.uptake_max.size()); ++s) {
        const double secretion = s < kind.secretion.size() ? kind.secretion[s] : 0.0;
        const double vmax = s < kind.uptake_max.size() ? kind.uptake_max[s] : 0.0;
        if (secretion == 0 && vmax == 0) continue;
        entries.push_back({{fv, s, secretion, vmax, s < kind.uptake_km.size() ? kind.uptake_km[s] : 1.0}, a.id[i], i, false});
      }
      if (kind.phagocytosed_substrate >= 0 && kind.phagocytosis_clearance > 0)
        entries.push_back(
            {{fv, static_cast<std::size_t>(kind.phagocytosed_substrate), 0.0, kind.phagocytosis_clearance * linear, linear},
             a.id[i],
             i,
             true});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& p, const Entry& q) {
      return std::tie(p.exchange.voxel, p.exchange.substrate, p.agent) <
             std::tie(q.exchange.voxel, q.exchange.substrate, q.agent);
    });
    std::vector<fields::Exchange> list;
    std::vector<double> before;
    list.reserve(entries.size());
    for (const auto& e : entries) {
      list.push_back(e.exchange);
      before.push_back(fields->at(e.exchange.voxel, e.exchange.substrate));
    }
    report.exchange = fields::apply_exchange(*fields, list, dt);
    // Each phagocyte is credited with its share of what its voxel lost.
    for (std::size_t e = 0; e < entries.size(); ++e) {
      if (!entries[e].phagocytosis) continue;
      const auto& x = entries[e].exchange;
      a.cleared[entries[e].index] += dt * x.uptake_max / (x.uptake_km + before[e]) * fields->at(x.voxel, x.substrate);
    }
  }

  // Engulfment, births and deaths, in id order of the phagocyte, the parent, the dying agent.
  if (settings_.behaviours.life_cycle) {
    std::vector<std::size_t> hunters;
    for (std::size_t i = 0; i < count; ++i)
      if (wants[i] != none && !dies[i]) hunters.push_back(i);
    if (!hunters.empty()) {
      std::sort(hunters.begin(), hunters.end(), [&](std::size_t p, std::size_t q) { return a.id[p] < a.id[q]; });
      std::vector<std::pair<std::uint64_t, std::size_t>> by_id(count);
      for (std::size_t i = 0; i < count; ++i) by_id[i] = {a.id[i], i};
      std::sort(by_id.begin(), by_id.end());
      for (std::size_t h : hunters) {
        const auto it = std::lower_bound(by_id.begin(), by_id.end(), std::make_pair(wants[h], std::size_t{0}));
        if (it == by_id.end() || it->first != wants[h] || dies[it->second]) continue;  // already taken
        dies[it->second] = 1;
        divides[it->second] = 0;
        ++a.engulfed[h];
        ++report.engulfed;
      }
    }
    std::vector<std::size_t> parents;
    for (std::size_t i = 0; i < count; ++i)
      if (divides[i]) parents.push_back(i);
    std::sort(parents.begin(), parents.end(), [&](std::size_t p, std::size_t q) { return a.id[p] < a.id[q]; });
    for (std::size_t p : parents) {
      RandomStream r(key, a.id[p], step, purpose_division);
      const auto dir = random_direction(r);
      const double offset = 0.5 * a.radius[p];
      const std::array<double, 3> at{a.x[p] + offset * dir[0], a.y[p] + offset * dir[1], a.z[p] + offset * dir[2]};
      a.x[p] -= offset * dir[0];
      a.y[p] -= offset * dir[1];
      a.z[p] -= offset * dir[2];
      const std::size_t child = a.add(a.kind[p], at);
      for (std::size_t v = 0; v < a.variables.size(); ++v) a.variables[v][child] = a.variables[v][p];
      ++report.births;
    }
    dies.resize(a.size(), 0);
    report.deaths = static_cast<std::size_t>(std::count(dies.begin(), dies.end(), 1));
    if (report.deaths > 0) a.remove_flagged(dies);
  }
  return report;
}

}  // namespace bungner::agents
