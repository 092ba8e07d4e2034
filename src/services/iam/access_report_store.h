// Where generated access reports are kept (model::AccessReport), shared by the service report
// (access_advisor.cc) and the Organizations report (organizations_access_report.cc): an account
// keeps its latest kReportsKept, and a report is read only by the caller that generated it — the
// same user, or the same role session — as AWS requires.
#pragma once

#include <cstddef>
#include <memory>

#include "core/status.h"
#include "model/access_activity_entities.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

inline constexpr size_t kReportsKept = 100;
// model::AccessReport::job_type of an Organizations report.
inline constexpr char kOrganizationsReport[] = "ORGANIZATIONS";

enum class ReportKind { kService, kOrganizations };

// Stores `report` as the account's latest, forgetting its oldest ones beyond kReportsKept.
Status StoreReport(IamContext& iam, model::AccessReport report);

// The caller's report of input JobId, of `kind`: NoSuchEntity for any other, or another caller's.
Result<std::shared_ptr<const model::AccessReport>> FindReport(const IamContext& iam,
                                                              const OperationContext& c,
                                                              ReportKind kind);

}  // namespace gatehouse::services::iam
