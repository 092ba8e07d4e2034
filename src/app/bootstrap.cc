#include "app/bootstrap.h"

#include <filesystem>

#include "app/data_dir.h"
#include "auth/password.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace gatehouse::app {

constexpr int64_t kRootResetTokenLifetimeMs = 24 * 3600 * 1000LL;

Result<BootstrapResult> Bootstrap(store::State& state, const BootstrapOptions& options,
                                  const std::string& master_key, Random& random,
                                  int64_t now_ms) {
  BootstrapResult result;
  if (!state.directory().empty()) return result;

  model::Account account{options.account_id.empty() ? NewAccountId(random) : options.account_id,
                         "management", options.root_email, now_ms};
  std::optional<std::string> root_hash = auth::HashPassword(auth::NewRandomPassword(random));
  if (!root_hash) return Status(ErrorCode::kServiceFailure, "cannot hash the root password");
  model::User admin{account.id, "admin", "/", NewUniqueId(random, IdKind::kUser), now_ms, {}};
  std::string key_id = NewAccessKeyId(random, /*temporary=*/false);
  std::string secret = NewSecretAccessKey(random);
  model::AccessKey key{key_id, account.id, admin.name,
                       Seal(master_key, secret, key_id, random.Bytes(12)),
                       model::AccessKeyStatus::kActive, now_ms};

  store::WriteBatch batch;
  batch.writes.push_back(store::InsertAccount{account});
  batch.writes.push_back(store::InsertRootUser{{account.id, account.email, *root_hash}});
  batch.writes.push_back(store::InsertUser{admin});
  batch.writes.push_back(store::InsertAccessKey{key});
  std::string reset_token = HexEncode(random.Bytes(32));
  batch.writes.push_back(store::InsertRootResetToken{
      {HexEncode(Sha256(reset_token)), account.id, now_ms + kRootResetTokenLifetimeMs}});
  batch.writes.push_back(store::AttachUserPolicy{
      {account.id, admin.name, "arn:aws:iam::aws:policy/AdministratorAccess"}});
  if (Status s = state.Commit(batch); !s.ok()) return s;

  std::string aws_dir = std::filesystem::absolute(options.data_dir + "/aws").lexically_normal();
  if (Status s = WritePrivateFile(aws_dir + "/credentials", "[gatehouse]\naws_access_key_id = " +
                                                                key_id +
                                                                "\naws_secret_access_key = " +
                                                                secret + "\n");
      !s.ok()) {
    return s;
  }
  if (Status s = WritePrivateFile(aws_dir + "/config", "[profile gatehouse]\nregion = " +
                                                           options.region + "\nendpoint_url = " +
                                                           options.endpoint_url +
                                                           "\noutput = json\n");
      !s.ok()) {
    return s;
  }
  result.created = true;
  result.root_reset_token = reset_token;
  result.account_id = account.id;
  result.exports = "export AWS_CONFIG_FILE=" + aws_dir + "/config\n" +
                   "export AWS_SHARED_CREDENTIALS_FILE=" + aws_dir + "/credentials\n" +
                   "export AWS_PROFILE=gatehouse\n";
  return result;
}

}  // namespace gatehouse::app
