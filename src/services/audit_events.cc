#include "services/audit_events.h"

#include <algorithm>

#include "audit/cloudtrail_record.h"
#include "audit/event_elements.h"
#include "audit/user_identity.h"
#include "core/arn.h"
#include "core/strings.h"
#include "federation/jwt.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

// The input members that name the resource a call acts on, and the resource type LookupEvents
// shows for each: one list for every service.
struct ResourceMember {
  std::string_view member;
  std::string_view type;
};
constexpr ResourceMember kResourceMembers[] = {
    {"UserName", "AWS::IAM::User"},
    {"GroupName", "AWS::IAM::Group"},
    {"RoleName", "AWS::IAM::Role"},
    {"RoleArn", "AWS::IAM::Role"},
    {"PolicyArn", "AWS::IAM::Policy"},
    {"InstanceProfileName", "AWS::IAM::InstanceProfile"},
    {"AccessKeyId", "AWS::IAM::AccessKey"},
    {"SerialNumber", "AWS::IAM::MFADevice"},
    {"OpenIDConnectProviderArn", "AWS::IAM::OIDCProvider"},
    {"SAMLProviderArn", "AWS::IAM::SAMLProvider"},
    {"AccountId", "AWS::Organizations::Account"},
    {"PolicyId", "AWS::Organizations::Policy"},
    {"OrganizationalUnitId", "AWS::Organizations::OrganizationalUnit"},
    {"HandshakeId", "AWS::Organizations::Handshake"},
    {"TargetId", "AWS::Organizations::Target"},
};

constexpr std::string_view kReadPrefixes[] = {"Get",      "List",   "Describe",
                                              "Simulate", "Decode", "Lookup"};
// sts's calls that issue credentials: CloudTrail counts them as reads, yet records their
// answers (less the secrets), as it does every write's.
constexpr std::string_view kStsIssuers[] = {
    "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity",
    "AssumeRoot", "GetSessionToken",    "GetFederationToken"};

bool IssuesCredentials(std::string_view service, std::string_view operation) {
  return service == "sts" && std::find(std::begin(kStsIssuers), std::end(kStsIssuers), operation) !=
                                 std::end(kStsIssuers);
}

std::vector<audit::EventResource> ResourcesOf(const json& input) {
  std::vector<audit::EventResource> out;
  if (!input.is_object() || input.empty()) return out;
  for (const ResourceMember& r : kResourceMembers) {
    auto it = input.find(std::string(r.member));
    if (it == input.end() || !it->is_string()) continue;
    audit::EventResource resource{std::string(r.type), it->get<std::string>(), "", ""};
    if (std::optional<ArnView> arn = ArnView::Parse(resource.name)) {
      resource.arn = resource.name;
      resource.account_id = std::string(arn->account);
    }
    out.push_back(std::move(resource));
  }
  return out;
}

std::string StringMember(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The identity provider's user an unsigned federation call names: from the verified answer
// when it succeeded, otherwise from what the token claims (read unverified, to record only).
std::string WebIdentityCaller(const AuditedCall& call, const Result<json>* outcome) {
  std::string provider, audience, subject;
  if (outcome != nullptr && outcome->ok()) {
    provider = StringMember(**outcome, "Provider");
    audience = StringMember(**outcome, "Audience");
    subject = StringMember(**outcome, "SubjectFromWebIdentityToken");
  } else if (Result<federation::Jwt> jwt =
                 federation::ParseJwt(StringMember(call.input, "WebIdentityToken"));
             jwt.ok()) {
    provider = StringMember(jwt->claims, "iss");
    if (provider.starts_with("https://")) provider.erase(0, 8);
    audience = StringMember(jwt->claims, "aud");
    subject = StringMember(jwt->claims, "sub");
  }
  return audit::FederatedIdentity("WebIdentityUser", provider + ":" + audience + ":" + subject,
                                  subject, provider);
}

std::string SamlCaller(const AuditedCall& call, const Result<json>* outcome) {
  std::string qualifier, subject;
  if (outcome != nullptr && outcome->ok()) {
    qualifier = StringMember(**outcome, "NameQualifier");
    subject = StringMember(**outcome, "Subject");
  }
  const std::string provider =
      qualifier.empty() ? StringMember(call.input, "PrincipalArn") : qualifier;
  return audit::FederatedIdentity("SAMLUser", qualifier + ":" + subject, subject, provider);
}

std::string CallerIdentity(const AuditedCall& call, const Result<json>* outcome) {
  if (call.caller.access_key_id.empty() && call.model.signing_name() == "sts") {
    if (call.operation.name == "AssumeRoleWithWebIdentity") return WebIdentityCaller(call, outcome);
    if (call.operation.name == "AssumeRoleWithSAML") return SamlCaller(call, outcome);
  }
  return audit::UserIdentity(call.caller);
}

// The name LookupEvents shows and filters as Username: the user, "root", or the session's name.
std::string UsernameOf(const auth::AccessKeyRecord& caller) {
  const std::string& arn = caller.principal_arn;
  if (arn.empty()) return "";
  if (arn.ends_with(":root")) return "root";
  const size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::string Elements(const AuditedCall& call, const std::string& shape, const json& value) {
  const protocol::Shape* s = call.model.FindShape(shape);
  return s == nullptr ? "null" : audit::EventElements(call.model, *s, value);
}

}  // namespace

bool IsReadOnlyOperation(std::string_view service, std::string_view operation) {
  // Every sts call changes no resource.
  if (service == "sts") return true;
  return std::any_of(std::begin(kReadPrefixes), std::end(kReadPrefixes),
                     [&](std::string_view p) { return operation.starts_with(p); });
}

std::vector<std::string> RecipientAccounts(
    const AuditedCall& call, const std::function<bool(std::string_view)>& role_exists) {
  std::vector<std::string> out;
  if (!call.caller.account_id.empty()) out.push_back(call.caller.account_id);
  if (call.model.signing_name() == "sts" && call.input.is_object()) {
    const std::string role_arn = call.input.value("RoleArn", "");
    std::optional<ArnView> role = ArnView::Parse(role_arn);
    if (role && IsAccountId(role->account) &&
        std::find(out.begin(), out.end(), role->account) == out.end() && role_exists(role_arn)) {
      out.emplace_back(role->account);
    }
  }
  return out;
}

audit::AuditCall OpenedEvent(const AuditedCall& call, const std::string& recipient,
                             const std::string& shared_event_id) {
  const std::string service = call.model.signing_name();
  audit::AuditCall a;
  a.event_id = call.event_id;
  a.request_id = call.request_id;
  a.time_ms = call.time_ms;
  a.service = service;
  a.event_name = call.operation.name;
  a.source_ip = call.request.remote_address;
  if (const std::string* agent = call.request.Header("user-agent")) a.user_agent = *agent;
  a.user_identity = CallerIdentity(call, nullptr);
  a.request_parameters = Elements(call, call.operation.input, call.input);
  a.read_only = IsReadOnlyOperation(service, call.operation.name);
  a.recipient_account = recipient;
  a.shared_event_id = shared_event_id;
  a.resources = ResourcesOf(call.input);
  return a;
}

void CompleteEvent(audit::AuditCall& event, const AuditedCall& call, const Result<json>& outcome) {
  if (call.caller.access_key_id.empty()) event.user_identity = CallerIdentity(call, &outcome);
  if (outcome.ok()) {
    // A read's answer is not recorded (CloudTrail leaves it out), except for credentials.
    if (!event.read_only || IssuesCredentials(event.service, call.operation.name)) {
      event.response_elements = Elements(call, call.operation.output, *outcome);
    }
  } else {
    event.error_code = std::string(outcome.status().info().code);
    event.error_message = outcome.status().message();
  }
}

model::AuditEntry EntryOf(const AuditedCall& call, const audit::AuditCall& event,
                          const audit::RecordFrame* frame) {
  model::AuditEntry e;
  e.event_id = event.event_id;
  e.account_id = event.recipient_account;
  e.time_ms = event.time_ms;
  e.event_name = event.event_name;
  e.event_source = audit::EventSource(event.service);
  e.username = UsernameOf(call.caller);
  e.access_key_id = call.caller.access_key_id;
  e.read_only = event.read_only;
  for (const audit::EventResource& r : event.resources) e.resources.emplace_back(r.type, r.name);
  e.body =
      frame != nullptr ? audit::CloudTrailRecord(event, *frame) : audit::CloudTrailRecord(event);
  return e;
}

model::AuditEntry AuditEventOf(const AuditedCall& call, const std::string& recipient,
                               const Result<json>* outcome, const std::string& shared_event_id) {
  audit::AuditCall event = OpenedEvent(call, recipient, shared_event_id);
  if (outcome != nullptr) CompleteEvent(event, call, *outcome);
  return EntryOf(call, event);
}

}  // namespace gatehouse::services
