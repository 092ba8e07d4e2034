#include "services/iam/service_linked_roles.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gatehouse::services::iam {

extern const char kServiceLinkedRolesJson[];

namespace {

std::vector<ServiceLinkedRoleSpec> Load() {
  std::vector<ServiceLinkedRoleSpec> out;
  const nlohmann::json table = nlohmann::json::parse(kServiceLinkedRolesJson);
  for (const nlohmann::json& r : table.at("roles")) {
    out.push_back({r.at("service").get<std::string>(), r.at("roleName").get<std::string>(),
                   r.at("policies").get<std::vector<std::string>>(),
                   r.at("description").get<std::string>(), r.at("customSuffix").get<bool>()});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.service < b.service; });
  return out;
}

}  // namespace

const std::vector<ServiceLinkedRoleSpec>& ServiceLinkedRoles() {
  static const std::vector<ServiceLinkedRoleSpec> roles = Load();
  return roles;
}

const ServiceLinkedRoleSpec* FindServiceLinkedRole(std::string_view service) {
  const auto& roles = ServiceLinkedRoles();
  auto it = std::lower_bound(
      roles.begin(), roles.end(), service,
      [](const ServiceLinkedRoleSpec& s, std::string_view v) { return s.service < v; });
  return it != roles.end() && it->service == service ? &*it : nullptr;
}

}  // namespace gatehouse::services::iam
