// The audit event of the call running on this thread, which the call's first successful commit
// stores with its writes, in the same transaction (State::Commit adds it to the batch): no
// change is stored without its record. The dispatcher opens a scope around a mutating call's
// handler; after the handler, written() tells whether a commit took the event (the dispatcher
// then completes it with the call's answer) or not (the call changed nothing: its event is
// appended on its own). Scopes nest per thread: the innermost is current.
#pragma once

#include "model/audit_entities.h"

namespace gatehouse::store {

class AuditScope {
 public:
  explicit AuditScope(model::AuditEntry entry);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // The scope of this thread's call; null outside one.
  static AuditScope* Current();

  const model::AuditEntry& entry() const { return entry_; }
  bool written() const { return written_; }
  void MarkWritten() { written_ = true; }

 private:
  model::AuditEntry entry_;
  bool written_ = false;
  AuditScope* outer_;
};

}  // namespace gatehouse::store
