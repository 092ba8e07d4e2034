// The database's master key check (model::MasterKeyCheck): every instance of a deployment must
// seal and open secrets with the same master key. The first instance to start on a database
// records a known text sealed under its key; every later start opens it, and an instance with
// another key refuses to start instead of writing secrets the others cannot read.
#pragma once

#include <cstdint>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "store/directory.h"

namespace gatehouse::app {

// OK when `master_key` opens the database's check, or when there was none and one is now
// recorded; InvalidParameterValue with an explanation when the key is another one.
Status CheckMasterKey(store::State& state, const std::string& master_key, Random& random,
                      int64_t now_ms);

}  // namespace gatehouse::app
