#include "services/organizations/account_creation_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "../temp_iam_state.h"
#include "services/organizations/account_creation.h"
#include "services/organizations/organization_common.h"

namespace gatehouse::services::organizations {
namespace {

using testing_support::TempIamState;

constexpr const char* kManagement = "111111111111";
constexpr const char* kOrgId = "o-abcdefghij";
constexpr const char* kRootId = "r-abcd";

class AccountCreationQueueTest : public testing::Test {
 protected:
  AccountCreationQueueTest() : temp_(std::string(32, 'k'), [this] { return clock_.load(); }) {
    model::Organization o;
    o.id = kOrgId;
    o.management_account_id = kManagement;
    o.root_id = kRootId;
    store::WriteBatch batch;
    batch.writes.push_back(store::InsertAccount{{kManagement, "management", "m@example.com", 1}});
    batch.writes.push_back(store::InsertRootUser{{kManagement, "m@example.com", "$argon2id$x"}});
    batch.writes.push_back(store::Put<model::Organization>{o, true});
    JoinWrites({kOrgId, kManagement, kRootId, model::kJoinedCreated, 1, model::kAccountActive, {}},
               batch);
    EXPECT_TRUE(temp_.state().Commit(batch).ok());
  }

  static model::AccountCreation NewRequest(const std::string& id, const std::string& email,
                                           std::vector<model::Tag> tags = {}) {
    model::AccountCreation r;
    r.organization_id = kOrgId;
    r.id = id;
    r.account_name = "acct " + id;
    r.email = email;
    r.tags = std::move(tags);
    r.requested_ms = 8000;
    return r;
  }

  // Records an IN_PROGRESS request, as a previous run of the server would have left it.
  std::string Request(const std::string& id, const std::string& email,
                      std::vector<model::Tag> tags = {}) {
    model::AccountCreation r = NewRequest(id, email, std::move(tags));
    EXPECT_TRUE(
        temp_.state().Commit({{store::Put<model::AccountCreation>{r, /*create=*/true}}}).ok());
    return r.Key();
  }

  std::shared_ptr<const model::AccountCreation> Get(const std::string& key) {
    return temp_.state().directory().Get<model::AccountCreation>(key);
  }

  std::atomic<int64_t> clock_{9000};
  TempIamState temp_;
  OrganizationsContext org_{temp_.iam(), {}, nullptr};
};

TEST_F(AccountCreationQueueTest, ASucceededRequestMakesTheWholeAccount) {
  std::string key = Request("car-aaaaaaaa", "new@example.com", {{"team", "blue"}});
  AccountCreationQueue queue(org_, "instance-a");
  queue.Start();
  queue.WaitIdle();
  auto done = Get(key);
  ASSERT_NE(done, nullptr);
  ASSERT_EQ(done->state, model::kCreateSucceeded) << done->failure_reason;
  EXPECT_EQ(done->completed_ms, 9000);
  const std::string& id = done->account_id;
  const store::Directory& dir = temp_.state().directory();
  ASSERT_NE(dir.FindAccount(id), nullptr);
  EXPECT_EQ(dir.FindAccount(id)->name, "acct car-aaaaaaaa");
  ASSERT_NE(dir.FindRoot(id), nullptr);
  EXPECT_EQ(dir.FindRoot(id)->email, "new@example.com");

  auto role = dir.Get<model::Role>(model::RecordKey({id, kOrganizationAccountAccessRole}));
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->assume_role_policy,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":)"
            R"("arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]})");
  EXPECT_NE(
      dir.Get<model::RoleAttachment>(model::RecordKey(
          {id, kOrganizationAccountAccessRole, "arn:aws:iam::aws:policy/AdministratorAccess"})),
      nullptr);

  auto member = dir.Get<model::OrganizationAccount>(std::string(kOrgId) + "/" + id);
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->parent_id, kRootId);
  EXPECT_EQ(member->joined_method, model::kJoinedCreated);
  EXPECT_EQ(member->tags, (std::vector<model::Tag>{{"team", "blue"}}));
  EXPECT_NE(dir.Get<model::AccountOrganization>(id), nullptr);
  // The organization has all features: FullAWSAccess is attached to the new account.
  EXPECT_NE(dir.Get<model::PolicyAttachment>(std::string(kOrgId) + "/" + id + "/" +
                                             model::kFullAwsAccessPolicyId),
            nullptr);
}

TEST_F(AccountCreationQueueTest, FailuresCarryAwsReasons) {
  std::string taken = Request("car-taken000", "M@EXAMPLE.com");  // the management root's
  std::string invalid = Request("car-invalid0", "no-at-sign.example.com");
  std::string first = Request("car-same0001", "twin@example.com");
  std::string second = Request("car-same0002", "Twin@example.com");
  CompleteAccountCreations(org_, {taken, invalid, first, second});
  EXPECT_EQ(Get(taken)->state, model::kCreateFailed);
  EXPECT_EQ(Get(taken)->failure_reason, "EMAIL_ALREADY_EXISTS");
  EXPECT_EQ(Get(invalid)->failure_reason, "INVALID_EMAIL");
  EXPECT_TRUE(Get(taken)->account_id.empty());
  // Two requests for one email in one group: the first gets it.
  EXPECT_EQ(Get(first)->state, model::kCreateSucceeded);
  EXPECT_EQ(Get(second)->failure_reason, "EMAIL_ALREADY_EXISTS");
  EXPECT_EQ(temp_.state().directory().ListAccounts().size(), 2u);
  // A completed request is left alone.
  EXPECT_EQ(CompleteAccountCreations(org_, {first, taken}), 0u);
}

TEST_F(AccountCreationQueueTest, TheOrganizationsQuotaCountsTheManagementAccount) {
  org_.options.max_accounts = 3;
  std::vector<std::string> keys;
  for (int i = 0; i < 4; ++i) {
    keys.push_back(
        Request("car-limit00" + std::to_string(i), "limit" + std::to_string(i) + "@example.com"));
  }
  CompleteAccountCreations(org_, {keys[0]});
  CompleteAccountCreations(org_, {keys[1], keys[2], keys[3]});
  EXPECT_EQ(Get(keys[0])->state, model::kCreateSucceeded);
  EXPECT_EQ(Get(keys[1])->state, model::kCreateSucceeded);
  EXPECT_EQ(Get(keys[2])->failure_reason, "ACCOUNT_LIMIT_EXCEEDED");
  EXPECT_EQ(Get(keys[3])->failure_reason, "ACCOUNT_LIMIT_EXCEEDED");
  EXPECT_EQ(temp_.state().directory().Scan<model::OrganizationAccount>(kOrgId).size(), 3u);
}

TEST_F(AccountCreationQueueTest, SubmittedRequestsCompleteAndStoppedQueuesResumeOnStart) {
  AccountCreationQueue queue(org_, "instance-a");
  queue.Start();
  std::vector<std::string> keys;
  for (int i = 0; i < 150; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "car-%08d", i);
    model::AccountCreation r = NewRequest(id, "bulk" + std::to_string(i) + "@example.com");
    ASSERT_TRUE(queue.Submit(r).ok());
    // Recorded before Submit returns.
    ASSERT_NE(Get(r.Key()), nullptr);
    keys.push_back(r.Key());
  }
  queue.WaitIdle();
  std::set<std::string> ids;
  for (const std::string& key : keys) {
    ASSERT_EQ(Get(key)->state, model::kCreateSucceeded) << key << Get(key)->failure_reason;
    ids.insert(Get(key)->account_id);
  }
  EXPECT_EQ(ids.size(), keys.size());

  queue.Stop();
  queue.Stop();  // idempotent
  model::AccountCreation later = NewRequest("car-later000", "later@example.com");
  ASSERT_TRUE(queue.Submit(later).ok());  // recorded, left for the next start
  queue.WaitIdle();                       // a stopped queue does not wait
  EXPECT_EQ(Get(later.Key())->state, model::kCreateInProgress);
  // A key taken is refused.
  EXPECT_EQ(queue.Submit(later).code(), ErrorCode::kEntityAlreadyExists);
  AccountCreationQueue next_run(org_, "instance-b");
  next_run.Start();
  next_run.WaitIdle();
  EXPECT_EQ(Get(later.Key())->state, model::kCreateSucceeded);
}

TEST_F(AccountCreationQueueTest, ConcurrentCallersShareCommitsAndAllComplete) {
  AccountCreationQueue queue(org_, "instance-a");
  queue.Start();
  std::vector<std::thread> callers;
  std::atomic<int> refused{0};
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string n = std::to_string(t) + "x" + std::to_string(i);
        if (!queue.Submit(NewRequest("car-c" + n, "c" + n + "@example.com")).ok()) ++refused;
      }
    });
  }
  for (auto& c : callers) c.join();
  queue.WaitIdle();
  EXPECT_EQ(refused.load(), 0);
  size_t succeeded = 0;
  for (const auto& r : temp_.state().directory().Scan<model::AccountCreation>(kOrgId)) {
    succeeded += r->state == model::kCreateSucceeded;
  }
  EXPECT_EQ(succeeded, 200u);
  EXPECT_EQ(temp_.state().directory().Scan<model::OrganizationAccount>(kOrgId).size(), 201u);
}

// Two instances on one database: a request whose instance stopped before completing it (its
// lease still held) is left alone until the lease runs out, then the other one finishes it.
TEST_F(AccountCreationQueueTest, AnotherInstanceFinishesTheWorkOfOneThatStopped) {
  AccountCreationQueue a(org_, "instance-a");
  a.set_completion_delay_ms(60'000);  // a still waits when it goes away
  a.Start();
  model::AccountCreation r = NewRequest("car-orphan00", "orphan@example.com");
  r.requested_ms = clock_.load();
  ASSERT_TRUE(a.Submit(r).ok());
  // a claims it in the round that records it, right after Submit returns.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  a.Stop();
  auto probe = temp_.state().store().ClaimWork(AccountCreationQueue::kWorkQueue, {r.Key()}, "probe",
                                               clock_.load(), 1);
  ASSERT_TRUE(probe.ok());
  EXPECT_TRUE(probe->empty());  // a's lease

  AccountCreationQueue b(org_, "instance-b");
  b.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Get(r.Key())->state, model::kCreateInProgress);  // a's lease holds
  clock_ += AccountCreationQueue::kLeaseMs + AccountCreationQueue::kSweepMs;
  for (int i = 0; i < 300 && Get(r.Key())->state == model::kCreateInProgress; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Get(r.Key())->state, model::kCreateSucceeded);
  b.Stop();
}

}  // namespace
}  // namespace gatehouse::services::organizations
