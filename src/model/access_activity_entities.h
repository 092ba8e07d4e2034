// What access advisor reports from: when each IAM user and role last tried to use each service
// and action (service and action last accessed data), and the reports generated from it. Plain
// values, kept in the store's record table (store/record_kinds.def): a principal's activity
// under "account/principal-id" (the unique id, so a namesake made again inherits none of it), a
// report under "account/job-id". Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/iam_entities.h"

namespace gatehouse::model {

// One authenticated attempt: when and in which Region.
struct AccessMark {
  int64_t ms = 0;
  std::string region;
};

// The latest attempt of one user or role on each service and on each action of it, allowed or
// denied (AWS counts attempts, not successes).
struct PrincipalActivity {
  std::string account_id;
  std::string principal_id;                    // AIDA… of a user, AROA… of a role
  std::string principal_arn;                   // the user's or role's ARN when last seen
  std::map<std::string, AccessMark> services;  // "iam" → latest attempt
  std::map<std::string, AccessMark> actions;   // "iam:CreateUser" → latest attempt

  std::string Key() const { return RecordKey({account_id, principal_id}); }
};

// A generated access report (GenerateServiceLastAccessedDetails,
// GenerateOrganizationsAccessReport): what it was asked for, by whom, and its contents as
// generated, so that every page of it reads the same snapshot.
struct AccessReport {
  std::string account_id;
  std::string job_id;
  std::string requester;  // the caller's user id: only it may read the report
  std::string job_type;   // "SERVICE_LEVEL", "ACTION_LEVEL" or "ORGANIZATIONS"
  std::string subject;    // the entity's ARN, or the Organizations entity path
  int64_t created_ms = 0;
  int64_t completed_ms = 0;
  int64_t sequence = 0;  // the account's reports in the order they were made
  std::string contents;  // JSON, as access_reports.h writes it

  std::string Key() const { return RecordKey({account_id, job_id}); }
};

}  // namespace gatehouse::model
