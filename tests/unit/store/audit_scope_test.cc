// An audited call's event travels with the call's first successful commit, in its transaction:
// once, not with a refused commit, and never without a scope; packed as the store writes it on
// the caller's thread.
#include "store/audit_scope.h"

#include <gtest/gtest.h>

#include "store/directory.h"
#include "store/memory_store.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";

model::AuditEntry Event(std::string id) {
  model::AuditEntry e;
  e.event_id = std::move(id);
  e.account_id = kAccount;
  e.time_ms = 1000;
  e.body = "{\"eventID\":\"" + e.event_id + "\"}";
  return e;
}

std::vector<std::string> Stored(Store& store) {
  AuditQuery q;
  q.account_id = kAccount;
  Result<std::vector<AuditRow>> rows = store.LookupAudit(q);
  EXPECT_TRUE(rows.ok());
  std::vector<std::string> ids;
  for (const AuditRow& r : *rows) ids.push_back(r.entry.event_id);
  return ids;
}

WriteBatch NewAccount(std::string id) {
  return {{InsertAccount{{std::move(id), "acct", "a@example.com", 1000}}}};
}

TEST(AuditScope, TheFirstSuccessfulCommitCarriesTheEventOnce) {
  MemoryStore store;
  State state(store);
  ASSERT_TRUE(state.Load().ok());
  ASSERT_TRUE(state.Commit(NewAccount(kAccount)).ok());  // no scope: no event
  EXPECT_TRUE(Stored(store).empty());
  {
    AuditScope scope(Event("e1"));
    EXPECT_EQ(AuditScope::Current(), &scope);
    // Refused (the email is taken): the event is not stored with it.
    EXPECT_FALSE(state.Commit(NewAccount("222222222222")).ok());
    EXPECT_FALSE(scope.written());
    EXPECT_TRUE(Stored(store).empty());
    ASSERT_TRUE(state.Commit({{InsertRootUser{{kAccount, "a@example.com", "hash"}}}}).ok());
    EXPECT_TRUE(scope.written());
    ASSERT_TRUE(state.Commit({{InsertUser{{kAccount, "alice", "/", "AIDA1", 1, {}}}}}).ok());
  }
  EXPECT_EQ(AuditScope::Current(), nullptr);
  EXPECT_EQ(Stored(store), std::vector<std::string>{"e1"});
}

// A memory store that says how it packs events, and keeps what each batch brought packed.
class PackingStore : public MemoryStore {
 public:
  std::string PackAudit(const std::vector<model::AuditEntry>& events) const override {
    std::string out = "packed";
    for (const model::AuditEntry& e : events) out += " " + e.event_id;
    return out;
  }
  Status Commit(const WriteBatch& batch) override {
    packed.push_back(batch.packed_audit);
    return MemoryStore::Commit(batch);
  }
  std::vector<std::string> packed;
};

TEST(AuditScope, TheEventArrivesPackedAsTheStoreWritesIt) {
  PackingStore store;
  State state(store);
  ASSERT_TRUE(state.Load().ok());
  ASSERT_TRUE(state.Commit(NewAccount(kAccount)).ok());
  {
    AuditScope scope(Event("e1"));
    ASSERT_TRUE(state.Commit({{InsertRootUser{{kAccount, "a@example.com", "hash"}}}}).ok());
  }
  EXPECT_EQ(store.packed, (std::vector<std::string>{"", "packed e1"}));
  EXPECT_EQ(Stored(store), std::vector<std::string>{"e1"});
}

TEST(AuditScope, ScopesNest) {
  AuditScope outer(Event("outer"));
  {
    AuditScope inner(Event("inner"));
    EXPECT_EQ(AuditScope::Current(), &inner);
  }
  EXPECT_EQ(AuditScope::Current(), &outer);
}

}  // namespace
}  // namespace gatehouse::store
