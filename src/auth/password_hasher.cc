#include "auth/password_hasher.h"

#include <sodium.h>

#include <future>
#include <memory>

#include "auth/password.h"

namespace gatehouse::auth {
namespace {

// A hash no password matches in practice, at the interactive cost: verified in place of a
// missing or cheaper hash so that every check costs the same.
const std::string& StandInHash() {
  static const std::string hash =
      HashPassword("gatehouse stand-in for a principal that does not exist").value_or("");
  return hash;
}

bool CheaperThanInteractive(std::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string stored(hash);
  return crypto_pwhash_str_needs_rehash(stored.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

Result<std::string> HashNow(std::string_view password) {
  std::optional<std::string> hash = HashPassword(password);
  if (!hash) return Status(ErrorCode::kServiceFailure, "The password could not be hashed.");
  return *hash;
}

bool VerifyInConstantTimeNow(std::string_view password, std::string_view hash) {
  if (hash.empty()) {
    VerifyPassword(password, StandInHash());
    return false;
  }
  const bool verified = VerifyPassword(password, hash);
  if (CheaperThanInteractive(hash)) VerifyPassword(password, StandInHash());
  return verified;
}

}  // namespace

Status HasherBusy() { return Status(ErrorCode::kThrottling, "Rate exceeded"); }

Status PasswordHasher::RunAndWait(const std::function<void()>& task) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  // The caller waits below, so the task may refer to the caller's locals.
  if (!pool_.TrySubmit([&task, done] {
        task();
        done->set_value();
      })) {
    return HasherBusy();
  }
  finished.wait();
  return Status::Ok();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) {
  Result<std::string> out = HasherBusy();
  if (Status s = RunAndWait([&] { out = HashNow(password); }); !s.ok()) return s;
  return out;
}

Result<bool> PasswordHasher::Verify(std::string_view password, std::string_view hash) {
  bool verified = false;
  if (Status s = RunAndWait([&] { verified = VerifyPassword(password, hash); }); !s.ok()) {
    return s;
  }
  return verified;
}

Result<bool> PasswordHasher::VerifyInConstantTime(std::string_view password,
                                                  std::string_view hash) {
  bool verified = false;
  Status s = RunAndWait([&] { verified = VerifyInConstantTimeNow(password, hash); });
  if (!s.ok()) return s;
  return verified;
}

Result<std::string> HashPasswordWith(PasswordHasher* hasher, std::string_view password) {
  return hasher != nullptr ? hasher->Hash(password) : HashNow(password);
}

Result<bool> VerifyPasswordWith(PasswordHasher* hasher, std::string_view password,
                                std::string_view hash) {
  if (hasher != nullptr) return hasher->Verify(password, hash);
  return VerifyPassword(password, hash);
}

Result<bool> VerifyInConstantTimeWith(PasswordHasher* hasher, std::string_view password,
                                      std::string_view hash) {
  if (hasher != nullptr) return hasher->VerifyInConstantTime(password, hash);
  return VerifyInConstantTimeNow(password, hash);
}

}  // namespace gatehouse::auth
