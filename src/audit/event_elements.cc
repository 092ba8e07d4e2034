#include "audit/event_elements.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "audit/canonical_json.h"

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

// Writes `value` under `shape` onto `out`; false, having written nothing, when it comes to null
// (no shape, too deep, a value the shape does not describe).
bool Write(std::string& out, const protocol::ServiceModel& model, const protocol::Shape* shape,
           const json& value, int depth);

bool WriteMember(std::string& out, const protocol::ServiceModel& model,
                 const protocol::Member& member, const json& value, int depth) {
  if (Among(kHiddenMembers, member.name)) {
    AppendJsonString(out, kHidden);
    return true;
  }
  return Write(out, model, model.FindShape(member.shape), value, depth + 1);
}

// A structure's members the value holds, under CloudTrail's names in byte order (the canonical
// form). Should two names differ only in their first letter's case, the later member in the
// model that is not null wins, as the one name it becomes can hold one value.
bool WriteStructure(std::string& out, const protocol::ServiceModel& model,
                    const protocol::Shape& shape, const json& value, int depth) {
  if (!value.is_object()) return false;
  struct Present {
    std::string name;
    const protocol::Member* member;
    const json* value;
  };
  std::vector<Present> present;
  for (const protocol::Member& member : shape.members) {
    auto it = value.find(member.name);
    if (it == value.end() || Among(kOmitted, member.name)) continue;
    present.push_back({EventMemberName(member.name), &member, &*it});
  }
  std::stable_sort(present.begin(), present.end(),
                   [](const Present& a, const Present& b) { return a.name < b.name; });
  out += '{';
  bool any = false;
  for (auto group = present.begin(); group != present.end();) {
    auto next =
        std::find_if(group, present.end(), [&](const Present& p) { return p.name != group->name; });
    const size_t mark = out.size();
    if (any) out += ',';
    AppendJsonString(out, group->name);
    out += ':';
    bool written = false;
    for (auto p = next; !written && p != group;) {
      --p;
      written = WriteMember(out, model, *p->member, *p->value, depth);
    }
    if (written) {
      any = true;
    } else {
      out.resize(mark);
    }
    group = next;
  }
  out += '}';
  return true;
}

bool Write(std::string& out, const protocol::ServiceModel& model, const protocol::Shape* shape,
           const json& value, int depth) {
  if (shape == nullptr || depth > kMaxDepth) return false;
  if (shape->sensitive) {
    AppendJsonString(out, kHidden);
    return true;
  }
  switch (shape->type) {
    case protocol::ShapeType::kStructure:
      return WriteStructure(out, model, *shape, value, depth);
    case protocol::ShapeType::kList: {
      if (!value.is_array()) return false;
      out += '[';
      for (size_t i = 0; i < value.size(); ++i) {
        if (i != 0) out += ',';
        if (!WriteMember(out, model, shape->member, value[i], depth)) out += "null";
      }
      out += ']';
      return true;
    }
    case protocol::ShapeType::kMap: {
      if (!value.is_object()) return false;
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {  // in byte order already
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, key);
        out += ':';
        if (!WriteMember(out, model, shape->value, item, depth)) out += "null";
      }
      out += '}';
      return true;
    }
    default:
      if (value.is_structured() || value.is_null()) return false;
      if (value.is_string()) {
        AppendJsonString(out, value.get_ref<const std::string&>());
      } else {
        out += CanonicalJson(value);
      }
      return true;
  }
}

}  // namespace

std::string EventMemberName(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

std::string EventElements(const protocol::ServiceModel& model, const protocol::Shape& shape,
                          const json& value) {
  if (!value.is_object() || value.empty()) return "null";
  std::string out;
  out.reserve(256);
  if (!Write(out, model, &shape, value, 0) || out == "{}") return "null";
  return out;
}

}  // namespace gatehouse::audit
