// libFuzzer target for every parser of user input: scenario TOML, study TOML, design CSV,
// quantities with units, and checkpoints. The first byte picks the parser. Any exception other
// than the documented input errors, and any crash or sanitizer report, is a bug.
//   make fuzz            (builds the `fuzz` preset with clang and runs for a bounded time)
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "bungner/core/errors.hpp"
#include "bungner/core/units.hpp"
#include "bungner/io/checkpoint.hpp"
#include "bungner/model/model.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/study/designs.hpp"
#include "bungner/study/study.hpp"

namespace {
const bungner::Registry& registry() {
  static const bungner::Registry r = bungner::make_builtin_registry();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bungner;
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 5) {
      case 0: (void)Model::compile(load_scenario_text(text, "fuzz.toml", registry()), registry()); break;
      case 1: (void)study::load_study_text(text, BUNGNER_SOURCE_DIR "/scenarios/studies/fuzz.toml", registry()); break;
      case 2: {
        std::istringstream in(text);
        (void)study::read_design_csv(in, "fuzz.csv");
        break;
      }
      case 3: {
        try {
          (void)units::parse_quantity(text);
        } catch (const units::UnitError&) {
        }
        // With a dimension expected, an unknown symbol is matched against that dimension's units.
        (void)units::parse_as(text, "mm/day");
        break;
      }
      case 4: (void)io::parse_checkpoint(text, "fuzz.bin"); break;
    }
  } catch (const InputError&) {
  } catch (const ModelError&) {
  } catch (const units::UnitError&) {
  }
  return 0;
}
