#include "protocol/json_codec.h"

#include "core/time_format.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;

Status Serialization(const std::string& message) {
  return Status(ErrorCode::kSerializationException, message);
}

// Whether `body` nests arrays and objects deeper than `max_depth`: a linear scan, before the
// parser builds anything.
bool NestsDeeperThan(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Checks `v` against `shape`, converting ISO timestamps to epoch seconds as the SDKs send
// either. Members the model does not know are dropped, as AWS ignores them; so are null members,
// list elements and map values, which count as absent: a handler never meets a null.
Result<json> Conform(const ServiceModel& model, const Shape& shape, const json& v) {
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!v.is_object())
        return Serialization("Start of structure or map found where not expected.");
      json out = json::object();
      for (const Member& m : shape.members) {
        auto it = v.find(m.name);
        if (it == v.end() || it->is_null()) continue;
        const Shape* member_shape = model.FindShape(m.shape);
        if (member_shape == nullptr) continue;
        auto conformed = Conform(model, *member_shape, *it);
        if (!conformed.ok()) return conformed;
        out[m.name] = std::move(conformed).value();
      }
      return out;
    }
    case ShapeType::kList: {
      if (!v.is_array()) return Serialization("Start of list found where not expected");
      const Shape* element = model.FindShape(shape.member.shape);
      json out = json::array();
      for (const json& item : v) {
        if (element == nullptr) break;
        if (item.is_null()) continue;
        auto conformed = Conform(model, *element, item);
        if (!conformed.ok()) return conformed;
        out.push_back(std::move(conformed).value());
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!v.is_object())
        return Serialization("Start of structure or map found where not expected.");
      const Shape* value_shape = model.FindShape(shape.value.shape);
      json out = json::object();
      for (const auto& [k, item] : v.items()) {
        if (value_shape == nullptr) break;
        if (item.is_null()) continue;
        auto conformed = Conform(model, *value_shape, item);
        if (!conformed.ok()) return conformed;
        out[k] = std::move(conformed).value();
      }
      return out;
    }
    case ShapeType::kString:
    case ShapeType::kBlob:
      if (!v.is_string()) return Serialization("STRING_VALUE can not be converted to a String");
      return v;
    case ShapeType::kBoolean:
      if (!v.is_boolean()) return Serialization("Value can not be converted to a Boolean");
      return v;
    case ShapeType::kInteger:
    case ShapeType::kLong:
      if (!v.is_number_integer()) return Serialization("Value can not be converted to an Integer");
      return v;
    case ShapeType::kDouble:
    case ShapeType::kFloat:
    case ShapeType::kTimestamp:
      if (!v.is_number()) return Serialization("Value can not be converted to a Number");
      return v;
  }
  return v;
}

json Outgoing(const ServiceModel& model, const Shape& shape, const json& v) {
  switch (shape.type) {
    case ShapeType::kStructure: {
      json out = json::object();
      if (!v.is_object()) return out;
      for (const Member& m : shape.members) {
        auto it = v.find(m.name);
        const Shape* member_shape = model.FindShape(m.shape);
        if (it == v.end() || it->is_null() || member_shape == nullptr) continue;
        out[m.name] = Outgoing(model, *member_shape, *it);
      }
      return out;
    }
    case ShapeType::kList: {
      json out = json::array();
      const Shape* element = model.FindShape(shape.member.shape);
      if (!v.is_array() || element == nullptr) return out;
      for (const json& item : v) out.push_back(Outgoing(model, *element, item));
      return out;
    }
    case ShapeType::kMap: {
      json out = json::object();
      const Shape* value_shape = model.FindShape(shape.value.shape);
      if (!v.is_object() || value_shape == nullptr) return out;
      for (const auto& [k, item] : v.items()) out[k] = Outgoing(model, *value_shape, item);
      return out;
    }
    case ShapeType::kTimestamp:
      if (v.is_string()) {  // ISO 8601 from a handler: epoch seconds on the wire
        if (auto t = ParseIsoTime(v.get<std::string>())) return static_cast<double>(*t) / 1000.0;
      }
      return v;
    default:
      return v;
  }
}

}  // namespace

Result<json> ReadJsonInput(const ServiceModel& model, const Shape& input, std::string_view body) {
  if (NestsDeeperThan(body, kMaxJsonDepth)) {
    return Serialization("Unexpected content in the request body; it nests deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels.");
  }
  json parsed = body.empty() ? json::object() : json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return Serialization("Unexpected content in the request body; expected a JSON object.");
  }
  if (parsed.is_null()) parsed = json::object();  // a body of `null` asks nothing
  return Conform(model, input, parsed);
}

std::string WriteJsonResponse(const ServiceModel& model, const Operation& op, const json& output) {
  const Shape* shape = model.FindShape(op.output);
  if (shape == nullptr) return "{}";
  return Outgoing(model, *shape, output).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string WriteJsonError(const ServiceModel& model, std::string_view error_code,
                           std::string_view message, std::string_view reason) {
  const Shape* shape = model.FindShape(error_code);
  const char* message_key =
      shape != nullptr && shape->FindMember("Message") != nullptr ? "Message" : "message";
  json out = {{"__type", error_code}, {message_key, message}};
  if (!reason.empty() && shape != nullptr && shape->FindMember("Reason") != nullptr) {
    out["Reason"] = reason;
  }
  // A message may quote bytes of the request that are not UTF-8: replaced, never thrown on.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace gatehouse::protocol
