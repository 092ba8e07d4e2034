// A record as a store lists it (kind, key, JSON body) turned back into the typed write that puts
// it: for copying records from one store to another and for comparing them in their canonical
// form. The kinds are record_kinds.def's. Pure; thread-safe.
#pragma once

#include <string>

#include "core/status.h"
#include "store/store.h"

namespace gatehouse::app {

// A Put<T> with create = true (a copy into an empty store never replaces). InvalidInput for a
// kind this gatehouse does not know, a body that does not decode, or a key that is not the
// decoded record's own.
Result<store::Write> PutOfRawRecord(const store::RawRecord& record);

// The canonical body of the record a PutOfRawRecord write puts: its value encoded again.
std::string CanonicalBodyOf(const store::Write& put);

}  // namespace gatehouse::app
