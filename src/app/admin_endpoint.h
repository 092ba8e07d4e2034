// The running server's admin endpoint, for the operator's command line rather than AWS clients:
//   POST /_gatehouse/admin/accounts   {"email","name","adminUser":bool}
//     → 200 {"accountId","rootResetToken"[,"accessKeyId","secretAccessKey"]}
//   POST /_gatehouse/admin/root-reset-links   {"email"}
//     → 200 {"accountId","rootResetToken"}: a new one-time root password-reset token
// Every request needs `Authorization: Bearer <DATA/operator.secret>` (compared in constant
// time); otherwise 403. Errors are JSON {"code","message"}: 400 for bad input, 409 for an email
// already in use, 404 for an email no account has (reset links) and for other paths, 405 for
// other methods. Accounts are created through the
// server's live State, so the directory knows them as soon as the answer leaves.
// Thread-safe: the server calls Handle from many threads (State serializes commits).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/http_message.h"
#include "core/random.h"
#include "store/directory.h"

namespace gatehouse::app {

inline constexpr std::string_view kAdminPathPrefix = "/_gatehouse/admin/";
inline constexpr std::string_view kAdminAccountsPath = "/_gatehouse/admin/accounts";
inline constexpr std::string_view kAdminRootResetLinksPath = "/_gatehouse/admin/root-reset-links";

// What one admin request did, for the request log: never a secret or a token.
struct AdminRecord {
  std::string operation;  // "gatehouse:CreateAccount", "" when unrouted
  int status = 0;
  std::string error_code;
  std::string account_id;  // of the account created, or whose reset link was issued
};

class AdminEndpoint {
 public:
  AdminEndpoint(store::State& state, std::string master_key, std::string operator_secret,
                Random& random, std::function<int64_t()> now_ms);

  // Whether `target` (path and query) is the admin endpoint's.
  static bool Handles(std::string_view target);

  HttpResponse Handle(const HttpRequest& request, AdminRecord* record) const;

 private:
  HttpResponse CreateAccount(const HttpRequest& request, AdminRecord* record) const;
  HttpResponse IssueRootResetLink(const HttpRequest& request, AdminRecord* record) const;

  store::State& state_;
  std::string master_key_;
  std::string operator_secret_;
  Random& random_;
  std::function<int64_t()> now_ms_;
};

}  // namespace gatehouse::app
