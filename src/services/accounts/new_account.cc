#include "services/accounts/new_account.h"

#include <optional>

#include "auth/password.h"
#include "core/arn.h"
#include "core/ids.h"
#include "core/strings.h"

namespace gatehouse::services::accounts {
namespace {

bool IsSpaceOrControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
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

Status EmailInUse(const std::string& email) {
  return Status(ErrorCode::kEntityAlreadyExists,
                "The email address " + email + " is already in use by another account.");
}

Result<std::string> AddNewAccountWrites(const store::Directory& directory,
                                        const NewAccountRequest& request, Random& random,
                                        int64_t now_ms, store::WriteBatch& batch) {
  if (Status s = ValidateAccountName(request.name); !s.ok()) return s;
  if (Status s = ValidateAccountEmail(request.email); !s.ok()) return s;
  if (!request.account_id.empty() && !IsAccountId(request.account_id)) {
    return Status(ErrorCode::kValidationError, "An account id must be 12 digits.");
  }
  if (directory.FindAccountByEmail(request.email) != nullptr) return EmailInUse(request.email);
  std::string account_id = request.account_id;
  if (account_id.empty()) {
    do {
      account_id = NewAccountId(random);
    } while (directory.FindAccount(account_id) != nullptr);
  } else if (directory.FindAccount(account_id) != nullptr) {
    return Status(ErrorCode::kEntityAlreadyExists,
                  "The account " + account_id + " already exists.");
  }
  std::optional<std::string> root_hash;
  if (request.without_root_credentials) {
    root_hash.emplace();
    batch.writes.push_back(
        store::Put<model::RootRecovery>{{account_id, false, now_ms}, /*create=*/true});
  } else {
    root_hash = auth::HashRandomPassword(auth::NewRandomPassword(random));
    if (!root_hash) return Status(ErrorCode::kServiceFailure, "cannot hash the root password");
  }
  batch.writes.push_back(store::InsertAccount{{account_id, request.name, request.email, now_ms}});
  if (!request.origin.empty()) {
    batch.writes.push_back(
        store::Put<model::AccountOrigin>{{account_id, request.origin}, /*create=*/true});
  }
  batch.writes.push_back(store::InsertRootUser{{account_id, request.email, *root_hash}});
  return account_id;
}

}  // namespace gatehouse::services::accounts
