#include "app/store_copy.h"

#include "app/raw_record_put.h"

namespace gatehouse::app {

Result<store::WriteBatch> CopyBatchOf(const store::StoreData& data) {
  // Every member, named: one added to StoreData stops the build here until the copy, HoldsData
  // and the digest (app/store_digest.cc) take it in.
  [[maybe_unused]] const auto& [accounts, roots, users, access_keys, user_policies,
                                user_attachments, root_reset_tokens, key_usage, records, sequence] =
      data;
  store::WriteBatch batch;
  std::vector<store::Write>& w = batch.writes;
  for (const model::Account& a : accounts) w.push_back(store::InsertAccount{a});
  for (const model::RootUser& r : roots) w.push_back(store::InsertRootUser{r});
  for (const model::User& u : users) {
    w.push_back(store::InsertUser{u});
    if (!u.tags.empty()) w.push_back(store::SetUserTags{u.account_id, u.name, u.tags});
  }
  for (const model::AccessKey& k : access_keys) w.push_back(store::InsertAccessKey{k});
  for (const model::UserPolicy& p : user_policies) w.push_back(store::PutUserPolicy{p});
  for (const model::UserPolicyAttachment& a : user_attachments) {
    w.push_back(store::AttachUserPolicy{a});
  }
  for (const model::RootResetToken& t : root_reset_tokens) {
    w.push_back(store::InsertRootResetToken{t});
  }
  for (const model::AccessKeyLastUsed& u : key_usage) w.push_back(store::SetAccessKeyLastUsed{u});
  for (const store::RawRecord& record : records) {
    Result<store::Write> put = PutOfRawRecord(record);
    if (!put.ok()) return put.status();
    w.push_back(std::move(put).value());
  }
  return batch;
}

bool HoldsData(const store::StoreData& data) {
  [[maybe_unused]] const auto& [accounts, roots, users, access_keys, user_policies,
                                user_attachments, root_reset_tokens, key_usage, records, sequence] =
      data;
  return !accounts.empty() || !roots.empty() || !users.empty() || !access_keys.empty() ||
         !user_policies.empty() || !user_attachments.empty() || !root_reset_tokens.empty() ||
         !key_usage.empty() || !records.empty();
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
