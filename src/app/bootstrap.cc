#include "app/bootstrap.h"

#include "app/profile_files.h"
#include "app/standalone_account.h"
#include "model/entities.h"

namespace gatehouse::app {
namespace {

// The management account made by an earlier start, if any. Accounts without an origin predate
// origins, when only bootstrap made accounts: the oldest of them is marked now, once.
Result<std::string> ExistingManagementAccount(store::State& state) {
  const store::Directory& directory = state.directory();
  for (const auto& origin : directory.Scan<model::AccountOrigin>("")) {
    if (origin->origin == model::kAccountOriginBootstrap) return origin->account_id;
  }
  std::shared_ptr<const model::Account> oldest;
  for (const auto& account : directory.ListAccounts()) {
    if (directory.Get<model::AccountOrigin>(account->id) != nullptr) continue;
    if (oldest == nullptr || account->created_ms < oldest->created_ms) oldest = account;
  }
  if (oldest == nullptr) return std::string();
  if (Status s = state.Commit({{store::Put<model::AccountOrigin>{
          {oldest->id, model::kAccountOriginBootstrap}, /*create=*/true}}});
      !s.ok()) {
    return s;
  }
  return oldest->id;
}

}  // namespace

Result<BootstrapResult> Bootstrap(store::State& state, const BootstrapOptions& options,
                                  const std::string& master_key, Random& random, int64_t now_ms) {
  BootstrapResult result;
  Result<std::string> existing = ExistingManagementAccount(state);
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) {
    result.account_id = *existing;
    return result;
  }

  StandaloneAccountRequest request;
  request.name = "management";
  request.email = options.root_email;
  request.account_id = options.account_id;
  request.origin = model::kAccountOriginBootstrap;
  Result<StandaloneAccount> account =
      CreateStandaloneAccount(state, request, master_key, random, now_ms);
  if (!account.ok() && account.status().code() == ErrorCode::kStoreConflict) {
    // Another instance bootstrapped the same database first (its commit is in the directory
    // now): that is the management account.
    existing = ExistingManagementAccount(state);
    if (!existing.ok()) return existing.status();
    if (!existing->empty()) {
      result.account_id = *existing;
      return result;
    }
  }
  if (!account.ok()) return account.status();

  if (Status s = WriteAwsProfile(options.data_dir,
                                 {kBootstrapProfile, options.region, options.endpoint_url,
                                  account->access_key_id, account->secret_access_key});
      !s.ok()) {
    return s;
  }
  result.created = true;
  result.account_id = account->account_id;
  result.exports = "export AWS_CONFIG_FILE=" + AwsConfigPath(options.data_dir) + "\n" +
                   "export AWS_SHARED_CREDENTIALS_FILE=" + AwsCredentialsPath(options.data_dir) +
                   "\n" + "export AWS_PROFILE=" + kBootstrapProfile + "\n";
  // The profile names the endpoint, but only AWS CLI 2.13+ / 1.29+ (botocore 1.31+) read it.
  result.alias = "alias aws='aws --endpoint-url " + options.endpoint_url + "'\n";
  result.root_reset_url =
      options.endpoint_url + "/reset-password?token=" + account->root_reset_token;
  return result;
}

}  // namespace gatehouse::app
