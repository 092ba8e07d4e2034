// The JSON encoding of the records of record_kinds.def, as the store keeps them on disk.
// Decoding tolerates missing fields (they take their defaults), so a field added later reads
// older rows. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace gatehouse::store {

template <typename T>
std::string EncodeRecord(const T& value);

template <typename T>
Result<T> DecodeRecord(std::string_view body);

}  // namespace gatehouse::store
