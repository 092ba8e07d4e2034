// The AWS services access advisor reports on: each service's namespace (its prefix in policy
// actions) and name, from src/services/aws_services.json (scripts/refresh-service-catalog
// writes it from botocore's service models). Loaded once; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::services {

struct AwsService {
  std::string ns;    // "iam"
  std::string name;  // "AWS Identity and Access Management"
};

// Every service, by namespace.
const std::vector<AwsService>& AwsServices();

// Every service's namespace, sorted.
std::vector<std::string> AwsServiceNamespaces();

// The service of namespace `ns` (exactly as spelled), or nullptr.
const AwsService* FindAwsService(std::string_view ns);

}  // namespace gatehouse::services
