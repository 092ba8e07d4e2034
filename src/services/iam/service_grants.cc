#include "services/iam/service_grants.h"

#include <map>
#include <string>

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

// Patterns matched case-insensitively, each compiled once however many subjects it meets (a
// report tries every service namespace against every pattern).
class Matcher {
 public:
  bool Matches(std::string_view pattern, std::string_view subject) {
    auto it = compiled_.find(pattern);
    if (it == compiled_.end()) {
      it = compiled_.emplace(std::string(pattern), policy::Pattern::Compile(pattern, kFold)).first;
    }
    return it->second.Matches(subject, nullptr);
  }

 private:
  std::map<std::string, policy::Pattern, std::less<>> compiled_;
};

// Whether the pattern matches some action of `ns`.
bool TouchesService(Matcher& m, std::string_view pattern, std::string_view ns) {
  return m.Matches(Split(pattern).service, ns);
}

// Whether the pattern matches every action of `ns`: its service part takes in `ns` and its
// action part is all wildcards "*".
bool CoversService(Matcher& m, std::string_view pattern, std::string_view ns) {
  ActionPattern p = Split(pattern);
  return m.Matches(p.service, ns) && !p.action.empty() &&
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

bool AllowsServiceWith(Matcher& m, const policy::Document& doc, std::string_view ns) {
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kAllow) continue;
    if (s.not_action) {
      // NotAction grants every action it does not name: some action of `ns` unless it names
      // them all.
      if (!AnyOf(s.actions, [&](const std::string& p) { return CoversService(m, p, ns); })) {
        return true;
      }
    } else if (AnyOf(s.actions, [&](const std::string& p) { return TouchesService(m, p, ns); })) {
      return true;
    }
  }
  return false;
}

bool DeniesWholeServiceWith(Matcher& m, const policy::Document& doc, std::string_view ns) {
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kDeny || s.not_action || !s.conditions.empty() ||
        !EveryResource(s)) {
      continue;
    }
    if (AnyOf(s.actions, [&](const std::string& p) { return CoversService(m, p, ns); })) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool AllowsService(const policy::Document& doc, std::string_view ns) {
  Matcher m;
  return AllowsServiceWith(m, doc, ns);
}

bool DeniesWholeService(const policy::Document& doc, std::string_view ns) {
  Matcher m;
  return DeniesWholeServiceWith(m, doc, ns);
}

bool AllowsAction(const policy::Document& doc, std::string_view action) {
  Matcher m;
  for (const policy::Statement& s : doc.statements) {
    if (s.effect != policy::Effect::kAllow) continue;
    bool named = AnyOf(s.actions, [&](const std::string& p) { return m.Matches(p, action); });
    if (named != s.not_action) return true;
  }
  return false;
}

std::vector<std::string> GrantedServices(const std::vector<policy::Document>& docs,
                                         const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  Matcher m;
  for (const std::string& ns : candidates) {
    bool allowed = false;
    bool denied = false;
    for (const policy::Document& doc : docs) {
      allowed = allowed || AllowsServiceWith(m, doc, ns);
      denied = denied || DeniesWholeServiceWith(m, doc, ns);
    }
    if (allowed && !denied) out.push_back(ns);
  }
  return out;
}

}  // namespace gatehouse::services::iam
