#include "console/console_endpoint.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "console/assets.h"
#include "console/console_http.h"
#include "console/sign_in.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "model/iam_entities.h"
#include "services/iam/mfa_codes.h"
#include "services/root_password.h"

namespace gatehouse::console {
namespace {

using nlohmann::json;

constexpr std::string_view kApiPrefix = "/console/api/";
constexpr std::string_view kStaticPrefix = "/static/";
constexpr std::string_view kSamlPath = "/saml";
constexpr const char* kColors[] = {"red", "orange", "yellow", "green", "blue"};
constexpr char kInvalidSwitch[] =
    "Invalid information in one or more fields. Check your information or contact your "
    "administrator.";

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

bool IsSigned(const HttpRequest& request) {
  if (request.Header("authorization") != nullptr) return true;
  std::string_view target = request.target;
  size_t q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  return query.find("X-Amz-") != std::string_view::npos ||
         query.find("Action=") != std::string_view::npos;
}

constexpr char kCrossSite[] =
    "The console refuses requests sent from another site. Open the console's own page and try "
    "again.";

// A POST that a page of another site made the browser send: Sec-Fetch-Site says so where the
// browser sends it; else an Origin other than this server's own. Clients that are not browsers
// send neither and pass (they cannot carry a victim's cookies).
bool IsCrossSite(const HttpRequest& request) {
  if (const std::string* site = request.Header("sec-fetch-site")) {
    return *site != "same-origin";
  }
  const std::string* origin = request.Header("origin");
  if (origin == nullptr) return false;
  const std::string* host = request.Header("host");
  if (host == nullptr) return true;
  const std::string expected = std::string(request.secure ? "https://" : "http://") + *host;
  return !EqualsIgnoreCase(*origin, expected);
}

bool IsJsonContent(const HttpRequest& request) {
  const std::string* type = request.Header("content-type");
  if (type == nullptr) return false;
  std::string_view media = std::string_view(*type).substr(0, type->find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return EqualsIgnoreCase(media, "application/json");
}

// GetSessionToken and GetFederationToken hand out credentials that live up to 36 hours: through
// the console they would outlive the session that asked (and its end when the password changes).
bool MintsLongerCredentials(std::string_view service, std::string_view operation) {
  return EqualsIgnoreCase(service, "sts") && (EqualsIgnoreCase(operation, "GetSessionToken") ||
                                              EqualsIgnoreCase(operation, "GetFederationToken"));
}

// The operations by which a principal changes its own password or MFA device.
bool ChangesOwnCredentials(std::string_view service, std::string_view operation) {
  static constexpr std::string_view kOwn[] = {"ChangePassword",      "EnableMFADevice",
                                              "DeactivateMFADevice", "ResyncMFADevice",
                                              "UpdateLoginProfile",  "CreateLoginProfile"};
  return service == "iam" &&
         std::find(std::begin(kOwn), std::end(kOwn), operation) != std::end(kOwn);
}

HttpResponse MethodNotAllowed() {
  return ErrorResponse(405, "MethodNotAllowed", "This console path takes another method.");
}

}  // namespace

ConsoleEndpoint::ConsoleEndpoint(const services::Dispatcher& dispatcher,
                                 const auth::CredentialSource& credentials,
                                 services::iam::IamContext& iam, ConsoleOptions options,
                                 SendMail send_mail, std::function<std::string()> base_url)
    : dispatcher_(dispatcher),
      credentials_(credentials),
      iam_(iam),
      options_(options),
      send_mail_(std::move(send_mail)),
      base_url_(std::move(base_url)),
      sessions_(iam.state, iam.random, options.idle_timeout_ms, options.absolute_timeout_ms),
      challenges_(iam.state, iam.random) {}

bool ConsoleEndpoint::Handles(const HttpRequest& request) {
  std::string_view path = PathOf(request.target);
  if (StartsWith(path, "/console/") || StartsWith(path, kStaticPrefix)) return true;
  if (path == kSamlPath && request.method == "POST") return true;
  if (request.method != "GET" && request.method != "HEAD") return false;
  return path != "/healthz" && !StartsWith(path, "/_gatehouse/") && !IsSigned(request);
}

HttpResponse ConsoleEndpoint::Handle(const HttpRequest& request, services::DispatchRecord* record) {
  services::DispatchRecord local;
  services::DispatchRecord& rec = record != nullptr ? *record : local;
  rec.request_id = iam_.random.Uuid();
  std::string_view path = PathOf(request.target);
  HttpResponse response;
  if (path == kSamlPath && request.method == "POST") {
    response = SamlSignIn(request, rec);
  } else if (!StartsWith(path, "/console/")) {
    response = Static(request, rec);
  } else {
    Call call{request, rec, json::object(), CookieValue(request, kSessionCookie), std::nullopt};
    call.session = sessions_.Touch(call.session_id, now_ms());
    if (call.session) CheckSessionStillValid(call);
    if (call.session) rec.principal = call.session->principal.arn;
    std::string_view name = path.substr(std::string_view("/console/").size());
    rec.operation = "console:" + std::string(StartsWith(path, kApiPrefix) ? "api" : name);
    if (path == "/console/session") {
      response = request.method == "GET" ? Session(call) : MethodNotAllowed();
    } else if (request.method != "POST") {
      response = MethodNotAllowed();
    } else if (IsCrossSite(request)) {
      spdlog::info("{} console: a cross-site POST to {} refused, from {}", rec.request_id,
                   rec.operation, request.remote_address);
      response = ErrorResponse(403, "CrossSiteRequest", kCrossSite);
    } else {
      response = RoutePost(call, name);
    }
  }
  if (rec.status == 0) rec.status = response.status;
  AddSecurityHeaders(response);
  return response;
}

HttpResponse ConsoleEndpoint::RoutePost(Call& call, std::string_view name) {
  const HttpRequest& request = call.request;
  std::string_view path = PathOf(request.target);
  if (!request.body.empty()) {
    call.body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  }
  static constexpr std::string_view kOpen[] = {
      "signin", "signin/mfa", "signin/new-password", "forgot-password", "reset-password", "signup"};
  const bool open = std::find(std::begin(kOpen), std::end(kOpen), name) != std::end(kOpen);
  const std::string* csrf = request.Header(kCsrfHeader);
  if (!call.body.is_object()) {
    return ErrorResponse(400, "InvalidInput", "The request body must be a JSON object.");
  }
  if (open) {
    // A form of another site can post text/plain, never application/json without the
    // preflight this server does not answer.
    if (!IsJsonContent(request)) {
      return ErrorResponse(415, "UnsupportedMediaType",
                           "The console's forms take Content-Type: application/json.");
    }
    if (name == "signin") return SignIn(call);
    if (name == "signin/mfa") return SignInMfa(call);
    if (name == "signin/new-password") return SignInNewPassword(call);
    if (name == "forgot-password") return ForgotPassword(call);
    if (name == "reset-password") return ResetPassword(call);
    return SignUp(call);
  }
  if (!call.session) return ErrorResponse(401, "NotSignedIn", "Sign in to continue.");
  if (csrf == nullptr || !ConstantTimeEquals(*csrf, call.session->csrf_token)) {
    return ErrorResponse(403, "InvalidCsrfToken", "The request lacks the session's CSRF token.");
  }
  if (StartsWith(path, kApiPrefix)) {
    std::string_view rest = path.substr(kApiPrefix.size());
    size_t slash = rest.find('/');
    return slash == std::string_view::npos
               ? ErrorResponse(404, "NotFound", "No such console path.")
               : Api(call, rest.substr(0, slash), rest.substr(slash + 1));
  }
  if (name == "switch-role") return SwitchRole(call);
  if (name == "switch-back") return SwitchBack(call);
  if (name == "signout") return SignOut(call);
  if (name == "root-mfa/enable" || name == "root-mfa/deactivate") {
    return RootMfa(call, name == "root-mfa/enable");
  }
  if (name == "root-password") return RootPassword(call);
  if (name == "root-task") return RootTask(call);
  return ErrorResponse(404, "NotFound", "No such console path.");
}

void ConsoleEndpoint::CheckSessionStillValid(Call& call) {
  const store::Directory& dir = iam_.state.directory();
  const ConsolePrincipal& p = call.session->principal;
  if (p.credential_stamp.empty() || CredentialStamp(dir, p) != p.credential_stamp) {
    sessions_.Remove(call.session_id);
    spdlog::info("{} console session of {} ended: its password, MFA device or user changed",
                 call.record.request_id, p.arn);
    call.session.reset();
    return;
  }
  if (!call.session->active_role) return;
  const ActiveRole& active = *call.session->active_role;
  auto role =
      dir.Get<model::Role>(model::RecordKey({active.role.account_id, active.role.role_name}));
  if (role != nullptr && role->id == active.role_id) return;
  sessions_.Update(call.session_id, now_ms(),
                   [](ConsoleSession& live) { live.active_role.reset(); });
  spdlog::info("{} console session of {}: the role {} is gone, back to the user",
               call.record.request_id, p.arn, active.role_arn);
  call.session->active_role.reset();
  call.role_gone = true;
}

void ConsoleEndpoint::KeepSessionAfterOwnChange(Call& call) {
  const std::string stamp = CredentialStamp(iam_.state.directory(), call.session->principal);
  if (stamp.empty()) return;  // no password left: the session ends at its next request
  sessions_.Update(call.session_id, now_ms(),
                   [&](ConsoleSession& live) { live.principal.credential_stamp = stamp; });
}

HttpResponse ConsoleEndpoint::Static(const HttpRequest& request,
                                     services::DispatchRecord& rec) const {
  std::string_view path = PathOf(request.target);
  const bool is_asset = StartsWith(path, kStaticPrefix);
  rec.operation = is_asset ? "console:static" : "console:page";
  const Asset* asset = FindAsset(is_asset ? path.substr(kStaticPrefix.size()) : "index.html");
  HttpResponse r;
  if (asset == nullptr) {
    r.status = 404;
    r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    r.body = "Not found\n";
    return r;
  }
  // Files may be cached for an hour; the shell is checked every time, so a new server's
  // pages reach the browser at once.
  r.headers.emplace_back("Cache-Control", is_asset ? "public, max-age=3600" : "no-cache");
  r.headers.emplace_back("ETag", std::string(asset->etag));
  const std::string* match = request.Header("if-none-match");
  if (match != nullptr && *match == asset->etag) {
    r.status = 304;
    return r;
  }
  r.headers.emplace_back("Content-Type", std::string(asset->content_type));
  if (request.method != "HEAD") r.body = std::string(asset->body);
  return r;
}

ConsoleEndpoint::Json ConsoleEndpoint::SessionDocument(const ConsoleSession& s) const {
  const store::Directory& dir = iam_.state.directory();
  const ConsolePrincipal& p = s.principal;
  json alias = nullptr;
  json role_alias = nullptr;  // of the switched role's account
  for (const auto& a : dir.Scan<model::AccountAlias>("")) {
    if (a->account_id == p.account_id) alias = a->alias;
    if (s.active_role && a->account_id == s.active_role->role.account_id) role_alias = a->alias;
  }
  json role = nullptr;
  if (s.active_role) {
    const ActiveRole& r = *s.active_role;
    role = {{"accountId", r.role.account_id}, {"accountAlias", role_alias},
            {"roleName", r.role.role_name},   {"displayName", r.role.display_name},
            {"color", r.role.color},          {"arn", r.role_arn}};
  }
  json recent = json::array();
  for (const SwitchedRole& r : s.recent_roles) {
    recent.push_back({{"accountId", r.account_id},
                      {"roleName", r.role_name},
                      {"displayName", r.display_name},
                      {"color", r.color}});
  }
  return {{"signedIn", true},
          {"signupEnabled", options_.signup_enabled},
          {"mailKeptInOutbox", options_.mail_kept_in_outbox},
          {"csrfToken", s.csrf_token},
          {"accountId", p.account_id},
          {"accountAlias", alias},
          {"principalArn", s.active_role ? s.active_role->session_arn : p.arn},
          {"userName", p.root()        ? json(nullptr)
                       : p.federated() ? json(p.role_name + "/" + p.session_name)
                                       : json(p.user_name)},
          {"root", p.root()},
          {"federated", p.federated()},
          {"mfa", p.mfa},
          {"mfaDeviceAssigned", HasMfaDevice(dir, p)},
          {"role", role},
          {"recentRoles", recent}};
}

HttpResponse ConsoleEndpoint::Session(Call& call) {
  if (!call.session) {
    return JsonResponse(200, {{"signedIn", false},
                              {"signupEnabled", options_.signup_enabled},
                              {"mailKeptInOutbox", options_.mail_kept_in_outbox}});
  }
  return JsonResponse(200, SessionDocument(*call.session));
}

Result<auth::AccessKeyRecord> ConsoleEndpoint::PrincipalRecord(const ConsolePrincipal& p,
                                                               const ConsoleSession& s) const {
  if (p.federated()) {
    return credentials_.FindSession(p.access_key_id, p.session_token, now_ms() / 1000);
  }
  auth::AccessKeyRecord record;
  record.principal_arn = p.arn;
  record.account_id = p.account_id;
  record.user_id = p.user_id;
  if (p.mfa) {
    // Signed in with MFA: the requests carry aws:MultiFactorAuthPresent as a session's do.
    auto claims = std::make_shared<auth::SessionClaims>();
    claims->kind = auth::SessionKind::kUserSession;
    claims->account_id = p.account_id;
    claims->principal_arn = p.arn;
    claims->source_arn = p.arn;
    claims->user_id = p.user_id;
    // The IAM user it acts for, by unique id (sessions of a deleted namesake hold nothing).
    if (p.user_id != p.account_id) claims->role_id = p.user_id;
    claims->mfa = true;
    claims->mfa_time_ms = p.mfa_time_ms;
    claims->issued_ms = s.created_ms;
    claims->expires_ms = s.created_ms + options_.absolute_timeout_ms;
    record.session = std::move(claims);
  }
  return record;
}

Result<auth::AccessKeyRecord> ConsoleEndpoint::CallerOf(const ConsoleSession& s) const {
  // A user deleted (or renamed) since signing in has no console left. (A SAML sign-in's role is
  // checked by its stamp, and its session token by FindSession.)
  const ConsolePrincipal& p = s.principal;
  if (!p.federated()) {
    std::optional<ConsolePrincipal> current =
        PrincipalOf(iam_.state.directory(), p.account_id, p.user_name);
    if (!current || current->user_id != p.user_id) {
      return Status(ErrorCode::kInvalidClientTokenId, auth::kInvalidTokenMessage);
    }
  }
  if (!s.active_role) return PrincipalRecord(p, s);
  return credentials_.FindSession(s.active_role->access_key_id, s.active_role->session_token,
                                  now_ms() / 1000);
}

HttpResponse ConsoleEndpoint::Api(Call& call, std::string_view service,
                                  std::string_view operation) {
  if (call.role_gone) {
    return ErrorResponse(Status(ErrorCode::kInvalidClientTokenId,
                                "The role this console session switched to no longer exists; "
                                "the session acts as the signed-in user again."));
  }
  if (MintsLongerCredentials(service, operation)) {
    spdlog::info("{} console: {} refused sts:{} through the console", call.record.request_id,
                 call.session->principal.arn, operation);
    return ErrorResponse(403, "AccessDenied",
                         "The console cannot call sts:" + std::string(operation) +
                             ": its credentials would outlive the console session. Call it "
                             "with an access key instead.");
  }
  Result<auth::AccessKeyRecord> caller = CallerOf(*call.session);
  if (!caller.ok()) return ErrorResponse(caller.status());
  Result<json> output =
      dispatcher_.Call(service, operation, call.request.body, *caller, call.request, &call.record);
  if (!output.ok()) return ErrorResponse(output.status());
  if (!call.session->active_role && ChangesOwnCredentials(service, operation)) {
    KeepSessionAfterOwnChange(call);
  }
  return JsonResponse(200, *output);
}

HttpResponse ConsoleEndpoint::SwitchRole(Call& call) {
  const ConsoleSession& s = *call.session;
  const json& b = call.body;
  auto text = [&](const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  SwitchedRole wanted{text("account"), text("roleName"), text("displayName"), text("color")};
  const std::string account = ResolveAccount(iam_.state.directory(), wanted.account_id);
  auto role =
      account.empty() || wanted.role_name.empty()
          ? nullptr
          : iam_.state.directory().Get<model::Role>(model::RecordKey({account, wanted.role_name}));
  // The color is optional, as in AWS: "" shows the role without one.
  const bool color_ok = wanted.color.empty() || std::find(std::begin(kColors), std::end(kColors),
                                                          wanted.color) != std::end(kColors);
  if (role == nullptr || !color_ok || s.principal.root()) {
    spdlog::info("{} console switch-role refused: {} to role {} of {} from {}",
                 call.record.request_id, s.principal.arn, wanted.role_name, wanted.account_id,
                 call.request.remote_address);
    return ErrorResponse(403, "InvalidSwitchRole", kInvalidSwitch);
  }
  wanted.account_id = account;
  wanted.role_name = role->name;
  // The bar adds " @ ACCOUNT" to the display name: the default is the role's name alone.
  if (wanted.display_name.empty()) wanted.display_name = role->name;
  if (wanted.display_name.size() > 64) wanted.display_name.resize(64);

  // The role is assumed with the signed-in principal's own credentials (a SAML sign-in's role
  // session: role chaining, as in AWS), never chained from a switched role; no external ID is
  // offered, so a role whose trust policy asks for one refuses, as in AWS.
  const ConsolePrincipal& p = s.principal;
  json input = {{"RoleArn", role->Arn()},
                {"RoleSessionName", p.federated() ? p.session_name : p.user_name},
                {"DurationSeconds", 3600}};
  services::DispatchRecord assume;
  Result<auth::AccessKeyRecord> own = PrincipalRecord(p, s);
  Result<json> out =
      own.ok() ? dispatcher_.Call("sts", "AssumeRole", input.dump(), *own, call.request, &assume)
               : Result<json>(own.status());
  services::ConsoleEvent event{.kind = services::ConsoleEventKind::kSwitchRole,
                               .principal = p,
                               .success = out.ok(),
                               .role_arn = role->Arn()};
  Record(call.request, std::move(event));
  if (!out.ok()) {
    spdlog::info("{} console switch-role refused: {} to {} from {}: {}", call.record.request_id,
                 s.principal.arn, role->Arn(), call.request.remote_address, out.status().message());
    return ErrorResponse(403, "InvalidSwitchRole", kInvalidSwitch);
  }
  ActiveRole active;
  active.role = wanted;
  active.role_arn = role->Arn();
  active.role_id = role->id;
  active.session_arn = (*out)["AssumedRoleUser"].value("Arn", "");
  active.access_key_id = (*out)["Credentials"].value("AccessKeyId", "");
  active.session_token = (*out)["Credentials"].value("SessionToken", "");
  std::optional<ConsoleSession> updated;
  sessions_.Update(call.session_id, now_ms(), [&](ConsoleSession& live) {
    live.active_role = active;
    std::erase_if(live.recent_roles, [&](const SwitchedRole& r) {
      return r.account_id == wanted.account_id && r.role_name == wanted.role_name;
    });
    live.recent_roles.push_front(wanted);
    if (live.recent_roles.size() > kRecentRoles) live.recent_roles.resize(kRecentRoles);
    updated = live;
  });
  if (!updated) return ErrorResponse(401, "NotSignedIn", "Sign in to continue.");
  spdlog::info("{} console switch-role: {} is now {} from {}", call.record.request_id,
               s.principal.arn, active.session_arn, call.request.remote_address);
  return JsonResponse(200, SessionDocument(*updated));
}

HttpResponse ConsoleEndpoint::SwitchBack(Call& call) {
  std::optional<ConsoleSession> updated;
  sessions_.Update(call.session_id, now_ms(), [&](ConsoleSession& live) {
    live.active_role.reset();
    updated = live;
  });
  if (!updated) return ErrorResponse(401, "NotSignedIn", "Sign in to continue.");
  spdlog::info("{} console switch-back: {} from {}", call.record.request_id, updated->principal.arn,
               call.request.remote_address);
  return JsonResponse(200, SessionDocument(*updated));
}

HttpResponse ConsoleEndpoint::RootMfa(Call& call, bool enable) {
  const ConsoleSession& s = *call.session;
  if (!s.principal.root() || s.active_role) {
    return ErrorResponse(403, "AccessDenied", "Only the root user manages the root user's MFA.");
  }
  auto text = [&](const char* key) {
    auto it = call.body.find(key);
    return it != call.body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const services::iam::MfaOwner root{"", true};
  Status st = enable ? services::iam::EnableMfaDevice(
                           iam_, s.principal.account_id, text("serialNumber"), root,
                           text("authenticationCode1"), text("authenticationCode2"))
                     : services::iam::DeactivateMfaDevice(iam_, s.principal.account_id,
                                                          text("serialNumber"), root);
  if (!st.ok()) return ErrorResponse(st);
  KeepSessionAfterOwnChange(call);
  spdlog::info("{} console: the root user of {} {} its MFA device", call.record.request_id,
               s.principal.account_id, enable ? "enabled" : "deactivated");
  return JsonResponse(200, json::object());
}

HttpResponse ConsoleEndpoint::RootPassword(Call& call) {
  const ConsoleSession& s = *call.session;
  if (!s.principal.root() || s.active_role) {
    return ErrorResponse(403, "AccessDenied", "Only the root user changes the root password.");
  }
  auto text = [&](const char* key) {
    auto it = call.body.find(key);
    return it != call.body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Status st =
      services::ChangeRootPassword(iam_, s.principal.account_id, call.request.remote_address,
                                   text("currentPassword"), text("newPassword"));
  if (!st.ok()) {
    spdlog::info("{} console: the root user of {} did not change its password from {}: {}",
                 call.record.request_id, s.principal.account_id, call.request.remote_address,
                 st.info().code);
    return ErrorResponse(st);
  }
  // This session goes on; every other session of the root user has ended.
  KeepSessionAfterOwnChange(call);
  spdlog::info("{} console: the root user of {} changed its password from {}",
               call.record.request_id, s.principal.account_id, call.request.remote_address);
  return JsonResponse(200, json::object());
}

HttpResponse ConsoleEndpoint::SignOut(Call& call) {
  sessions_.Remove(call.session_id);
  spdlog::info("{} console sign-out: {} from {}", call.record.request_id,
               call.session->principal.arn, call.request.remote_address);
  HttpResponse r = JsonResponse(200, {{"signedIn", false}});
  r.headers.emplace_back("Set-Cookie", SessionCookie("", call.request.secure));
  return r;
}

}  // namespace gatehouse::console
