#include "policy/compiled_policy.h"

#include <algorithm>

#include "core/strings.h"
#include "policy/parse.h"

namespace gatehouse::policy {
namespace {

// The literal service prefix of an action pattern, or nullopt when the prefix has a wildcard
// (or the pattern is "*"), in which case the statement may concern any service.
std::optional<std::string> LiteralService(std::string_view action) {
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view service = action.substr(0, colon);
  if (service.find_first_of("*?") != std::string_view::npos) return std::nullopt;
  return AsciiLower(service);
}

}  // namespace

bool CompiledStatement::Matches(const Request& request) const {
  bool action_hit = false;
  for (const Pattern& a : actions) {
    if (a.Matches(request.action, nullptr)) {
      action_hit = true;
      break;
    }
  }
  if (action_hit == not_action) return false;
  if (has_resource) {
    bool resource_hit = false;
    for (const ArnPattern& r : resources) {
      if (r.Matches(request.resource, &request.context)) {
        resource_hit = true;
        break;
      }
    }
    if (resource_hit == not_resource) return false;
  }
  for (const Condition& c : conditions) {
    if (!c.Evaluate(request.context)) return false;
  }
  return true;
}

CompiledPolicy CompiledPolicy::Compile(const Document& doc, PolicyKind kind, std::string label) {
  CompiledPolicy p;
  p.kind_ = kind;
  p.label_ = std::move(label);
  const bool variables = doc.version == PolicyVersion::k2012;
  p.statements_.reserve(doc.statements.size());
  for (uint32_t i = 0; i < doc.statements.size(); ++i) {
    const Statement& s = doc.statements[i];
    CompiledStatement c;
    c.index = i;
    c.sid = s.sid.value_or("");
    c.effect = s.effect;
    c.not_action = s.not_action;
    c.actions.reserve(s.actions.size());
    c.resources.reserve(s.resources.size());
    c.conditions.reserve(s.conditions.size());
    for (const std::string& a : s.actions) {
      c.actions.push_back(Pattern::Compile(a, {.wildcards = true, .fold_case = true}));
    }
    c.has_resource = s.has_resource;
    c.not_resource = s.not_resource;
    for (const std::string& r : s.resources) {
      c.resources.push_back(ArnPattern::Compile(r, {.variables = variables}));
    }
    if (s.principal) c.principal = PrincipalMatcher::Compile(*s.principal);
    if (s.not_principal) c.not_principal = PrincipalMatcher::Compile(*s.not_principal);
    for (const ConditionClause& clause : s.conditions) {
      c.conditions.push_back(Condition::Compile(clause, doc.version));
    }

    std::vector<std::string> services;
    bool any = s.not_action;
    for (const std::string& a : s.actions) {
      std::optional<std::string> service = LiteralService(a);
      if (!service) {
        any = true;
      } else if (std::find(services.begin(), services.end(), *service) == services.end()) {
        services.push_back(*service);
      }
    }
    if (any) {
      p.any_service_.push_back(i);
    } else {
      for (std::string& service : services) {
        auto it = std::lower_bound(
            p.by_service_.begin(), p.by_service_.end(), service,
            [](const auto& entry, const std::string& key) { return entry.first < key; });
        if (it == p.by_service_.end() || it->first != service) {
          it = p.by_service_.insert(it, {std::move(service), {}});
        }
        it->second.push_back(i);
      }
    }
    p.statements_.push_back(std::move(c));
  }
  return p;
}

Result<CompiledPolicy> CompiledPolicy::FromText(std::string_view text, PolicyKind kind,
                                                std::string label) {
  Result<Document> doc = ParsePolicy(text, kind);
  if (!doc.ok()) return doc.status();
  return Compile(*doc, kind, std::move(label));
}

const std::vector<uint32_t>* CompiledPolicy::ForService(std::string_view service) const {
  auto it =
      std::lower_bound(by_service_.begin(), by_service_.end(), service,
                       [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == by_service_.end() || it->first != service) return nullptr;
  return &it->second;
}

}  // namespace gatehouse::policy
