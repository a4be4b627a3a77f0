#pragma once
// Experimental designs for parameter studies: full-factorial grids, Latin hypercube samples,
// Sobol low-discrepancy sequences, scaling from the unit cube to parameter ranges, and the CSV
// design table (one row per design point) that a study runs from. docs/statistics.md.
#include "bungner/core/random.hpp"

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bungner::study {

/// Design points: one inner vector per point, one value per dimension (parameter).
using Points = std::vector<std::vector<double>>;

/// Every combination of the given levels, the last factor varying fastest (as
/// itertools.product): levels {{1,2},{10,20,30}} gives (1,10),(1,20),(1,30),(2,10),...
/// Each factor needs at least one level; no factors gives no points.
Points full_factorial(const std::vector<std::vector<double>>& levels);

/// Latin hypercube sample of n points in [0,1)^dims (McKay, Beckman & Conover 1979): along
/// every dimension each of the n strata [i/n, (i+1)/n) holds exactly one point. The stratum
/// order is a Fisher-Yates permutation and the position inside a stratum uniform, or the
/// stratum centre (i + 1/2)/n when `centred`. Dimension d draws from its own stream
/// RandomStream(key, d, 0, purpose_id("study.latin_hypercube")), so adding dimensions leaves
/// the earlier columns unchanged.
Points latin_hypercube(std::size_t n, std::size_t dims, RandomKey key, bool centred = false);

/// Largest dimension of the Sobol generator (Joe & Kuo 2008 direction numbers,
/// new-joe-kuo-6.21201, the set scipy.stats.qmc.Sobol uses).
inline constexpr std::size_t sobol_max_dimensions = 256;

/// Points skip, skip+1, ..., skip+n-1 of the (unscrambled) Sobol sequence in [0,1)^dims,
/// in Gray-code order with 32-bit direction numbers: the same points as
/// scipy.stats.qmc.Sobol(d, scramble=False). Point 0 is the origin; it is kept by default
/// (skip = 0) because dropping it spoils the balance of the first 2^m points (Owen 2022).
/// Needs 1 <= dims <= sobol_max_dimensions and skip + n <= 2^32.
Points sobol_sequence(std::size_t n, std::size_t dims, std::size_t skip = 0);

/// How a unit-cube coordinate u maps to a parameter range.
enum class Scale {
  uniform,      ///< low + u (high - low)
  log_uniform,  ///< exp(ln low + u (ln high - ln low)); needs 0 < low
};

/// One parameter of a study: dotted name, unit (as written in headers, e.g. "mm/day", may be
/// empty) and range.
struct ParameterRange {
  std::string name;
  std::string unit;
  double low = 0.0;
  double high = 1.0;
  Scale scale = Scale::uniform;
};

/// Checks a range (finite, low <= high, low > 0 for log-uniform); throws std::invalid_argument.
void validate(const ParameterRange& range);

/// Maps u in [0,1] to the range (clamped to [low, high] against rounding).
double scale_value(double u, const ParameterRange& range);

/// Maps every point of a unit-cube design to the ranges (one range per dimension).
Points scale_points(const Points& unit_points, std::span<const ParameterRange> ranges);

/// A design table: column headers (parameter name with its unit in brackets) and one row of
/// values per design point. The CSV form adds a first column `row` holding 0, 1, 2, ...
struct DesignTable {
  std::vector<std::string> columns;
  Points rows;
};

/// "name [unit]", or just "name" when the unit is empty.
std::string column_header(std::string_view name, std::string_view unit);

/// Splits "name [unit]" into {name, unit}; a header without a trailing [...] has an empty unit.
std::pair<std::string, std::string> split_column_header(std::string_view header);

/// Headers from the ranges and the rows as given (values in parameter units).
DesignTable make_design_table(std::span<const ParameterRange> ranges, const Points& values);

/// Writes `row,<columns...>` then one line per row, values in shortest round-trip form (so
/// reading back gives the same doubles). Throws std::invalid_argument when a row has the wrong
/// number of values.
void write_design_csv(std::ostream& out, const DesignTable& table);

/// Reads what write_design_csv writes (quoted fields, CRLF and trailing blank lines accepted).
/// The first column must be `row` and count 0, 1, 2, ...; every row needs a value per column;
/// headers must be distinct. Problems throw InputError naming `source` and the line.
DesignTable read_design_csv(std::istream& in, std::string_view source = "design.csv");

}  // namespace bungner::study
