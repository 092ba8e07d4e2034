#include "services/iam/service_grants.h"

#include "core/strings.h"
#include "policy/pattern.h"

namespace gatehouse::services::iam {
namespace {

constexpr policy::Pattern::Options kFold{.wildcards = true, .fold_case = true};

// An action pattern split at its first ':' ("s3:Get*" → "s3", "Get*"); "*" alone has no ':'
// and stands for every action of every service.
struct ActionPattern {
  std::string_view service;
  std::string_view action;
};

ActionPattern Split(std::string_view pattern) {
  size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) return {pattern, "*"};
  return {pattern.substr(0, colon), pattern.substr(colon + 1)};
}

bool Matches(std::string_view pattern, std::string_view subject) {
  return policy::Pattern::Compile(pattern, kFold).Matches(subject, nullptr);
}

// Whether the pattern matches some action of `ns`.
bool TouchesService(std::string_view pattern, std::string_view ns) {
  return Matches(Split(pattern).service, ns);
}

// Whether the pattern matches every action of `ns`: its service part takes in `ns` and its
// action part is all wildcards "*".
bool CoversService(std::string_view pattern, std::string_view ns) {
  ActionPattern p = Split(pattern);
  return Matches(p.service, ns) && !p.action.empty() &&
         p.action.find_first_not_of('*') == std::string_view::npos;
}

bool AnyOf(const std::vector<std::string>& patterns, auto test) {
  for (const std::string& p : patterns) {
    if (test(p)) return true;
  }
  return false;
}

// Whether the statement applies to every resource: Resource "*" (no NotResource).
bool EveryResource(const policy::Statement& s) {
  return !s.not_resource && AnyOf(s.resources, [](const std::string& r) { return r == "*"; });
}

}  // namespace

bool AllowsService(const policy::Document& doc, std::string_view ns) {
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kAllow) continue;
    if (s.not_action) {
      // NotAction grants every action it does not name: some action of `ns` unless it names
      // them all.
      if (!AnyOf(s.actions, [&](const std::string& p) { return CoversService(p, ns); })) {
        return true;
      }
    } else if (AnyOf(s.actions, [&](const std::string& p) { return TouchesService(p, ns); })) {
      return true;
    }
  }
  return false;
}

bool DeniesWholeService(const policy::Document& doc, std::string_view ns) {
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kDeny || s.not_action || !s.conditions.empty() ||
        !EveryResource(s)) {
      continue;
    }
    if (AnyOf(s.actions, [&](const std::string& p) { return CoversService(p, ns); })) {
      return true;
    }
  }
  return false;
}

bool AllowsAction(const policy::Document& doc, std::string_view action) {
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kAllow) continue;
    bool named = AnyOf(s.actions, [&](const std::string& p) { return Matches(p, action); });
    if (named != s.not_action) return true;
  }
  return false;
}

std::vector<std::string> GrantedServices(const std::vector<policy::Document>& docs,
                                         const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  for (const std::string& ns : candidates) {
    bool allowed = false;
    bool denied = false;
    for (const policy::Document& doc : docs) {
      allowed = allowed || AllowsService(doc, ns);
      denied = denied || DeniesWholeService(doc, ns);
    }
    if (allowed && !denied) out.push_back(ns);
  }
  return out;
}

}  // namespace gatehouse::services::iam
