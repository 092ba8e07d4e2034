#include "audit/event_elements.h"

#include <algorithm>
#include <cctype>

namespace gatehouse::audit {
namespace {

using nlohmann::json;

// Members whose values are credentials the answer hands out: never written at all.
constexpr std::string_view kOmitted[] = {"SecretAccessKey", "SessionToken"};
// Members that are secrets although their shapes are not marked sensitive: one-time MFA codes.
constexpr std::string_view kHiddenMembers[] = {"AuthenticationCode1", "AuthenticationCode2",
                                               "TokenCode"};
// How deep a value may nest before the rest is left out (models nest a handful of levels).
constexpr int kMaxDepth = 16;

template <size_t N>
bool Among(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

json Walk(const protocol::ServiceModel& model, const protocol::Shape* shape, const json& value,
          int depth);

json WalkMember(const protocol::ServiceModel& model, const protocol::Member& member,
                const json& value, int depth) {
  if (Among(kHiddenMembers, member.name)) return kHidden;
  return Walk(model, model.FindShape(member.shape), value, depth + 1);
}

json Walk(const protocol::ServiceModel& model, const protocol::Shape* shape, const json& value,
          int depth) {
  if (shape == nullptr || depth > kMaxDepth) return nullptr;
  if (shape->sensitive) return kHidden;
  switch (shape->type) {
    case protocol::ShapeType::kStructure: {
      if (!value.is_object()) return nullptr;
      json out = json::object();
      for (const protocol::Member& member : shape->members) {
        auto it = value.find(member.name);
        if (it == value.end() || Among(kOmitted, member.name)) continue;
        json element = WalkMember(model, member, *it, depth);
        if (!element.is_null()) out[EventMemberName(member.name)] = std::move(element);
      }
      return out;
    }
    case protocol::ShapeType::kList: {
      if (!value.is_array()) return nullptr;
      json out = json::array();
      for (const json& item : value) out.push_back(WalkMember(model, shape->member, item, depth));
      return out;
    }
    case protocol::ShapeType::kMap: {
      if (!value.is_object()) return nullptr;
      json out = json::object();
      for (const auto& [key, item] : value.items()) {
        out[key] = WalkMember(model, shape->value, item, depth);
      }
      return out;
    }
    default:
      return value.is_structured() ? json(nullptr) : value;
  }
}

}  // namespace

std::string EventMemberName(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

json EventElements(const protocol::ServiceModel& model, const protocol::Shape& shape,
                   const json& value) {
  if (!value.is_object() || value.empty()) return nullptr;
  json out = Walk(model, &shape, value, 0);
  return out.is_object() && out.empty() ? json(nullptr) : out;
}

}  // namespace gatehouse::audit
