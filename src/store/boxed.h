// Boxed<V>: a value of the std::variant V, kept behind a pointer, with everything that touches
// the variant itself — making it from an alternative, copying, destroying — compiled once, in
// store.cc, instead of in every file that uses V. A batch's writes and preconditions are
// variants of about ninety alternatives (one pair per record kind); held inline, each file that
// built a batch instantiated the variant's visitors and inlined them, 20–45 seconds of compile
// time a file. Construct a Boxed from an alternative; read it with get() (std::visit, get_if).
// A moved-from Boxed holds nothing and may only be assigned or destroyed.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
#include <variant>

namespace gatehouse::store {

inline constexpr size_t kNotAnAlternative = static_cast<size_t>(-1);

// The position of A among the variant V's alternatives; kNotAnAlternative when it is not one.
// (A partial specialization: deducing from a V* instead would instantiate V.)
template <typename A, typename V>
struct AlternativeIndex;
template <typename A, typename... Ts>
struct AlternativeIndex<A, std::variant<Ts...>> {
  static constexpr size_t Find() {
    size_t i = 0;
    const bool found = ((++i, std::is_same_v<A, Ts>) || ...);
    return found ? i - 1 : kNotAnAlternative;
  }
  static constexpr size_t value = Find();
};

template <typename V>
class Boxed {
 public:
  template <typename A>
  static constexpr size_t kIndexOf = AlternativeIndex<A, V>::value;

  template <typename A, typename = std::enable_if_t<kIndexOf<A> != kNotAnAlternative>>
  Boxed(A alternative)  // NOLINT(google-explicit-constructor): a Boxed is its alternative
      : value_(Make(kIndexOf<A>, &alternative)) {}
  Boxed(const Boxed& other);
  Boxed& operator=(const Boxed& other);
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  const V& get() const { return *value_; }
  V& get() { return *value_; }

 private:
  // A new V holding the alternative at `index`, moved from `*alternative` (of that type).
  static V* Make(size_t index, void* alternative);
  struct Delete {
    void operator()(V* value) const;
  };
  std::unique_ptr<V, Delete> value_;
};

}  // namespace gatehouse::store
