#include "policy/simulate.h"

#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "policy/parse.h"

namespace gatehouse::policy {
namespace {

using nlohmann::json;

Status Bad(const std::string& reason) { return Status(ErrorCode::kInvalidInput, reason); }

// Condition-key values: a string, number or boolean, or an array of them.
bool ReadValues(const json& v, ContextKeys::Values& out) {
  auto scalar = [&](const json& s) {
    if (s.is_string()) {
      out.push_back(s.get<std::string>());
    } else if (s.is_boolean()) {
      out.push_back(s.get<bool>() ? "true" : "false");
    } else if (s.is_number()) {
      out.push_back(s.dump());
    } else {
      return false;
    }
    return true;
  };
  if (!v.is_array()) return scalar(v);
  for (const json& s : v) {
    if (!scalar(s)) return false;
  }
  return true;
}

const json* Field(const json& obj, const char* name) {
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

Result<std::string> OptionalString(const json& obj, const char* name, const std::string& where) {
  const json* v = Field(obj, name);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return Bad(where + name + " must be a string");
  return v->get<std::string>();
}

// Keeps the compiled policies alive while the PolicySet points at them.
struct Policies {
  std::vector<std::unique_ptr<CompiledPolicy>> owned;
  PolicySet set;

  Result<const CompiledPolicy*> Add(const json& doc, PolicyKind kind, std::string label) {
    Result<Document> parsed = doc.is_string() ? ParsePolicy(doc.get_ref<const std::string&>(), kind)
                                              : ParsePolicyJson(doc, kind);
    if (!parsed.ok()) return Bad(label + ": " + parsed.status().ToString());
    owned.push_back(
        std::make_unique<CompiledPolicy>(CompiledPolicy::Compile(*parsed, kind, std::move(label))));
    return owned.back().get();
  }

  // policies.scp or policies.rcp: an array of levels, each an array of policies.
  Status AddLevels(const json& levels, const char* name, PolicyKind kind,
                   std::optional<std::vector<std::vector<const CompiledPolicy*>>>& out) {
    const std::string form =
        std::string("policies.") + name + " must be an array of arrays of policies";
    if (!levels.is_array()) return Bad(form);
    out.emplace();
    for (size_t level = 0; level < levels.size(); ++level) {
      const json& docs = levels[level];
      if (!docs.is_array()) return Bad(form);
      auto& policies = out->emplace_back();
      for (size_t i = 0; i < docs.size(); ++i) {
        auto added =
            Add(docs[i], kind,
                std::string(name) + "[" + std::to_string(level) + "][" + std::to_string(i) + "]");
        if (!added.ok()) return added.status();
        policies.push_back(*added);
      }
    }
    return Status::Ok();
  }
};

Result<PrincipalAttributes> ReadPrincipalAttributes(const json& p) {
  PrincipalAttributes a;
  if (const json* tags = Field(p, "tags"); tags != nullptr && !tags->is_null()) {
    if (!tags->is_object()) return Bad("principal.tags must be an object of strings");
    for (const auto& [k, v] : tags->items()) {
      if (!v.is_string()) return Bad("principal.tags." + k + " must be a string");
      a.tags[k] = v.get<std::string>();
    }
  }
  if (const json* mfa = Field(p, "mfa"); mfa != nullptr && !mfa->is_null()) {
    if (!mfa->is_boolean()) return Bad("principal.mfa must be true or false");
    a.mfa = mfa->get<bool>();
  }
  if (const json* age = Field(p, "mfaAgeSeconds"); age != nullptr && !age->is_null()) {
    if (!age->is_number_integer() || age->get<int64_t>() < 0) {
      return Bad("principal.mfaAgeSeconds must be a non-negative integer");
    }
    a.mfa_age_seconds = age->get<int64_t>();
  }
  for (const char* name : {"userId", "sourceIdentity"}) {
    Result<std::string> s = OptionalString(p, name, "principal.");
    if (!s.ok()) return s.status();
    if (!s->empty()) (std::string_view(name) == "userId" ? a.user_id : a.source_identity) = *s;
  }
  for (auto [name, out] : {std::pair{"orgId", &a.org_id}, std::pair{"orgPath", &a.org_path}}) {
    Result<std::string> s = OptionalString(p, name, "principal.");
    if (!s.ok()) return s.status();
    *out = *s;
  }
  return a;
}

}  // namespace

Result<SimulateResult> Simulate(const json& in, int64_t now_epoch_ms) {
  if (!in.is_object()) return Bad("the request must be a JSON object");
  for (const auto& [key, value] : in.items()) {
    static const char* kKnown[] = {"principal",         "action",  "resource", "context",
                                   "managementAccount", "policies"};
    bool known = false;
    for (const char* k : kKnown) known |= key == k;
    if (!known) return Bad("unknown field " + key);
  }

  const json* principal_json = Field(in, "principal");
  if (principal_json == nullptr || !principal_json->is_object()) {
    return Bad("principal must be an object with an arn");
  }
  const json* principal_arn = Field(*principal_json, "arn");
  if (principal_arn == nullptr || !principal_arn->is_string()) {
    return Bad("principal.arn must be a string");
  }
  Result<Principal> principal = Principal::FromArn(principal_arn->get<std::string>());
  if (!principal.ok()) return Bad(principal.status().message());
  Result<std::string> role_arn = OptionalString(*principal_json, "roleArn", "principal.");
  if (!role_arn.ok()) return role_arn.status();
  if (!role_arn->empty()) principal->SetRoleArn(*role_arn);
  Result<PrincipalAttributes> attributes = ReadPrincipalAttributes(*principal_json);
  if (!attributes.ok()) return attributes.status();

  const json* action = Field(in, "action");
  if (action == nullptr || !action->is_string() ||
      action->get_ref<const std::string&>().find(':') == std::string::npos) {
    return Bad("action must be a string such as \"sts:AssumeRole\"");
  }

  std::string resource_arn = "*";
  std::string resource_account;
  if (const json* r = Field(in, "resource"); r != nullptr && !r->is_null()) {
    if (!r->is_object()) return Bad("resource must be an object with an arn");
    const json* arn = Field(*r, "arn");
    if (arn == nullptr || !arn->is_string()) return Bad("resource.arn must be a string");
    resource_arn = arn->get<std::string>();
    Result<std::string> account = OptionalString(*r, "account", "resource.");
    if (!account.ok()) return account.status();
    resource_account = *account;
  }

  ContextKeys context;
  if (const json* c = Field(in, "context"); c != nullptr && !c->is_null()) {
    if (!c->is_object()) return Bad("context must be an object");
    for (const auto& [key, value] : c->items()) {
      ContextKeys::Values values;
      if (!ReadValues(value, values)) {
        return Bad("context." + key + " must be a string, number, boolean or array of them");
      }
      context.Set(key, std::move(values));
    }
  }

  Result<std::string> management = OptionalString(in, "managementAccount", "");
  if (!management.ok()) return management.status();

  Request request = MakeRequest(std::move(*principal), *attributes, action->get<std::string>(),
                                resource_arn, resource_account, std::move(context), now_epoch_ms);

  Policies policies;
  policies.set.management_account = *management;
  const json* p = Field(in, "policies");
  if (p != nullptr && !p->is_null()) {
    if (!p->is_object()) return Bad("policies must be an object");
    for (const auto& [key, value] : p->items()) {
      if (key != "identity" && key != "resource" && key != "boundary" && key != "session" &&
          key != "scp" && key != "rcp") {
        return Bad("unknown field policies." + key);
      }
    }
    auto list = [&](const char* name, PolicyKind kind,
                    std::vector<const CompiledPolicy*>& out) -> Status {
      const json* v = Field(*p, name);
      if (v == nullptr || v->is_null()) return Status::Ok();
      if (!v->is_array()) return Bad(std::string("policies.") + name + " must be an array");
      for (size_t i = 0; i < v->size(); ++i) {
        auto added = policies.Add((*v)[i], kind, std::string(name) + "[" + std::to_string(i) + "]");
        if (!added.ok()) return added.status();
        out.push_back(*added);
      }
      return Status::Ok();
    };
    auto single = [&](const char* name, PolicyKind kind, const CompiledPolicy*& out) -> Status {
      const json* v = Field(*p, name);
      if (v == nullptr || v->is_null()) return Status::Ok();
      auto added = policies.Add(*v, kind, name);
      if (!added.ok()) return added.status();
      out = *added;
      return Status::Ok();
    };
    PolicyKind resource_kind = IsTrustRequest(request) ? PolicyKind::kTrust : PolicyKind::kResource;
    for (Status s : {list("identity", PolicyKind::kIdentity, policies.set.identity),
                     single("resource", resource_kind, policies.set.resource),
                     single("boundary", PolicyKind::kBoundary, policies.set.boundary),
                     list("session", PolicyKind::kSession, policies.set.session)}) {
      if (!s.ok()) return s;
    }
    for (auto [name, kind, out] : {std::tuple{"scp", PolicyKind::kScp, &policies.set.scp},
                                   std::tuple{"rcp", PolicyKind::kRcp, &policies.set.rcp}}) {
      const json* levels = Field(*p, name);
      if (levels == nullptr || levels->is_null()) continue;
      if (Status s = policies.AddLevels(*levels, name, kind, *out); !s.ok()) return s;
    }
  }

  SimulateResult result{};
  result.decision = Evaluate(request, policies.set, &result.explanation);
  return result;
}

json SimulateResultToJson(const SimulateResult& result) {
  json steps = json::array();
  for (const MatchedStatement& m : result.explanation.matched) {
    json step = {{"layer", LayerName(m.layer)},
                 {"policy", m.policy},
                 {"statement", m.statement},
                 {"effect", m.effect == Effect::kAllow ? "Allow" : "Deny"}};
    if (!m.sid.empty()) step["sid"] = m.sid;
    steps.push_back(std::move(step));
  }
  steps.push_back({{"decidedBy", LayerName(result.explanation.decided_by)},
                   {"reason", result.explanation.reason}});
  return {{"decision", DecisionName(result.decision)}, {"explanation", std::move(steps)}};
}

std::string SimulateResultToText(const SimulateResult& result) {
  std::string out = "Decision: " + std::string(DecisionName(result.decision)) + "\n";
  out += "Decided by: " + std::string(LayerName(result.explanation.decided_by)) + " — " +
         result.explanation.reason + "\n";
  if (result.explanation.matched.empty()) {
    out += "No statement applied.\n";
  } else {
    out += "Statements that applied:\n";
    for (const MatchedStatement& m : result.explanation.matched) {
      out += "  " + std::string(m.effect == Effect::kAllow ? "Allow" : "Deny ") + "  " +
             std::string(LayerName(m.layer)) + "  " + m.policy + " statement " +
             std::to_string(m.statement);
      if (!m.sid.empty()) out += " (Sid " + m.sid + ")";
      out += "\n";
    }
  }
  return out;
}

}  // namespace gatehouse::policy
