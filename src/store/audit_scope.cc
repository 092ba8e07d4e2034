#include "store/audit_scope.h"

#include <utility>

namespace gatehouse::store {
namespace {

thread_local AuditScope* current = nullptr;

}  // namespace

AuditScope::AuditScope(model::AuditEntry entry) : entry_(std::move(entry)), outer_(current) {
  current = this;
}

AuditScope::~AuditScope() { current = outer_; }

AuditScope* AuditScope::Current() { return current; }

}  // namespace gatehouse::store
