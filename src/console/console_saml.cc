// POST /saml: a SAML identity provider's user signs in to the console, as at AWS's
// https://signin.aws.amazon.com/saml. The provider's page posts the form fields SAMLResponse
// (base64) and RelayState; the response is verified against the IAM SAML provider whose
// metadata names its issuer. When the assertion's Role attribute names one role, the user signs
// in to it at once; with several, AWS's "Select a role" page lists them by account and posts
// the same response back with roleIndex (the chosen role's ARN). The sign-in itself is
// sts:AssumeRoleWithSAML through the dispatcher — the same verification, trust policy and
// one-time use as the API — and the console session acts with the role session it gets, for the
// SessionDuration attribute's time (an hour without one, at most the role's maximum).
//
// The POST comes from the provider's site by design, so it is exempt from the console's
// cross-site refusal: the signed assertion is its authentication.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "console/console_endpoint.h"
#include "console/console_http.h"
#include "console/sign_in.h"
#include "core/markup.h"
#include "core/strings.h"
#include "core/uri.h"
#include "services/sts/role_target.h"
#include "services/sts/saml_attributes.h"
#include "services/sts/saml_sign_in.h"

namespace gatehouse::console {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultDurationS = 3600;
constexpr char kInvalidResponse[] = "Your request included an invalid SAML response.";

// The form's fields; nullopt when one of them comes twice (which one would count is unclear).
std::optional<ConsoleEndpoint::SamlForm> ReadForm(std::string_view body) {
  std::map<std::string, std::string> fields;
  for (auto& [name, value] : ParseQueryString(body)) {
    if (!fields.emplace(std::move(name), std::move(value)).second) return std::nullopt;
  }
  ConsoleEndpoint::SamlForm form;
  form.response = fields["SAMLResponse"];
  form.relay_state = fields["RelayState"];
  form.role_index = fields["roleIndex"];
  return form;
}

HttpResponse HtmlPage(int status, const std::string& title, const std::string& content) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
           XmlEscape(title) +
           "</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>"
           "<body><main class=\"saml-signin\"><h1>Amazon Web Services Sign In</h1>" +
           content + "</main></body></html>\n";
  return r;
}

HttpResponse ErrorPage(int status, const std::string& detail) {
  return HtmlPage(status, "Sign-in error",
                  "<div class=\"error\" role=\"alert\"><p id=\"saml-error\">" +
                      XmlEscape(kInvalidResponse) + "</p><p id=\"saml-error-detail\">" +
                      XmlEscape(detail) + "</p></div>");
}

// Where to go once signed in: RelayState when it is a path of this server ("/iam/roles") or a
// URL under `base_url`; the console's home otherwise, so that nobody bounces a user elsewhere.
std::string Destination(const std::string& relay_state, const std::string& base_url) {
  std::string path = relay_state;
  if (!base_url.empty() && StartsWith(path, base_url + "/")) path = path.substr(base_url.size());
  const bool local = path.size() > 1 && path[0] == '/' && path[1] != '/' && path[1] != '\\' &&
                     std::none_of(path.begin(), path.end(), [](unsigned char c) {
                       return c < 0x21 || c == 0x7f || c == '\\';
                     });
  return local ? path : "/";
}

// An account's name on the chooser: "Account: alias (123456789012)", or the id alone.
std::string AccountHeading(const store::Directory& dir, const std::string& account_id) {
  for (const auto& a : dir.Scan<model::AccountAlias>("")) {
    if (a->account_id == account_id) return "Account: " + a->alias + " (" + account_id + ")";
  }
  return "Account: " + account_id;
}

// AWS's "Select a role" page: the roles grouped by account, the response posted back with the
// chosen role's ARN.
HttpResponse RoleChooser(const store::Directory& dir, const ConsoleEndpoint::SamlForm& form,
                         const std::vector<services::sts::SamlRolePair>& pairs) {
  std::map<std::string, std::vector<const services::sts::SamlRolePair*>> by_account;
  for (const auto& pair : pairs) {
    std::optional<services::sts::RoleTarget> target =
        services::sts::FindRoleTarget(dir, pair.role_arn);
    by_account[target ? target->account : ""].push_back(&pair);
  }
  std::string html =
      "<form method=\"post\" action=\"/saml\" id=\"saml_form\">"
      "<p>Select a role:</p><input type=\"hidden\" name=\"SAMLResponse\" value=\"" +
      XmlEscape(form.response) + "\"><input type=\"hidden\" name=\"RelayState\" value=\"" +
      XmlEscape(form.relay_state) + "\">";
  int index = 0;
  for (const auto& [account, account_pairs] : by_account) {
    html += "<fieldset class=\"saml-account\"><legend>" + XmlEscape(AccountHeading(dir, account)) +
            "</legend>";
    for (const auto* pair : account_pairs) {
      const std::string id = "arn" + std::to_string(index++);
      const std::string name = pair->role_arn.substr(pair->role_arn.rfind('/') + 1);
      html += "<div class=\"saml-role\"><input type=\"radio\" name=\"roleIndex\" id=\"" + id +
              "\" value=\"" + XmlEscape(pair->role_arn) + "\"" + (index == 1 ? " checked" : "") +
              "><label for=\"" + id + "\">" + XmlEscape(name) + "</label></div>";
    }
    html += "</fieldset>";
  }
  html += "<button type=\"submit\" class=\"primary\" id=\"signin_button\">Sign in</button></form>";
  return HtmlPage(200, "Amazon Web Services Sign-In", html);
}

}  // namespace

HttpResponse ConsoleEndpoint::SamlSignIn(const HttpRequest& request,
                                         services::DispatchRecord& rec) {
  rec.operation = "console:saml";
  const std::string* type = request.Header("content-type");
  if (type == nullptr || !EqualsIgnoreCase(std::string_view(*type).substr(0, type->find(';')),
                                           "application/x-www-form-urlencoded")) {
    return ErrorPage(415, "The identity provider must post the SAMLResponse form field.");
  }
  std::optional<ConsoleEndpoint::SamlForm> form = ReadForm(request.body);
  if (!form || form->response.empty()) {
    return ErrorPage(400, "The request holds no single SAMLResponse.");
  }
  Result<services::sts::SamlSignIn> verified = services::sts::VerifySamlSignIn(
      iam_.state.directory(), form->response, base_url_(), now_ms());
  if (!verified.ok()) {
    spdlog::info("{} console SAML sign-in refused from {}: {}", rec.request_id,
                 request.remote_address, verified.status().message());
    return ErrorPage(403, verified.status().message());
  }
  const std::vector<services::sts::SamlRolePair>& pairs = verified->pairs;
  if (pairs.empty()) {
    return ErrorPage(403, "The response names no role of an identity provider of this server.");
  }
  if (form->role_index.empty() && pairs.size() > 1) {
    return RoleChooser(iam_.state.directory(), *form, pairs);
  }
  auto chosen = form->role_index.empty()
                    ? pairs.begin()
                    : std::find_if(pairs.begin(), pairs.end(), [&](const auto& pair) {
                        return pair.role_arn == form->role_index;
                      });
  if (chosen == pairs.end())
    return ErrorPage(403, "The chosen role is not one the response names.");
  return SignInToSamlRole(request, rec, *form, verified->assertion, *chosen);
}

HttpResponse ConsoleEndpoint::SignInToSamlRole(const HttpRequest& request,
                                               services::DispatchRecord& rec, const SamlForm& form,
                                               const services::sts::SamlAssertion& assertion,
                                               const services::sts::SamlRolePair& pair) {
  std::optional<services::sts::RoleTarget> target =
      services::sts::FindRoleTarget(iam_.state.directory(), pair.role_arn);
  int64_t duration = services::sts::SamlSessionDuration(assertion).value_or(kDefaultDurationS);
  if (target && target->role != nullptr) {
    duration = std::min<int64_t>(duration, target->role->max_session_duration);
  }
  const json input = {{"RoleArn", pair.role_arn},
                      {"PrincipalArn", pair.provider_arn},
                      {"SAMLAssertion", form.response},
                      {"DurationSeconds", duration}};
  services::DispatchRecord assume;
  assume.request_id = rec.request_id;
  Result<json> out = dispatcher_.Call("sts", "AssumeRoleWithSAML", input.dump(),
                                      auth::AccessKeyRecord{}, request, &assume);
  if (!out.ok()) {
    spdlog::info("{} console SAML sign-in to {} refused from {}: {}", rec.request_id, pair.role_arn,
                 request.remote_address, out.status().message());
    return ErrorPage(403, out.status().message());
  }
  // The role as it is now, which the session binds to (and ends with).
  const store::Directory& dir = iam_.state.directory();
  target = services::sts::FindRoleTarget(dir, pair.role_arn);
  if (!target || target->role == nullptr) {
    return ErrorPage(503, "The role was deleted while signing in. Try again.");
  }
  ConsolePrincipal p;
  p.account_id = target->account;
  p.user_id = target->role->id;
  p.arn = (*out)["AssumedRoleUser"].value("Arn", "");
  p.role_name = target->role->name;
  p.session_name = p.arn.substr(p.arn.rfind('/') + 1);
  p.access_key_id = (*out)["Credentials"].value("AccessKeyId", "");
  p.session_token = (*out)["Credentials"].value("SessionToken", "");
  p.credential_stamp = CredentialStamp(dir, p);
  const int64_t now = now_ms();
  Result<std::string> id = sessions_.Create(p, now, now + duration * 1000);
  if (!id.ok()) {
    spdlog::error("{} console SAML sign-in: cannot keep the session: {}", rec.request_id,
                  id.status().message());
    return ErrorPage(503, "Sign-in is unavailable. Try again later.");
  }
  spdlog::info("{} console SAML sign-in: {} (subject {}) from {}", rec.request_id, p.arn,
               assertion.name_id, request.remote_address);
  Record(request, {.principal = p});
  rec.principal = p.arn;
  HttpResponse r;
  r.status = 303;
  r.headers.emplace_back("Location", Destination(form.relay_state, base_url_()));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Set-Cookie", SessionCookie(*id, request.secure));
  return r;
}

}  // namespace gatehouse::console
