#pragma once
// Declared state: content (mechanisms, therapies, readouts) declares the blocks of state and the
// signals it needs while the Model is compiled; the engine allocates, resets, copies, checkpoints
// and restores them by name, without knowing what they mean. Declaration returns a typed handle,
// an index, so that a hot loop reaches its data without a string lookup.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bungner {

/// The scalar a block is made of; the checkpoint names it ("f64", "u32", ...).
enum class ScalarType : std::uint8_t { f64, i64, u64, i32, u32, u16, u8 };
std::string_view scalar_name(ScalarType type);
std::size_t scalar_bytes(ScalarType type);

template <typename T>
constexpr ScalarType scalar_type_of() {
  if constexpr (std::is_same_v<T, double>)
    return ScalarType::f64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return ScalarType::i64;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return ScalarType::u64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return ScalarType::i32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return ScalarType::u32;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return ScalarType::u16;
  else {
    static_assert(std::is_same_v<T, std::uint8_t>, "state blocks hold double, integers or bytes");
    return ScalarType::u8;
  }
}

/// What one element of a block is: a scalar, or a record of `width` scalars of one type. A record
/// type names its scalar as `using state_scalar = double;` and holds nothing else, so that the
/// checkpoint can describe it (type and width) and restore it bit for bit.
template <typename T>
struct BlockElement {
  using scalar = T;
  static constexpr std::uint32_t width = 1;
};
template <typename T>
requires requires { typename T::state_scalar; }
struct BlockElement<T> {
  using scalar = typename T::state_scalar;
  static_assert(std::is_trivially_copyable_v<T> && std::is_standard_layout_v<T>);
  static_assert(sizeof(T) % sizeof(scalar) == 0 && alignof(T) == alignof(scalar), "a state record holds only its state_scalar");
  static constexpr std::uint32_t width = sizeof(T) / sizeof(scalar);
};

/// How many elements a block has in a State: fixed by the Model when the State is made.
enum class Extent : std::uint8_t {
  scalar,              ///< one
  per_neuron,          ///< one per neuron (id order)
  per_distal_segment,  ///< one per segment of the 1D distal nerve
  per_target,          ///< one per target (Model::targets order)
  per_instance,        ///< one per StateLayout::add_instance call (e.g. one per [[therapies]] item)
};
std::string_view extent_name(Extent extent);

/// A declared block: what the engine needs to allocate, reset and describe it.
struct BlockSpec {
  std::string name;  ///< `<item>.<name>`, e.g. `demo.tally`
  ScalarType type = ScalarType::f64;
  std::uint32_t width = 1;  ///< scalars per element
  Extent extent = Extent::scalar;
  std::vector<std::byte> initial;  ///< one element's bytes in a fresh State
  std::size_t instances = 0;       ///< Extent::per_instance only
  std::size_t element_bytes() const { return scalar_bytes(type) * width; }
};

template <typename T>
struct BlockHandle {
  std::uint32_t index = std::numeric_limits<std::uint32_t>::max();
  bool valid() const { return index != std::numeric_limits<std::uint32_t>::max(); }
};

/// How the values of several writers of one signal in one tick combine (in process order).
enum class Combine : std::uint8_t { product, sum, max };
std::string_view combine_name(Combine combine);

/// A signal: a value that writers set during a tick and readers read in the same tick; reset to
/// its neutral value at the start of every tick, so a signal without a writer reads neutral.
struct SignalSpec {
  std::string name;
  std::string unit;
  double neutral = 1.0;
  Combine combine = Combine::product;
};

struct SignalHandle {
  std::uint32_t index = std::numeric_limits<std::uint32_t>::max();
  Combine combine = Combine::product;
  bool valid() const { return index != std::numeric_limits<std::uint32_t>::max(); }
};

/// One block's data in a State. It carries its name, type and width so that a State can be
/// checkpointed and compared without the Model.
struct StateBlock {
  std::string name;
  ScalarType type = ScalarType::f64;
  std::uint32_t width = 1;
  std::vector<std::byte> bytes;  ///< operator new's alignment suits every scalar type
  std::size_t element_bytes() const { return scalar_bytes(type) * width; }
  std::size_t elements() const { return bytes.size() / element_bytes(); }
};

/// The element counts of the Model-sized extents.
struct ExtentSizes {
  std::size_t neurons = 0;
  std::size_t distal_segments = 0;
  std::size_t targets = 0;
};

/// Everything content declared for one Model: blocks and signals, in declaration order.
/// Declaring a name again with the same description returns the same handle (a reader declares
/// what it reads); a different description is a ModelError.
class StateLayout {
 public:
  template <typename T>
  BlockHandle<T> block(std::string_view name, Extent extent, const T& initial = T{}) {
    static_assert(std::is_trivially_copyable_v<T>);
    using E = BlockElement<T>;
    std::vector<std::byte> bytes(sizeof(T));
    std::memcpy(bytes.data(), &initial, sizeof(T));
    return BlockHandle<T>{declare_block(name, scalar_type_of<typename E::scalar>(), E::width, extent, std::move(bytes))};
  }
  /// A new element of a per-instance block; returns its index.
  template <typename T>
  std::size_t add_instance(BlockHandle<T> handle) {
    return add_instance(handle.index);
  }
  SignalHandle signal(const SignalSpec& spec);

  /// The handle of a declared block by name, for tests and tools (not for hot loops); throws
  /// ModelError when no block of that name and element type is declared.
  template <typename T>
  BlockHandle<T> find(std::string_view name) const {
    using E = BlockElement<T>;
    return BlockHandle<T>{find_block(name, scalar_type_of<typename E::scalar>(), E::width)};
  }
  /// The handle of a declared signal by name; throws ModelError when there is none.
  SignalHandle find_signal(std::string_view name) const;

  const std::vector<BlockSpec>& blocks() const { return blocks_; }
  const std::vector<SignalSpec>& signals() const { return signals_; }
  /// Every signal's neutral value, in handle order (what a tick starts from).
  const std::vector<double>& neutral_signals() const { return neutral_; }

  /// Fresh blocks, every element at its declared initial value.
  std::vector<StateBlock> allocate(const ExtentSizes& sizes) const;
  /// Blocks read from a checkpoint, checked against this layout by name, type, width and size
  /// and put in declaration order. Throws InputError (key `--resume`) naming every mismatch.
  std::vector<StateBlock> adopt(std::vector<StateBlock> restored, const ExtentSizes& sizes) const;
  std::size_t elements(const BlockSpec& spec, const ExtentSizes& sizes) const;

 private:
  std::uint32_t declare_block(std::string_view name, ScalarType type, std::uint32_t width, Extent extent,
                              std::vector<std::byte> initial);
  std::size_t add_instance(std::uint32_t index);
  std::uint32_t find_block(std::string_view name, ScalarType type, std::uint32_t width) const;
  std::vector<BlockSpec> blocks_;
  std::vector<SignalSpec> signals_;
  std::vector<double> neutral_;
};

/// "f64", or "f64x14" for a record of 14 doubles.
std::string describe_element(ScalarType type, std::uint32_t width);

}  // namespace bungner
