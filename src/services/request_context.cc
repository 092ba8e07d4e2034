#include "services/request_context.h"

namespace gatehouse::services {

std::vector<std::pair<std::string, std::vector<std::string>>> RequestContextKeys(
    const nlohmann::json& input, const ResourceInfo& resource) {
  std::vector<std::pair<std::string, std::vector<std::string>>> keys;
  std::string boundary = input.value("PermissionsBoundary", resource.boundary);
  if (!boundary.empty()) keys.push_back({"iam:PermissionsBoundary", {boundary}});
  if (auto arn = input.find("PolicyArn"); arn != input.end() && arn->is_string()) {
    keys.push_back({"iam:PolicyARN", {arn->get<std::string>()}});
  }
  std::vector<std::string> tag_keys;
  if (auto tags = input.find("Tags"); tags != input.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      std::string key = tag.value("Key", "");
      keys.push_back({"aws:RequestTag/" + key, {tag.value("Value", "")}});
      tag_keys.push_back(key);
    }
  }
  if (auto names = input.find("TagKeys"); names != input.end() && names->is_array()) {
    for (const auto& key : *names) {
      if (key.is_string()) tag_keys.push_back(key.get<std::string>());
    }
  }
  if (!tag_keys.empty()) keys.push_back({"aws:TagKeys", tag_keys});
  for (const auto& [key, value] : resource.tags) {
    keys.push_back({"aws:ResourceTag/" + key, {value}});
    keys.push_back({"iam:ResourceTag/" + key, {value}});
  }
  return keys;
}

}  // namespace gatehouse::services
