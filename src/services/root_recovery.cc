#include "services/root_recovery.h"

#include "core/crypto.h"
#include "core/strings.h"

namespace gatehouse::services {
namespace {

constexpr size_t kMinRootPasswordLength = 8;
constexpr size_t kMaxRootPasswordLength = 128;

Status RecoveryNotAllowed(const std::string& account_id) {
  return Status(ErrorCode::kInvalidInput,
                "The root user of account " + account_id +
                    " has no credentials: its organization's management account must allow "
                    "password recovery first.");
}

Status InvalidToken() {
  return Status(ErrorCode::kInvalidInput,
                "This password-reset link is not valid: it may have expired or been used "
                "already. Ask for a new one.");
}

// Whether the account's organization lets its root user recover a password, and the
// precondition that keeps that true until the batch commits.
store::Expect<model::RootRecovery> RecoveryAsRead(const store::Directory& dir,
                                                  const std::string& account_id) {
  const std::string key = model::RecordKey({account_id});
  auto recovery = dir.Get<model::RootRecovery>(key);
  return recovery ? store::Unchanged(*recovery) : store::Absent<model::RootRecovery>(key);
}

bool Allows(const store::Expect<model::RootRecovery>& read) {
  return !read.value || read.value->allowed;
}

}  // namespace

bool RootMayRecover(const store::Directory& directory, const std::string& account_id) {
  return Allows(RecoveryAsRead(directory, account_id));
}

Status CheckRootPassword(const std::string& password, const std::string& email) {
  int upper = 0, lower = 0, digit = 0, other = 0;
  for (char c : password) {
    if (c >= 'A' && c <= 'Z') {
      upper = 1;
    } else if (c >= 'a' && c <= 'z') {
      lower = 1;
    } else if (c >= '0' && c <= '9') {
      digit = 1;
    } else {
      other = 1;
    }
  }
  if (password.size() < kMinRootPasswordLength || password.size() > kMaxRootPasswordLength ||
      upper + lower + digit + other < 3 || EqualsIgnoreCase(password, email)) {
    return Status(ErrorCode::kPasswordPolicyViolation,
                  "The password must have 8 to 128 characters, with at least three of: "
                  "uppercase letters, lowercase letters, numbers and symbols; and it must not "
                  "be the account's email address.");
  }
  return Status::Ok();
}

IssuedRootResetToken NewRootResetToken(const std::string& account_id, Random& random,
                                       int64_t now_ms, int64_t lifetime_ms) {
  IssuedRootResetToken issued;
  issued.token = HexEncode(random.Bytes(32));
  issued.write.token = {HexEncode(Sha256(issued.token)), account_id, now_ms + lifetime_ms};
  return issued;
}

Result<RootResetLink> IssueRootResetToken(store::State& state, const std::string& email,
                                          Random& random, int64_t now_ms, int64_t lifetime_ms) {
  auto account = state.directory().FindAccountByEmail(email);
  if (account == nullptr) {
    return Status(ErrorCode::kNoSuchEntity, "No account has the root user email " + email + ".");
  }
  store::Expect<model::RootRecovery> recovery = RecoveryAsRead(state.directory(), account->id);
  if (!Allows(recovery)) return RecoveryNotAllowed(account->id);
  IssuedRootResetToken issued = NewRootResetToken(account->id, random, now_ms, lifetime_ms);
  if (Status s = state.Commit({.writes = {issued.write}, .preconditions = {recovery}}); !s.ok()) {
    return s;
  }
  return RootResetLink{account->id, std::move(issued.token)};
}

Result<std::string> ConsumeRootResetToken(store::State& state, const std::string& token,
                                          const std::string& new_password, int64_t now_ms,
                                          auth::PasswordHasher* hasher) {
  const std::string hash = HexEncode(Sha256(token));
  auto found = state.directory().FindRootResetToken(hash);
  if (found == nullptr || found->expires_ms <= now_ms) return InvalidToken();
  auto root = state.directory().FindRoot(found->account_id);
  if (root == nullptr) return InvalidToken();
  // A link issued before the organization removed the root user's credentials is dead.
  store::Expect<model::RootRecovery> recovery =
      RecoveryAsRead(state.directory(), found->account_id);
  if (!Allows(recovery)) return InvalidToken();
  if (Status s = CheckRootPassword(new_password, root->email); !s.ok()) return s;
  Result<std::string> password_hash = auth::HashPasswordWith(hasher, new_password);
  if (!password_hash.ok()) return password_hash.status();
  Status s =
      state.Commit({.writes = {store::ResetRootPassword{hash, found->account_id, *password_hash}},
                    .preconditions = {recovery}});
  if (s.code() == ErrorCode::kNoSuchEntity) return InvalidToken();   // spent meanwhile
  if (s.code() == ErrorCode::kStoreConflict) return InvalidToken();  // recovery turned off
  if (!s.ok()) return s;
  return found->account_id;
}

}  // namespace gatehouse::services
