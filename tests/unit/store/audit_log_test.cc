// The audit log's contract (store/audit_log.h) on every Store: events stored with the change
// they record or on their own, upserted by (account, event id) until sealed, read back newest
// first by each of LookupEvents's attributes, paged, bounded in time, kept apart by account,
// pruned, and sealed into a chain of digests that only one instance extends at a time.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "audit/event_digest.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

constexpr char kA[] = "111111111111";
constexpr char kB[] = "222222222222";

using AuditLogContract = BackendTest;

model::AuditEntry Event(std::string id, std::string account, int64_t time_ms,
                        std::string name = "CreateUser", bool read_only = false) {
  model::AuditEntry e;
  e.event_id = std::move(id);
  e.account_id = std::move(account);
  e.time_ms = time_ms;
  e.event_name = std::move(name);
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.access_key_id = "AKIAALICE";
  e.read_only = read_only;
  e.resources = {{"AWS::IAM::User", "bob"}};
  e.body = "{\"eventID\":\"" + e.event_id + "\"}";
  return e;
}

std::vector<std::string> Ids(const Result<std::vector<AuditRow>>& rows) {
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> ids;
  if (rows.ok()) {
    for (const AuditRow& r : *rows) ids.push_back(r.entry.event_id);
  }
  return ids;
}

AuditQuery Query(std::string account, AuditAttribute attribute = AuditAttribute::kNone,
                 std::string value = "") {
  AuditQuery q;
  q.account_id = std::move(account);
  q.attribute = attribute;
  q.value = std::move(value);
  return q;
}

TEST_P(AuditLogContract, AnEventTravelsWithItsChangeAndFailsWithIt) {
  auto store = Open();
  WriteBatch batch{{InsertAccount{{kA, "acct", "a@example.com", 1000}}}};
  batch.audit = {Event("e1", kA, 1000)};
  ASSERT_TRUE(store->Commit(batch).ok());
  // The same account again is refused: its event is not stored either.
  batch.audit = {Event("e2", kA, 2000)};
  EXPECT_EQ(store->Commit(batch).code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA))), std::vector<std::string>{"e1"});
  // And a fresh instance reads it (it is stored, not cached).
  EXPECT_EQ(Ids(Open()->LookupAudit(Query(kA))), std::vector<std::string>{"e1"});
}

TEST_P(AuditLogContract, UpsertKeepsTheNumberAndAccountsStayApart) {
  auto store = Open();
  ASSERT_TRUE(
      store->AppendAudit({Event("e1", kA, 1000), Event("e1", kB, 1000), Event("e2", kA, 2000)})
          .ok());
  model::AuditEntry completed = Event("e1", kA, 1000);
  completed.body = "{\"eventID\":\"e1\",\"responseElements\":{}}";  // the answer, added
  ASSERT_TRUE(store->AppendAudit({completed}).ok());
  auto rows = store->LookupAudit(Query(kA));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e2");  // newest first: e1 kept its number
  EXPECT_EQ((*rows)[1].entry.body, completed.body);
  EXPECT_EQ((*rows)[1].entry.resources, completed.resources);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kB))), std::vector<std::string>{"e1"});
}

// An event id as the recorder makes them (audit/event_id.h): a UUIDv7 carrying `ms`.
std::string V7Id(int64_t ms, int n) {
  char id[40];
  std::snprintf(id, sizeof id, "%08llx-%04llx-7000-8000-%012x",
                static_cast<unsigned long long>(ms >> 16),
                static_cast<unsigned long long>(ms & 0xFFFF), static_cast<unsigned>(n));
  return id;
}

TEST_P(AuditLogContract, EachLookupAttribute) {
  auto store = Open();
  // A read's id is one the recorder made (SQLite finds a read by the time its id carries).
  const std::string r1_id = V7Id(1000, 1);
  model::AuditEntry read = Event(r1_id, kA, 1000, "GetUser", true);
  read.username = "bob";
  read.access_key_id = "AKIABOB";
  read.event_source = "sts.amazonaws.com";
  read.resources = {{"AWS::IAM::Role", "Admin"}};
  ASSERT_TRUE(store->AppendAudit({read, Event("w1", kA, 2000)}).ok());
  const std::vector<std::string> r1 = {r1_id}, w1 = {"w1"};
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventId, r1_id))), r1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventId, "w1"))), w1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventName, "CreateUser"))), w1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kReadOnly, "true"))), r1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kReadOnly, "false"))), w1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kUsername, "bob"))), r1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kAccessKeyId, "AKIAALICE"))), w1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventSource, "sts.amazonaws.com"))),
            r1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kResourceType, "AWS::IAM::User"))),
            w1);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kResourceName, "Admin"))), r1);
  // Values are matched exactly, and only in the account asked for.
  EXPECT_TRUE(Ids(store->LookupAudit(Query(kA, AuditAttribute::kUsername, "BOB"))).empty());
  EXPECT_TRUE(Ids(store->LookupAudit(Query(kB, AuditAttribute::kUsername, "bob"))).empty());
  EXPECT_TRUE(
      Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventName, "' OR 1=1 --"))).empty());
}

// Reads (which SQLite keeps in blocks, a batch's in one row) between writes (rows), in several
// batches and two accounts: each is found by each attribute, in number order, paged, by its
// id, and sealed in number order.
TEST_P(AuditLogContract, ReadsBetweenWritesAcrossBatchesAreFoundAsAnyEvent) {
  auto store = Open();
  std::vector<std::string> a_ids, a_writes;  // kA's, in the order they are appended
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<model::AuditEntry> events;
    for (int k = 0; k < 5; ++k) {
      const int n = batch * 5 + k;
      const int64_t t = 1000000 + n * 1000;
      model::AuditEntry e =
          Event(k == 2 ? "w" + std::to_string(n) : V7Id(t + 400, n), n % 4 == 3 ? kB : kA, t,
                k == 2 ? "CreateUser" : "GetUser", k != 2);
      e.resources = {{"AWS::IAM::User", "u" + std::to_string(n % 3)}};
      if (e.account_id == kA) a_ids.push_back(e.event_id);
      if (e.account_id == kA && !e.read_only) a_writes.insert(a_writes.begin(), e.event_id);
      events.push_back(e);
    }
    ASSERT_TRUE(store->AppendAudit(events).ok());
  }
  const std::vector<std::string> newest_first(a_ids.rbegin(), a_ids.rend());
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA))), newest_first);
  // Paged: each page starts below the last number of the one before.
  AuditQuery q = Query(kA);
  q.limit = 4;
  std::vector<std::string> paged;
  while (true) {
    auto page = store->LookupAudit(q);
    ASSERT_TRUE(page.ok());
    for (const AuditRow& r : *page) paged.push_back(r.entry.event_id);
    if (page->size() < 4u) break;
    q.before_seq = page->back().seq;
  }
  EXPECT_EQ(paged, newest_first);
  // By attribute, and the resources each read names.
  auto u1 = store->LookupAudit(Query(kA, AuditAttribute::kResourceName, "u1"));
  ASSERT_TRUE(u1.ok());
  ASSERT_FALSE(u1->empty());
  for (const AuditRow& r : *u1) {
    EXPECT_EQ(r.entry.resources,
              (std::vector<std::pair<std::string, std::string>>{{"AWS::IAM::User", "u1"}}));
  }
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kReadOnly, "false"))), a_writes);
  const size_t reads = a_ids.size() - a_writes.size();
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventName, "GetUser"))).size(),
            reads);
  // By id: a recorder's id, found near its time; another form of id; not in another account.
  const std::string read_id = V7Id(1000000 + 6 * 1000 + 400, 6);
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kEventId, read_id))),
            std::vector<std::string>{read_id});
  EXPECT_TRUE(Ids(store->LookupAudit(Query(kB, AuditAttribute::kEventId, read_id))).empty());
  auto found = store->LookupAudit(Query(kA, AuditAttribute::kEventId, read_id));
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().entry.body, "{\"eventID\":\"" + read_id + "\"}");
  EXPECT_EQ(found->front().entry.time_ms, 1006000);
  EXPECT_EQ(found->front().entry.username, "alice");
  // Every event once, in number order, for the chain of digests.
  Result<int64_t> latest = store->LatestAuditSeq();
  ASSERT_TRUE(latest.ok());
  auto bodies = store->AuditEvents(1, *latest);
  ASSERT_TRUE(bodies.ok());
  ASSERT_EQ(bodies->size(), 15u);
  for (size_t i = 1; i < bodies->size(); ++i) EXPECT_LT((*bodies)[i - 1].seq, (*bodies)[i].seq);
  auto middle = store->AuditEvents((*bodies)[3].seq, (*bodies)[11].seq);
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(middle->size(), 9u);
  // Pruned whole batches at a time: the first batch's events (times up to 1004000) go.
  ASSERT_TRUE(store->PruneAudit(1005000).ok());
  auto left = Ids(store->LookupAudit(Query(kA)));
  EXPECT_EQ(left.size(), newest_first.size() - 4);  // kA held 4 of the first batch's 5
}

TEST_P(AuditLogContract, PagesAndTimeBounds) {
  auto store = Open();
  std::vector<model::AuditEntry> events;
  for (int i = 1; i <= 7; ++i) events.push_back(Event("e" + std::to_string(i), kA, i * 1000));
  ASSERT_TRUE(store->AppendAudit(events).ok());
  AuditQuery q = Query(kA);
  q.limit = 3;
  auto first = store->LookupAudit(q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"e7", "e6", "e5"}));
  q.before_seq = first->back().seq;
  EXPECT_EQ(Ids(store->LookupAudit(q)), (std::vector<std::string>{"e4", "e3", "e2"}));
  AuditQuery window = Query(kA);
  window.start_ms = 2000;
  window.end_ms = 4000;
  EXPECT_EQ(Ids(store->LookupAudit(window)), (std::vector<std::string>{"e4", "e3", "e2"}));
}

TEST_P(AuditLogContract, AnEventNamingTwoResourcesOfTheKindFillsOnePlaceOfAPage) {
  auto store = Open();
  std::vector<model::AuditEntry> events;
  for (int i = 1; i <= 4; ++i) {
    model::AuditEntry e = Event("e" + std::to_string(i), kA, i * 1000);
    e.resources = {
        {"AWS::IAM::User", "bob"}, {"AWS::IAM::User", "carol"}, {"AWS::IAM::Role", "bob"}};
    events.push_back(e);
  }
  ASSERT_TRUE(store->AppendAudit(events).ok());
  AuditQuery by_type = Query(kA, AuditAttribute::kResourceType, "AWS::IAM::User");
  by_type.limit = 3;
  EXPECT_EQ(Ids(store->LookupAudit(by_type)), (std::vector<std::string>{"e4", "e3", "e2"}));
  AuditQuery by_name = Query(kA, AuditAttribute::kResourceName, "bob");
  by_name.limit = 2;
  auto first = store->LookupAudit(by_name);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"e4", "e3"}));
  ASSERT_EQ((*first)[0].entry.resources.size(), 3u);  // every resource, not only the matching
  by_name.before_seq = first->back().seq;
  by_name.start_ms = 1500;
  EXPECT_EQ(Ids(store->LookupAudit(by_name)), std::vector<std::string>{"e2"});
}

TEST_P(AuditLogContract, AnEventCompletedAfterNewerOnesKeepsItsPlace) {
  auto store = Open();
  WriteBatch batch{{InsertAccount{{kA, "acct", "a@example.com", 1000}}}};
  batch.audit = {Event("e1", kA, 1000)};
  ASSERT_TRUE(store->Commit(batch).ok());
  ASSERT_TRUE(store->AppendAudit({Event("e2", kA, 2000), Event("e3", kA, 3000)}).ok());
  // Found by each of its keys before its completion is appended.
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kResourceName, "bob"))),
            (std::vector<std::string>{"e3", "e2", "e1"}));
  model::AuditEntry completed = Event("e1", kA, 1000);
  completed.body = "{\"eventID\":\"e1\",\"responseElements\":{}}";
  ASSERT_TRUE(store->AppendAudit({completed, Event("e4", kA, 4000)}).ok());
  for (AuditAttribute attribute : {AuditAttribute::kNone, AuditAttribute::kUsername}) {
    AuditQuery q = Query(kA, attribute, "alice");
    q.limit = 2;
    auto first = store->LookupAudit(q);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(Ids(first), (std::vector<std::string>{"e4", "e3"}));
    q.before_seq = first->back().seq;
    auto second = store->LookupAudit(q);
    EXPECT_EQ(Ids(second), (std::vector<std::string>{"e2", "e1"}));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->back().entry.body, completed.body);
  }
  EXPECT_EQ(Ids(Open()->LookupAudit(Query(kA, AuditAttribute::kEventName, "CreateUser"))),
            (std::vector<std::string>{"e4", "e3", "e2", "e1"}));
}

TEST_P(AuditLogContract, PruneForgetsOldEventsAndTheirDigests) {
  auto store = Open();
  ASSERT_TRUE(store->AppendAudit({Event("old", kA, 1000), Event("new", kA, 9000)}).ok());
  ASSERT_TRUE(store->PruneAudit(5000).ok());
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA))), std::vector<std::string>{"new"});
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA, AuditAttribute::kResourceName, "bob"))),
            std::vector<std::string>{"new"});
}

TEST_P(AuditLogContract, PruningNeverCutsASealedBatch) {
  auto store = Open();
  std::vector<model::AuditEntry> events;
  for (int i = 1; i <= 6; ++i) events.push_back(Event("e" + std::to_string(i), kA, i * 1000));
  ASSERT_TRUE(store->AppendAudit(events).ok());
  auto bodies = [&](int64_t f, int64_t l) { return *store->AuditEvents(f, l); };
  ASSERT_TRUE(store
                  ->AppendAuditDigest({1, 2, audit::kGenesisDigest,
                                       audit::ChainDigest(audit::kGenesisDigest, bodies(1, 2))})
                  .ok());
  const std::string first = store->AuditDigests()->back().digest;
  ASSERT_TRUE(
      store->AppendAuditDigest({3, 5, first, audit::ChainDigest(first, bodies(3, 5))}).ok());
  // e1..e3 are old; e3 is sealed with e4 and e5: only the first batch goes.
  ASSERT_TRUE(store->PruneAudit(3500).ok());
  EXPECT_EQ(Ids(store->LookupAudit(Query(kA))), (std::vector<std::string>{"e6", "e5", "e4", "e3"}));
  ASSERT_EQ(store->AuditDigests()->size(), 1u);
  // Past the sealed batches, unsealed events go as they age.
  ASSERT_TRUE(store->PruneAudit(6500).ok());
  EXPECT_TRUE(Ids(store->LookupAudit(Query(kA))).empty());
}

// A store whose every event aged out (a server idle for 90 days) numbers on from where it was:
// numbers starting over would fall under the digests the recorder has sealed, and the events
// that took them would never be sealed.
TEST_P(AuditLogContract, NumbersGoOnAfterEveryEventIsPruned) {
  auto store = Open();
  ASSERT_TRUE(store
                  ->AppendAudit({Event("e1", kA, 1000), Event("e2", kA, 2000, "GetUser", true),
                                 Event("e3", kA, 3000)})
                  .ok());
  const int64_t last = *store->LatestAuditSeq();
  ASSERT_GE(last, 3);
  ASSERT_TRUE(store->PruneAudit(10000).ok());
  EXPECT_TRUE(Ids(store->LookupAudit(Query(kA))).empty());
  ASSERT_TRUE(
      store->AppendAudit({Event("later", kA, 20000), Event("read", kA, 20001, "GetUser", true)})
          .ok());
  auto rows = store->LookupAudit(Query(kA));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_GT((*rows)[1].seq, last);
  EXPECT_GT((*rows)[0].seq, (*rows)[1].seq);
  // Pruned again, then reopened: still on.
  ASSERT_TRUE(store->PruneAudit(30000).ok());
  store.reset();
  store = Open();
  ASSERT_TRUE(store->AppendAudit({Event("after-restart", kA, 40000)}).ok());
  rows = store->LookupAudit(Query(kA));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_GT((*rows)[0].seq, last + 2);
}

TEST_P(AuditLogContract, DigestsKeepTheirSignaturesUntilPruned) {
  auto store = Open();
  std::vector<model::AuditEntry> events;
  for (int i = 1; i <= 4; ++i) events.push_back(Event("e" + std::to_string(i), kA, i * 1000));
  ASSERT_TRUE(store->AppendAudit(events).ok());
  auto bodies = [&](int64_t f, int64_t l) { return *store->AuditEvents(f, l); };
  model::AuditDigest signed_digest{1, 2, audit::kGenesisDigest,
                                   audit::ChainDigest(audit::kGenesisDigest, bodies(1, 2)),
                                   std::string(88, 'S')};
  ASSERT_TRUE(store->AppendAuditDigest(signed_digest).ok());
  model::AuditDigest unsigned_digest{3, 4, signed_digest.digest,
                                     audit::ChainDigest(signed_digest.digest, bodies(3, 4))};
  ASSERT_TRUE(store->AppendAuditDigest(unsigned_digest).ok());
  // A conflicting seal leaves the signature of the digest that won.
  model::AuditDigest loser = signed_digest;
  loser.signature = std::string(88, 'L');
  EXPECT_EQ(Open()->AppendAuditDigest(loser).code(), ErrorCode::kStoreConflict);
  auto digests = Open()->AuditDigests();
  ASSERT_TRUE(digests.ok()) << digests.status().ToString();
  ASSERT_EQ(digests->size(), 2u);
  EXPECT_EQ((*digests)[0].signature, signed_digest.signature);
  EXPECT_EQ((*digests)[1].signature, "");
  ASSERT_TRUE(store->PruneAudit(2500).ok());
  digests = store->AuditDigests();
  ASSERT_EQ(digests->size(), 1u);
  EXPECT_EQ((*digests)[0].first_seq, 3);
  EXPECT_EQ((*digests)[0].signature, "");
}

TEST_P(AuditLogContract, SealedEventsChainAndNeverChange) {
  auto store = Open();
  ASSERT_TRUE(store->AppendAudit({Event("e1", kA, 1000), Event("e2", kA, 2000)}).ok());
  Result<int64_t> latest = store->LatestAuditSeq();
  ASSERT_TRUE(latest.ok());
  auto bodies = store->AuditEvents(1, *latest);
  ASSERT_TRUE(bodies.ok());
  ASSERT_EQ(bodies->size(), 2u);
  model::AuditDigest d{(*bodies)[0].seq, *latest, audit::kGenesisDigest,
                       audit::ChainDigest(audit::kGenesisDigest, *bodies)};
  ASSERT_TRUE(store->AppendAuditDigest(d).ok());
  // Another instance sealing the same events from the same point loses.
  EXPECT_EQ(Open()->AppendAuditDigest(d).code(), ErrorCode::kStoreConflict);
  model::AuditDigest fork = d;
  fork.first_seq = *latest + 1;
  fork.last_seq = *latest + 5;
  EXPECT_EQ(store->AppendAuditDigest(fork).code(), ErrorCode::kStoreConflict);  // not chained
  // A sealed event is not rewritten by a late completion.
  model::AuditEntry late = Event("e1", kA, 1000);
  late.body = "{\"rewritten\":true}";
  ASSERT_TRUE(store->AppendAudit({late}).ok());
  auto digests = store->AuditDigests();
  ASSERT_TRUE(digests.ok()) << digests.status().ToString();
  ASSERT_EQ(digests->size(), 1u);
  auto broken = audit::FirstBrokenLink(
      *digests, [&](int64_t f, int64_t l) { return *store->AuditEvents(f, l); });
  EXPECT_EQ(broken, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditLogContract, testing::ValuesIn(StoreBackends()), BackendName);

}  // namespace
}  // namespace gatehouse::store
