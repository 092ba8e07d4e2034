#include "protocol/model.h"

#include <nlohmann/json.hpp>

#include "protocol/model_data.h"

namespace gatehouse::protocol {
namespace {

using ordered_json = nlohmann::ordered_json;

std::optional<ShapeType> TypeFromName(std::string_view t) {
  static const std::pair<std::string_view, ShapeType> kTypes[] = {
      {"structure", ShapeType::kStructure},
      {"list", ShapeType::kList},
      {"map", ShapeType::kMap},
      {"string", ShapeType::kString},
      {"integer", ShapeType::kInteger},
      {"long", ShapeType::kLong},
      {"boolean", ShapeType::kBoolean},
      {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},
      {"double", ShapeType::kDouble},
      {"float", ShapeType::kFloat}};
  for (const auto& [name, type] : kTypes) {
    if (name == t) return type;
  }
  return std::nullopt;
}

Member ReadMember(const std::string& name, const ordered_json& m) {
  Member out;
  out.name = name;
  out.shape = m.value("shape", "");
  out.location_name = m.value("locationName", "");
  return out;
}

}  // namespace

const Member* Shape::FindMember(std::string_view n) const {
  for (const Member& m : members) {
    if (m.name == n) return &m;
  }
  return nullptr;
}

Result<ServiceModel> ServiceModel::Parse(std::string_view json_text, std::string signing_name) {
  ordered_json root = ordered_json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Status(ErrorCode::kInternalFailure, "service model " + signing_name + " is not JSON");
  }
  ServiceModel model;
  model.signing_name_ = std::move(signing_name);
  const ordered_json& meta = root["metadata"];
  model.api_version_ = meta.value("apiVersion", "");
  model.protocol_ = meta.value("protocol", "");
  model.xml_namespace_ = meta.value("xmlNamespace", "");
  model.target_prefix_ = meta.value("targetPrefix", "");
  model.json_version_ = meta.value("jsonVersion", "");

  std::map<std::string, std::shared_ptr<const re2::RE2>, std::less<>> patterns;
  for (const auto& [name, s] : root["shapes"].items()) {
    Shape shape;
    shape.name = name;
    std::optional<ShapeType> type = TypeFromName(s.value("type", ""));
    if (!type) {
      return Status(ErrorCode::kInternalFailure, "shape " + name + " has an unknown type");
    }
    shape.type = *type;
    if (s.contains("members")) {
      for (const auto& [member_name, m] : s["members"].items()) {
        shape.members.push_back(ReadMember(member_name, m));
      }
    }
    if (s.contains("required")) shape.required = s["required"].get<std::vector<std::string>>();
    if (s.contains("member")) shape.member = ReadMember("member", s["member"]);
    shape.flattened = s.value("flattened", false);
    if (s.contains("key")) shape.key = ReadMember("key", s["key"]);
    if (s.contains("value")) shape.value = ReadMember("value", s["value"]);
    if (s.contains("min")) shape.min = s["min"].get<int64_t>();
    if (s.contains("max")) shape.max = s["max"].get<int64_t>();
    if (s.contains("pattern")) {
      shape.pattern = s["pattern"].get<std::string>();
      // Shapes share patterns: each is compiled once. Null: checked without it.
      auto [it, added] = patterns.try_emplace(*shape.pattern);
      if (added) it->second = CompilePattern(*shape.pattern);
      shape.pattern_regex = it->second;
    }
    if (s.contains("enum")) shape.enum_values = s["enum"].get<std::vector<std::string>>();
    shape.sensitive = s.value("sensitive", false);
    shape.exception = s.value("exception", false);
    if (shape.exception) {
      shape.error_code = name;
      if (s.contains("error")) {
        const ordered_json& e = s["error"];
        shape.error_code = e.value("code", name);
        shape.http_status = e.value("httpStatusCode", 400);
        shape.sender_fault = e.value("senderFault", true);
      }
    }
    model.shapes_.emplace(name, std::move(shape));
  }
  for (const auto& [name, o] : root["operations"].items()) {
    Operation op;
    op.name = name;
    if (o.contains("input")) op.input = o["input"].value("shape", "");
    if (o.contains("output")) {
      op.output = o["output"].value("shape", "");
      op.result_wrapper = o["output"].value("resultWrapper", "");
    }
    model.operations_.emplace(name, std::move(op));
  }
  return model;
}

const Shape* ServiceModel::FindShape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : &it->second;
}

const Operation* ServiceModel::FindOperation(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

Result<ModelRegistry> ModelRegistry::LoadEmbedded() {
  ModelRegistry registry;
  for (int i = 0; i < kEmbeddedModelCount; ++i) {
    Result<ServiceModel> model =
        ServiceModel::Parse(kEmbeddedModels[i].json, kEmbeddedModels[i].service);
    if (!model.ok()) return model.status();
    registry.services_.emplace(kEmbeddedModels[i].service, std::move(model).value());
  }
  return registry;
}

const ServiceModel* ModelRegistry::Find(std::string_view signing_name) const {
  auto it = services_.find(signing_name);
  return it == services_.end() ? nullptr : &it->second;
}

}  // namespace gatehouse::protocol
