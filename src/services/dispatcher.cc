#include "services/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "audit/event_id.h"
#include "audit/recorder.h"
#include "auth/sigv4.h"
#include "authz/operation_table.h"
#include "core/arn.h"
#include "core/uri.h"
#include "protocol/input_validation.h"
#include "protocol/json_codec.h"
#include "protocol/query_input.h"
#include "protocol/query_output.h"
#include "protocol/router.h"
#include "services/audit_events.h"
#include "services/conflict_retry.h"
#include "services/organizations/input_errors.h"
#include "services/page_markers.h"
#include "services/request_context.h"
#include "services/session_limits.h"
#include "store/audit_scope.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

constexpr char kQueryContentType[] = "text/xml";
constexpr char kJsonContentType[] = "application/x-amz-json-1.1";

bool LooksLikeJson(const HttpRequest& r) {
  if (r.Header("x-amz-target") != nullptr) return true;
  const std::string* type = r.Header("content-type");
  return type != nullptr && type->find("application/x-amz-json") != std::string::npos;
}

// `input` checked against its shape, refused with the validation error its protocol uses.
Status CheckInput(const protocol::ServiceModel& model, const protocol::Shape& shape,
                  const json& input) {
  ErrorCode validation =
      model.protocol() == "json" ? ErrorCode::kValidationException : ErrorCode::kValidationError;
  return protocol::ValidateInput(model, shape, input, validation);
}

Status BadParameters(std::string message) {
  return Status(ErrorCode::kInvalidQueryParameter, std::move(message));
}

// The request's parameters: the query string's, and a form body's for a POST. A request
// authenticated by its query string carries no body (its signature does not cover one), GET
// never reads a body, and a parameter named twice is refused, so that no second value can
// change what the signed one meant.
Result<protocol::QueryParams> RequestParameters(const HttpRequest& request, bool presigned) {
  if (presigned && !request.body.empty()) {
    return BadParameters("A request authenticated by its query string must not carry a body.");
  }
  std::string_view target = request.target;
  size_t q = target.find('?');
  protocol::QueryParams params =
      ParseQueryString(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
  const std::string* content_type = request.Header("content-type");
  if (request.method == "POST" && content_type != nullptr &&
      content_type->find("application/x-www-form-urlencoded") != std::string::npos) {
    auto form = ParseQueryString(request.body);
    params.insert(params.end(), form.begin(), form.end());
  }
  std::vector<std::string_view> names;
  names.reserve(params.size());
  for (const auto& [name, value] : params) names.push_back(name);
  std::sort(names.begin(), names.end());
  if (auto twice = std::adjacent_find(names.begin(), names.end()); twice != names.end()) {
    return BadParameters("The parameter " + std::string(*twice) + " is given more than once.");
  }
  return params;
}

// `error` as `model`'s service words it: Organizations' own codes; CloudTrail's, as AWS's JSON
// services', AccessDeniedException.
Status InServiceTerms(const protocol::ServiceModel& model, Status error) {
  if (model.signing_name() == "organizations") return organizations::InOrganizationsTerms(error);
  if (model.signing_name() == "cloudtrail" && error.code() == ErrorCode::kAccessDenied) {
    return Status(ErrorCode::kAccessDeniedException, error.message());
  }
  return error;
}

// `error` in `model`'s envelope (XML or JSON), recorded in `rec`.
HttpResponse ErrorEnvelope(const protocol::ServiceModel& model, Status error, DispatchRecord& rec) {
  error = InServiceTerms(model, std::move(error));
  HttpResponse r;
  r.status = error.info().http_status;
  rec.status = r.status;
  rec.error_code = std::string(error.info().code);
  r.headers.emplace_back("x-amzn-RequestId", rec.request_id);
  if (model.protocol() == "json") {
    r.headers.emplace_back("Content-Type", kJsonContentType);
    r.body = protocol::WriteJsonError(model, error.info().code, error.message(), error.reason());
  } else {
    r.headers.emplace_back("Content-Type", kQueryContentType);
    r.body = protocol::WriteQueryError(model, error, rec.request_id);
  }
  return r;
}

constexpr char kInternalFailureMessage[] =
    "The request processing has failed because of an unknown error, exception or failure.";

// The answer of the exception barrier: logged by the exception's message (never the request,
// which may carry secrets), answered 500 InternalFailure.
Status InternalFailure(const DispatchRecord& rec, const char* what) {
  spdlog::error("{} internal failure in {}: {}", rec.request_id,
                rec.operation.empty() ? "-" : rec.operation, what);
  return Status(ErrorCode::kInternalFailure, kInternalFailureMessage);
}

}  // namespace

std::string ResourceAccount(std::string_view arn, std::string_view fallback) {
  std::optional<ArnView> view = ArnView::Parse(arn);
  if (!view) return std::string(fallback);
  if (IsAccountId(view->account)) return std::string(view->account);
  return view->account == "aws" ? "" : std::string(fallback);
}

authz::AuthzRequest Dispatcher::TransportRequest(const HttpRequest& request) const {
  authz::AuthzRequest az;
  az.source_ip = request.remote_address;
  az.secure_transport = request.secure;
  az.region = region_;
  az.now_ms = now_() * 1000;
  return az;
}

authz::AuthzRequest Dispatcher::CallerRequest(const auth::AccessKeyRecord& caller,
                                              const HttpRequest& request) const {
  authz::AuthzRequest az = TransportRequest(request);
  az.principal_arn = caller.principal_arn;
  az.user_id = caller.user_id;
  az.policies = policies_.Policies(caller);
  az.principal_tags = policies_.PrincipalTags(caller);
  if (auto scps = policies_.Scps(caller.account_id)) {
    az.scps = std::move(scps->first);
    az.management_account = std::move(scps->second);
  }
  if (auto org = policies_.OrganizationOf(caller.account_id)) {
    az.principal_org_id = std::move(org->first);
    az.principal_org_path = std::move(org->second);
  }
  if (const auth::SessionClaims* session = caller.session.get()) {
    if (session->kind == auth::SessionKind::kAssumedRole) az.role_arn = session->source_arn;
    az.assumed_root = session->kind == auth::SessionKind::kRootSession;
    az.mfa = session->mfa;
    if (session->mfa) az.mfa_age_seconds = (az.now_ms - session->mfa_time_ms) / 1000;
    if (!session->source_identity.empty()) az.source_identity = session->source_identity;
    az.token_issue_ms = session->issued_ms;
  }
  return az;
}

Status Dispatcher::Authorize(const authz::AuthzRequest& az, DispatchRecord& record) const {
  if (!az.rcps && policy::GovernedByRcps(az.action, az.resource, az.resource_account)) {
    if (auto rcps = policies_.Rcps(az.resource_account)) {
      authz::AuthzRequest governed = az;
      governed.rcps = std::move(rcps);
      return Decide(governed, record);
    }
  }
  return Decide(az, record);
}

Status Dispatcher::Decide(const authz::AuthzRequest& az, DispatchRecord& record) const {
  authz::Evaluation evaluation;
  const bool debug = spdlog::should_log(spdlog::level::debug);
  Status s = authorizer_.Authorize(az, debug || encode_denial_ ? &evaluation : nullptr);
  if (!s.ok() && encode_denial_ && s.code() == ErrorCode::kAccessDenied) {
    record.authorization_message = encode_denial_(az, evaluation);
  }
  if (debug) {
    // One JSON object, so that the line reads the same in either log format.
    json matched = json::array();
    for (const policy::MatchedStatement& m : evaluation.explanation.matched) {
      matched.push_back({{"layer", policy::LayerName(m.layer)},
                         {"policy", m.policy},
                         {"statement", m.statement},
                         {"sid", m.sid},
                         {"effect", m.effect == policy::Effect::kAllow ? "Allow" : "Deny"}});
    }
    spdlog::debug(json{{"authorization",
                        {{"requestId", record.request_id},
                         {"principal", az.principal_arn},
                         {"action", az.action},
                         {"resource", az.resource},
                         {"decision", policy::DecisionName(evaluation.decision)},
                         {"decidedBy", policy::LayerName(evaluation.explanation.decided_by)},
                         {"reason", evaluation.explanation.reason},
                         {"matched", std::move(matched)}}}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return s;
}

Status Dispatcher::AuthorizeOn(const authz::AuthzRequest& caller_request, std::string_view action,
                               authz::ResourceForm form, const auth::AccessKeyRecord& caller,
                               const json& input, DispatchRecord& record) const {
  authz::AuthzRequest az = caller_request;
  az.action = std::string(action);
  ResourceInfo resource = policies_.Resource(form, caller, input);
  az.resource = resource.arn;
  az.resource_account = resource.account.empty() ? ResourceAccount(resource.arn, caller.account_id)
                                                 : resource.account;
  az.context = RequestContextKeys(input, resource);
  return Authorize(az, record);
}

Dispatcher::Dispatcher(const protocol::ModelRegistry& models,
                       const auth::CredentialSource& credentials, const PolicySource& policies,
                       Random& random, std::function<int64_t()> now_epoch_seconds,
                       std::string region)
    : models_(models),
      credentials_(credentials),
      policies_(policies),
      random_(random),
      now_(std::move(now_epoch_seconds)),
      region_(std::move(region)) {}

void Dispatcher::Register(const std::string& service, const std::string& operation,
                          OperationHandler handler) {
  handlers_[service + ":" + operation] = std::move(handler);
}

Result<json> Dispatcher::ExecuteAudited(const protocol::ServiceModel& model,
                                        const protocol::Operation& op, const std::string& service,
                                        const json& input, const auth::AccessKeyRecord& caller,
                                        const HttpRequest& request, DispatchRecord& rec) const {
  if (recorder_ == nullptr) return Execute(model, op, service, input, caller, request, rec);
  const AuditedCall call{
      model, op, input, caller, request, rec.request_id, audit::NewEventId(random_), now_() * 1000};
  const std::vector<std::string> recipients =
      RecipientAccounts(call, [this](std::string_view arn) { return policies_.RoleExists(arn); });
  if (recipients.empty()) return Execute(model, op, service, input, caller, request, rec);
  const std::string shared = recipients.size() > 1 ? random_.Uuid() : "";
  std::optional<OpenedAudit> opened;
  std::optional<store::AuditScope> scope;
  if (!IsReadOnlyOperation(service, op.name)) {
    audit::AuditCall event = OpenedEvent(call, recipients.front(), shared);
    audit::RecordFrame frame = audit::FrameOf(event);
    opened.emplace(OpenedAudit{std::move(event), std::move(frame)});
    scope.emplace(EntryOf(call, opened->event, &opened->frame));
  }
  Result<json> output = Execute(model, op, service, input, caller, request, rec);
  RecordOutcome(call, recipients, output, shared, opened ? &*opened : nullptr);
  return output;
}

void Dispatcher::RecordRejectedInput(const protocol::ServiceModel& model,
                                     const protocol::Operation& op,
                                     const auth::AccessKeyRecord& caller,
                                     const HttpRequest& request, const DispatchRecord& rec,
                                     const Status& error) const {
  if (recorder_ == nullptr) return;
  const json no_input;  // the parameters were refused: the event names none, as AWS's do
  const AuditedCall call{
      model,        op, no_input, caller, request, rec.request_id, audit::NewEventId(random_),
      now_() * 1000};
  const std::vector<std::string> recipients =
      RecipientAccounts(call, [this](std::string_view arn) { return policies_.RoleExists(arn); });
  const Result<json> outcome(error);
  RecordOutcome(call, recipients, outcome, recipients.size() > 1 ? random_.Uuid() : "");
}

void Dispatcher::RecordOutcome(const AuditedCall& call, const std::vector<std::string>& recipients,
                               const Result<json>& outcome, const std::string& shared,
                               OpenedAudit* opened) const {
  const Result<json>* recorded = &outcome;
  std::optional<Result<json>> reworded;
  if (!outcome.ok()) {
    // The error as the caller sees it (ErrorEnvelope words it in the service's terms).
    recorded = &reworded.emplace(InServiceTerms(call.model, outcome.status()));
  }
  for (const std::string& recipient : recipients) {
    if (opened != nullptr && opened->event.recipient_account == recipient) {
      CompleteEvent(opened->event, call, *recorded);
      recorder_->Record(EntryOf(call, opened->event, &opened->frame));
    } else {
      recorder_->Record(AuditEventOf(call, recipient, recorded, shared));
    }
  }
}

Result<json> Dispatcher::Execute(const protocol::ServiceModel& model, const protocol::Operation& op,
                                 const std::string& service, const json& input,
                                 const auth::AccessKeyRecord& caller, const HttpRequest& request,
                                 DispatchRecord& rec) const {
  auto handler = handlers_.find(rec.operation);
  const authz::OperationSpec* spec = authz::FindOperationSpec(service, op.name);
  if (handler == handlers_.end() || spec == nullptr) {
    return Status(ErrorCode::kNotImplemented,
                  "gatehouse does not implement " + rec.operation + " yet.");
  }
  using authz::ResourceForm;
  std::optional<authz::AuthzRequest> caller_request;
  if (spec->resource == ResourceForm::kUnsigned) {
    // Nobody signed: the handler names the principal (the identity provider that vouched for
    // the caller) and authorizes on the role's trust policy alone.
    caller_request = TransportRequest(request);
  } else if (spec->resource != ResourceForm::kNone) {
    caller_request = CallerRequest(caller, request);
  }
  if (spec->resource != ResourceForm::kNone && spec->resource != ResourceForm::kHandler &&
      spec->resource != ResourceForm::kUnsigned) {
    RETURN_IF_ERROR(AuthorizeOn(*caller_request, spec->action, spec->resource, caller, input, rec));
    for (const authz::FurtherAuthorization* further :
         authz::FindFurtherAuthorizations(service, op.name)) {
      if (!input.contains(further->member)) continue;
      RETURN_IF_ERROR(
          AuthorizeOn(*caller_request, further->action, further->resource, caller, input, rec));
    }
  }
  // Handlers page by plain keys; clients see them sealed (page_markers.h).
  Result<std::optional<json>> opened = OpenInputMarker(service, input);
  if (!opened.ok()) return opened.status();
  OperationContext context{model, op, *opened ? **opened : input, caller, nullptr, nullptr};
  if (caller_request) {
    context.caller_request = &*caller_request;
    context.authorize = [this, &rec](const authz::AuthzRequest& az) { return Authorize(az, rec); };
  }
  Result<json> output = RunRetryingConflicts([&] { return handler->second(context); });
  if (output.ok()) SealOutputMarker(service, *output);
  return output;
}

// The exception barrier of console calls: anything thrown below is answered InternalFailure.
Result<json> Dispatcher::Call(std::string_view service, std::string_view operation,
                              std::string_view body, const auth::AccessKeyRecord& caller,
                              const HttpRequest& request, DispatchRecord* record) const {
  DispatchRecord local;
  DispatchRecord& rec = record != nullptr ? *record : local;
  rec.request_id = random_.Uuid();
  Status failure;
  try {
    return CallGuarded(service, operation, body, caller, request, rec);
  } catch (const std::exception& e) {
    failure = InternalFailure(rec, e.what());
  } catch (...) {
    failure = InternalFailure(rec, "unknown exception");
  }
  rec.status = failure.info().http_status;
  rec.error_code = std::string(failure.info().code);
  return failure;
}

Result<json> Dispatcher::CallGuarded(std::string_view service, std::string_view operation,
                                     std::string_view body, const auth::AccessKeyRecord& caller,
                                     const HttpRequest& request, DispatchRecord& rec) const {
  rec.operation = std::string(service) + ":" + std::string(operation);
  rec.principal = caller.principal_arn;
  const protocol::ServiceModel* model = models_.Find(service);
  const protocol::Operation* op = model ? model->FindOperation(operation) : nullptr;
  auto fail = [&](Status error) -> Result<json> {
    if (model != nullptr) error = InServiceTerms(*model, std::move(error));
    rec.status = error.info().http_status;
    rec.error_code = std::string(error.info().code);
    return error;
  };
  if (op == nullptr) {
    return fail(Status(ErrorCode::kNotImplemented,
                       "gatehouse does not implement " + rec.operation + " yet."));
  }
  if (caller.session) {
    if (Status s = SessionMayCall(*caller.session, service, op->name); !s.ok()) return fail(s);
  }
  json input = json::object();
  if (const protocol::Shape* shape = model->FindShape(op->input)) {
    Result<json> read = protocol::ReadJsonInput(*model, *shape, body.empty() ? "{}" : body);
    Status s = read.ok() ? CheckInput(*model, *shape, *read) : read.status();
    if (!s.ok()) {
      RecordRejectedInput(*model, *op, caller, request, rec, s);
      return fail(s);
    }
    input = std::move(read).value();
  }
  Result<json> output =
      ExecuteAudited(*model, *op, std::string(service), input, caller, request, rec);
  if (!output.ok()) return fail(output.status());
  rec.status = 200;
  return output;
}

// The exception barrier of API requests: anything thrown below is answered 500 InternalFailure in
// the envelope of the service the request was routed to (or looks meant for).
HttpResponse Dispatcher::Handle(const HttpRequest& request, DispatchRecord* record) const {
  DispatchRecord local;
  DispatchRecord& rec = record != nullptr ? *record : local;
  rec.request_id = random_.Uuid();
  Status failure;
  try {
    return HandleGuarded(request, rec);
  } catch (const std::exception& e) {
    failure = InternalFailure(rec, e.what());
  } catch (...) {
    failure = InternalFailure(rec, "unknown exception");
  }
  std::string_view service = std::string_view(rec.operation).substr(0, rec.operation.find(':'));
  const protocol::ServiceModel* model = models_.Find(service);
  if (model == nullptr) model = models_.Find(LooksLikeJson(request) ? "organizations" : "iam");
  return ErrorEnvelope(*model, std::move(failure), rec);
}

std::optional<protocol::Route> Dispatcher::RouteUnsigned(
    const protocol::QueryParams& params) const {
  Result<protocol::Route> route = protocol::RouteRequest(models_, "sts", params, "");
  if (!route.ok()) return std::nullopt;
  const authz::OperationSpec* spec =
      authz::FindOperationSpec(route->model->signing_name(), route->operation->name);
  if (spec == nullptr || spec->resource != authz::ResourceForm::kUnsigned) return std::nullopt;
  return *route;
}

HttpResponse Dispatcher::HandleGuarded(const HttpRequest& request, DispatchRecord& rec) const {
  // Until the request is routed, errors take the envelope its form suggests.
  const protocol::ServiceModel* model =
      models_.Find(LooksLikeJson(request) ? "organizations" : "iam");
  auto fail = [&](Status error) { return ErrorEnvelope(*model, std::move(error), rec); };

  auth::HttpRequestView view{request.method, request.target, {}, request.body};
  for (const auto& [k, v] : request.headers) view.headers.emplace_back(k, v);
  Result<auth::SignatureClaim> claim = auth::ParseSignature(view);
  if (!claim.ok()) {
    // No signature at all: the operations AWS serves to anyone may still be meant.
    if (claim.status().code() == ErrorCode::kMissingAuthenticationToken) {
      Result<protocol::QueryParams> params = RequestParameters(request, false);
      if (params.ok()) {
        if (std::optional<protocol::Route> route = RouteUnsigned(*params)) {
          rec.operation = "sts:" + route->operation->name;
          return Answer(*route, "sts", *params, request, auth::AccessKeyRecord{}, rec);
        }
      }
    }
    return fail(claim.status());
  }
  if (const protocol::ServiceModel* scoped = models_.Find(claim->service)) model = scoped;

  Result<protocol::QueryParams> params = RequestParameters(request, claim->presigned);
  if (!params.ok()) return fail(params.status());
  const std::string* target = request.Header("x-amz-target");
  Result<protocol::Route> route =
      protocol::RouteRequest(models_, claim->service, *params, target ? *target : "");
  if (!route.ok()) return fail(route.status());
  model = route->model;
  const protocol::Operation& op = *route->operation;
  rec.operation = claim->service + ":" + op.name;

  std::optional<auth::AccessKeyRecord> key;
  if (claim->security_token) {
    Result<auth::AccessKeyRecord> session =
        credentials_.FindSession(claim->access_key_id, *claim->security_token, now_());
    if (!session.ok()) return fail(session.status());
    key = std::move(session).value();
  } else {
    key = credentials_.FindAccessKey(claim->access_key_id);
  }
  if (!key || !key->active) {
    return fail(Status(ErrorCode::kInvalidClientTokenId, auth::kInvalidTokenMessage));
  }
  if (Status s = auth::VerifySignature(view, *claim, key->secret, now_(), &signing_keys_);
      !s.ok()) {
    return fail(s);
  }
  if (key->session) {
    if (Status s = SessionMayCall(*key->session, claim->service, op.name); !s.ok()) {
      return fail(s);
    }
    if (Status s = SessionValidInRegion(*key->session, claim->region); !s.ok()) return fail(s);
  }
  rec.principal = key->principal_arn;
  if (on_authenticated_) on_authenticated_(*key, claim->service, op.name, claim->region);
  return Answer(*route, claim->service, *params, request, *key, rec);
}

HttpResponse Dispatcher::Answer(const protocol::Route& route, const std::string& service,
                                const protocol::QueryParams& params, const HttpRequest& request,
                                const auth::AccessKeyRecord& caller, DispatchRecord& rec) const {
  const protocol::ServiceModel& model = *route.model;
  const protocol::Operation& op = *route.operation;
  auto fail = [&](Status error) { return ErrorEnvelope(model, std::move(error), rec); };
  json input = json::object();
  if (const protocol::Shape* shape = model.FindShape(op.input)) {
    Result<json> read = model.protocol() == "json"
                            ? protocol::ReadJsonInput(model, *shape, request.body)
                            : protocol::ReadQueryInput(model, *shape, params);
    Status s = read.ok() ? CheckInput(model, *shape, *read) : read.status();
    if (!s.ok()) {
      RecordRejectedInput(model, op, caller, request, rec, s);
      return fail(s);
    }
    input = std::move(read).value();
  }

  Result<json> output = ExecuteAudited(model, op, service, input, caller, request, rec);
  if (!output.ok()) return fail(output.status());

  HttpResponse r;
  r.status = 200;
  rec.status = 200;
  r.headers.emplace_back("x-amzn-RequestId", rec.request_id);
  if (model.protocol() == "json") {
    r.headers.emplace_back("Content-Type", kJsonContentType);
    r.body = protocol::WriteJsonResponse(model, op, *output);
  } else {
    r.headers.emplace_back("Content-Type", kQueryContentType);
    r.body = protocol::WriteQueryResponse(model, op, *output, rec.request_id);
  }
  return r;
}

}  // namespace gatehouse::services
