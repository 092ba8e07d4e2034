#include "store/store.h"

#include <array>
#include <utility>

namespace gatehouse::store {

// Boxed's work on its variant, compiled here once for the batch's two variants (boxed.h).

namespace {

// For each alternative of V, a function that makes a V from it.
template <typename V, size_t... I>
constexpr auto Makers(std::index_sequence<I...>) {
  return std::array<V* (*)(void*), sizeof...(I)>{[](void* alternative) -> V* {
    using A = std::variant_alternative_t<I, V>;
    return new V(std::in_place_index<I>, std::move(*static_cast<A*>(alternative)));
  }...};
}

}  // namespace

template <typename V>
V* Boxed<V>::Make(size_t index, void* alternative) {
  static constexpr auto kMakers = Makers<V>(std::make_index_sequence<std::variant_size_v<V>>());
  return kMakers[index](alternative);
}

template <typename V>
Boxed<V>::Boxed(const Boxed& other) : value_(new V(*other.value_)) {}

template <typename V>
Boxed<V>& Boxed<V>::operator=(const Boxed& other) {
  if (this != &other) value_.reset(new V(*other.value_));
  return *this;
}

template <typename V>
void Boxed<V>::Delete::operator()(V* value) const {
  delete value;
}

template class Boxed<WriteVariant>;
template class Boxed<PreconditionVariant>;

}  // namespace gatehouse::store
