#include "store/record_codec.h"

#include <nlohmann/json.hpp>

#include "store/entity_json.h"

namespace gatehouse::store {

template <typename T>
std::string EncodeRecord(const T& value) {
  // Every field is text: binary values (sealed secrets) are hex-encoded by their owners.
  return nlohmann::json(value).dump();
}

template <typename T>
Result<T> DecodeRecord(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status(ErrorCode::kServiceFailure,
                  std::string("unreadable ") + RecordKind<T>::kName + " record");
  }
  try {
    return j.get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Status(ErrorCode::kServiceFailure,
                  std::string("unreadable ") + RecordKind<T>::kName + " record: " + e.what());
  }
}

#define X(Type, kind)                                                 \
  template std::string EncodeRecord<model::Type>(const model::Type&); \
  template Result<model::Type> DecodeRecord<model::Type>(std::string_view);
#include "store/record_kinds.def"
#undef X

}  // namespace gatehouse::store
