// The web console's server side (docs/console.md): the pages' shell and static files, the
// sign-in steps, root password recovery, sign-up, sessions with their CSRF tokens, "Switch
// role", and /console/api/SERVICE/OPERATION, which hands each page's API call to the
// dispatcher with the session's principal — the same walk, authorizer and handlers as a signed
// request. Every answer carries a strict Content-Security-Policy and X-Frame-Options: DENY.
// A session ends as soon as its principal's password, login profile or MFA device changes, or
// the principal is deleted (CredentialStamp, checked on every request); POSTs sent from another
// site are refused. Passwords are checked on the IamContext's hasher and throttled by its
// PasswordThrottle (shared with ChangePassword); the password-reset mail is issued and queued
// on a background thread, so that the answer takes as long for an unknown email as for a known
// one.
// Thread-safe: the server calls Handle from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/counted_backoff.h"
#include "auth/credentials.h"
#include "auth/password_throttle.h"
#include "console/console_sessions.h"
#include "console/sign_in_challenges.h"
#include "core/http_message.h"
#include "core/worker_pool.h"
#include "model/audit_entities.h"
#include "services/console_events.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/stored_throttle_counts.h"
#include "services/sts/saml_attributes.h"

namespace gatehouse::console {

struct ConsoleOptions {
  bool signup_enabled = true;
  // No SMTP server is configured: mail stays in DATA/outbox/, and the "Check your email" page
  // says where to look.
  bool mail_kept_in_outbox = false;
  int64_t idle_timeout_ms = 3600 * 1000LL;
  int64_t absolute_timeout_ms = 12 * 3600 * 1000LL;
  // Where sign-in and switch-role events go (the audit trail's recorder); null: nowhere.
  std::function<void(model::AuditEntry)> record_event;
};

// Sends (or queues) one plain-text mail.
using SendMail = std::function<Status(const std::string& to, const std::string& subject,
                                      const std::string& text)>;

class ConsoleEndpoint {
 public:
  // `base_url` gives the server's own address ("http://127.0.0.1:4566") for the links of mails:
  // never taken from the request's Host header, which whoever asks for a reset controls.
  ConsoleEndpoint(const services::Dispatcher& dispatcher, const auth::CredentialSource& credentials,
                  services::iam::IamContext& iam, ConsoleOptions options, SendMail send_mail,
                  std::function<std::string()> base_url);

  // Whether `request` is the console's: anything under /console/ or /static/, a POST to /saml
  // (an identity provider's sign-in), and every GET of a page (a GET that carries no
  // signature, in a header or in the query).
  static bool Handles(const HttpRequest& request);

  HttpResponse Handle(const HttpRequest& request, services::DispatchRecord* record);

  // The form an identity provider posts to /saml (console_saml.cc).
  struct SamlForm {
    std::string response;     // SAMLResponse
    std::string relay_state;  // RelayState
    std::string role_index;   // roleIndex: the ARN of the role chosen on "Select a role"
  };

 private:
  using Json = nlohmann::json;
  // One request under way: its JSON body and, when signed in, its session.
  struct Call {
    const HttpRequest& request;
    services::DispatchRecord& record;
    Json body;
    std::string session_id;  // the cookie's value
    std::optional<ConsoleSession> session;
    bool role_gone = false;  // the session's switched role was deleted: it acts as the user again
  };

  HttpResponse Static(const HttpRequest& request, services::DispatchRecord& record) const;
  // Ends the call's session when its principal's credentials changed since it began, and drops
  // a switched role that no longer exists.
  void CheckSessionStillValid(Call& call);
  // After the session's own principal changed its own password or MFA device through this
  // session, the session takes the new stamp: the change ends every other session, not this one.
  void KeepSessionAfterOwnChange(Call& call);
  HttpResponse RoutePost(Call& call, std::string_view name);
  HttpResponse Session(Call& call);
  HttpResponse Api(Call& call, std::string_view service, std::string_view operation);
  HttpResponse SwitchRole(Call& call);
  HttpResponse SwitchBack(Call& call);
  HttpResponse SignOut(Call& call);
  // The root user's own MFA device, which AWS assigns in the console only (the API's
  // EnableMFADevice and DeactivateMFADevice need a user name).
  HttpResponse RootMfa(Call& call, bool enable);
  // The root user's own password, changed with the current one (AWS: the console only).
  HttpResponse RootPassword(Call& call);
  // console_root_tasks.cc: a privileged task on a member account's root user (AssumeRoot).
  HttpResponse RootTask(Call& call);
  Result<auth::AccessKeyRecord> AssumeRootFor(Call& call, const std::string& account,
                                              std::string_view task_policy);
  Result<nlohmann::json> AuditRoot(Call& call, const auth::AccessKeyRecord& root);
  // console_sign_in.cc
  HttpResponse SignIn(Call& call);
  HttpResponse SignInMfa(Call& call);
  HttpResponse SignInNewPassword(Call& call);
  HttpResponse ForgotPassword(Call& call);
  HttpResponse ResetPassword(Call& call);
  HttpResponse SignUp(Call& call);
  // console_saml.cc: a SAML identity provider's user signs in to a role.
  HttpResponse SamlSignIn(const HttpRequest& request, services::DispatchRecord& record);
  HttpResponse SignInToSamlRole(const HttpRequest& request, services::DispatchRecord& record,
                                const SamlForm& form, const services::sts::SamlAssertion& assertion,
                                const services::sts::SamlRolePair& pair);
  // The next answer for a sign-in whose password was right: an MFA or new-password challenge,
  // or the session and its cookie.
  HttpResponse ContinueSignIn(Call& call, PendingSignIn pending);
  // Issues a reset token for `email`'s root user and mails its link; on the background thread.
  void SendResetLink(const std::string& email, const std::string& request_id);
  auth::PasswordThrottle& throttle() {
    return iam_.password_throttle != nullptr ? *iam_.password_throttle : own_throttle_;
  }

  Json SessionDocument(const ConsoleSession& session) const;
  // The credentials the session acts with: the switched role's, else the signed-in principal's.
  Result<auth::AccessKeyRecord> CallerOf(const ConsoleSession& session) const;
  // The signed-in principal's own credentials (a SAML sign-in's: its role session's).
  Result<auth::AccessKeyRecord> PrincipalRecord(const ConsolePrincipal& principal,
                                                const ConsoleSession& session) const;
  int64_t now_ms() const { return iam_.now_ms(); }
  // The audit trail's event of a sign-in or a role switch (services/console_events.h).
  void Record(const HttpRequest& request, services::ConsoleEvent event) const;
  // A failed sign-in's event, in the account it named when that exists: the root user of
  // `email`'s account, else user `user` of account `account_id`.
  void RecordFailedSignIn(const HttpRequest& request, const std::string& email,
                          const std::string& account_id, const std::string& user,
                          bool mfa_used) const;

  const services::Dispatcher& dispatcher_;
  const auth::CredentialSource& credentials_;
  services::iam::IamContext& iam_;
  ConsoleOptions options_;
  SendMail send_mail_;
  std::function<std::string()> base_url_;
  ConsoleSessions sessions_;
  SignInChallenges challenges_;
  // When the IamContext has none: the same counts in the store.
  services::StoredThrottleCounts own_throttle_counts_{iam_.state};
  auth::PasswordThrottle own_throttle_{own_throttle_counts_};
  // Password-reset mails and sign-ups per client address (names "reset:…", "signup:…"), counted
  // in the store: the same limits across every instance on one database.
  auth::CountedBackoff address_limits_{own_throttle_counts_, 30};
  // The password-reset mails' work; last, so that it stops (finishing its queue) first.
  WorkerPool background_{1, 256, "console-tasks"};
};

}  // namespace gatehouse::console
