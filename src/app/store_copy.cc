#include "app/store_copy.h"

#include "app/raw_record_put.h"

namespace gatehouse::app {

Result<store::WriteBatch> CopyBatchOf(const store::StoreData& data) {
  store::WriteBatch batch;
  std::vector<store::Write>& w = batch.writes;
  for (const model::Account& a : data.accounts) w.push_back(store::InsertAccount{a});
  for (const model::RootUser& r : data.roots) w.push_back(store::InsertRootUser{r});
  for (const model::User& u : data.users) {
    w.push_back(store::InsertUser{u});
    if (!u.tags.empty()) w.push_back(store::SetUserTags{u.account_id, u.name, u.tags});
  }
  for (const model::AccessKey& k : data.access_keys) w.push_back(store::InsertAccessKey{k});
  for (const model::UserPolicy& p : data.user_policies) w.push_back(store::PutUserPolicy{p});
  for (const model::UserPolicyAttachment& a : data.user_attachments) {
    w.push_back(store::AttachUserPolicy{a});
  }
  for (const model::RootResetToken& t : data.root_reset_tokens) {
    w.push_back(store::InsertRootResetToken{t});
  }
  for (const model::AccessKeyLastUsed& u : data.key_usage) {
    w.push_back(store::SetAccessKeyLastUsed{u});
  }
  for (const store::RawRecord& record : data.records) {
    Result<store::Write> put = PutOfRawRecord(record);
    if (!put.ok()) return put.status();
    w.push_back(std::move(put).value());
  }
  return batch;
}

bool HoldsData(const store::StoreData& data) {
  return !data.accounts.empty() || !data.roots.empty() || !data.users.empty() ||
         !data.access_keys.empty() || !data.user_policies.empty() ||
         !data.user_attachments.empty() || !data.root_reset_tokens.empty() ||
         !data.key_usage.empty() || !data.records.empty();
}

Result<StoreCopyReport> CopyStore(store::Store& from, store::Store& to) {
  Result<store::StoreData> existing = to.LoadAll();
  if (!existing.ok()) return existing.status();
  if (HoldsData(*existing)) {
    Result<StoreDigest> held = DigestStoreData(*existing);
    return Status(ErrorCode::kEntityAlreadyExists,
                  "the target database already holds data (" +
                      (held.ok() ? DescribeDigest(*held) : held.status().message()) +
                      "): migrate into an empty database");
  }
  Result<store::StoreData> source = from.LoadAll();
  if (!source.ok()) return source.status();
  StoreCopyReport report;
  Result<StoreDigest> source_digest = DigestStoreData(*source);
  if (!source_digest.ok()) return source_digest.status();
  report.source = std::move(source_digest).value();
  Result<store::WriteBatch> batch = CopyBatchOf(*source);
  if (!batch.ok()) return batch.status();
  if (!batch->writes.empty()) RETURN_IF_ERROR(to.Commit(*batch));
  Result<store::StoreData> copied = to.LoadAll();
  if (!copied.ok()) return copied.status();
  Result<StoreDigest> target_digest = DigestStoreData(*copied);
  if (!target_digest.ok()) return target_digest.status();
  report.target = std::move(target_digest).value();
  return report;
}

}  // namespace gatehouse::app
