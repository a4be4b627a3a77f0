#include "bungner/io/omex.hpp"

#include <fmt/format.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include "bungner/core/errors.hpp"
#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"

namespace bungner::io {
namespace {

namespace fs = std::filesystem;

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::string zip_stored(const std::vector<ArchiveEntry>& entries) {
  if (entries.size() > 0xffff) throw std::invalid_argument("zip: more than 65535 entries");
  constexpr std::uint32_t dos_date = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
  constexpr std::uint32_t dos_time = 0;
  std::string out, central;
  std::set<std::string> names;
  for (const ArchiveEntry& e : entries) {
    if (e.name.empty() || e.name.size() > 0xffff || e.name.front() == '/' || !names.insert(e.name).second)
      throw std::invalid_argument("zip: bad or repeated entry name '" + e.name + "'");
    if (e.content.size() >= 0xffffffffULL || out.size() >= 0xffffffffULL)
      throw std::invalid_argument("zip: an entry or the archive exceeds 4 GiB");
    const auto crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(e.content.data()), static_cast<uInt>(e.content.size())));
    const auto size = static_cast<std::uint32_t>(e.content.size());
    const auto offset = static_cast<std::uint32_t>(out.size());
    const auto name_length = static_cast<std::uint32_t>(e.name.size());
    // Local file header: version 2.0, flag bit 11 (names are UTF-8), method 0 (stored).
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0x0800);
    put16(out, 0);
    put16(out, dos_time);
    put16(out, dos_date);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, name_length);
    put16(out, 0);
    out += e.name;
    out += e.content;
    // Its central directory record (made by: 3 = Unix, version 2.0; regular file, 0644).
    put32(central, 0x02014b50);
    put16(central, (3 << 8) | 20);
    put16(central, 20);
    put16(central, 0x0800);
    put16(central, 0);
    put16(central, dos_time);
    put16(central, dos_date);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, name_length);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put32(central, 0100644U << 16);
    put32(central, offset);
    central += e.name;
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);
  return out;
}

std::string omex_format(const std::string& name) {
  static const std::map<std::string, std::string> by_extension = {
      {".csv", "text/csv"},        {".json", "application/json"}, {".toml", "application/toml"},
      {".html", "text/html"},      {".svg", "image/svg+xml"},     {".txt", "text/plain"},
      {".md", "text/markdown"},    {".swc", "text/plain"},        {".vti", "application/xml"},
      {".vtp", "application/xml"}, {".pvd", "application/xml"},   {".bin", "application/octet-stream"}};
  if (name == "manifest.xml") return "http://identifiers.org/combine.specifications/omex-manifest";
  if (name == "metadata.rdf") return "http://identifiers.org/combine.specifications/omex-metadata";
  const auto it = by_extension.find(fs::path(name).extension().string());
  return "http://purl.org/NET/mediatypes/" + (it == by_extension.end() ? std::string("application/octet-stream") : it->second);
}

void write_omex(const fs::path& dir, const fs::path& archive) {
  const bool run = fs::exists(dir / "run.json");
  const bool study = !run && fs::exists(dir / "study.json") && fs::exists(dir / "summary.json");
  if (!run && !study)
    throw InputError(SourceLocation{dir.string(), 0, 0}, "export",
                     "holds neither a finished run (run.json) nor a finished study (study.json and summary.json)");
  const auto record = nlohmann::json::parse(read_all(dir / (run ? "run.json" : "study.json")), nullptr, false);
  if (record.is_discarded() || !record.is_object())
    throw InputError(SourceLocation{(dir / (run ? "run.json" : "study.json")).string(), 0, 0}, "export", "is not valid JSON");
  std::vector<ArchiveEntry> files;
  // The model as it ran: the resolved scenario (presets applied, every default filled in).
  files.push_back({"scenario.toml", record.value(run ? "resolved_scenario" : "base_scenario_resolved", std::string())});
  // The inputs as given, where they can still be read.
  const auto input = [&](const std::string& key) {
    const std::string path = record.value(key, std::string());
    if (path.empty() || !fs::is_regular_file(path)) return;
    const std::string name = "inputs/" + fs::path(path).filename().string();
    if (std::none_of(files.begin(), files.end(), [&](const ArchiveEntry& e) { return e.name == name; }))
      files.push_back({name, read_all(path)});
  };
  for (const char* key : {"scenario_file", "preset_file", "study_file", "base_scenario"}) input(key);
  // Every output, in name order (a subject's checkpoint is a slice of subjects.csv).
  std::vector<fs::path> outputs;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), dir);
    const std::string first = relative.begin()->string();
    if (first == "subjects" || is_partial_name(relative.filename().string()) || relative == "checkpoint.bin") continue;
    outputs.push_back(relative);
  }
  std::sort(outputs.begin(), outputs.end());
  for (const fs::path& p : outputs) files.push_back({"outputs/" + p.generic_string(), read_all(dir / p)});

  const std::string kind = run ? "run" : "study";
  std::string manifest =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<omexManifest xmlns=\"http://identifiers.org/combine.specifications/omex-manifest\">\n"
      "  <content location=\".\" format=\"http://identifiers.org/combine.specifications/omex\"/>\n"
      "  <content location=\"./manifest.xml\" format=\"http://identifiers.org/combine.specifications/omex-manifest\"/>\n"
      "  <content location=\"./metadata.rdf\" format=\"http://identifiers.org/combine.specifications/omex-metadata\"/>\n";
  for (const ArchiveEntry& e : files)
    manifest += fmt::format("  <content location=\"./{}\" format=\"{}\"{}/>\n", text::xml_escape(e.name), omex_format(e.name),
                            e.name == "scenario.toml" ? " master=\"true\"" : "");
  manifest += "</omexManifest>\n";
  const std::string created = record.value("end_time", record.value("start_time", std::string()));
  std::string metadata = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\n"
      "  <rdf:Description rdf:about=\".\">\n"
      "    <dcterms:title>{}</dcterms:title>\n"
      "    <dcterms:description>A bungner {} (in-silico peripheral nerve injury and repair): the resolved scenario "
      "(scenario.toml), its inputs (inputs/) and outputs (outputs/); provenance in outputs/{}.json.</dcterms:description>\n"
      "    <dcterms:creator>bungner {} (git {})</dcterms:creator>\n"
      "    <dcterms:identifier>{}</dcterms:identifier>\n"
      "{}"
      "  </rdf:Description>\n"
      "</rdf:RDF>\n",
      text::xml_escape(record.value("title", record.value("scenario_file", dir.filename().string()))), kind, kind,
      text::xml_escape(record.value("bungner_version", std::string("?"))),
      text::xml_escape(record.value("git_commit", std::string("?"))),
      text::xml_escape("sha256:" + record.value(run ? "scenario_sha256" : "study_sha256", std::string())),
      created.empty() ? std::string() : fmt::format("    <dcterms:created>{}</dcterms:created>\n", text::xml_escape(created)));
  files.insert(files.begin(), {{"manifest.xml", manifest}, {"metadata.rdf", metadata}});
  write_file_atomically(archive, zip_stored(files));
}

}  // namespace bungner::io
