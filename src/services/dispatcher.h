// Dispatcher: the walk every API request takes (DESIGN.md): read the SigV4 claim, route by the
// credential scope's service and the Action / X-Amz-Target, find the access key, verify the
// signature, read and validate the input against the service model, run the operation's
// handler (after authorizing the request with the caller's policies, as the operation table in
// authz/operations.def describes), and write the answer — or AWS's error envelope at whichever step
// failed. Operations without a handler answer NotImplemented, never a made-up success. Handle and
// Call are each request's exception barrier: whatever is thrown below them is logged (its message,
// never the request) and answered 500 InternalFailure with the request id.
// Thread-safe: Handle may run concurrently; its collaborators must be thread-safe too.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/signing_key_cache.h"
#include "authz/authorizer.h"
#include "authz/operation_table.h"
#include "core/http_message.h"
#include "core/random.h"
#include "core/status.h"
#include "protocol/model.h"
#include "protocol/router.h"
#include "services/audit_events.h"

namespace gatehouse::audit {
class Recorder;
}  // namespace gatehouse::audit

namespace gatehouse::services {

// What an operation handler sees: the validated input and who is calling. Operations the table
// marks kHandler authorize for themselves: they complete `caller_request` (the caller's side:
// principal, policies, transport keys, time) with the action, resource and condition keys only
// they know, and call `authorize`, which decides (and logs) as the dispatcher does for the
// others.
struct OperationContext {
  const protocol::ServiceModel& model;
  const protocol::Operation& operation;
  const nlohmann::json& input;
  const auth::AccessKeyRecord& caller;
  const authz::AuthzRequest* caller_request = nullptr;
  std::function<Status(const authz::AuthzRequest&)> authorize;
};
using OperationHandler = std::function<Result<nlohmann::json>(const OperationContext&)>;

// The resource a request acts on, as authorization sees it: its ARN, its tags
// (aws:ResourceTag/*) and, for a user or role, its permissions boundary's ARN
// (iam:PermissionsBoundary).
struct ResourceInfo {
  std::string arn;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string boundary;
  // The account the resource counts as being in; "" to derive it from the ARN.
  std::string account;
};

// The account a resource ARN belongs to: its account field when that is an account id, "" for
// the AWS-owned (arn:aws:iam::aws:policy/…), `fallback` for "*" and anything not an ARN.
std::string ResourceAccount(std::string_view arn, std::string_view fallback);

// What authorization needs to know beyond the request: the caller's policies and tags, and
// the resource the request names. Thread-safe.
class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // The caller's identity-based policies (inline and managed, its own and its groups', or its
  // role's), its permissions boundary and its session policies.
  virtual authz::PrincipalPolicies Policies(const auth::AccessKeyRecord& caller) const = 0;
  // The SCPs on the organization path of `account` and the organization's management account;
  // nullopt when the account is in no organization with SCPs enabled.
  virtual std::optional<std::pair<std::vector<std::vector<authz::SourcedPolicy>>, std::string>>
  Scps(std::string_view account) const {
    (void)account;
    return std::nullopt;
  }
  // The RCPs on the organization path of `account`, the account of a resource; nullopt when it
  // is in no organization with RCPs enabled, or is its organization's management account.
  virtual std::optional<std::vector<std::vector<authz::SourcedPolicy>>> Rcps(
      std::string_view account) const {
    (void)account;
    return std::nullopt;
  }
  // The organization `account` belongs to and the account's path in it, "o-…/r-…/ou-…/"
  // (aws:PrincipalOrgID, aws:PrincipalOrgPaths); nullopt outside any organization.
  virtual std::optional<std::pair<std::string, std::string>> OrganizationOf(
      std::string_view account) const {
    (void)account;
    return std::nullopt;
  }
  // Whether the role `role_arn` names exists (the audit trail records a call in the history of
  // another account only for a role of its own).
  virtual bool RoleExists(std::string_view role_arn) const {
    (void)role_arn;
    return true;
  }
  // The caller's tags (aws:PrincipalTag/…); none for the root user.
  virtual std::map<std::string, std::string> PrincipalTags(
      const auth::AccessKeyRecord& caller) const = 0;
  // The resource `input` names, in the form the operation table gives (never kNone).
  virtual ResourceInfo Resource(authz::ResourceForm form, const auth::AccessKeyRecord& caller,
                                const nlohmann::json& input) const = 0;
};

// One line of the request log, filled whatever the outcome.
struct DispatchRecord {
  std::string request_id;
  std::string operation;  // "iam:CreateUser", or "" when routing failed
  std::string principal;  // the caller's ARN once authenticated
  int status = 0;
  std::string error_code;
  // For a refusal by authorization: the encoded authorization message (see EncodeDenials).
  std::string authorization_message;
};

class Dispatcher {
 public:
  Dispatcher(const protocol::ModelRegistry& models, const auth::CredentialSource& credentials,
             const PolicySource& policies, Random& random,
             std::function<int64_t()> now_epoch_seconds, std::string region = "us-east-1");

  // Registers the handler of `service`'s `operation` ("iam", "CreateUser").
  void Register(const std::string& service, const std::string& operation, OperationHandler handler);

  HttpResponse Handle(const HttpRequest& request, DispatchRecord* record = nullptr) const;

  // The same walk for a caller the console authenticated (a console session stands in for the
  // signature): `body` is the operation's input as JSON, in the AWS API's member names, read and
  // validated against the model like a JSON-protocol request. Answers the handler's output
  // (timestamps as ISO 8601 strings, blobs as base64) or the error in the service's terms;
  // NotImplemented for an unknown service or operation.
  Result<nlohmann::json> Call(std::string_view service, std::string_view operation,
                              std::string_view body, const auth::AccessKeyRecord& caller,
                              const HttpRequest& request, DispatchRecord* record = nullptr) const;

  // The caller's side of an authorization request for `request`: who, its policies, tags, SCPs,
  // session keys, transport keys and time. Action, resource and context are left to fill.
  authz::AuthzRequest CallerRequest(const auth::AccessKeyRecord& caller,
                                    const HttpRequest& request) const;

  // Encodes each refusal (for the request log's authorization_message); unset, none is made.
  using DenialEncoder =
      std::function<std::string(const authz::AuthzRequest&, const authz::Evaluation&)>;
  void EncodeDenials(DenialEncoder encoder) { encode_denial_ = std::move(encoder); }

  // Records every call's audit events through `recorder` (null: none are recorded). Set before
  // the first request.
  void RecordAuditEvents(audit::Recorder* recorder) { recorder_ = recorder; }

  // Called with the caller of each authenticated request, before it is authorized (denied
  // attempts count too), with the service, the operation's name and the request's Region: for
  // GetAccessKeyLastUsed and access advisor.
  using AuthenticatedCallback =
      std::function<void(const auth::AccessKeyRecord& caller, const std::string& service,
                         const std::string& operation, const std::string& region)>;
  void OnAuthenticated(AuthenticatedCallback callback) { on_authenticated_ = std::move(callback); }

 private:
  const protocol::ModelRegistry& models_;
  const auth::CredentialSource& credentials_;
  const PolicySource& policies_;
  Random& random_;
  std::function<int64_t()> now_;
  std::string region_;
  mutable authz::Authorizer authorizer_;
  AuthenticatedCallback on_authenticated_;
  mutable auth::SigningKeyCache signing_keys_;
  std::map<std::string, OperationHandler, std::less<>> handlers_;  // "iam:CreateUser"

  // Handle and Call below their exception barrier.
  HttpResponse HandleGuarded(const HttpRequest& request, DispatchRecord& record) const;
  // A request without any signature, for an operation AWS accepts unsigned (kUnsigned in
  // operations.def: AssumeRoleWithWebIdentity, AssumeRoleWithSAML); null for any other.
  std::optional<protocol::Route> RouteUnsigned(const protocol::QueryParams& params) const;
  // The routed and authenticated request read against its model, executed and answered.
  HttpResponse Answer(const protocol::Route& route, const std::string& service,
                      const protocol::QueryParams& params, const HttpRequest& request,
                      const auth::AccessKeyRecord& caller, DispatchRecord& record) const;
  // The transport's and the clock's part of an authorization request (no principal yet).
  authz::AuthzRequest TransportRequest(const HttpRequest& request) const;
  Result<nlohmann::json> CallGuarded(std::string_view service, std::string_view operation,
                                     std::string_view body, const auth::AccessKeyRecord& caller,
                                     const HttpRequest& request, DispatchRecord& record) const;
  Status Authorize(const authz::AuthzRequest& request, DispatchRecord& record) const;
  // Authorize once the RCPs of the resource's account are known (those of a request they govern).
  Status Decide(const authz::AuthzRequest& request, DispatchRecord& record) const;
  // Authorizes `action` on the resource `form` names in `input`, with the input's condition keys.
  Status AuthorizeOn(const authz::AuthzRequest& caller_request, std::string_view action,
                     authz::ResourceForm form, const auth::AccessKeyRecord& caller,
                     const nlohmann::json& input, DispatchRecord& record) const;
  // Authorizes the routed, authenticated and validated request and runs its handler.
  Result<nlohmann::json> Execute(const protocol::ServiceModel& model, const protocol::Operation& op,
                                 const std::string& service, const nlohmann::json& input,
                                 const auth::AccessKeyRecord& caller, const HttpRequest& request,
                                 DispatchRecord& record) const;
  // Execute, with its audit events: a mutating call's event rides in its first commit
  // (store/audit_scope.h); every call's events, completed with the outcome, go to the recorder,
  // one per account whose history holds the call (services/audit_events.h).
  Result<nlohmann::json> ExecuteAudited(const protocol::ServiceModel& model,
                                        const protocol::Operation& op, const std::string& service,
                                        const nlohmann::json& input,
                                        const auth::AccessKeyRecord& caller,
                                        const HttpRequest& request, DispatchRecord& record) const;
  // The event of a call whose parameters were refused before it ran.
  void RecordRejectedInput(const protocol::ServiceModel& model, const protocol::Operation& op,
                           const auth::AccessKeyRecord& caller, const HttpRequest& request,
                           const DispatchRecord& record, const Status& error) const;
  // Each recipient account's copy of the completed event, to the recorder; `opened`, when
  // given, is its recipient's event as its commit stored it, completed and written on its
  // record's frame rather than built again.
  void RecordOutcome(const AuditedCall& call, const std::vector<std::string>& recipients,
                     const Result<nlohmann::json>& outcome, const std::string& shared,
                     OpenedAudit* opened = nullptr) const;
  DenialEncoder encode_denial_;
  audit::Recorder* recorder_ = nullptr;
};

}  // namespace gatehouse::services
