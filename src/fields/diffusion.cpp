#include "bungner/fields/diffusion.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "bungner/core/errors.hpp"
#include "bungner/core/parallel.hpp"

namespace bungner::fields {
namespace {

constexpr int lanes = 8;  // doubles per AVX-512 register; row loops run in blocks of lanes * S

/// Forward and backward passes of the x-sweep on `count` lines of length n that start `stride`
/// elements apart. Each line is a serial recurrence, so several lines are interleaved to hide
/// the latency of the multiply-adds, and the running value is kept in registers rather than
/// re-read from the element just stored (which would add a store-forwarding delay per voxel).
template <int S>
void sweep_x_lines(double* base, std::size_t stride, int count, int n, const double* inv, const double* q) {
  constexpr int group = 4;
  int line = 0;
  for (; line + group <= count; line += group) {
    double* p[group];
    for (int g = 0; g < group; ++g) p[g] = base + (line + g) * stride;
    double carry[group][S];
    for (int g = 0; g < group; ++g)
      for (int s = 0; s < S; ++s) carry[g][s] = p[g][s] *= inv[s];
    for (int i = 1; i < n; ++i) {
      const double* in = inv + i * S;
      const double* qi = q + i * S;
      for (int g = 0; g < group; ++g)
        for (int s = 0; s < S; ++s) carry[g][s] = p[g][i * S + s] = p[g][i * S + s] * in[s] + qi[s] * carry[g][s];
    }
    for (int i = n - 2; i >= 0; --i) {
      const double* qi = q + i * S;
      for (int g = 0; g < group; ++g)
        for (int s = 0; s < S; ++s) carry[g][s] = p[g][i * S + s] += qi[s] * carry[g][s];
    }
  }
  for (; line < count; ++line) {
    double* p = base + line * stride;
    for (int s = 0; s < S; ++s) p[s] *= inv[s];
    for (int i = 1; i < n; ++i)
      for (int s = 0; s < S; ++s) p[i * S + s] = p[i * S + s] * inv[i * S + s] + q[i * S + s] * p[(i - 1) * S + s];
    for (int i = n - 2; i >= 0; --i)
      for (int s = 0; s < S; ++s) p[i * S + s] += q[i * S + s] * p[(i + 1) * S + s];
  }
}

/// Coefficients of one step of a row recurrence, expanded so that position t of a block of
/// lanes * S values has substrate t % S: rows then vectorise over x and substrates at once.
template <int S>
struct RowCoefficients {
  static constexpr int block = lanes * S;
  alignas(64) double inv[block];
  alignas(64) double q[block];
  void load(const double* inv_axis, const double* q_axis, int i) {
    for (int t = 0; t < block; ++t) {
      inv[t] = inv_axis[i * S + t % S];
      q[t] = q_axis[i * S + t % S];
    }
  }
};

/// cur = cur * inv (first row of a forward elimination). `len` is a multiple of S.
template <int S>
void scale_row(double* cur, std::size_t len, const RowCoefficients<S>& k) {
  constexpr int block = RowCoefficients<S>::block;
  std::size_t m = 0;
  for (; m + block <= len; m += block)
    for (int t = 0; t < block; ++t) cur[m + t] *= k.inv[t];
  for (int t = 0; m + t < len; ++t) cur[m + t] *= k.inv[t];
}

/// Forward elimination step: cur = cur * inv + q * prev.
template <int S>
void forward_row(double* cur, const double* prev, std::size_t len, const RowCoefficients<S>& k) {
  constexpr int block = RowCoefficients<S>::block;
  std::size_t m = 0;
  for (; m + block <= len; m += block)
    for (int t = 0; t < block; ++t) cur[m + t] = cur[m + t] * k.inv[t] + k.q[t] * prev[m + t];
  for (int t = 0; m + t < len; ++t) cur[m + t] = cur[m + t] * k.inv[t] + k.q[t] * prev[m + t];
}

/// Back substitution step: cur = cur + q * next.
template <int S>
void backward_row(double* cur, const double* next, std::size_t len, const RowCoefficients<S>& k) {
  constexpr int block = RowCoefficients<S>::block;
  std::size_t m = 0;
  for (; m + block <= len; m += block)
    for (int t = 0; t < block; ++t) cur[m + t] += k.q[t] * next[m + t];
  for (int t = 0; m + t < len; ++t) cur[m + t] += k.q[t] * next[m + t];
}

/// Sweep along an axis whose consecutive elements are rows `row_stride` apart (y within a
/// plane), on the row segment [0, len).
template <int S>
void sweep_rows(double* base, std::size_t row_stride, std::size_t len, int n, const double* inv, const double* q) {
  RowCoefficients<S> k;
  k.load(inv, q, 0);
  scale_row<S>(base, len, k);
  for (int i = 1; i < n; ++i) {
    k.load(inv, q, i);
    forward_row<S>(base + i * row_stride, base + (i - 1) * row_stride, len, k);
  }
  for (int i = n - 2; i >= 0; --i) {
    k.load(inv, q, i);
    backward_row<S>(base + i * row_stride, base + (i + 1) * row_stride, len, k);
  }
}

/// One LOD step on a uniform domain, in two passes over memory:
///  pass 1, plane by plane (threads take whole planes): x sweeps, then the y sweep while the plane
///  is still in the core's cache;
///  pass 2, column blocks (threads take whole blocks): the z sweep, forward and back, on a block
///  narrow enough that all its planes stay in cache between the two.
/// Each value undergoes the same operations in the same order whatever the thread count.
template <int S>
void step_uniform_kernel(Fields& fields, const std::array<aligned_vector<double>, 3>& inv,
                         const std::array<aligned_vector<double>, 3>& q, std::size_t z_block_voxels) {
  const Grid& g = fields.grid();
  double* c = fields.data();
  const std::size_t row = static_cast<std::size_t>(g.nx) * S;
  const std::size_t plane = row * g.ny;
  const bool threaded = static_cast<std::int64_t>(g.voxels()) * S >= parallel::min_items;
#pragma omp parallel if (threaded)
  {
#pragma omp for schedule(static)
    for (int k = 0; k < g.nz; ++k) {
      double* p = c + k * plane;
      sweep_x_lines<S>(p, row, g.ny, g.nx, inv[0].data(), q[0].data());
      if (g.ny > 1) sweep_rows<S>(p, row, row, g.ny, inv[1].data(), q[1].data());
    }
    if (g.nz > 1) {
      const std::size_t block = z_block_voxels * S;
      const auto blocks = static_cast<std::int64_t>((plane + block - 1) / block);
#pragma omp for schedule(static)
      for (std::int64_t b = 0; b < blocks; ++b) {
        const std::size_t start = static_cast<std::size_t>(b) * block;
        sweep_rows<S>(c + start, plane, std::min(block, plane - start), g.nz, inv[2].data(), q[2].data());
      }
    }
  }
}

double harmonic_mean(double a, double b) { return a > 0 && b > 0 ? 2 * a * b / (a + b) : 0.0; }

}  // namespace

bool Domain::uniform() const {
  const bool all_tissue =
      region.empty() || std::all_of(region.begin(), region.end(), [](Region r) { return r == Region::tissue; });
  const bool no_fixed = fixed.empty() || std::all_of(fixed.begin(), fixed.end(), [](std::uint8_t f) { return f == 0; });
  const bool zero_flux = std::none_of(faces.begin(), faces.end(), [](const FaceCondition& f) { return f.dirichlet; });
  const bool default_tissue = diffusivity[static_cast<int>(Region::tissue)].empty();
  return all_tissue && no_fixed && zero_flux && default_tissue;
}

DiffusionSolver::DiffusionSolver(const Grid& grid, std::vector<Substrate> substrates, double dt_min, Domain domain)
    : grid_(grid), substrates_(std::move(substrates)), dt_(dt_min), domain_(std::move(domain)) {
  const std::size_t S = substrates_.size();
  uniform_ = domain_.uniform();  // before the defaults below fill the tables in
  if (S == 0) throw std::invalid_argument("fields: no substrates");
  if (!(dt_ > 0)) throw std::invalid_argument("fields: time step must be positive");
  if (grid_.nx < 1 || grid_.ny < 1 || grid_.nz < 1 || !(grid_.dx_um > 0)) throw std::invalid_argument("fields: bad grid");
  for (const auto& s : substrates_)
    if (s.diffusion_um2_per_min < 0 || s.decay_per_min < 0)
      throw std::invalid_argument("fields: negative diffusion or decay for " + s.name);
  if (!domain_.region.empty() && domain_.region.size() != grid_.voxels())
    throw std::invalid_argument("fields: region map does not match the grid");
  if (!domain_.fixed.empty() && (domain_.fixed.size() != grid_.voxels() || domain_.fixed_values.size() != grid_.voxels() * S))
    throw std::invalid_argument("fields: fixed-voxel arrays do not match the grid");
  for (int r = 0; r < region_count; ++r) {
    auto& d = domain_.diffusivity[r];
    if (d.empty()) {
      d.resize(S);
      for (std::size_t s = 0; s < S; ++s)
        d[s] = (r == static_cast<int>(Region::tissue) || r == static_cast<int>(Region::lumen))
                   ? substrates_[s].diffusion_um2_per_min
                   : 0.0;
    }
    if (d.size() != S) throw std::invalid_argument("fields: diffusivity table needs one value per substrate");
    if (r == static_cast<int>(Region::outside)) std::fill(d.begin(), d.end(), 0.0);
  }
  for (const auto& f : domain_.faces)
    if (f.dirichlet && f.values.size() != S) throw std::invalid_argument("fields: Dirichlet face needs one value per substrate");

  if (!uniform_ || S > 8) factorise_general();
  // Factorise the constant tridiagonal matrix of each axis once (fast path).
  const int n[3] = {grid_.nx, grid_.ny, grid_.nz};
  const double h2 = grid_.dx_um * grid_.dx_um;
  for (int axis = 0; axis < 3; ++axis) {
    inv_[axis].assign(static_cast<std::size_t>(n[axis]) * S, 0.0);
    q_[axis].assign(static_cast<std::size_t>(n[axis]) * S, 0.0);
    for (std::size_t s = 0; s < S; ++s) {
      const double r = substrates_[s].diffusion_um2_per_min * dt_ / h2;
      const double base = 1.0 + substrates_[s].decay_per_min * dt_ / 3.0;
      double previous_ratio = 0;  // r * inv of the previous row
      for (int i = 0; i < n[axis]; ++i) {
        const int neighbours = (i > 0 ? 1 : 0) + (i + 1 < n[axis] ? 1 : 0);
        const double diagonal = base + r * neighbours;
        const double pivot = diagonal - (i > 0 ? r * previous_ratio : 0.0);
        const double inv = 1.0 / pivot;
        inv_[axis][i * S + s] = inv;
        q_[axis][i * S + s] = r * inv;
        previous_ratio = r * inv;
      }
    }
  }
}

void DiffusionSolver::factorise_general() {
  const Grid& g = grid_;
  const int n[3] = {g.nx, g.ny, g.nz};
  const std::size_t S = substrates_.size();
  const double h2 = g.dx_um * g.dx_um;
  const auto region_of = [&](std::size_t v) { return domain_.region.empty() ? Region::tissue : domain_.region[v]; };
  const auto is_fixed = [&](std::size_t v) { return !domain_.fixed.empty() && domain_.fixed[v] != 0; };
  active_row_.assign(static_cast<std::size_t>(g.ny) * g.nz, 0);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const std::size_t v = g.index(i, j, k);
        if (is_fixed(v)) active_row_[static_cast<std::size_t>(k) * g.ny + j] = 1;  // must be written
        if (is_fixed(v) || region_of(v) == Region::outside) continue;
        for (std::size_t s = 0; s < S; ++s)
          if (domain_.diffusivity[static_cast<int>(region_of(v))][s] > 0 || substrates_[s].decay_per_min > 0)
            active_row_[static_cast<std::size_t>(k) * g.ny + j] = 1;
      }
  for (int axis = 0; axis < 3; ++axis) {
    Factorisation& f = general_[axis];
    f.lower.assign(g.voxels() * S, 0.0);
    f.pivot.assign(g.voxels() * S, 1.0);
    f.ratio.assign(g.voxels() * S, 0.0);
    const int len = n[axis];
    const std::size_t stride = axis == 0 ? 1 : axis == 1 ? static_cast<std::size_t>(g.nx) : static_cast<std::size_t>(g.nx) * g.ny;
    const int a1 = axis == 0 ? 1 : 0;
    const int a2 = axis == 2 ? 1 : 2;
    const FaceCondition& low_face = domain_.faces[2 * axis];
    const FaceCondition& high_face = domain_.faces[2 * axis + 1];
    std::vector<double> lower(len), diagonal(len), upper(len);
    for (std::int64_t line = 0; line < static_cast<std::int64_t>(n[a1]) * n[a2]; ++line) {
      int idx[3] = {0, 0, 0};
      idx[a1] = static_cast<int>(line % n[a1]);
      idx[a2] = static_cast<int>(line / n[a1]);
      const std::size_t first = g.index(idx[0], idx[1], idx[2]);
      for (std::size_t s = 0; s < S; ++s) {
        const double base = 1.0 + substrates_[s].decay_per_min * dt_ / 3.0;
        const auto D = [&](std::size_t v) { return domain_.diffusivity[static_cast<int>(region_of(v))][s]; };
        for (int i = 0; i < len; ++i) {
          const std::size_t v = first + i * stride;
          if (is_fixed(v) || region_of(v) == Region::outside) {
            lower[i] = upper[i] = 0;
            diagonal[i] = 1;
            continue;
          }
          double w_low = 0, w_high = 0;
          if (i > 0)
            w_low = harmonic_mean(D(v), D(v - stride)) * dt_ / h2;
          else if (low_face.dirichlet)
            w_low = D(v) * dt_ / h2 * 2.0;
          if (i + 1 < len)
            w_high = harmonic_mean(D(v), D(v + stride)) * dt_ / h2;
          else if (high_face.dirichlet)
            w_high = D(v) * dt_ / h2 * 2.0;
          lower[i] = (i > 0) ? -harmonic_mean(D(v), D(v - stride)) * dt_ / h2 : 0.0;
          upper[i] = (i + 1 < len) ? -harmonic_mean(D(v), D(v + stride)) * dt_ / h2 : 0.0;
          diagonal[i] = base + w_low + w_high;
        }
        // The Thomas algorithm's forward elimination, as thomas() does it, kept per row.
        double pivot = diagonal[0];
        f.pivot[first * S + s] = pivot;
        for (int i = 1; i < len; ++i) {
          const std::size_t v = first + i * stride;
          const double ratio = upper[i - 1] / pivot;
          f.ratio[(v - stride) * S + s] = ratio;
          pivot = diagonal[i] - lower[i] * ratio;
          f.lower[v * S + s] = lower[i];
          f.pivot[v * S + s] = pivot;
        }
      }
    }
  }
}

std::size_t DiffusionSolver::z_block_voxels() const {
  // Keep a block's whole z extent within about half of a 1 MiB L2 cache.
  const std::size_t bytes_per_voxel_column = substrates_.size() * sizeof(double) * static_cast<std::size_t>(grid_.nz);
  return std::max<std::size_t>(64, (512 * 1024) / bytes_per_voxel_column / 8 * 8);
}

double DiffusionSolver::total_decay_factor(std::size_t s) const {
  return std::pow(1.0 + substrates_[s].decay_per_min * dt_ / 3.0, -3.0);
}

void DiffusionSolver::step(Fields& fields) const {
  if (fields.substrates() != substrates_.size() || fields.grid().voxels() != grid_.voxels())
    throw std::invalid_argument("fields: solver and fields disagree on grid or substrates");
  if (uniform_)
    step_uniform(fields);
  else
    step_general(fields);
}

void DiffusionSolver::step_uniform(Fields& fields) const {
  switch (substrates_.size()) {
    case 1: return step_uniform_kernel<1>(fields, inv_, q_, z_block_voxels());
    case 2: return step_uniform_kernel<2>(fields, inv_, q_, z_block_voxels());
    case 3: return step_uniform_kernel<3>(fields, inv_, q_, z_block_voxels());
    case 4: return step_uniform_kernel<4>(fields, inv_, q_, z_block_voxels());
    case 5: return step_uniform_kernel<5>(fields, inv_, q_, z_block_voxels());
    case 6: return step_uniform_kernel<6>(fields, inv_, q_, z_block_voxels());
    case 7: return step_uniform_kernel<7>(fields, inv_, q_, z_block_voxels());
    case 8: return step_uniform_kernel<8>(fields, inv_, q_, z_block_voxels());
    default: return step_general(fields);
  }
}

void DiffusionSolver::step_general(Fields& fields) const {
  for (int axis = 0; axis < 3; ++axis) sweep_general(fields, axis);
}

void DiffusionSolver::sweep_general(Fields& fields, int axis) const {
  const Grid& g = grid_;
  const int n[3] = {g.nx, g.ny, g.nz};
  const int len = n[axis];
  const std::size_t S = substrates_.size();
  const std::size_t stride = axis == 0 ? 1 : axis == 1 ? static_cast<std::size_t>(g.nx) : static_cast<std::size_t>(g.nx) * g.ny;
  const int a1 = axis == 0 ? 1 : 0;  // the two other axes enumerate the lines
  const int a2 = axis == 2 ? 1 : 2;
  const std::int64_t lines = static_cast<std::int64_t>(n[a1]) * n[a2];
  const double h2 = g.dx_um * g.dx_um;
  const FaceCondition& low_face = domain_.faces[2 * axis];
  const FaceCondition& high_face = domain_.faces[2 * axis + 1];
  const auto region_of = [&](std::size_t v) { return domain_.region.empty() ? Region::tissue : domain_.region[v]; };
  const auto is_fixed = [&](std::size_t v) { return !domain_.fixed.empty() && domain_.fixed[v] != 0; };
  const Factorisation& f = general_[axis];
  double* c = fields.data();
  const bool threaded = static_cast<std::int64_t>(g.voxels() * S) >= parallel::min_items;
  // One row of the tridiagonal system: the forward step at voxel v (position i on its line).
  const auto forward = [&](std::size_t v, int i) {
    double* x = c + v * S;
    const bool held = is_fixed(v);
    const bool active = !held && region_of(v) != Region::outside;
    for (std::size_t s = 0; s < S; ++s) {
      double value = held ? domain_.fixed_values[v * S + s] : x[s];
      if (active) {
        const double D = domain_.diffusivity[static_cast<int>(region_of(v))][s];
        if (i == 0 && low_face.dirichlet) value += D * dt_ / h2 * 2.0 * low_face.values[s];
        if (i + 1 == len && high_face.dirichlet) value += D * dt_ / h2 * 2.0 * high_face.values[s];
      }
      if (i > 0) value -= f.lower[v * S + s] * c[(v - stride) * S + s];
      x[s] = value / f.pivot[v * S + s];
    }
  };
  const auto backward = [&](std::size_t v) {
    for (std::size_t s = 0; s < S; ++s) c[v * S + s] -= f.ratio[v * S + s] * c[(v + stride) * S + s];
  };
  if (axis == 0) {
#pragma omp parallel for schedule(static) if (threaded)
    for (std::int64_t line = 0; line < lines; ++line) {
      if (!active_row_[static_cast<std::size_t>(line)]) continue;
      const std::size_t first = static_cast<std::size_t>(line) * static_cast<std::size_t>(g.nx);
      for (int i = 0; i < len; ++i) forward(first + i, i);
      for (int i = len - 2; i >= 0; --i) backward(first + i);
    }
    return;
  }
  // y and z sweeps: all lines of one x-row advance together, so every access streams a
  // contiguous row of memory instead of jumping a plane at a time.
  const int outer = n[a2];
#pragma omp parallel for schedule(static) if (threaded)
  for (int o = 0; o < outer; ++o) {
    const auto row = [&](int i) { return axis == 1 ? g.index(0, i, o) : g.index(0, o, i); };
    const auto active = [&](int i) {
      return active_row_[axis == 1 ? static_cast<std::size_t>(o) * g.ny + i : static_cast<std::size_t>(i) * g.ny + o];
    };
    for (int i = 0; i < len; ++i) {
      if (!active(i)) continue;
      const std::size_t r = row(i);
      for (int x = 0; x < g.nx; ++x) forward(r + x, i);
    }
    for (int i = len - 2; i >= 0; --i) {
      if (!active(i)) continue;
      const std::size_t r = row(i);
      for (int x = 0; x < g.nx; ++x) backward(r + x);
    }
  }
}

ExchangeTotals apply_exchange(Fields& fields, const std::vector<Exchange>& exchanges, double dt_min) {
  const std::size_t S = fields.substrates();
  ExchangeTotals totals{std::vector<double>(S, 0.0), std::vector<double>(S, 0.0)};
  std::vector<std::size_t> order(exchanges.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto before = [&](std::size_t a, std::size_t b) {
    return std::tie(exchanges[a].voxel, exchanges[a].substrate) < std::tie(exchanges[b].voxel, exchanges[b].substrate);
  };
  // Callers that pass entries already in (voxel, substrate) order skip the sort; otherwise a
  // counting sort by (voxel, substrate) key, stable, so entries of one key keep their given order.
  if (!std::is_sorted(order.begin(), order.end(), before)) {
    const std::size_t keys = fields.grid().voxels() * S;
    for (const Exchange& e : exchanges)
      if (e.voxel >= fields.grid().voxels() || e.substrate >= S)
        throw std::out_of_range("fields: exchange outside the grid or substrate list");
    if (exchanges.size() * 8 >= keys) {
      std::vector<std::uint32_t> start(keys + 1, 0);
      for (const Exchange& e : exchanges) ++start[e.voxel * S + e.substrate + 1];
      for (std::size_t k = 0; k < keys; ++k) start[k + 1] += start[k];
      for (std::size_t i = 0; i < exchanges.size(); ++i) order[start[exchanges[i].voxel * S + exchanges[i].substrate]++] = i;
    } else {
      std::stable_sort(order.begin(), order.end(), before);
    }
  }
  const double volume = fields.grid().voxel_volume_um3();
  for (std::size_t first = 0; first < order.size();) {
    const Exchange& head = exchanges[order[first]];
    if (head.voxel >= fields.grid().voxels() || head.substrate >= S)
      throw std::out_of_range("fields: exchange outside the grid or substrate list");
    double& c = fields.at(head.voxel, head.substrate);
    double secretion = 0, uptake_rate = 0;  // uptake_rate: volume cleared per minute [um^3/min]
    std::size_t last = first;
    for (; last < order.size(); ++last) {
      const Exchange& e = exchanges[order[last]];
      if (e.voxel != head.voxel || e.substrate != head.substrate) break;
      secretion += e.secretion;
      uptake_rate += e.uptake_max / (e.uptake_km + c);
    }
    const double updated = (c * volume + dt_min * secretion) / (volume + dt_min * uptake_rate);
    totals.secreted[head.substrate] += dt_min * secretion;
    totals.taken_up[head.substrate] += dt_min * uptake_rate * updated;
    c = updated;
    first = last;
  }
  return totals;
}

void check_numerics(const Fields& fields, const std::vector<Substrate>& substrates) {
  const Grid& g = fields.grid();
  const std::size_t S = fields.substrates();
  const double* c = fields.data();
  for (std::size_t m = 0; m < g.voxels() * S; ++m) {
    if (std::isfinite(c[m]) && c[m] >= 0) continue;
    const std::size_t v = m / S, s = m % S;
    const auto i = v % static_cast<std::size_t>(g.nx), j = (v / static_cast<std::size_t>(g.nx)) % static_cast<std::size_t>(g.ny),
               k = v / (static_cast<std::size_t>(g.nx) * static_cast<std::size_t>(g.ny));
    throw RuntimeFailure(fmt::format("numerical failure in the fields: {} is {} in voxel ({}, {}, {})",
                                     s < substrates.size() ? substrates[s].name : std::to_string(s), c[m], i, j, k));
  }
}

std::vector<std::string> time_step_warnings(const std::vector<Substrate>& substrates, double dt, double tolerance) {
  std::vector<std::string> out;
  for (const auto& s : substrates)
    if (s.decay_per_min * dt > tolerance)
      out.push_back(
          fmt::format("fields: time step {} min is long for {} (decay {} /min): the splitting error at steady "
                      "state is about {:.0f} %; use at most {} min",
                      dt, s.name, s.decay_per_min, 100 * s.decay_per_min * dt, tolerance / s.decay_per_min));
  return out;
}

}  // namespace bungner::fields
