#pragma once
// Axons as polylines: a growth cone at each tip senses a field, steers, extends, branches and
// retracts, leaving segments that other agents and readouts can query. Two-phase like the cell
// engine: each growth cone updates only its own axon; branches are applied afterwards in id order.
#include <array>
#include <cstdint>
#include <vector>

#include "bungner/core/random.hpp"
#include "bungner/fields/fields.hpp"

namespace bungner::agents {

/// Growth-cone behaviour (one set for all axons of a population).
struct GrowthCone {
  double speed_um_per_min = 2.0;   ///< elongation speed (3 mm/day ~ 2.08 um/min)
  double segment_um = 10;          ///< a new polyline point every this much growth
  double wander = 0.1;             ///< random turning per sqrt(min) (rotational diffusion) [1/sqrt(min)]
  int attractant = -1;             ///< substrate steering the cone (chemotropism)
  double chemotropism = 0;         ///< turning rate toward the gradient [1/min]
  double branch_rate_per_min = 0;  ///< new branch at the tip
  double branch_angle_rad = 0.5;
  int retraction_substrate = -1;  ///< retract while this substrate is below the threshold
  double retraction_threshold = 0;
  double retraction_speed_um_per_min = 0;
  double initial_diameter_um = 1.0;
};

/// One axon (or branch): polyline from its origin to the growth cone.
struct Axon {
  std::uint64_t id = 0;
  std::uint64_t parent = UINT64_MAX;          ///< the axon it branched from
  std::vector<std::array<double, 3>> points;  ///< points[0] origin, back() the tip [um]
  std::vector<double> diameter_um;            ///< per segment (points.size() - 1)
  std::vector<double> myelin_um;              ///< per segment: myelin thickness
  std::array<double, 3> heading{1, 0, 0};     ///< unit vector
  double since_last_point_um = 0;
  bool growing = true;
};

class Axons {
 public:
  explicit Axons(GrowthCone cone) : cone_(cone) {}
  std::uint64_t add(std::array<double, 3> origin, std::array<double, 3> heading);
  const std::vector<Axon>& all() const { return axons_; }
  std::vector<Axon>& all() { return axons_; }
  const GrowthCone& cone() const { return cone_; }
  std::uint64_t next_id() const { return next_id_; }
  void set_next_id(std::uint64_t id) { next_id_ = id; }  ///< for restoring a checkpoint

  /// Advances every growth cone by dt [min]; `fields` may be null. Returns the number of branches.
  std::size_t step(const fields::Fields* fields, double dt_min, std::uint64_t step, RandomKey key);

  /// Number of axons with a segment crossing the plane x = x_um.
  std::size_t crossing(double x_um) const;
  /// Length of an axon's polyline [um].
  static double length(const Axon& axon);
  /// Length of one segment [um].
  static double segment_length(const Axon& axon, std::size_t segment);

 private:
  GrowthCone cone_;
  std::vector<Axon> axons_;
  std::uint64_t next_id_ = 0;
};

/// A spatial index of axon segments, so that cells (Schwann cells myelinating, macrophages,
/// growth cones fasciculating) can find the segments near them. Rebuilt when axons have grown.
class SegmentIndex {
 public:
  struct Hit {
    std::size_t axon = 0;     ///< index into Axons::all()
    std::size_t segment = 0;  ///< segment s joins points s and s + 1
    double distance_um = 0;   ///< from the query point to the segment
  };
  /// Buckets every segment by the voxels its bounding box touches (voxel edge `voxel_um`).
  SegmentIndex(const Axons& axons, double voxel_um);
  /// Segments within `radius_um` of the point, ordered by (axon, segment).
  std::vector<Hit> near(const std::array<double, 3>& point, double radius_um) const;

 private:
  const Axons* axons_;
  double voxel_um_;
  std::array<double, 3> origin_{};
  std::array<int, 3> n_{1, 1, 1};
  std::vector<std::uint32_t> start_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> entries_;  ///< (axon, segment) per voxel
};

/// Distance from a point to the segment [a, b] [um].
double distance_to_segment(const std::array<double, 3>& p, const std::array<double, 3>& a, const std::array<double, 3>& b);

}  // namespace bungner::agents
