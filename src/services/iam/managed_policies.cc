#include "services/iam/managed_policies.h"

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "policy/parse.h"

namespace gatehouse::services::iam {

extern const char kAwsManagedPoliciesJson[];

namespace {

// ordered_json keeps each document's keys in the order AWS publishes them.
using Json = nlohmann::ordered_json;

constexpr std::string_view kAwsPolicyPrefix = "arn:aws:iam::aws:policy";

Status BadEntry(std::string_view entry, std::string_view why) {
  return Status(ErrorCode::kInternalFailure,
                "aws_managed_policies.json: " + std::string(entry) + ": " + std::string(why));
}

// Copies the string member `key` of `object` into `out`.
Status ReadString(const Json& object, const char* key, std::string_view entry, std::string& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    return BadEntry(entry, std::string("missing string \"") + key + "\"");
  }
  out = it->get<std::string>();
  return Status::Ok();
}

Result<AwsPolicyVersion> ReadVersion(const Json& v, std::string_view entry) {
  AwsPolicyVersion version;
  if (!v.is_object()) return BadEntry(entry, "a version is not an object");
  if (Status s = ReadString(v, "versionId", entry, version.id); !s.ok()) return s;
  if (Status s = ReadString(v, "created", entry, version.created); !s.ok()) return s;
  auto doc = v.find("document");
  if (doc == v.end() || !doc->is_object()) {
    return BadEntry(entry, version.id + " has no document object");
  }
  version.document = doc->dump(4);
  if (Result<policy::Document> valid =
          policy::ParsePolicy(version.document, policy::PolicyKind::kIdentity);
      !valid.ok()) {
    return BadEntry(entry, version.id + ": " + valid.status().message());
  }
  return version;
}

Result<AwsManagedPolicy> ReadPolicy(const Json& p) {
  AwsManagedPolicy policy;
  if (!p.is_object()) return BadEntry("policies", "an entry is not an object");
  if (Status s = ReadString(p, "name", "policies", policy.name); !s.ok()) return s;
  const std::string& entry = policy.name;
  for (auto [key, out] : {std::pair{"path", &policy.path},
                          {"id", &policy.id},
                          {"defaultVersion", &policy.default_version},
                          {"created", &policy.created},
                          {"updated", &policy.updated},
                          {"description", &policy.description}}) {
    if (Status s = ReadString(p, key, entry, *out); !s.ok()) return s;
  }
  if (policy.path.front() != '/' || policy.path.back() != '/') {
    return BadEntry(entry, "path must begin and end with '/'");
  }
  if (!StartsWith(policy.id, "ANPA")) return BadEntry(entry, "id must start with ANPA");
  policy.arn = std::string(kAwsPolicyPrefix) + policy.path + policy.name;
  auto versions = p.find("versions");
  if (versions == p.end() || !versions->is_array()) return BadEntry(entry, "missing versions");
  for (const Json& v : *versions) {
    Result<AwsPolicyVersion> version = ReadVersion(v, entry);
    if (!version.ok()) return version.status();
    policy.versions.push_back(std::move(version).value());
  }
  const AwsPolicyVersion* default_version = policy.FindVersion(policy.default_version);
  if (default_version == nullptr) {
    return BadEntry(entry, "default version " + policy.default_version + " is not listed");
  }
  policy.document = default_version->document;
  return policy;
}

}  // namespace

const AwsPolicyVersion* AwsManagedPolicy::FindVersion(std::string_view version_id) const {
  for (const AwsPolicyVersion& v : versions) {
    if (v.id == version_id) return &v;
  }
  return nullptr;
}

Result<ManagedPolicyCatalog> ManagedPolicyCatalog::LoadEmbedded() {
  return Load(kAwsManagedPoliciesJson);
}

Result<ManagedPolicyCatalog> ManagedPolicyCatalog::Load(std::string_view json_text) {
  Json root = Json::parse(json_text, nullptr, false);
  if (root.is_discarded()) {
    return Status(ErrorCode::kInternalFailure, "aws_managed_policies.json is not JSON");
  }
  auto list = root.find("policies");
  if (!root.is_object() || list == root.end() || !list->is_array()) {
    return BadEntry("root", "missing the \"policies\" array");
  }
  ManagedPolicyCatalog catalog;
  for (const Json& p : *list) {
    Result<AwsManagedPolicy> policy = ReadPolicy(p);
    if (!policy.ok()) return policy.status();
    std::string arn = policy->arn;
    if (!catalog.by_arn_.emplace(arn, std::move(policy).value()).second) {
      return BadEntry(arn, "listed twice");
    }
  }
  return catalog;
}

const AwsManagedPolicy* ManagedPolicyCatalog::Find(std::string_view arn) const {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : &it->second;
}

bool IsAwsManagedArn(std::string_view arn) {
  return StartsWith(arn, std::string(kAwsPolicyPrefix) + "/");
}

std::shared_ptr<const model::ManagedPolicy> FindCustomerPolicy(const store::Directory& directory,
                                                               std::string_view account,
                                                               std::string_view arn) {
  std::string prefix = "arn:aws:iam::" + std::string(account) + ":policy/";
  if (arn.substr(0, prefix.size()) != prefix) return nullptr;
  std::string_view name = arn.substr(arn.rfind('/') + 1);
  auto policy = directory.Get<model::ManagedPolicy>(model::RecordKey({account, name}));
  return policy != nullptr && policy->Arn() == arn ? policy : nullptr;
}

std::string ManagedPolicyDocument(const store::Directory& directory,
                                  const ManagedPolicyCatalog& catalog, std::string_view account,
                                  std::string_view arn) {
  if (const AwsManagedPolicy* aws = catalog.Find(arn)) return aws->document;
  if (auto customer = FindCustomerPolicy(directory, account, arn)) {
    if (const model::PolicyVersion* v = customer->DefaultVersion()) return v->document;
  }
  return "";
}

}  // namespace gatehouse::services::iam
