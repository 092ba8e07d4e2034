// Plain HTTP request and response values, shared by the server (http/) and the layers that
// answer requests (services/, console/) so that neither depends on the other.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"

namespace gatehouse {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as on the request line
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the client's IP address
  bool secure = false;         // arrived over TLS

  const std::string* Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (EqualsIgnoreCase(k, name)) return &v;
    }
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace gatehouse
