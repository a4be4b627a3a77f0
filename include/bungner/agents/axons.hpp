#pragma once
// Axons as polylines: the injury site's growth cones extend them point by point (a mechanism of
// the site's content grows them) and readouts query them (crossings of a plane, lengths,
// diameters, myelin).
#include <array>
#include <cstdint>
#include <vector>

namespace bungner::agents {

/// What all axons of a population share.
struct GrowthCone {
  double segment_um = 10;            ///< a new polyline point every this much growth
  double initial_diameter_um = 1.0;  ///< diameter of a new segment
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
  /// A new axon of one zero-length segment at `origin`, heading along `heading` (normalised).
  std::uint64_t add(std::array<double, 3> origin, std::array<double, 3> heading);
  const std::vector<Axon>& all() const { return axons_; }
  std::vector<Axon>& all() { return axons_; }
  const GrowthCone& cone() const { return cone_; }
  std::uint64_t next_id() const { return next_id_; }
  void set_next_id(std::uint64_t id) { next_id_ = id; }  ///< for restoring a checkpoint

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

}  // namespace bungner::agents
