// audit_fill DATABASE ACCOUNT COUNT: appends COUNT synthetic audit events of ACCOUNT to the store
// DATABASE names (the path of a stopped server's DATA/gatehouse.db, or a --database URL:
// sqlite:PATH, postgresql://…), as the recorder appends them: batches of 1,000 in one
// transaction each. The events spread over the last 30 days and mix IAM, STS and
// Organizations calls by 1,000 users on 10,000 resources, with bodies of a real record's size,
// so that LookupEvents can be timed over a history of realistic shape (bench/audit_bench.sh).
// Prints the rate at which it appended.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "store/database_url.h"

using namespace gatehouse;

namespace {

constexpr const char* kEvents[][2] = {{"GetCallerIdentity", "sts.amazonaws.com"},
                                      {"AssumeRole", "sts.amazonaws.com"},
                                      {"ListUsers", "iam.amazonaws.com"},
                                      {"GetUser", "iam.amazonaws.com"},
                                      {"CreateUser", "iam.amazonaws.com"},
                                      {"AttachRolePolicy", "iam.amazonaws.com"},
                                      {"ListAccounts", "organizations.amazonaws.com"},
                                      {"CreateAccount", "organizations.amazonaws.com"}};

constexpr int64_t kSpanMs = 30LL * 24 * 3600 * 1000;

// Event i of `count`, the last one at `now_ms`.
model::AuditEntry Synthetic(const std::string& account, int64_t i, int64_t count, int64_t now_ms) {
  const auto& [name, source] = kEvents[i % std::size(kEvents)];
  model::AuditEntry e;
  e.event_id = "00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
  e.account_id = account;
  e.time_ms = now_ms - (count - 1 - i) * (kSpanMs / count);
  e.event_name = name;
  e.event_source = source;
  e.username = "user-" + std::to_string(i % 1000);
  e.access_key_id = "AKIA" + std::to_string(1000000000000000 + i % 1000);
  e.read_only = e.event_name.starts_with("Get") || e.event_name.starts_with("List");
  e.resources = {{"AWS::IAM::User", "resource-" + std::to_string(i % 10000)}};
  e.body = R"({"eventVersion":"1.09","eventName":")" + e.event_name + R"(","padding":")" +
           std::string(900, 'x') + R"("})";
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: audit_fill DATABASE ACCOUNT COUNT\n";
    return 2;
  }
  const std::string database = argv[1];
  Result<store::DatabaseUrl> url =
      database.find(':') == std::string::npos
          ? Result<store::DatabaseUrl>(store::DatabaseUrl{store::DatabaseUrl::kSqlite, database})
          : store::ParseDatabaseUrl(database);
  if (!url.ok()) {
    std::cerr << url.status().message() << "\n";
    return 2;
  }
  auto db = store::OpenDatabase(*url);
  if (!db.ok()) {
    std::cerr << db.status().message() << "\n";
    return 1;
  }
  const std::string account = argv[2];
  const int64_t count = std::atoll(argv[3]);
  if (count <= 0) {
    std::cerr << "COUNT must be positive\n";
    return 2;
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const auto start = std::chrono::steady_clock::now();
  std::vector<model::AuditEntry> batch;
  for (int64_t i = 0; i < count; ++i) {
    batch.push_back(Synthetic(account, i, count, now_ms));
    if (batch.size() == 1000 || i + 1 == count) {
      if (Status s = (*db)->AppendAudit(batch); !s.ok()) {
        std::cerr << s.message() << "\n";
        return 1;
      }
      batch.clear();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "appended " << count << " events in " << seconds << " s (" << count / seconds
            << " events/s)\n";
  return 0;
}
