#include "bungner/model/state_layout.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

#include "bungner/core/errors.hpp"

namespace bungner {

std::string_view scalar_name(ScalarType type) {
  switch (type) {
    case ScalarType::f64: return "f64";
    case ScalarType::i64: return "i64";
    case ScalarType::u64: return "u64";
    case ScalarType::i32: return "i32";
    case ScalarType::u32: return "u32";
    case ScalarType::u16: return "u16";
    case ScalarType::u8: return "u8";
  }
  return "?";
}

std::size_t scalar_bytes(ScalarType type) {
  switch (type) {
    case ScalarType::f64:
    case ScalarType::i64:
    case ScalarType::u64: return 8;
    case ScalarType::i32:
    case ScalarType::u32: return 4;
    case ScalarType::u16: return 2;
    case ScalarType::u8: return 1;
  }
  return 1;
}

std::string_view extent_name(Extent extent) {
  switch (extent) {
    case Extent::scalar: return "scalar";
    case Extent::per_neuron: return "per neuron";
    case Extent::per_distal_segment: return "per distal segment";
    case Extent::per_target: return "per target";
    case Extent::per_instance: return "per instance";
  }
  return "?";
}

std::string_view combine_name(Combine combine) {
  switch (combine) {
    case Combine::product: return "product";
    case Combine::sum: return "sum";
    case Combine::max: return "max";
  }
  return "?";
}

std::string describe_element(ScalarType type, std::uint32_t width) {
  return width == 1 ? std::string(scalar_name(type)) : fmt::format("{}x{}", scalar_name(type), width);
}

std::uint32_t StateLayout::declare_block(std::string_view name, ScalarType type, std::uint32_t width, Extent extent,
                                         std::vector<std::byte> initial) {
  if (name.empty() || name.find('.') == std::string_view::npos)
    throw ModelError(fmt::format("state block '{}': name it <item>.<name>", name));
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const BlockSpec& b = blocks_[i];
    if (b.name != name) continue;
    if (b.type != type || b.width != width || b.extent != extent || b.initial != initial)
      throw ModelError(fmt::format("state block '{}' is declared twice differently: {} {} and {} {} (or another initial value)",
                                   name, describe_element(b.type, b.width), extent_name(b.extent), describe_element(type, width),
                                   extent_name(extent)));
    return static_cast<std::uint32_t>(i);
  }
  blocks_.push_back(BlockSpec{std::string(name), type, width, extent, std::move(initial), 0});
  return static_cast<std::uint32_t>(blocks_.size() - 1);
}

std::size_t StateLayout::add_instance(std::uint32_t index) {
  BlockSpec& b = blocks_.at(index);
  if (b.extent != Extent::per_instance)
    throw ModelError(fmt::format("state block '{}' is {}, not per instance", b.name, extent_name(b.extent)));
  return b.instances++;
}

SignalHandle StateLayout::signal(const SignalSpec& spec) {
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    const SignalSpec& s = signals_[i];
    if (s.name != spec.name) continue;
    // Bitwise comparison of the neutral value: a NaN neutral is as good as any.
    if (s.unit != spec.unit || std::bit_cast<std::uint64_t>(s.neutral) != std::bit_cast<std::uint64_t>(spec.neutral) ||
        s.combine != spec.combine)
      throw ModelError(fmt::format("signal '{}' is declared twice differently: [{}] neutral {} {} and [{}] neutral {} {}",
                                   spec.name, s.unit, s.neutral, combine_name(s.combine), spec.unit, spec.neutral,
                                   combine_name(spec.combine)));
    return SignalHandle{static_cast<std::uint32_t>(i), s.combine};
  }
  if (spec.name.empty()) throw ModelError("a signal needs a name");
  signals_.push_back(spec);
  neutral_.push_back(spec.neutral);
  return SignalHandle{static_cast<std::uint32_t>(signals_.size() - 1), spec.combine};
}

std::uint32_t StateLayout::find_block(std::string_view name, ScalarType type, std::uint32_t width) const {
  for (std::size_t i = 0; i < blocks_.size(); ++i)
    if (blocks_[i].name == name) {
      if (blocks_[i].type != type || blocks_[i].width != width)
        throw ModelError(fmt::format("state block '{}' holds {}, not {}", name,
                                     describe_element(blocks_[i].type, blocks_[i].width), describe_element(type, width)));
      return static_cast<std::uint32_t>(i);
    }
  throw ModelError(fmt::format("no state block '{}' is declared in this model", name));
}

SignalHandle StateLayout::find_signal(std::string_view name) const {
  for (std::size_t i = 0; i < signals_.size(); ++i)
    if (signals_[i].name == name) return SignalHandle{static_cast<std::uint32_t>(i), signals_[i].combine};
  throw ModelError(fmt::format("no signal '{}' is declared in this model", name));
}

std::size_t StateLayout::elements(const BlockSpec& spec, const ExtentSizes& sizes) const {
  switch (spec.extent) {
    case Extent::scalar: return 1;
    case Extent::per_neuron: return sizes.neurons;
    case Extent::per_distal_segment: return sizes.distal_segments;
    case Extent::per_target: return sizes.targets;
    case Extent::per_instance: return spec.instances;
  }
  return 0;
}

std::vector<StateBlock> StateLayout::allocate(const ExtentSizes& sizes) const {
  std::vector<StateBlock> out;
  out.reserve(blocks_.size());
  for (const BlockSpec& spec : blocks_) {
    StateBlock b{spec.name, spec.type, spec.width, {}};
    const std::size_t n = elements(spec, sizes), size = spec.element_bytes();
    b.bytes.resize(n * size);
    for (std::size_t i = 0; i < n; ++i) std::memcpy(b.bytes.data() + i * size, spec.initial.data(), size);
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<StateBlock> StateLayout::adopt(std::vector<StateBlock> restored, const ExtentSizes& sizes) const {
  std::vector<std::string> problems;
  std::vector<StateBlock> out;
  out.reserve(blocks_.size());
  for (const BlockSpec& spec : blocks_) {
    const auto it = std::find_if(restored.begin(), restored.end(), [&](const StateBlock& b) { return b.name == spec.name; });
    if (it == restored.end()) {
      problems.push_back(fmt::format("block '{}' ({} {}) is missing", spec.name, describe_element(spec.type, spec.width),
                                     extent_name(spec.extent)));
      continue;
    }
    const std::size_t n = elements(spec, sizes);
    if (it->type != spec.type || it->width != spec.width)
      problems.push_back(fmt::format("block '{}' holds {} but the model declares {}", spec.name,
                                     describe_element(it->type, it->width), describe_element(spec.type, spec.width)));
    else if (it->elements() != n || it->bytes.size() != n * spec.element_bytes())
      problems.push_back(fmt::format("block '{}' has {} elements but the model has {} ({})", spec.name, it->elements(), n,
                                     extent_name(spec.extent)));
    else
      out.push_back(std::move(*it));
    restored.erase(it);
  }
  for (const StateBlock& b : restored)
    problems.push_back(fmt::format("block '{}' ({}) is not declared by this model", b.name, describe_element(b.type, b.width)));
  if (!problems.empty()) {
    std::string message = "the checkpoint's state does not match the model's: ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    throw InputError(SourceLocation{"checkpoint", 0, 0}, "--resume", message);
  }
  return out;
}

}  // namespace bungner
