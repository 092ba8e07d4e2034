// iam: SimulatePrincipalPolicy, SimulateCustomPolicy, GetContextKeysForPrincipalPolicy,
// GetContextKeysForCustomPolicy. A principal's policies are gathered by
// DirectoryPolicies::PoliciesOf and each simulated request is decided by
// authz::Authorizer::Evaluate — the code enforcement runs for a real request — so the simulator
// and enforcement never disagree. What the simulator cannot know of a request (the transport:
// aws:SourceIp, aws:SecureTransport, aws:RequestedRegion; the time: aws:CurrentTime,
// aws:EpochTime; a resource's tags) comes from ContextEntries, else it is missing; what follows
// from the principal (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalTag/…) is filled
// in as enforcement fills it in.
#include <algorithm>
#include <cstdio>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/parse.h"
#include "services/directory_policies.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/simulation_support.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr char kIdentityPolicyType[] = "IAM Policy";
constexpr char kResourcePolicyType[] = "Resource Policy";

authz::AuthzRequest SimulatedRequest() {
  authz::AuthzRequest r;
  r.simulated = true;
  return r;
}

// A policy of a simulation, with what the answer says about it.
struct Explained {
  std::string id;  // SourcePolicyId
  const char* type = kIdentityPolicyType;
  std::vector<StatementSpan> spans;
};

struct Simulation {
  // Principal, policies and context; each simulated request sets its action and resource.
  authz::AuthzRequest base = SimulatedRequest();
  std::optional<policy::Principal> unnamed;  // the principal when there is none to name
  std::string resource_owner;                // account of resources whose ARN names none
  std::vector<Explained> identity;           // as base.policies.identity
  std::optional<Explained> boundary;
  std::optional<Explained> resource;
  std::vector<std::string> keys;  // the context keys the policies use
  // The caller's organization, "" for none: the RCPs of its accounts' resources take part.
  std::string caller_organization;
};

Status Invalid(const std::string& message) { return Status(ErrorCode::kInvalidInput, message); }

std::vector<std::string> Strings(const json& input, const char* name) {
  std::vector<std::string> out;
  if (auto it = input.find(name); it != input.end() && it->is_array()) {
    for (const json& s : *it) out.push_back(s.get<std::string>());
  }
  return out;
}

// Explains `document` and collects its context keys. A policy passed in the request must be
// valid (InvalidInput with the reason); a stored one that no longer parses grants nothing.
Result<Explained> Explain(Simulation& sim, const std::string& document, std::string id,
                          policy::PolicyKind kind, bool input) {
  Result<policy::Document> doc = policy::ParsePolicy(document, kind);
  if (!doc.ok() && input) return Invalid(doc.status().message());
  if (doc.ok()) AppendContextKeys(*doc, sim.keys);
  return Explained{
      std::move(id),
      kind == policy::PolicyKind::kIdentity ? kIdentityPolicyType : kResourcePolicyType,
      StatementSpans(document)};
}

Status AddIdentity(Simulation& sim, authz::SourcedPolicy policy, bool input) {
  Result<Explained> e =
      Explain(sim, policy.document, policy.id, policy::PolicyKind::kIdentity, input);
  if (!e.ok()) return e.status();
  sim.identity.push_back(std::move(e).value());
  sim.base.policies.identity.push_back(std::move(policy));
  return Status::Ok();
}

Status SetBoundary(Simulation& sim, authz::SourcedPolicy policy, bool input) {
  Result<Explained> e =
      Explain(sim, policy.document, policy.id, policy::PolicyKind::kIdentity, input);
  if (!e.ok()) return e.status();
  sim.boundary = std::move(e).value();
  sim.base.policies.boundary = std::move(policy);
  return Status::Ok();
}

// The inputs every simulation shares: PolicyInputList, PermissionsBoundaryPolicyInputList,
// ResourcePolicy, ResourceOwner and ContextEntries.
Status ReadInputs(Simulation& sim, const json& input) {
  std::vector<std::string> policies = Strings(input, "PolicyInputList");
  for (size_t i = 0; i < policies.size(); ++i) {
    std::string id = "PolicyInputList." + std::to_string(i + 1);
    if (Status s = AddIdentity(sim, {policies[i], id}, true); !s.ok()) return s;
  }
  std::vector<std::string> boundaries = Strings(input, "PermissionsBoundaryPolicyInputList");
  if (boundaries.size() > 1) {
    return Invalid("The list of Permissions Boundary policies cannot exceed 1 items.");
  }
  if (!boundaries.empty()) {
    Status s = SetBoundary(sim, {boundaries[0], "PermissionsBoundaryPolicyInputList.1"}, true);
    if (!s.ok()) return s;
  }
  if (std::string document = input.value("ResourcePolicy", ""); !document.empty()) {
    Result<Explained> e =
        Explain(sim, document, "ResourcePolicy", policy::PolicyKind::kResource, true);
    if (!e.ok()) return e.status();
    sim.resource = std::move(e).value();
    sim.base.resource_policy = std::move(document);
  }
  if (std::string owner = input.value("ResourceOwner", ""); !owner.empty()) {
    std::optional<ArnView> arn = ArnView::Parse(owner);
    if (!arn || !IsAccountId(arn->account)) {
      return Invalid("ResourceOwner must be the ARN of an account, arn:aws:iam::ACCOUNT:root.");
    }
    sim.resource_owner = std::string(arn->account);
  }
  if (auto entries = input.find("ContextEntries"); entries != input.end()) {
    for (const json& e : *entries) {
      std::string name = e.value("ContextKeyName", "");
      if (name.empty()) continue;
      sim.base.context.emplace_back(name, Strings(e, "ContextKeyValues"));
    }
  }
  return Status::Ok();
}

// The simulation's principal: CallerArn (an IAM user), else the user or role whose policies
// are simulated, else (a group's policies, or custom policies) a user of `account` whose name
// is unknown, so that the keys following from a principal's name are missing.
Status SetPrincipal(Simulation& sim, const store::Directory& dir, const json& input,
                    const std::string& account, const std::string& source_arn) {
  std::string caller = input.value("CallerArn", "");
  if (!caller.empty()) {
    Result<policy::Principal> p = policy::Principal::FromArn(caller);
    if (!p.ok() || p->kind != policy::PrincipalKind::kUser) {
      return Invalid("CallerArn must be the ARN of an IAM user: " + caller);
    }
    sim.base.principal_arn = caller;
    if (p->account == account) {
      if (auto user = dir.FindUser(account, p->name)) {
        sim.base.user_id = user->id;
        for (const model::Tag& t : user->tags) sim.base.principal_tags[t.key] = t.value;
      }
    }
    if (sim.resource_owner.empty()) sim.resource_owner = p->account;
    return Status::Ok();
  }
  if (sim.resource_owner.empty()) sim.resource_owner = account;
  if (!source_arn.empty()) {
    sim.base.principal_arn = source_arn;
    return Status::Ok();
  }
  policy::Principal unnamed;
  unnamed.kind = policy::PrincipalKind::kUser;
  unnamed.account = account;
  unnamed.partition = "aws";
  sim.unnamed = std::move(unnamed);
  // Keys given empty are missing ones; ContextEntries, applied after, may give them.
  for (const char* key : {"aws:username", "aws:userid", "aws:PrincipalArn"}) {
    sim.base.context.insert(sim.base.context.begin(), {key, {}});
  }
  return Status::Ok();
}

// The user, group or role PolicySourceArn names, with its policies.
Result<Simulation> PrincipalSimulation(const IamContext& iam, const OperationContext& c) {
  const store::Directory& dir = iam.state.directory();
  const std::string& account = c.caller.account_id;
  const std::string source = c.input.at("PolicySourceArn");
  std::optional<ArnView> arn = ArnView::Parse(source);
  std::string_view type = arn ? arn->ResourceType() : "";
  if (!arn || arn->service != "iam" || (type != "user" && type != "group" && type != "role") ||
      type == arn->resource) {
    return Invalid("PolicySourceArn must be the ARN of an IAM user, group or role: " + source);
  }
  const DirectoryPolicies directory_policies(dir, iam.catalog);
  std::optional<authz::PrincipalPolicies> policies = directory_policies.PoliciesOf(account, source);
  if (!policies) {
    return Status(ErrorCode::kNoSuchEntity, "The " + std::string(type) + " with name " +
                                                std::string(arn->ResourceName()) +
                                                " cannot be found.");
  }
  Simulation sim;
  // The SCPs on the account's organization path take part as in enforcement.
  if (auto scps = directory_policies.Scps(account)) {
    sim.base.scps = std::move(scps->first);
    sim.base.management_account = std::move(scps->second);
  }
  if (auto org = directory_policies.OrganizationOf(account)) {
    sim.base.principal_org_id = std::move(org->first);
    sim.base.principal_org_path = std::move(org->second);
  }
  for (authz::SourcedPolicy& p : policies->identity) {
    if (Status s = AddIdentity(sim, std::move(p), false); !s.ok()) return s;
  }
  // A boundary passed in replaces the principal's own.
  if (policies->boundary && Strings(c.input, "PermissionsBoundaryPolicyInputList").empty()) {
    if (Status s = SetBoundary(sim, std::move(*policies->boundary), false); !s.ok()) return s;
  }
  if (Status s = ReadInputs(sim, c.input); !s.ok()) return s;
  // The principal is the entity itself, as its record names it.
  std::string principal;
  const std::string name(arn->ResourceName());
  if (type == "user") {
    if (auto user = dir.FindUser(account, name)) {
      principal = user->Arn();
      sim.base.user_id = user->id;
    }
  } else if (type == "role") {
    if (auto role = dir.Get<model::Role>(model::RecordKey({account, name}))) {
      principal = role->Arn();
      sim.base.user_id = role->id;
    }
  }
  if (!principal.empty()) {
    sim.base.principal_tags = directory_policies.TagsOf(account, principal);
  }
  if (Status s = SetPrincipal(sim, dir, c.input, account, principal); !s.ok()) return s;
  return sim;
}

Result<Simulation> CustomSimulation(const IamContext& iam, const OperationContext& c) {
  Simulation sim;
  if (Status s = ReadInputs(sim, c.input); !s.ok()) return s;
  Status s = SetPrincipal(sim, iam.state.directory(), c.input, c.caller.account_id, "");
  if (!s.ok()) return s;
  return sim;
}

const char* EvalDecision(policy::Decision d) {
  switch (d) {
    case policy::Decision::kAllow:
      return "allowed";
    case policy::Decision::kExplicitDeny:
      return "explicitDeny";
    case policy::Decision::kImplicitDeny:
      return "implicitDeny";
  }
  return "implicitDeny";
}

json PositionJson(const TextPosition& p) { return {{"Line", p.line}, {"Column", p.column}}; }

// The statements that decided: the Deny statements of an explicit deny, the Allow statements of
// identity and resource policies of an allow, none of an implicit deny.
json MatchedStatements(const Simulation& sim, const authz::Evaluation& e) {
  json out = json::array();
  if (e.decision == policy::Decision::kImplicitDeny) return out;
  for (const policy::MatchedStatement& m : e.explanation.matched) {
    const bool deny = m.effect == policy::Effect::kDeny;
    if (e.decision == policy::Decision::kExplicitDeny
            ? !deny
            : deny || m.layer == policy::Layer::kBoundary) {
      continue;
    }
    const Explained* source = nullptr;
    if (m.layer == policy::Layer::kBoundary && sim.boundary) {
      source = &*sim.boundary;
    } else if (m.layer == policy::Layer::kResource && sim.resource) {
      source = &*sim.resource;
    } else if (m.layer == policy::Layer::kIdentity) {
      size_t index = 0;
      if (std::sscanf(m.policy.c_str(), "identity[%zu]", &index) == 1 &&
          index < sim.identity.size()) {
        source = &sim.identity[index];
      }
    }
    if (source == nullptr) continue;
    json statement = {{"SourcePolicyId", source->id}, {"SourcePolicyType", source->type}};
    if (m.statement < source->spans.size()) {
      statement["StartPosition"] = PositionJson(source->spans[m.statement].start);
      statement["EndPosition"] = PositionJson(source->spans[m.statement].end);
    }
    out.push_back(std::move(statement));
  }
  return out;
}

// AWS's AllowedByPermissionsBoundary: the boundary has an Allow for the request and no Deny.
bool BoundaryAllows(const authz::Evaluation& e) {
  bool allow = false, deny = false;
  for (const policy::MatchedStatement& m : e.explanation.matched) {
    if (m.layer != policy::Layer::kBoundary) continue;
    (m.effect == policy::Effect::kAllow ? allow : deny) = true;
  }
  return allow && !deny;
}

// AWS's AllowedByOrganizations: the SCPs on the principal's path did not refuse the request.
bool OrganizationsAllow(const authz::Evaluation& e) {
  return e.decision == policy::Decision::kAllow || e.explanation.decided_by != policy::Layer::kScp;
}

json MissingContextValues(const Simulation& sim, const policy::Request& request) {
  json out = json::array();
  for (const std::string& key : sim.keys) {
    const policy::ContextKeys::Values* values = request.context.Find(AsciiLower(key));
    if (values == nullptr || values->empty()) out.push_back(key);
  }
  return out;
}

Result<json> EvaluationResult(authz::Authorizer& authorizer, const DirectoryPolicies& policies,
                              const Simulation& sim, const std::string& action,
                              const std::string* resource) {
  authz::AuthzRequest r = sim.base;
  r.action = action;
  r.resource = resource != nullptr ? *resource : "*";
  std::optional<ArnView> arn = ArnView::Parse(r.resource);
  r.resource_account =
      arn && !arn->account.empty() ? std::string(arn->account) : sim.resource_owner;
  // The RCPs of the resource's account take part as in enforcement, when that account is in the
  // caller's own organization: the simulator lets no one probe another organization's RCPs.
  if (!sim.caller_organization.empty() &&
      policy::GovernedByRcps(r.action, r.resource, r.resource_account)) {
    std::optional<std::pair<std::string, std::string>> org =
        policies.OrganizationOf(r.resource_account);
    if (org && org->first == sim.caller_organization) r.rcps = policies.Rcps(r.resource_account);
  }
  Result<authz::Evaluation> evaluated =
      sim.unnamed ? Result<authz::Evaluation>(authorizer.Evaluate(r, *sim.unnamed))
                  : authorizer.Evaluate(r);
  if (!evaluated.ok()) return Invalid(evaluated.status().message());
  const authz::Evaluation& e = *evaluated;
  const char* decision = EvalDecision(e.decision);
  json matched = MatchedStatements(sim, e);
  json missing = MissingContextValues(sim, e.request);
  json boundary = {{"AllowedByPermissionsBoundary", BoundaryAllows(e)}};
  json result = {{"EvalActionName", action},
                 {"EvalResourceName", r.resource},
                 {"EvalDecision", decision},
                 {"MatchedStatements", matched},
                 // With ResourceArns the missing keys are reported per resource.
                 {"MissingContextValues", resource != nullptr ? json::array() : missing}};
  if (sim.boundary) result["PermissionsBoundaryDecisionDetail"] = boundary;
  if (sim.base.scps) {
    result["OrganizationsDecisionDetail"] = {{"AllowedByOrganizations", OrganizationsAllow(e)}};
  }
  if (resource != nullptr) {
    json specific = {{"EvalResourceName", r.resource},
                     {"EvalResourceDecision", decision},
                     {"MatchedStatements", std::move(matched)},
                     {"MissingContextValues", std::move(missing)}};
    if (sim.boundary) specific["PermissionsBoundaryDecisionDetail"] = boundary;
    result["EvalDecisionDetails"] = json::object();
    result["ResourceSpecificResults"] = json::array({std::move(specific)});
  }
  return result;
}

// How many actions and resources one simulation may name. They are checked before anything
// is read or allocated, so that a request cannot ask for actions × resources results.
constexpr size_t kMaxSimulatedActions = 1000;
constexpr size_t kMaxSimulatedResources = 1000;

size_t ListSize(const json& input, const char* name) {
  auto it = input.find(name);
  return it != input.end() && it->is_array() ? it->size() : 0;
}

Status CheckSimulationLimits(const json& input) {
  if (ListSize(input, "ActionNames") > kMaxSimulatedActions) {
    return Invalid("The list of ActionNames cannot exceed " + std::to_string(kMaxSimulatedActions) +
                   " items.");
  }
  if (ListSize(input, "ResourceArns") > kMaxSimulatedResources) {
    return Invalid("The list of ResourceArns cannot exceed " +
                   std::to_string(kMaxSimulatedResources) + " items.");
  }
  return Status::Ok();
}

// A result's marker: its index, zero-padded so that markers sort as the indexes do.
std::string ResultMarker(size_t i) {
  char text[24];
  std::snprintf(text, sizeof text, "%010zu", i);
  return text;
}

// {EvaluationResults, IsTruncated, Marker}: one result per action and resource (actions
// first), paged. Only the page's results are computed.
Result<json> SimulationResults(authz::Authorizer& authorizer, const IamContext& iam,
                               const OperationContext& c, Simulation& sim) {
  const json& input = c.input;
  const DirectoryPolicies policies(iam.state.directory(), iam.catalog);
  if (auto org = policies.OrganizationOf(c.caller.account_id)) sim.caller_organization = org->first;
  std::vector<std::string> actions = Strings(input, "ActionNames");
  std::vector<std::string> resources = Strings(input, "ResourceArns");
  const size_t per_action = resources.empty() ? 1 : resources.size();
  const size_t total = actions.size() * per_action;
  const PageRequest page = ReadPage(input);
  // The page starts at the first result whose marker sorts after the request's.
  size_t first = 0;
  if (!page.marker.empty()) {
    size_t low = 0, high = total;
    while (low < high) {
      size_t mid = low + (high - low) / 2;
      if (page.marker < ResultMarker(mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    first = low;
  }
  const size_t end = std::min(total, first + page.max_items);
  json out;
  json results = json::array();
  for (size_t i = first; i < end; ++i) {
    const std::string* resource = resources.empty() ? nullptr : &resources[i % per_action];
    Result<json> result =
        EvaluationResult(authorizer, policies, sim, actions[i / per_action], resource);
    if (!result.ok()) return result.status();
    results.push_back(std::move(result).value());
  }
  FinishPage(out, end<total, end> first ? ResultMarker(end - 1) : "", page.style);
  out["EvaluationResults"] = std::move(results);
  return out;
}

}  // namespace

void RegisterSimulationOperations(Dispatcher& d, IamContext& iam) {
  // Its own compiled-policy cache; the decisions are those of the dispatcher's authorizer.
  auto authorizer = std::make_shared<authz::Authorizer>();

  d.Register("iam", "SimulatePrincipalPolicy",
             [&iam, authorizer](const OperationContext& c) -> Result<json> {
               if (Status s = CheckSimulationLimits(c.input); !s.ok()) return s;
               Result<Simulation> sim = PrincipalSimulation(iam, c);
               if (!sim.ok()) return sim.status();
               return SimulationResults(*authorizer, iam, c, *sim);
             });

  d.Register("iam", "SimulateCustomPolicy",
             [&iam, authorizer](const OperationContext& c) -> Result<json> {
               if (Status s = CheckSimulationLimits(c.input); !s.ok()) return s;
               Result<Simulation> sim = CustomSimulation(iam, c);
               if (!sim.ok()) return sim.status();
               return SimulationResults(*authorizer, iam, c, *sim);
             });

  d.Register("iam", "GetContextKeysForPrincipalPolicy",
             [&iam](const OperationContext& c) -> Result<json> {
               Result<Simulation> sim = PrincipalSimulation(iam, c);
               if (!sim.ok()) return sim.status();
               return json{{"ContextKeyNames", sim->keys}};
             });

  d.Register("iam", "GetContextKeysForCustomPolicy",
             [&iam](const OperationContext& c) -> Result<json> {
               Result<Simulation> sim = CustomSimulation(iam, c);
               if (!sim.ok()) return sim.status();
               return json{{"ContextKeyNames", sim->keys}};
             });
}

}  // namespace gatehouse::services::iam
