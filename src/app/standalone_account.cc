#include "app/standalone_account.h"

#include "core/crypto.h"
#include "core/ids.h"
#include "core/strings.h"
#include "services/root_recovery.h"

namespace gatehouse::app {

Result<StandaloneAccount> CreateStandaloneAccount(store::State& state,
                                                  const StandaloneAccountRequest& request,
                                                  const std::string& master_key, Random& random,
                                                  int64_t now_ms) {
  const store::Directory& directory = state.directory();
  store::WriteBatch batch;
  Result<std::string> id = services::accounts::AddNewAccountWrites(
      directory, {request.name, request.email, request.account_id, request.origin}, random, now_ms,
      batch);
  if (!id.ok()) return id.status();
  StandaloneAccount created;
  created.account_id = *id;
  services::IssuedRootResetToken reset =
      services::NewRootResetToken(created.account_id, random, now_ms);
  created.root_reset_token = std::move(reset.token);
  batch.writes.push_back(std::move(reset.write));
  if (request.admin_user) {
    const std::string& account_id = created.account_id;
    model::User admin{account_id, kAdminUserName, "/", NewUniqueId(random, IdKind::kUser), now_ms,
                      {}};
    created.access_key_id = NewAccessKeyId(random, /*temporary=*/false);
    created.secret_access_key = NewSecretAccessKey(random);
    batch.writes.push_back(store::InsertUser{admin});
    batch.writes.push_back(store::InsertAccessKey{
        {created.access_key_id, account_id, admin.name,
         Seal(master_key, created.secret_access_key, created.access_key_id, random.Bytes(12)),
         model::AccessKeyStatus::kActive, now_ms}});
    batch.writes.push_back(
        store::AttachUserPolicy{{account_id, admin.name, kAdministratorAccessArn}});
  }
  if (request.origin == model::kAccountOriginBootstrap) {
    // One management account per database, though instances start together on an empty one.
    batch.preconditions.push_back(
        store::NoneUnder<model::AccountOrigin>("", "origin", model::kAccountOriginBootstrap));
  }
  if (Status s = state.Commit(batch); !s.ok()) {
    // Another writer may have taken the email between the check and the commit.
    if (s.code() == ErrorCode::kEntityAlreadyExists &&
        directory.FindAccountByEmail(request.email) != nullptr) {
      return services::accounts::EmailInUse(request.email);
    }
    return s;
  }
  return created;
}

}  // namespace gatehouse::app
