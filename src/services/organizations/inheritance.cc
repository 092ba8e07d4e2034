#include "services/organizations/inheritance.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

constexpr std::string_view kAssign = "@@assign";
constexpr std::string_view kAppend = "@@append";
constexpr std::string_view kRemove = "@@remove";
constexpr std::string_view kChildControl = "@@operators_allowed_for_child_policies";
// Deeper than any policy AWS documents; what lies below is left out rather than walked.
constexpr int kMaxDepth = 32;

// The value operators a level may use at a node; every one unless a level above limited them.
using Allowed = std::set<std::string, std::less<>>;
Allowed Everything() { return {std::string(kAssign), std::string(kAppend), std::string(kRemove)}; }

// `allowed` narrowed by a child control operator's value (["@@all"], ["@@none"] or operators).
Allowed Narrowed(const Allowed& allowed, const json& control) {
  Allowed given;
  const json list = control.is_array() ? control : json::array({control});
  for (const json& op : list) {
    if (!op.is_string()) continue;
    if (op == "@@all") return allowed;
    if (op == "@@none") return {};
    given.insert(op.get<std::string>());
  }
  Allowed out;
  for (const std::string& op : allowed) {
    if (given.count(op) > 0) out.insert(op);
  }
  return out;
}

json AsList(const json& value) { return value.is_array() ? value : json::array({value}); }

// `incoming`'s value operator `op` applied to `node`'s assigned value.
void ApplyOperator(json& node, std::string_view op, const json& value) {
  if (op == kAssign) {
    node[std::string(kAssign)] = value;
    return;
  }
  auto current = node.find(std::string(kAssign));
  if (op == kAppend) {
    if (current == node.end()) {
      node[std::string(kAssign)] = AsList(value);
      return;
    }
    json merged = AsList(*current);
    for (const json& v : AsList(value)) {
      if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
    }
    *current = std::move(merged);
    return;
  }
  if (current == node.end()) return;  // @@remove of nothing inherited
  json kept = json::array();
  const json removed = AsList(value);
  for (const json& v : AsList(*current)) {
    if (std::find(removed.begin(), removed.end(), v) == removed.end()) kept.push_back(v);
  }
  *current = std::move(kept);
}

// One policy's `incoming` node merged into `effective`. `limits` holds the child controls of the
// levels above (read), `new_limits` receives this policy's own (for the levels below).
void Merge(json& effective, const json& limits, json& new_limits, const json& incoming,
           Allowed allowed, int depth) {
  if (!incoming.is_object() || depth > kMaxDepth) return;
  if (auto control = limits.find(std::string(kChildControl)); control != limits.end()) {
    allowed = Narrowed(allowed, *control);
  }
  for (const auto& [key, value] : incoming.items()) {
    if (key == kChildControl) {
      new_limits[key] = value;
    } else if (key == kAssign || key == kAppend || key == kRemove) {
      if (allowed.count(key) > 0) ApplyOperator(effective, key, value);
    } else if (value.is_object()) {
      static const json kNone = json::object();
      auto below = limits.find(key);
      json& child = effective[key];
      if (child.is_null()) child = json::object();
      Merge(child, below != limits.end() ? *below : kNone, new_limits[key], value, allowed,
            depth + 1);
    }
  }
}

// `into` with the child controls of `from` added (a later one narrows an earlier one).
void AddLimits(json& into, const json& from) {
  if (!from.is_object()) return;
  for (const auto& [key, value] : from.items()) {
    if (key == kChildControl) {
      auto existing = into.find(key);
      if (existing == into.end()) {
        into[key] = value;
      } else {
        json narrowed = json::array();
        for (const std::string& op : Narrowed(Narrowed(Everything(), *existing), value)) {
          narrowed.push_back(op);
        }
        *existing = narrowed.empty() ? json::array({"@@none"}) : narrowed;
      }
    } else if (value.is_object()) {
      AddLimits(into[key], value);
    }
  }
}

// Drops the empty objects a merge may leave where nothing was assigned.
void Prune(json& node) {
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end();) {
    Prune(*it);
    if (it->is_object() && it->empty()) {
      it = node.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

json EffectivePolicy(const std::vector<std::vector<json>>& levels) {
  json effective = json::object();
  json limits = json::object();
  for (const std::vector<json>& level : levels) {
    json level_limits = json::object();
    for (const json& policy : level) {
      json own = json::object();
      Merge(effective, limits, own, policy, Everything(), 0);
      AddLimits(level_limits, own);
    }
    AddLimits(limits, level_limits);
  }
  Prune(effective);
  return effective;
}

}  // namespace gatehouse::services::organizations
