// Where the recorder (audit/recorder.h) hands each batch of events once the store has appended
// it: an export for SIEMs (audit/event_file_sink.h). Write is called from the recorder's one
// thread, never concurrently; an error is returned, never thrown, and the recorder goes on.
#pragma once

#include <vector>

#include "core/status.h"
#include "model/audit_entities.h"

namespace gatehouse::audit {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Exports `entries` (their bodies, the CloudTrail records), in order.
  virtual Status Write(const std::vector<model::AuditEntry>& entries) = 0;
};

}  // namespace gatehouse::audit
