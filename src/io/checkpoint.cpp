#include "bungner/io/checkpoint.hpp"

#include <array>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "bungner/core/build_info.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/core/sha256.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

std::optional<ScalarType> scalar_type_named(std::string_view name) {
  for (const ScalarType t :
       {ScalarType::f64, ScalarType::i64, ScalarType::u64, ScalarType::i32, ScalarType::u32, ScalarType::u16, ScalarType::u8})
    if (scalar_name(t) == name) return t;
  return std::nullopt;
}

// 7: content state as self-describing blocks (name, type, width, element count), so that content
// that adds or changes its state needs no new format. Versions 2-6 wrote content fields by hand.
constexpr char magic[] = "BUNGNER-CHECKPOINT-7";
// The trailer: the SHA-256 (64 hex digits) of every byte before it, written as a text field
// (an 8-byte length, then the digits), so that a damaged but well-formed file is refused.
constexpr std::size_t checksum_digits = 64;
constexpr std::size_t trailer_bytes = sizeof(std::uint64_t) + checksum_digits;

class Writer {
 public:
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void value(const T& v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void text(const std::string& s) {
    value(static_cast<std::uint64_t>(s.size()));
    out_.append(s);
  }
  template <typename V>
  void column(const V& v) {
    value(static_cast<std::uint64_t>(v.size()));
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(typename V::value_type));
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string bytes, std::string path) : in_(std::move(bytes)), path_(std::move(path)) {}
  template <typename T>
  requires std::is_trivially_copyable_v<T> T value() {
    T v;
    need(sizeof v);
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string text() {
    const auto n = value<std::uint64_t>();
    need(n);
    std::string s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  template <typename V>
  void column(V& v) {
    const auto n = count(sizeof(typename V::value_type));
    v.resize(n);
    // An empty vector's data() may be null, which memcpy must not get even for 0 bytes.
    if (n > 0) std::memcpy(v.data(), in_.data() + at_, n * sizeof(typename V::value_type));
    at_ += n * sizeof(typename V::value_type);
  }
  bool done() const { return at_ == in_.size(); }
  /// A count of records of `record_bytes` each that must fit in what is left (a damaged count
  /// must not make us allocate terabytes).
  std::uint64_t count(std::size_t record_bytes) {
    const auto n = value<std::uint64_t>();
    if (n > (in_.size() - at_) / record_bytes)
      throw InputError(SourceLocation{path_, 0, 0}, "--resume", "checkpoint is truncated or damaged");
    return n;
  }

 private:
  void need(std::uint64_t n) const {
    if (n > in_.size() - at_) throw InputError(SourceLocation{path_, 0, 0}, "--resume", "checkpoint is truncated or damaged");
  }
  std::string in_;
  std::string path_;
  std::size_t at_ = 0;
};

template <typename IO, typename S>
void neurons(IO& io, S& n) {
  io.column(n.kind);
  io.column(n.target);
  io.column(n.vigour);
  io.column(n.alive);
  io.column(n.death_threshold);
  io.column(n.cumulative_hazard);
  io.column(n.status);
  io.column(n.growth_start_s);
  io.column(n.speed_m_per_s);
  io.column(n.position_m);
  io.column(n.arrival_s);
  io.column(n.distal_hazard);
  io.column(n.distal_loss_threshold);
  io.column(n.connection);
}

template <typename IO, typename A>
void agent_columns(IO& io, A& a) {
  io.column(a.id);
  io.column(a.kind);
  for (auto* c : {&a.x, &a.y, &a.z, &a.mx, &a.my, &a.mz}) io.column(*c);
}

/// The 3D injury site: its three engines' images, then the per-voxel tissue columns and totals.
template <typename IO, typename Site>
void site_columns(IO& io, Site& s) {
  for (auto* c : {&s.axon_integrity, &s.myelin, &s.fibrin, &s.vessel, &s.band, &s.schwann_density, &s.regrown, &s.cone_start_s,
                  &s.suture_cross_s})
    io.column(*c);
  io.column(s.orientation);
  io.column(s.axon_of_neuron);
  io.column(s.neuron_of_axon);
}

}  // namespace

std::string serialize(const fields::Fields& f) {
  Writer w;
  w.text("bungner-fields-1");
  w.value(f.grid());
  w.value(static_cast<std::uint64_t>(f.substrates()));
  const auto values = f.all();
  w.value(static_cast<std::uint64_t>(values.size()));
  w.text(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)));
  return w.bytes();
}

fields::Fields deserialize_fields(std::string bytes) {
  Reader r(std::move(bytes), "fields");
  if (r.text() != "bungner-fields-1") throw InputError(SourceLocation{"fields", 0, 0}, "--resume", "not a field image");
  const auto grid = r.value<fields::Grid>();
  const auto substrates = r.value<std::uint64_t>();
  const auto count = r.value<std::uint64_t>();
  const std::string data = r.text();
  if (grid.nx < 1 || grid.ny < 1 || grid.nz < 1 || count != grid.voxels() * substrates || data.size() != count * sizeof(double))
    throw InputError(SourceLocation{"fields", 0, 0}, "--resume", "field image does not match its grid");
  fields::Fields f(grid, substrates);
  std::memcpy(f.data(), data.data(), data.size());
  return f;
}

/// The agents with their kinds (names, variables and what an agent stands for), so the image
/// describes itself and a restart checks it against the Model's layout.
std::string serialize(const agents::Agents& a) {
  Writer w;
  w.text("bungner-agents-2");
  w.value(static_cast<std::uint64_t>(a.kinds().size()));
  for (const agents::CellKind& k : a.kinds()) {
    w.text(k.name);
    w.value(static_cast<std::uint64_t>(k.variables.size()));
    for (const std::string& v : k.variables) w.text(v);
    w.value(k.radius_um);
    w.text(k.phenotype);
    w.value(k.cells_per_agent);
    w.text(k.cells_variable);
  }
  w.value(a.next_id);
  agent_columns(w, a);
  w.value(static_cast<std::uint64_t>(a.variables.size()));
  for (const auto& v : a.variables) w.column(v);
  return w.bytes();
}

agents::Agents deserialize_agents(std::string bytes) {
  Reader r(std::move(bytes), "agents");
  if (r.text() != "bungner-agents-2") throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "not an agent image");
  std::vector<agents::CellKind> kinds(r.count(4 * sizeof(std::uint64_t)));
  if (kinds.empty() || kinds.size() > 255)
    throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image has no kinds");
  for (agents::CellKind& k : kinds) {
    k.name = r.text();
    k.variables.resize(r.count(sizeof(std::uint64_t)));
    for (std::string& v : k.variables) v = r.text();
    k.radius_um = r.value<double>();
    k.phenotype = r.text();
    k.cells_per_agent = r.value<double>();
    k.cells_variable = r.text();
  }
  agents::Agents a(std::move(kinds));
  a.next_id = r.value<std::uint64_t>();
  agent_columns(r, a);
  if (r.value<std::uint64_t>() != a.variables.size())
    throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image has other state variables");
  for (auto& v : a.variables) r.column(v);
  const std::size_t n = a.id.size();
  for (const auto* c : {&a.x, &a.y, &a.z, &a.mx, &a.my, &a.mz})
    if (c->size() != n) throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image is inconsistent");
  if (a.kind.size() != n) throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image is inconsistent");
  for (const auto& v : a.variables)
    if (v.size() != n) throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image is inconsistent");
  for (const std::uint8_t k : a.kind)
    if (k >= a.kinds().size()) throw InputError(SourceLocation{"agents", 0, 0}, "--resume", "agent image is inconsistent");
  return a;
}

std::string serialize(const agents::Axons& axons) {
  Writer w;
  w.text("bungner-axons-1");
  w.value(axons.next_id());
  w.value(static_cast<std::uint64_t>(axons.all().size()));
  for (const auto& a : axons.all()) {
    w.value(a.id);
    w.value(a.parent);
    w.column(a.points);
    w.column(a.diameter_um);
    w.column(a.myelin_um);
    w.value(a.heading);
    w.value(a.since_last_point_um);
    w.value(static_cast<std::uint8_t>(a.growing));
  }
  return w.bytes();
}

agents::Axons deserialize_axons(std::string bytes, agents::GrowthCone cone) {
  Reader r(std::move(bytes), "axons");
  if (r.text() != "bungner-axons-1") throw InputError(SourceLocation{"axons", 0, 0}, "--resume", "not an axon image");
  agents::Axons axons(cone);
  axons.set_next_id(r.value<std::uint64_t>());
  const auto n = r.count(8);
  axons.all().resize(n);
  for (auto& a : axons.all()) {
    a.id = r.value<std::uint64_t>();
    a.parent = r.value<std::uint64_t>();
    r.column(a.points);
    r.column(a.diameter_um);
    r.column(a.myelin_um);
    a.heading = r.value<std::array<double, 3>>();
    a.since_last_point_um = r.value<double>();
    a.growing = r.value<std::uint8_t>() != 0;
  }
  return axons;
}

std::string binary_version() { return std::string(build_info::version) + " (" + build_info::git_commit + ")"; }

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
  Writer w;
  w.text(magic);
  w.text(c.version);
  w.text(c.scenario_sha256);
  w.text(c.scenario_path);
  w.text(c.resolved_scenario);
  const State& s = c.state;
  w.value(s.key);
  w.value(s.time_s);
  w.value(s.tick);
  neurons(w, s.neurons);
  w.value(s.distal.stump_support);
  w.value(s.distal.support_at_contact);
  w.value(static_cast<std::uint8_t>(s.distal.contact_made));
  w.value(s.distal.regrowing_fraction);
  w.column(s.distal.segment_support);
  w.column(s.distal.segment_reached);
  w.value(static_cast<std::uint64_t>(s.targets.size()));
  for (const TargetState& t : s.targets) {
    w.value(t.mass_ratio);
    w.value(t.receptivity);
    w.value(t.innervation);
    w.value(t.connected_axons);
    for (const std::uint32_t k : t.connected_by_type) w.value(k);
    w.value(t.fibre_capacity);
    w.value(t.specific_force);
  }
  w.value(static_cast<std::uint64_t>(s.blocks.size()));
  for (const StateBlock& b : s.blocks) {
    w.text(b.name);
    w.text(std::string(scalar_name(b.type)));
    w.value(b.width);
    w.value(static_cast<std::uint64_t>(b.elements()));
    w.text(std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size()));
  }
  w.value(static_cast<std::uint8_t>(s.site.has_value()));
  if (s.site) {
    const site::InjurySite& site = *s.site;
    w.text(serialize(site.fields));
    w.text(serialize(site.cells));
    w.value(site.axons.cone());
    w.text(serialize(site.axons));
    site_columns(w, site);
    for (double total : {site.myelin_initial, site.myelin_autophagy, site.myelin_phagocytosis, site.vessel_length_um,
                         site.epineurial_macrophages})
      w.value(total);
    w.value(site.monocytes_recruited);
  }
  w.value(static_cast<std::uint64_t>(s.diagnostics.counts.size()));
  for (const auto& [name, count] : s.diagnostics.counts) {
    w.text(name);
    w.value(count);
  }
  w.text(c.timeseries_csv);
  w.text(c.readouts_csv);
  w.value(static_cast<std::uint64_t>(c.next_readout));
  w.value(c.next_row_s);
  w.text(sha256_hex(w.bytes()));
  write_file_atomically(path, w.bytes());
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(SourceLocation{path.string(), 0, 0}, "--resume",
                     "no checkpoint here (was the run started with output.checkpoint_interval?)");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return parse_checkpoint(bytes.str(), path.string());
}

namespace {

/// The magic text at the start of `bytes`, or "" when there is none.
std::string header_of(const std::string& bytes) {
  if (bytes.size() < sizeof(std::uint64_t)) return {};
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), sizeof n);
  if (n > 64 || n > bytes.size() - sizeof n) return {};
  return bytes.substr(sizeof n, n);
}

}  // namespace

Checkpoint parse_checkpoint(std::string bytes, const std::string& name) {
  const std::string header = header_of(bytes);
  if (header.starts_with("BUNGNER-CHECKPOINT-") && header != magic)
    throw InputError(SourceLocation{name, 0, 0}, "--resume",
                     fmt::format("checkpoint format {} is not {} (written by another bungner version); it cannot "
                                 "be resumed (start the run again)",
                                 header.substr(19), std::string_view(magic).substr(19)));
  if (header != magic) throw InputError(SourceLocation{name, 0, 0}, "--resume", "not a bungner checkpoint");
  {
    // Check the trailer before reading anything else: a flipped bit anywhere is refused here,
    // even where the rest would still parse.
    const auto damaged = [&](const std::string& why) {
      return InputError(SourceLocation{name, 0, 0}, "--resume",
                        "checkpoint is damaged: " + why + "; it cannot be resumed (start the run again)");
    };
    if (bytes.size() < trailer_bytes) throw damaged("it is too short to hold its SHA-256");
    const std::size_t payload = bytes.size() - trailer_bytes;
    std::uint64_t digits = 0;
    std::memcpy(&digits, bytes.data() + payload, sizeof digits);
    const std::string stored = bytes.substr(payload + sizeof digits);
    if (digits != checksum_digits) throw damaged("its SHA-256 trailer is missing or truncated");
    if (sha256_hex(std::string_view(bytes).substr(0, payload)) != stored)
      throw damaged("its SHA-256 does not match its contents (changed or corrupted after it was written)");
    bytes.resize(payload);
  }
  Reader r(std::move(bytes), name);
  (void)r.text();  // the magic, checked above
  Checkpoint c;
  c.version = r.text();
  c.scenario_sha256 = r.text();
  c.scenario_path = r.text();
  c.resolved_scenario = r.text();
  State& s = c.state;
  s.key = r.value<RandomKey>();
  s.time_s = r.value<std::int64_t>();
  s.tick = r.value<std::int64_t>();
  neurons(r, s.neurons);
  s.distal.stump_support = r.value<double>();
  s.distal.support_at_contact = r.value<double>();
  s.distal.contact_made = r.value<std::uint8_t>() != 0;
  s.distal.regrowing_fraction = r.value<double>();
  r.column(s.distal.segment_support);
  r.column(s.distal.segment_reached);
  s.targets.resize(r.count(5 * sizeof(double) + (1 + fibre_types) * sizeof(std::uint32_t)));
  for (TargetState& t : s.targets) {
    t.mass_ratio = r.value<double>();
    t.receptivity = r.value<double>();
    t.innervation = r.value<double>();
    t.connected_axons = r.value<std::uint32_t>();
    for (std::uint32_t& k : t.connected_by_type) k = r.value<std::uint32_t>();
    t.fibre_capacity = r.value<double>();
    t.specific_force = r.value<double>();
  }
  const auto blocks = r.count(3 * sizeof(std::uint64_t) + sizeof(std::uint32_t));
  for (std::uint64_t k = 0; k < blocks; ++k) {
    StateBlock b;
    b.name = r.text();
    const std::string type = r.text();
    b.width = r.value<std::uint32_t>();
    const auto elements = r.value<std::uint64_t>();
    const std::string data = r.text();
    const auto known = scalar_type_named(type);
    if (!known || b.width == 0)
      throw InputError(SourceLocation{name, 0, 0}, "--resume",
                       fmt::format("checkpoint block '{}' has an unknown element type {}x{}", b.name, type, b.width));
    b.type = *known;
    if (data.size() / b.element_bytes() != elements || data.size() % b.element_bytes() != 0)
      throw InputError(SourceLocation{name, 0, 0}, "--resume",
                       fmt::format("checkpoint block '{}' holds {} bytes, not {} elements of {}", b.name, data.size(), elements,
                                   describe_element(b.type, b.width)));
    b.bytes.resize(data.size());
    if (!data.empty()) std::memcpy(b.bytes.data(), data.data(), data.size());
    s.blocks.push_back(std::move(b));
  }
  if (r.value<std::uint8_t>() != 0) {
    fields::Fields fields = deserialize_fields(r.text());
    agents::Agents cells = deserialize_agents(r.text());
    const auto cone = r.value<agents::GrowthCone>();
    agents::Axons axons = deserialize_axons(r.text(), cone);
    s.site.emplace(site::InjurySite{.fields = std::move(fields), .cells = std::move(cells), .axons = std::move(axons)});
    site::InjurySite& site = *s.site;
    site_columns(r, site);
    for (double* total : {&site.myelin_initial, &site.myelin_autophagy, &site.myelin_phagocytosis, &site.vessel_length_um,
                          &site.epineurial_macrophages})
      *total = r.value<double>();
    site.monocytes_recruited = r.value<std::uint64_t>();
  }
  const auto counts = r.value<std::uint64_t>();
  for (std::uint64_t i = 0; i < counts; ++i) {
    std::string counter = r.text();
    s.diagnostics.counts[counter] = r.value<std::uint64_t>();
  }
  c.timeseries_csv = r.text();
  c.readouts_csv = r.text();
  c.next_readout = static_cast<std::size_t>(r.value<std::uint64_t>());
  c.next_row_s = r.value<std::int64_t>();
  if (!r.done()) throw InputError(SourceLocation{name, 0, 0}, "--resume", "checkpoint has trailing data");
  return c;
}

}  // namespace bungner::io
