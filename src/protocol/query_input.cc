#include "protocol/query_input.h"

#include <charconv>
#include <map>

#include "core/strings.h"
#include "core/time_format.h"
#include "core/uri.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;
using ParamMap = std::map<std::string, std::string, std::less<>>;

class Reader {
 public:
  Reader(const ServiceModel& model, const QueryParams& params) : model_(model) {
    for (const auto& [k, v] : params) params_.emplace(k, v);
  }

  // Reads `shape` at `prefix`; nullopt when the request says nothing about it.
  Result<std::optional<json>> Read(const Shape& shape, const std::string& prefix) {
    switch (shape.type) {
      case ShapeType::kStructure:
        return ReadStructure(shape, prefix);
      case ShapeType::kList:
        return ReadList(shape, prefix);
      case ShapeType::kMap:
        return ReadMap(shape, prefix);
      default:
        return ReadScalar(shape, prefix);
    }
  }

 private:
  std::string Join(const std::string& prefix, std::string_view name) {
    return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
  }

  bool AnyUnder(const std::string& prefix) const {
    auto it = params_.lower_bound(prefix);
    return it != params_.end() && StartsWith(it->first, prefix);
  }

  Result<std::optional<json>> ReadStructure(const Shape& shape, const std::string& prefix) {
    json obj = json::object();
    for (const Member& m : shape.members) {
      const Shape* member_shape = model_.FindShape(m.shape);
      if (member_shape == nullptr) continue;
      auto value = Read(*member_shape, Join(prefix, m.WireName()));
      if (!value.ok()) return value.status();
      if (*value) obj[m.name] = std::move(**value);
    }
    if (obj.empty() && !prefix.empty()) return std::optional<json>();
    return std::optional<json>(std::move(obj));
  }

  Result<std::optional<json>> ReadList(const Shape& shape, const std::string& prefix) {
    const Shape* element = model_.FindShape(shape.member.shape);
    if (element == nullptr) return std::optional<json>();
    // "Tags=" with an empty value stands for an empty list.
    auto exact = params_.find(prefix);
    if (exact != params_.end() && exact->second.empty() && !AnyUnder(prefix + ".")) {
      return std::optional<json>(json::array());
    }
    std::string base = shape.flattened ? prefix
                                       : Join(prefix, shape.member.location_name.empty()
                                                          ? "member"
                                                          : shape.member.location_name);
    if (!AnyUnder(base + ".")) return std::optional<json>();
    json list = json::array();
    for (int i = 1;; ++i) {
      auto value = Read(*element, base + "." + std::to_string(i));
      if (!value.ok()) return value.status();
      if (!*value) break;
      list.push_back(std::move(**value));
    }
    return std::optional<json>(std::move(list));
  }

  Result<std::optional<json>> ReadMap(const Shape& shape, const std::string& prefix) {
    const Shape* key_shape = model_.FindShape(shape.key.shape);
    const Shape* value_shape = model_.FindShape(shape.value.shape);
    if (key_shape == nullptr || value_shape == nullptr) return std::optional<json>();
    std::string base = shape.flattened ? prefix : Join(prefix, "entry");
    if (!AnyUnder(base + ".")) return std::optional<json>();
    json map = json::object();
    for (int i = 1;; ++i) {
      std::string entry = base + "." + std::to_string(i);
      auto key = params_.find(
          Join(entry, shape.key.location_name.empty() ? "key" : shape.key.location_name));
      if (key == params_.end()) break;
      auto value = Read(
          *value_shape,
          Join(entry, shape.value.location_name.empty() ? "value" : shape.value.location_name));
      if (!value.ok()) return value.status();
      map[key->second] = *value ? std::move(**value) : json(nullptr);
    }
    return std::optional<json>(std::move(map));
  }

  Result<std::optional<json>> ReadScalar(const Shape& shape, const std::string& prefix) {
    auto it = params_.find(prefix);
    if (it == params_.end()) return std::optional<json>();
    const std::string& v = it->second;
    switch (shape.type) {
      case ShapeType::kInteger:
      case ShapeType::kLong: {
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || ptr != v.data() + v.size())
          return Malformed(v, prefix, "an integer");
        return std::optional<json>(n);
      }
      case ShapeType::kDouble:
      case ShapeType::kFloat: {
        double d = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        if (ec != std::errc() || ptr != v.data() + v.size())
          return Malformed(v, prefix, "a number");
        return std::optional<json>(d);
      }
      case ShapeType::kBoolean:
        if (EqualsIgnoreCase(v, "true")) return std::optional<json>(true);
        if (EqualsIgnoreCase(v, "false")) return std::optional<json>(false);
        return Malformed(v, prefix, "a boolean");
      case ShapeType::kTimestamp: {
        // ISO 8601, or epoch seconds; kept as ISO 8601 text.
        if (ParseIsoTime(v)) return std::optional<json>(v);
        double seconds = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
        if (ec != std::errc() || ptr != v.data() + v.size())
          return Malformed(v, prefix, "a timestamp");
        return std::optional<json>(FormatIsoTime(static_cast<int64_t>(seconds * 1000)));
      }
      default:
        return std::optional<json>(v);
    }
  }

  static Status Malformed(const std::string& value, const std::string& name, const char* what) {
    return Status(ErrorCode::kValidationError, "1 validation error detected: Value '" + value +
                                                   "' at '" + name +
                                                   "' failed to satisfy constraint: Member must "
                                                   "be " +
                                                   what);
  }

  const ServiceModel& model_;
  ParamMap params_;
};

}  // namespace

Result<nlohmann::json> ReadQueryInput(const ServiceModel& model, const Shape& input,
                                      const QueryParams& params) {
  Reader reader(model, params);
  auto value = reader.Read(input, "");
  if (!value.ok()) return value.status();
  return **value;
}

}  // namespace gatehouse::protocol
