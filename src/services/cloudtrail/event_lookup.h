// LookupEvents's request and answer, apart from the store: the one lookup attribute it may name
// and the time range read into a store::AuditQuery (CloudTrail's errors for anything else), the
// page token that carries the position and a fingerprint of the query it belongs to (a token
// handed back with other parameters is refused, as CloudTrail refuses it), and each stored
// event as the Events list shows it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/audit_log.h"

namespace gatehouse::services::cloudtrail {

inline constexpr int kMaxLookupResults = 50;

// The query `input` (LookupEventsRequest, its NextToken already opened to the key it seals:
// services/page_markers.h) asks of `account_id`'s history.
Result<store::AuditQuery> ReadLookupQuery(const nlohmann::json& input,
                                          const std::string& account_id);

// The key of the page after the one ending at event number `last_seq`, for `query`.
std::string NextPageKey(const store::AuditQuery& query, int64_t last_seq);

// One entry of the answer's Events list.
nlohmann::json LookupEventJson(const store::AuditRow& row);

}  // namespace gatehouse::services::cloudtrail
