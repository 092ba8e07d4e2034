// The console's ways in: sign-in (password, then MFA and a forced new password when due),
// root password recovery by mail, and sign-up of a standalone account.
#include <spdlog/spdlog.h>

#include "audit/event_id.h"
#include "auth/password_hasher.h"
#include "console/console_endpoint.h"
#include "console/console_http.h"
#include "core/strings.h"
#include "services/accounts/new_account.h"
#include "services/iam/login_profiles.h"
#include "services/iam/mfa_codes.h"
#include "services/root_recovery.h"

namespace gatehouse::console {
namespace {

using nlohmann::json;

constexpr char kSignInFailed[] = "Your authentication information is incorrect. Please try again.";
constexpr char kThrottled[] = "Too many sign-in attempts. Wait a few minutes and try again.";

std::string Field(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

HttpResponse Failed() { return ErrorResponse(401, "SignInFailed", kSignInFailed); }
HttpResponse Throttled(int64_t retry_after_ms = 0) {
  HttpResponse r = ErrorResponse(429, "Throttling", kThrottled);
  if (retry_after_ms > 0) {
    r.headers.emplace_back("Retry-After", std::to_string((retry_after_ms + 999) / 1000));
  }
  return r;
}
// The hasher's queue is full: the same answer as a throttled sign-in, checked nothing.
HttpResponse Busy() { return Throttled(1000); }

// An error that lets the sign-in step be tried again: its body carries the next challenge.
HttpResponse WithChallenge(HttpResponse error, const std::string& challenge) {
  json body = json::parse(error.body);
  body["challenge"] = challenge;
  error.body = body.dump();
  return error;
}

// The throttle's keys: the client's address (as ChangePassword's aws:SourceIp gives it), and the
// principal named (whether it exists or not, so that guessing at one name is slowed alike).
std::string AddressKey(const HttpRequest& r) { return r.remote_address; }
std::string PrincipalKey(const ConsolePrincipal& p, const store::Directory& dir) {
  if (!p.root()) return auth::UserThrottleKey(p.account_id, p.user_name);
  auto account = dir.FindAccount(p.account_id);
  return auth::RootThrottleKey(account ? account->email : p.account_id);
}

}  // namespace

void ConsoleEndpoint::Record(const HttpRequest& request, services::ConsoleEvent event) const {
  if (!options_.record_event || event.principal.account_id.empty()) return;
  if (event.login_to.empty()) event.login_to = base_url_() + "/console/home";
  options_.record_event(
      services::ConsoleEventOf(event, request, audit::NewEventId(iam_.random), now_ms()));
}

void ConsoleEndpoint::RecordFailedSignIn(const HttpRequest& request, const std::string& email,
                                         const std::string& account_id, const std::string& user,
                                         bool mfa_used) const {
  const store::Directory& dir = iam_.state.directory();
  services::ConsoleEvent event{.success = false, .mfa_used = mfa_used};
  if (!email.empty()) {
    auto account = dir.FindAccountByEmail(email);
    if (account == nullptr) return;  // no account's history to hold it
    event.principal.account_id = account->id;
  } else {
    if (account_id.empty() || dir.FindAccount(account_id) == nullptr) return;
    std::optional<ConsolePrincipal> named = PrincipalOf(dir, account_id, user);
    event.user_exists = named.has_value() && !user.empty();
    if (event.user_exists) {
      event.principal = std::move(*named);
    } else {
      event.principal.account_id = account_id;
      event.principal.user_name = "-";  // an IAM user's sign-in, named by no user of the account
    }
  }
  Record(request, std::move(event));
}

HttpResponse ConsoleEndpoint::SignIn(Call& call) {
  const std::string password = Field(call.body, "password");
  const std::string email = Field(call.body, "email");
  const std::string account = Field(call.body, "account");
  const std::string user = Field(call.body, "userName");
  const bool root = !email.empty();
  // An alias and an account id name the same user: the throttle counts by the account id.
  const std::string account_id = root ? "" : ResolveAccount(iam_.state.directory(), account);
  const std::string user_key =
      root ? auth::RootThrottleKey(email)
           : auth::UserThrottleKey(account_id.empty() ? account : account_id, user);
  const std::string address_key = AddressKey(call.request);
  const int64_t now = now_ms();
  if (auth::ThrottleDecision d = throttle().Admit(user_key, address_key, now); !d.allowed) {
    spdlog::info("{} console sign-in throttled for {} from {}", call.record.request_id,
                 root ? "a root user" : "account " + account, call.request.remote_address);
    return Throttled(d.retry_after_ms);
  }
  Result<std::optional<PasswordCheck>> checked =
      root ? CheckRootPassword(iam_.state.directory(), iam_.passwords, email, password)
           : CheckUserPassword(iam_.state.directory(), iam_.passwords, account, user, password);
  if (!checked.ok()) return Busy();
  std::optional<PasswordCheck>& check = *checked;
  if (!check) {
    // A failure that cannot be counted answers the store's error, as a success would.
    if (Status s = throttle().Failed(user_key, address_key, now); !s.ok()) {
      return ErrorResponse(s);
    }
    spdlog::info("{} console sign-in failed for {} from {}", call.record.request_id,
                 root ? "a root user" : "account " + account, call.request.remote_address);
    RecordFailedSignIn(call.request, email, account_id, user, false);
    return Failed();
  }
  PendingSignIn pending;
  pending.check = std::move(*check);
  if (!pending.check.mfa_serial.empty()) {
    pending.step = SignInStep::kMfa;
    return JsonResponse(200, {{"next", "mfa"}, {"challenge", challenges_.Issue(pending, now)}});
  }
  return ContinueSignIn(call, std::move(pending));
}

HttpResponse ConsoleEndpoint::SignInMfa(Call& call) {
  const int64_t now = now_ms();
  std::optional<PendingSignIn> pending =
      challenges_.Take(Field(call.body, "challenge"), SignInStep::kMfa, now);
  if (!pending) return ErrorResponse(401, "SignInFailed", kSignInFailed);
  const ConsolePrincipal& p = pending->check.principal;
  const std::string user_key = PrincipalKey(p, iam_.state.directory());
  const std::string address_key = AddressKey(call.request);
  if (auth::ThrottleDecision d = throttle().Admit(user_key, address_key, now); !d.allowed) {
    // The challenge stays good for another try once the wait is over.
    return WithChallenge(Throttled(d.retry_after_ms), challenges_.Issue(std::move(*pending), now));
  }
  Status s = services::iam::ConsumeMfaCode(iam_, p.account_id, pending->check.mfa_serial,
                                           Field(call.body, "code"));
  if (!s.ok()) {
    if (Status counted = throttle().Failed(user_key, address_key, now); !counted.ok()) {
      return ErrorResponse(counted);
    }
    spdlog::info("{} console sign-in failed for {}: wrong MFA code, from {}",
                 call.record.request_id, p.arn, call.request.remote_address);
    services::ConsoleEvent failed{.principal = p, .success = false, .mfa_used = true};
    Record(call.request, std::move(failed));
    // The password was right: the person may try another code, with a new challenge.
    return WithChallenge(Failed(), challenges_.Issue(std::move(*pending), now));
  }
  pending->check.principal.mfa = true;
  pending->check.principal.mfa_time_ms = now;
  pending->check.mfa_serial.clear();
  return ContinueSignIn(call, std::move(*pending));
}

HttpResponse ConsoleEndpoint::SignInNewPassword(Call& call) {
  std::optional<PendingSignIn> pending =
      challenges_.Take(Field(call.body, "challenge"), SignInStep::kNewPassword, now_ms());
  if (!pending) return ErrorResponse(401, "SignInFailed", kSignInFailed);
  const ConsolePrincipal& p = pending->check.principal;
  auto profile = iam_.state.directory().Get<model::LoginProfile>(
      model::RecordKey({p.account_id, p.user_name}));
  if (profile == nullptr) return Failed();
  Result<model::LoginProfile> changed =
      services::iam::WithNewPassword(iam_, *profile, Field(call.body, "newPassword"));
  if (!changed.ok()) {
    // The same step may be tried again with a better password.
    return WithChallenge(ErrorResponse(changed.status()),
                         challenges_.Issue(std::move(*pending), now_ms()));
  }
  changed->password_reset_required = false;
  if (Status s = iam_.state.Commit({.writes = {store::Put<model::LoginProfile>{*changed}},
                                    .preconditions = {store::Unchanged(*profile)}});
      !s.ok()) {
    return ErrorResponse(s);
  }
  spdlog::info("{} console: {} set a new password at sign-in", call.record.request_id, p.arn);
  pending->check.password_reset_required = false;
  pending->check.principal.credential_stamp =
      CredentialStamp(iam_.state.directory(), pending->check.principal);
  return ContinueSignIn(call, std::move(*pending));
}

HttpResponse ConsoleEndpoint::ContinueSignIn(Call& call, PendingSignIn pending) {
  const int64_t now = now_ms();
  if (pending.check.password_reset_required) {
    pending.step = SignInStep::kNewPassword;
    return JsonResponse(200,
                        {{"next", "new-password"}, {"challenge", challenges_.Issue(pending, now)}});
  }
  const ConsolePrincipal& p = pending.check.principal;
  if (Status s = throttle().Succeeded(PrincipalKey(p, iam_.state.directory()),
                                      AddressKey(call.request), now);
      !s.ok()) {
    return ErrorResponse(s);
  }
  if (!p.root()) {
    // PasswordLastUsed, as GetUser and the credential report show it.
    auto profile = iam_.state.directory().Get<model::LoginProfile>(
        model::RecordKey({p.account_id, p.user_name}));
    if (profile != nullptr) {
      model::LoginProfile used = *profile;
      used.last_used_ms = now;
      // Only over the profile as read: a password changed meanwhile must not come back.
      if (Status s = iam_.state.Commit({.writes = {store::Put<model::LoginProfile>{used}},
                                        .preconditions = {store::Unchanged(*profile)}});
          !s.ok()) {
        spdlog::warn("console: cannot record the password's last use: {}", s.message());
      }
    }
  }
  Result<std::string> id = sessions_.Create(p, now);
  if (!id.ok()) {
    spdlog::error("{} console sign-in: cannot keep the session: {}", call.record.request_id,
                  id.status().message());
    return ErrorResponse(503, "ServiceFailure", "Sign-in is unavailable. Try again later.");
  }
  spdlog::info("{} console sign-in: {}{} from {}", call.record.request_id, p.arn,
               p.mfa ? " with MFA" : "", call.request.remote_address);
  Record(call.request, {.principal = p, .mfa_used = p.mfa});
  call.record.principal = p.arn;
  HttpResponse r = JsonResponse(200, {{"signedIn", true}});
  r.headers.emplace_back("Set-Cookie", SessionCookie(*id, call.request.secure));
  return r;
}

HttpResponse ConsoleEndpoint::ForgotPassword(Call& call) {
  const std::string email = Field(call.body, "email");
  if (email.empty()) return ErrorResponse(400, "InvalidInput", "Enter the root user's email.");
  const int64_t now = now_ms();
  const std::string address_key = "reset:" + AddressKey(call.request);
  if (int64_t wait = address_limits_.WaitMs(address_key, now); wait > 0) return Throttled(wait);
  // Each request counts, so that nobody floods an address with mail; one that cannot be
  // counted sends nothing.
  if (Status s = address_limits_.Count(address_key, now); !s.ok()) return ErrorResponse(s);
  // The lookup, the token's write and the mail happen after the answer, which is therefore the
  // same, and as quick, whether an account has that email or not.
  const std::string request_id = call.record.request_id;
  if (!background_.TrySubmit([this, email, request_id] { SendResetLink(email, request_id); })) {
    spdlog::warn("{} console: the password-reset queue is full", request_id);
    return Throttled(1000);
  }
  return JsonResponse(200, {{"sent", true}});
}

void ConsoleEndpoint::SendResetLink(const std::string& email, const std::string& request_id) {
  Result<services::RootResetLink> link = services::IssueRootResetToken(
      iam_.state, email, iam_.random, now_ms(), services::kForgotPasswordTokenLifetimeMs);
  if (!link.ok()) {
    // An unknown email, or a root user whose organization does not allow recovery.
    spdlog::info("{} console password-reset request answered without a link: {}", request_id,
                 Describe(link.status().code()).code);
    return;
  }
  const std::string url = base_url_() + "/reset-password?token=" + link->token;
  const std::string text =
      "Hello,\r\n\r\nSomeone asked to reset the password of the root user of the gatehouse "
      "account " +
      link->account_id +
      ".\r\nTo choose a new password, open this link within "
      "one hour:\r\n\r\n" +
      url +
      "\r\n\r\nThe link works once. If you did not ask for it, "
      "ignore this mail: your password stays as it is.\r\n";
  auto account = iam_.state.directory().FindAccount(link->account_id);
  Status s = send_mail_(account ? account->email : email, "Password reset for your account", text);
  if (!s.ok()) {
    spdlog::warn("{} console: the password-reset mail for the account {} was not queued: {}",
                 request_id, link->account_id, s.message());
    return;
  }
  spdlog::info("{} console: password-reset mail queued for the root user of {}", request_id,
               link->account_id);
}

HttpResponse ConsoleEndpoint::ResetPassword(Call& call) {
  Result<std::string> account =
      services::ConsumeRootResetToken(iam_.state, Field(call.body, "token"),
                                      Field(call.body, "password"), now_ms(), iam_.passwords);
  if (!account.ok() && account.status().code() == ErrorCode::kThrottling) return Busy();
  if (!account.ok()) return ErrorResponse(account.status());
  spdlog::info("{} console: the root password of {} was reset from {}", call.record.request_id,
               *account, call.request.remote_address);
  return JsonResponse(200, {{"accountId", *account}});
}

HttpResponse ConsoleEndpoint::SignUp(Call& call) {
  if (!options_.signup_enabled) {
    return ErrorResponse(403, "SignupDisabled", "Sign-up is turned off on this server.");
  }
  services::accounts::NewAccountRequest request;
  request.email = Field(call.body, "email");
  request.name = Field(call.body, "accountName");
  request.origin = model::kAccountOriginStandalone;
  const std::string password = Field(call.body, "password");
  if (Status s = services::CheckRootPassword(password, request.email); !s.ok()) {
    return ErrorResponse(s);
  }
  const int64_t now = now_ms();
  const std::string address_key = "signup:" + AddressKey(call.request);
  if (int64_t wait = address_limits_.WaitMs(address_key, now); wait > 0) return Throttled(wait);
  // Every sign-up counts against the address; one that cannot be counted is not made.
  if (Status s = address_limits_.Count(address_key, now); !s.ok()) return ErrorResponse(s);
  Result<std::string> hash = auth::HashPasswordWith(iam_.passwords, password);
  if (!hash.ok() && hash.status().code() == ErrorCode::kThrottling) return Busy();
  if (!hash.ok()) return ErrorResponse(hash.status());
  store::WriteBatch batch;
  Result<std::string> id = services::accounts::AddNewAccountWrites(iam_.state.directory(), request,
                                                                   iam_.random, now, batch);
  if (!id.ok()) return ErrorResponse(id.status());
  for (store::Write& w : batch.writes) {
    if (auto* root = std::get_if<store::InsertRootUser>(&w.get())) root->root.password_hash = *hash;
  }
  if (Status s = iam_.state.Commit(batch); !s.ok()) return ErrorResponse(s);
  spdlog::info("{} console sign-up: the account {} from {}", call.record.request_id, *id,
               call.request.remote_address);
  return JsonResponse(200, {{"accountId", *id}});
}

}  // namespace gatehouse::console
