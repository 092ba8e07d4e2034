#include "services/iam/access_report_store.h"

#include <algorithm>

namespace gatehouse::services::iam {

Status StoreReport(IamContext& iam, model::AccessReport report) {
  auto kept =
      iam.state.directory().Scan<model::AccessReport>(model::RecordKey({report.account_id}) + "/");
  // Oldest first (times have a second's resolution; the sequence orders reports made in one).
  std::sort(kept.begin(), kept.end(),
            [](const auto& a, const auto& b) { return a->sequence < b->sequence; });
  report.sequence = kept.empty() ? 1 : kept.back()->sequence + 1;
  store::WriteBatch batch;
  for (size_t i = 0; i + kReportsKept <= kept.size(); ++i) {
    batch.writes.push_back(store::Erase<model::AccessReport>{kept[i]->Key()});
  }
  batch.writes.push_back(store::Put<model::AccessReport>{std::move(report), /*create=*/true});
  return iam.state.Commit(batch);
}

Result<std::shared_ptr<const model::AccessReport>> FindReport(const IamContext& iam,
                                                              const OperationContext& c,
                                                              ReportKind kind) {
  const std::string id = c.input.at("JobId");
  auto report =
      iam.state.directory().Get<model::AccessReport>(model::RecordKey({c.caller.account_id, id}));
  const bool organizations = report != nullptr && report->job_type == kOrganizationsReport;
  if (report == nullptr || organizations != (kind == ReportKind::kOrganizations) ||
      report->requester != c.caller.user_id) {
    return Status(ErrorCode::kNoSuchEntity, "No report found for job id " + id + ".");
  }
  return report;
}

}  // namespace gatehouse::services::iam
