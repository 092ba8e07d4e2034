// AccessActivity: when each IAM user and role last tried to use each service and action, for
// access advisor (GetServiceLastAccessedDetails, GetOrganizationsAccessReport) and RoleLastUsed.
// Every authenticated request counts, allowed or denied, as AWS counts attempts; the root user's
// too (under the account's id), which only the Organizations report shows. Like KeyUsage, recording
// is in memory and Flush writes what changed since the last flush, merged with what the store holds
// (the later attempt wins), so the request path does no database write; a crash loses at most one
// flush period. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "model/access_activity_entities.h"
#include "store/directory.h"

namespace gatehouse::services {

// The user, role or root user an authenticated caller acts for. An assumed role's sessions
// count for the role; GetSessionToken's and GetFederationToken's sessions for the IAM user (or
// root user) that made them.
struct ActingPrincipal {
  std::string account_id;
  std::string id;   // AIDA…, AROA…, or the account id for the root user
  std::string arn;  // the user's or role's ARN with its path, or arn:aws:iam::ACCOUNT:root
};
ActingPrincipal ActingPrincipalOf(const auth::AccessKeyRecord& caller);

// `later` merged into `into`: each service and action keeps its latest attempt.
void MergeActivity(model::PrincipalActivity& into, const model::PrincipalActivity& later);

// The latest attempt on any service: what RoleLastUsed shows. nullopt when there is none.
std::optional<model::AccessMark> LatestAttempt(const model::PrincipalActivity& activity);

class AccessActivity {
 public:
  // `action` is the operation's name ("CreateUser"); the service its namespace ("iam").
  void Record(const auth::AccessKeyRecord& caller, const std::string& service,
              const std::string& action, const std::string& region, int64_t now_ms);
  // The principal's activity: as stored, merged with what was recorded since the last flush.
  std::optional<model::PrincipalActivity> Find(const store::Directory& directory,
                                               const std::string& account_id,
                                               const std::string& principal_id) const;
  // The activity of every principal of `account` (its root user's included), likewise merged.
  std::vector<model::PrincipalActivity> OfAccount(const store::Directory& directory,
                                                  const std::string& account_id) const;
  // Writes what was recorded since the last flush. A principal deleted since has nothing to
  // record; what a racing writer kept from being written is kept for the next flush.
  Status Flush(store::State& state);

 private:
  void Keep(std::map<std::string, model::PrincipalActivity>& items);

  mutable std::mutex mu_;
  std::map<std::string, model::PrincipalActivity> pending_;  // by record key
};

}  // namespace gatehouse::services
