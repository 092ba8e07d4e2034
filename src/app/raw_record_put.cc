#include "app/raw_record_put.h"

#include <type_traits>
#include <variant>

#include "store/record_codec.h"

namespace gatehouse::app {
namespace {

Status Invalid(const store::RawRecord& record, const std::string& why) {
  return Status(ErrorCode::kInvalidInput,
                "record " + record.kind + " '" + record.key + "': " + why);
}

template <typename T>
Result<store::Write> Decoded(const store::RawRecord& record) {
  Result<T> value = store::DecodeRecord<T>(record.body);
  if (!value.ok()) return Invalid(record, "its body does not decode: " + value.status().message());
  if (value->Key() != record.key) return Invalid(record, "its key is not its value's");
  return store::Write(store::Put<T>{std::move(value).value(), /*create=*/true});
}

}  // namespace

Result<store::Write> PutOfRawRecord(const store::RawRecord& record) {
#define X(Type, name) \
  if (record.kind == name) return Decoded<model::Type>(record);
#include "store/record_kinds.def"
#undef X
  return Invalid(record, "a kind this gatehouse does not know (written by a newer version?)");
}

std::string CanonicalBodyOf(const store::Write& put) {
  return std::visit(
      [](const auto& w) -> std::string {
        using W = std::decay_t<decltype(w)>;
        if constexpr (store::IsPut<W>::value) {
          return store::EncodeRecord(w.value);
        } else {
          return std::string();
        }
      },
      put.get());
}

}  // namespace gatehouse::app
