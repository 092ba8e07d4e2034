// ServiceModel: one AWS service model (botocore's service-2.json) in typed form — its metadata,
// its operations and its shapes with their constraints — loaded from the text embedded at build
// time. The codecs and the validator walk these shapes, so every operation reads and answers in
// the model's exact shape. Immutable after loading; share freely across threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/string_hash.h"
#include "protocol/pattern.h"

namespace gatehouse::protocol {

enum class ShapeType {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kBoolean,
  kTimestamp,
  kBlob,
  kDouble,
  kFloat
};

struct Member {
  std::string name;           // "UserName"
  std::string shape;          // "userNameType"
  std::string location_name;  // the wire name when it differs (query/XML), else empty
  const std::string& WireName() const { return location_name.empty() ? name : location_name; }
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kString;
  // Structures.
  std::vector<Member> members;  // in model order
  std::vector<std::string> required;
  // Lists and maps.
  Member member;  // list element
  bool flattened = false;
  Member key, value;  // map entry
  // Constraints.
  std::optional<int64_t> min, max;
  std::optional<std::string> pattern;  // as in the model
  // The pattern compiled for RE2 (linear time, UTF-8): input of any length is matched without
  // backtracking. Null when the pattern has no RE2 translation.
  std::shared_ptr<const re2::RE2> pattern_regex;
  std::vector<std::string> enum_values;
  bool sensitive = false;
  // Errors.
  bool exception = false;
  std::string error_code;  // the code on the wire (error.code, else the shape name)
  int http_status = 400;
  bool sender_fault = true;

  const Member* FindMember(std::string_view name) const;
};

struct Operation {
  std::string name;
  std::string input;           // shape name, may be empty
  std::string output;          // shape name, may be empty
  std::string result_wrapper;  // query protocol: "GetUserResult"
};

class ServiceModel {
 public:
  // Parses a service-2.json text. `signing_name` is the service's SigV4 name.
  static Result<ServiceModel> Parse(std::string_view json_text, std::string signing_name);

  const std::string& signing_name() const { return signing_name_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& protocol() const { return protocol_; }  // "query" or "json"
  const std::string& xml_namespace() const { return xml_namespace_; }
  const std::string& target_prefix() const { return target_prefix_; }
  const std::string& json_version() const { return json_version_; }

  const Shape* FindShape(std::string_view name) const;
  const Operation* FindOperation(std::string_view name) const;
  // Hashed: a request's input and its audit event look up a shape for each member they hold.
  const StringMap<Operation>& operations() const { return operations_; }
  const StringMap<Shape>& shapes() const { return shapes_; }

 private:
  std::string signing_name_, api_version_, protocol_, xml_namespace_, target_prefix_, json_version_;
  StringMap<Shape> shapes_;
  StringMap<Operation> operations_;
};

// The models embedded at build time, keyed by signing name ("iam", "sts", "organizations").
class ModelRegistry {
 public:
  static Result<ModelRegistry> LoadEmbedded();
  const ServiceModel* Find(std::string_view signing_name) const;

 private:
  std::map<std::string, ServiceModel, std::less<>> services_;
};

}  // namespace gatehouse::protocol
