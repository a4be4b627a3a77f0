#pragma once
// COMBINE archives (OMEX, Bergmann et al. 2014, doi:10.1186/s12859-014-0369-z) of a run or a
// study: one zip file that tools of the systems-biology community (the COMBINE archive web
// tools, libCombine, BioSimulators) open, holding the scenario as resolved (presets applied),
// the input files, every output, a manifest that names each file's format, and provenance
// metadata. `bungner export DIR --omex`.
#include <filesystem>
#include <string>
#include <vector>

namespace bungner::io {

/// One file of an archive: its path inside the archive ("readouts.csv") and its bytes.
struct ArchiveEntry {
  std::string name;
  std::string content;
};

/// A zip file (PKWARE APPNOTE 6.3) of the entries, stored without compression, every time stamp
/// 1980-01-01 00:00 so that the same entries give the same bytes. Names must be unique, relative
/// and at most 65535 bytes; at most 65535 entries of at most 4 GiB each (no zip64).
std::string zip_stored(const std::vector<ArchiveEntry>& entries);

/// The format URI of a file in an OMEX manifest, by its extension (media types as
/// http://purl.org/NET/mediatypes/..., as the OMEX specification does).
std::string omex_format(const std::string& name);

/// Writes the COMBINE archive of the run or study in `dir` to `archive` (atomically): manifest.xml,
/// metadata.rdf, scenario.toml (the resolved scenario; a study's base scenario resolved, marked as
/// the master file), the input files as given (under inputs/) when they can still be read, and
/// every file the run or study wrote (subjects' checkpoints and partial files left out). Throws
/// InputError when `dir` holds neither a finished run nor a finished study.
void write_omex(const std::filesystem::path& dir, const std::filesystem::path& archive);

}  // namespace bungner::io
