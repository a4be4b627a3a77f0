#pragma once
// Checkpoints of a run: the State (everything that changes) plus what the run has written so far,
// tied to the scenario by its SHA-256 and to the binary by its version. A checkpoint is just the
// State, as in MuJoCo: restoring it and continuing gives the same bits as never stopping. The
// state blocks content declared are written by name with their element type, width and count.
#include <filesystem>
#include <string>

#include "bungner/agents/agents.hpp"
#include "bungner/agents/axons.hpp"
#include "bungner/fields/fields.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/state.hpp"

namespace bungner::io {

struct Checkpoint {
  std::string version;  ///< bungner version and git commit that wrote it
  std::string scenario_sha256;
  std::string scenario_path;      ///< where the scenario came from (for messages and provenance)
  std::string resolved_scenario;  ///< canonical TOML: the Model is recompiled from it on resume
  State state;
  std::string timeseries_csv;  ///< rows written so far (without the header)
  std::string readouts_csv;    ///< rows written so far (without the header)
  std::size_t next_readout = 0;
  std::int64_t next_row_s = 0;
};

/// Serialises a checkpoint (binary, little-endian doubles as in memory) atomically.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
/// Reads a checkpoint; throws InputError when the file is not a bungner checkpoint or is damaged.
Checkpoint read_checkpoint(const std::filesystem::path& path);
/// Same, from the file's bytes; `name` stands in for the file in messages.
Checkpoint parse_checkpoint(std::string bytes, const std::string& name);

/// Byte images of the 3D layers, for checkpoints of runs that hold them. Restoring gives back
/// every value bit for bit; an agent image carries its cell kinds (a restart checks them against
/// the Model's), an axon image takes the growth cone from the caller.
std::string serialize(const fields::Fields& fields);
fields::Fields deserialize_fields(std::string bytes);
std::string serialize(const agents::Agents& agents);
agents::Agents deserialize_agents(std::string bytes);
std::string serialize(const agents::Axons& axons);
agents::Axons deserialize_axons(std::string bytes, agents::GrowthCone cone);

/// "<version> (<commit>)" of this binary.
std::string binary_version();

}  // namespace bungner::io
