#include "services/aws_services.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gatehouse::services {

extern const char kAwsServicesJson[];

namespace {

std::vector<AwsService> Load() {
  std::vector<AwsService> out;
  for (const nlohmann::json& s : nlohmann::json::parse(kAwsServicesJson)) {
    out.push_back({s.at("namespace").get<std::string>(), s.at("name").get<std::string>()});
  }
  std::sort(out.begin(), out.end(),
            [](const AwsService& a, const AwsService& b) { return a.ns < b.ns; });
  return out;
}

}  // namespace

const std::vector<AwsService>& AwsServices() {
  static const std::vector<AwsService> services = Load();
  return services;
}

std::vector<std::string> AwsServiceNamespaces() {
  std::vector<std::string> out;
  for (const AwsService& s : AwsServices()) out.push_back(s.ns);
  return out;
}

const AwsService* FindAwsService(std::string_view ns) {
  const std::vector<AwsService>& all = AwsServices();
  auto it = std::lower_bound(all.begin(), all.end(), ns,
                             [](const AwsService& s, std::string_view n) { return s.ns < n; });
  return it != all.end() && it->ns == ns ? &*it : nullptr;
}

}  // namespace gatehouse::services
