#include "app/standalone_account.h"

#include <optional>

#include "auth/password.h"
#include "core/arn.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/strings.h"

namespace gatehouse::app {
namespace {

bool IsSpaceOrControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

Status EmailInUse(const std::string& email) {
  return Status(ErrorCode::kEntityAlreadyExists,
                "The email address " + email + " is already in use by another account.");
}

}  // namespace

Status ValidateAccountEmail(const std::string& email) {
  // AWS's pattern: [^\s@]+@[^\s@]+\.[^\s@]+
  Status invalid(ErrorCode::kValidationError, "Invalid email address '" + email +
                                                  "': it must have " +
                                                  std::to_string(kMinAccountEmailLength) + " to " +
                                                  std::to_string(kMaxAccountEmailLength) +
                                                  " characters, shaped like name@example.com.");
  if (email.size() < kMinAccountEmailLength || email.size() > kMaxAccountEmailLength) {
    return invalid;
  }
  for (char c : email) {
    if (IsSpaceOrControl(c)) return invalid;
  }
  size_t at = email.find('@');
  if (at == 0 || at == std::string::npos || email.find('@', at + 1) != std::string::npos) {
    return invalid;
  }
  // The domain needs a dot with something on either side of it.
  std::string_view domain = std::string_view(email).substr(at + 1);
  if (domain.size() < 3 || domain.substr(1, domain.size() - 2).find('.') == std::string::npos) {
    return invalid;
  }
  return Status::Ok();
}

Status ValidateAccountName(const std::string& name) {
  Status invalid(ErrorCode::kValidationError, "Invalid account name: it must have 1 to " +
                                                  std::to_string(kMaxAccountNameLength) +
                                                  " printable ASCII characters.");
  if (name.empty() || name.size() > kMaxAccountNameLength) return invalid;
  for (char c : name) {
    if (c < 0x20 || c > 0x7e) return invalid;
  }
  return Status::Ok();
}

std::shared_ptr<const model::Account> FindAccountByEmail(const store::Directory& directory,
                                                         const std::string& email) {
  for (auto& account : directory.ListAccounts()) {
    if (EqualsIgnoreCase(account->email, email)) return account;
  }
  return nullptr;
}

Result<StandaloneAccount> CreateStandaloneAccount(store::State& state,
                                                  const StandaloneAccountRequest& request,
                                                  const std::string& master_key, Random& random,
                                                  int64_t now_ms) {
  if (Status s = ValidateAccountName(request.name); !s.ok()) return s;
  if (Status s = ValidateAccountEmail(request.email); !s.ok()) return s;
  if (!request.account_id.empty() && !IsAccountId(request.account_id)) {
    return Status(ErrorCode::kValidationError, "An account id must be 12 digits.");
  }
  const store::Directory& directory = state.directory();
  if (FindAccountByEmail(directory, request.email) != nullptr) return EmailInUse(request.email);
  std::string account_id = request.account_id;
  if (account_id.empty()) {
    do {
      account_id = NewAccountId(random);
    } while (directory.FindAccount(account_id) != nullptr);
  } else if (directory.FindAccount(account_id) != nullptr) {
    return Status(ErrorCode::kEntityAlreadyExists,
                  "The account " + account_id + " already exists.");
  }

  std::optional<std::string> root_hash = auth::HashPassword(auth::NewRandomPassword(random));
  if (!root_hash) return Status(ErrorCode::kServiceFailure, "cannot hash the root password");
  StandaloneAccount created;
  created.account_id = account_id;
  created.root_reset_token = HexEncode(random.Bytes(32));

  store::WriteBatch batch;
  batch.writes.push_back(store::InsertAccount{{account_id, request.name, request.email, now_ms}});
  batch.writes.push_back(store::Put<model::AccountOrigin>{{account_id, request.origin}, true});
  batch.writes.push_back(store::InsertRootUser{{account_id, request.email, *root_hash}});
  batch.writes.push_back(
      store::InsertRootResetToken{{HexEncode(Sha256(created.root_reset_token)), account_id,
                                   now_ms + kRootResetTokenLifetimeMs}});
  if (request.admin_user) {
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
  if (Status s = state.Commit(batch); !s.ok()) {
    // Another writer may have taken the email between the check and the commit.
    if (s.code() == ErrorCode::kEntityAlreadyExists &&
        FindAccountByEmail(directory, request.email) != nullptr) {
      return EmailInUse(request.email);
    }
    return s;
  }
  return created;
}

}  // namespace gatehouse::app
