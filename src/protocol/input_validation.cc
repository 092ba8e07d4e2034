#include "protocol/input_validation.h"

#include <algorithm>

#include "core/strings.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;

std::string LowerCamel(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = AsciiLower(out[0]);
  return out;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// How AWS shows a value in a message: strings as they are, the rest as JSON (where bytes that
// are not UTF-8, which a query string can carry, are replaced rather than thrown on).
std::string Shown(const json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

class Validator {
 public:
  explicit Validator(const ServiceModel& model) : model_(model) {}

  void Check(const Shape& shape, const json& v, const std::string& path) {
    switch (shape.type) {
      case ShapeType::kStructure:
        CheckStructure(shape, v, path);
        break;
      case ShapeType::kList:
        CheckList(shape, v, path);
        break;
      case ShapeType::kMap:
        CheckMap(shape, v, path);
        break;
      case ShapeType::kString:
      case ShapeType::kBlob:
      case ShapeType::kTimestamp:
        if (v.is_string()) CheckString(shape, v.get_ref<const std::string&>(), v, path);
        break;
      case ShapeType::kInteger:
      case ShapeType::kLong:
      case ShapeType::kDouble:
      case ShapeType::kFloat:
        if (v.is_number()) CheckNumber(shape, v, path);
        break;
      case ShapeType::kBoolean:
        break;
    }
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void Fail(const Shape& shape, const json* value, const std::string& path,
            const std::string& constraint) {
    std::string shown;
    if (value == nullptr) {
      shown = "Value null at '" + path + "'";
    } else if (shape.sensitive) {
      shown = "Value at '" + path + "'";  // never echo a secret
    } else {
      shown = "Value '" + Shown(*value) + "' at '" + path + "'";
    }
    errors_.push_back(shown + " failed to satisfy constraint: " + constraint);
  }

  std::string Child(const std::string& path, std::string_view member) {
    return path.empty() ? LowerCamel(member) : path + "." + LowerCamel(member);
  }

  void CheckStructure(const Shape& shape, const json& v, const std::string& path) {
    if (!v.is_object()) return;
    for (const Member& m : shape.members) {
      const Shape* member_shape = model_.FindShape(m.shape);
      auto it = v.find(m.name);
      bool required =
          std::find(shape.required.begin(), shape.required.end(), m.name) != shape.required.end();
      if (it == v.end() || it->is_null()) {
        if (required && member_shape != nullptr) {
          Fail(*member_shape, nullptr, Child(path, m.name), "Member must not be null");
        }
        continue;
      }
      if (member_shape != nullptr) Check(*member_shape, *it, Child(path, m.name));
    }
  }

  void CheckLength(const Shape& shape, const json& v, size_t length, const std::string& path) {
    if (shape.min && static_cast<int64_t>(length) < *shape.min) {
      Fail(shape, &v, path,
           "Member must have length greater than or equal to " + std::to_string(*shape.min));
    }
    if (shape.max && static_cast<int64_t>(length) > *shape.max) {
      Fail(shape, &v, path,
           "Member must have length less than or equal to " + std::to_string(*shape.max));
    }
  }

  void CheckList(const Shape& shape, const json& v, const std::string& path) {
    if (!v.is_array()) return;
    CheckLength(shape, v, v.size(), path);
    const Shape* element = model_.FindShape(shape.member.shape);
    if (element == nullptr) return;
    for (size_t i = 0; i < v.size(); ++i) {
      Check(*element, v[i], path + "." + std::to_string(i + 1) + ".member");
    }
  }

  void CheckMap(const Shape& shape, const json& v, const std::string& path) {
    if (!v.is_object()) return;
    CheckLength(shape, v, v.size(), path);
    const Shape* key = model_.FindShape(shape.key.shape);
    const Shape* value = model_.FindShape(shape.value.shape);
    for (const auto& [k, item] : v.items()) {
      if (key != nullptr) Check(*key, json(k), path + ".key");
      if (value != nullptr) Check(*value, item, path + "." + k);
    }
  }

  void CheckString(const Shape& shape, const std::string& s, const json& v,
                   const std::string& path) {
    CheckLength(shape, v, CodePoints(s), path);
    // Lengths first; the pattern then runs in linear time whatever the length.
    if (shape.pattern_regex) {
      if (!MatchesPattern(*shape.pattern_regex, s)) {
        Fail(shape, &v, path, "Member must satisfy regular expression pattern: " + *shape.pattern);
      }
    }
    if (!shape.enum_values.empty() && std::find(shape.enum_values.begin(), shape.enum_values.end(),
                                                s) == shape.enum_values.end()) {
      std::string set;
      for (const std::string& e : shape.enum_values) set += (set.empty() ? "" : ", ") + e;
      Fail(shape, &v, path, "Member must satisfy enum value set: [" + set + "]");
    }
  }

  void CheckNumber(const Shape& shape, const json& v, const std::string& path) {
    double n = v.get<double>();
    if (shape.min && n < static_cast<double>(*shape.min)) {
      Fail(shape, &v, path,
           "Member must have value greater than or equal to " + std::to_string(*shape.min));
    }
    if (shape.max && n > static_cast<double>(*shape.max)) {
      Fail(shape, &v, path,
           "Member must have value less than or equal to " + std::to_string(*shape.max));
    }
  }

  const ServiceModel& model_;
  std::vector<std::string> errors_;
};

}  // namespace

Status ValidateInput(const ServiceModel& model, const Shape& input, const json& value,
                     ErrorCode error) {
  Validator v(model);
  v.Check(input, value, "");
  const auto& errors = v.errors();
  if (errors.empty()) return Status::Ok();
  std::string message =
      std::to_string(errors.size()) +
      (errors.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) message += "; ";
    message += errors[i];
  }
  return Status(error, message);
}

}  // namespace gatehouse::protocol
