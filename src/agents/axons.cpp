#include "bungner/agents/axons.hpp"

#include <algorithm>
#include <cmath>

namespace bungner::agents {
namespace {

constexpr std::uint64_t purpose_cone = purpose_id("axons.growth_cone");

void normalise(std::array<double, 3>& v) {
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 0)
    for (double& c : v) c /= n;
}

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

}  // namespace

std::uint64_t Axons::add(std::array<double, 3> origin, std::array<double, 3> heading) {
  normalise(heading);
  Axon a;
  a.id = next_id_++;
  a.points = {origin, origin};
  a.diameter_um = {cone_.initial_diameter_um};
  a.myelin_um = {0.0};
  a.heading = heading;
  axons_.push_back(std::move(a));
  return axons_.back().id;
}

std::size_t Axons::step(const fields::Fields* fields, double dt, std::uint64_t step, RandomKey key) {
  struct Branch {
    std::uint64_t parent;
    std::array<double, 3> origin;
    std::array<double, 3> heading;
  };
  std::vector<std::uint8_t> branches(axons_.size(), 0);
  std::vector<std::array<double, 3>> branch_heading(axons_.size());
  const auto count = static_cast<std::int64_t>(axons_.size());
#pragma omp parallel for schedule(static) if (count >= 1024)
  for (std::int64_t n = 0; n < count; ++n) {
    Axon& axon = axons_[static_cast<std::size_t>(n)];
    if (!axon.growing) continue;
    RandomStream r(key, axon.id, step, purpose_cone);
    std::array<double, 3>& tip = axon.points.back();
    // Sense: the gradient at the tip steers the heading; a low level makes the cone retract.
    std::array<double, 3> gradient{0, 0, 0};
    double level = 0;
    const bool senses = fields != nullptr && (cone_.attractant >= 0 || cone_.retraction_substrate >= 0);
    std::array<int, 3> voxel{};
    if (senses) voxel = fields->grid().voxel_of(tip);
    if (senses && cone_.attractant >= 0) {
      gradient = fields->gradient(voxel[0], voxel[1], voxel[2], static_cast<std::size_t>(cone_.attractant));
      normalise(gradient);
    }
    if (senses && cone_.retraction_substrate >= 0)
      level = fields->at(voxel[0], voxel[1], voxel[2], static_cast<std::size_t>(cone_.retraction_substrate));
    // Three normal draws always, so the stream does not depend on the branch taken.
    const std::array<double, 3> noise{r.normal(), r.normal(), r.normal()};
    const double u_branch = r.uniform();
    if (cone_.retraction_substrate >= 0 && level < cone_.retraction_threshold) {
      // Retract along the polyline, removing points as they are reached.
      double left = cone_.retraction_speed_um_per_min * dt;
      while (left > 0 && axon.points.size() > 1) {
        std::array<double, 3>& end = axon.points.back();
        const std::array<double, 3>& before = axon.points[axon.points.size() - 2];
        const double d = distance(end, before);
        if (d <= left) {
          left -= d;
          if (axon.points.size() > 2) {
            axon.points.pop_back();
            axon.diameter_um.pop_back();
            axon.myelin_um.pop_back();
          } else {
            end = before;
            left = 0;
          }
        } else {
          for (int c = 0; c < 3; ++c) end[c] += (before[c] - end[c]) * left / d;
          left = 0;
        }
      }
      axon.since_last_point_um = distance(axon.points.back(), axon.points[axon.points.size() - 2]);
      continue;
    }
    // Steer: rotational diffusion plus turning toward the gradient, projected to stay unit.
    std::array<double, 3> h = axon.heading;
    for (int c = 0; c < 3; ++c) h[c] += cone_.wander * std::sqrt(dt) * noise[c] + cone_.chemotropism * dt * gradient[c];
    normalise(h);
    axon.heading = h;
    // Extend: move the tip; start a new segment every segment_um.
    const double step_um = cone_.speed_um_per_min * dt;
    for (int c = 0; c < 3; ++c) tip[c] += step_um * h[c];
    axon.since_last_point_um += step_um;
    if (axon.since_last_point_um >= cone_.segment_um) {
      axon.points.push_back(axon.points.back());
      axon.diameter_um.push_back(cone_.initial_diameter_um);
      axon.myelin_um.push_back(0.0);
      axon.since_last_point_um = 0;
    }
    if (cone_.branch_rate_per_min > 0 && u_branch < -std::expm1(-cone_.branch_rate_per_min * dt)) {
      // The branch leaves at branch_angle from the heading, in a direction set by the noise.
      std::array<double, 3> side{noise[1] * h[2] - noise[2] * h[1], noise[2] * h[0] - noise[0] * h[2],
                                 noise[0] * h[1] - noise[1] * h[0]};
      normalise(side);
      std::array<double, 3> b;
      for (int c = 0; c < 3; ++c) b[c] = std::cos(cone_.branch_angle_rad) * h[c] + std::sin(cone_.branch_angle_rad) * side[c];
      branch_heading[static_cast<std::size_t>(n)] = b;
      branches[static_cast<std::size_t>(n)] = 1;
    }
  }
  // Branches in parent-id order (axons are stored in id order).
  std::size_t made = 0;
  const std::size_t existing = axons_.size();
  for (std::size_t n = 0; n < existing; ++n) {
    if (!branches[n]) continue;
    const auto tip = axons_[n].points.back();
    const std::uint64_t parent = axons_[n].id;
    add(tip, branch_heading[n]);
    axons_.back().parent = parent;
    ++made;
  }
  return made;
}

std::size_t Axons::crossing(double x_um) const {
  std::size_t n = 0;
  for (const Axon& a : axons_) {
    for (std::size_t s = 0; s + 1 < a.points.size(); ++s) {
      const double x0 = a.points[s][0], x1 = a.points[s + 1][0];
      if ((x0 < x_um && x1 >= x_um) || (x1 < x_um && x0 >= x_um)) {
        ++n;
        break;
      }
    }
  }
  return n;
}

double Axons::segment_length(const Axon& axon, std::size_t s) { return distance(axon.points[s], axon.points[s + 1]); }

double Axons::length(const Axon& axon) {
  double total = 0;
  for (std::size_t s = 0; s + 1 < axon.points.size(); ++s) total += segment_length(axon, s);
  return total;
}

double distance_to_segment(const std::array<double, 3>& p, const std::array<double, 3>& a, const std::array<double, 3>& b) {
  std::array<double, 3> ab{}, ap{};
  double len2 = 0, dot = 0;
  for (int c = 0; c < 3; ++c) {
    ab[c] = b[c] - a[c];
    ap[c] = p[c] - a[c];
    len2 += ab[c] * ab[c];
    dot += ab[c] * ap[c];
  }
  const double t = len2 > 0 ? std::clamp(dot / len2, 0.0, 1.0) : 0.0;
  std::array<double, 3> closest{a[0] + t * ab[0], a[1] + t * ab[1], a[2] + t * ab[2]};
  return distance(p, closest);
}

SegmentIndex::SegmentIndex(const Axons& axons, double voxel_um) : axons_(&axons), voxel_um_(voxel_um) {
  const auto& all = axons.all();
  std::array<double, 3> low{1e300, 1e300, 1e300}, high{-1e300, -1e300, -1e300};
  for (const auto& a : all)
    for (const auto& p : a.points)
      for (int c = 0; c < 3; ++c) {
        low[c] = std::min(low[c], p[c]);
        high[c] = std::max(high[c], p[c]);
      }
  if (low[0] > high[0]) low = high = {0, 0, 0};
  for (int c = 0; c < 3; ++c) {
    origin_[c] = low[c] - voxel_um;
    n_[c] = static_cast<int>((high[c] - origin_[c]) / voxel_um) + 2;
  }
  const auto cell = [&](double x, int c) { return std::clamp(static_cast<int>((x - origin_[c]) / voxel_um_), 0, n_[c] - 1); };
  // Two passes (count, then fill) over every voxel each segment's bounding box touches.
  const std::size_t voxels = static_cast<std::size_t>(n_[0]) * n_[1] * n_[2];
  start_.assign(voxels + 1, 0);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::uint32_t> fill;
    if (pass == 1) {
      for (std::size_t v = 0; v < voxels; ++v) start_[v + 1] += start_[v];
      entries_.resize(start_[voxels]);
      fill.assign(start_.begin(), start_.end() - 1);
    }
    for (std::size_t n = 0; n < all.size(); ++n)
      for (std::size_t s = 0; s + 1 < all[n].points.size(); ++s) {
        const auto& a = all[n].points[s];
        const auto& b = all[n].points[s + 1];
        for (int k = cell(std::min(a[2], b[2]), 2); k <= cell(std::max(a[2], b[2]), 2); ++k)
          for (int j = cell(std::min(a[1], b[1]), 1); j <= cell(std::max(a[1], b[1]), 1); ++j)
            for (int i = cell(std::min(a[0], b[0]), 0); i <= cell(std::max(a[0], b[0]), 0); ++i) {
              const std::size_t v =
                  (static_cast<std::size_t>(k) * n_[1] + static_cast<std::size_t>(j)) * n_[0] + static_cast<std::size_t>(i);
              if (pass == 0)
                ++start_[v + 1];
              else
                entries_[fill[v]++] = {static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(s)};
            }
      }
  }
}

std::vector<SegmentIndex::Hit> SegmentIndex::near(const std::array<double, 3>& p, double radius) const {
  std::vector<Hit> hits;
  int lo[3], hi[3];
  for (int c = 0; c < 3; ++c) {
    lo[c] = std::clamp(static_cast<int>((p[c] - radius - origin_[c]) / voxel_um_), 0, n_[c] - 1);
    hi[c] = std::clamp(static_cast<int>((p[c] + radius - origin_[c]) / voxel_um_), 0, n_[c] - 1);
  }
  const auto& all = axons_->all();
  for (int k = lo[2]; k <= hi[2]; ++k)
    for (int j = lo[1]; j <= hi[1]; ++j)
      for (int i = lo[0]; i <= hi[0]; ++i) {
        const std::size_t v =
            (static_cast<std::size_t>(k) * n_[1] + static_cast<std::size_t>(j)) * n_[0] + static_cast<std::size_t>(i);
        for (std::uint32_t e = start_[v]; e < start_[v + 1]; ++e) {
          const auto [n, s] = entries_[e];
          const double d = distance_to_segment(p, all[n].points[s], all[n].points[s + 1]);
          if (d <= radius) hits.push_back({n, s, d});
        }
      }
  // A segment spanning several voxels is found more than once: sort and keep one of each.
  std::sort(hits.begin(), hits.end(),
            [](const Hit& a, const Hit& b) { return a.axon != b.axon ? a.axon < b.axon : a.segment < b.segment; });
  hits.erase(std::unique(hits.begin(), hits.end(),
                         [](const Hit& a, const Hit& b) { return a.axon == b.axon && a.segment == b.segment; }),
             hits.end());
  return hits;
}

}  // namespace bungner::agents
