#include "app/public_url.h"

#include <arpa/inet.h>

#include <cctype>

namespace gatehouse::app {
namespace {

constexpr size_t kMaxPublicUrlLength = 2048;

Status Invalid(std::string_view text, std::string_view why) {
  return Status(ErrorCode::kInvalidParameterValue,
                "--public-url must be http:// or https:// with a host and an optional port, "
                "such as https://iam.example.com (" +
                    std::string(why) + "): " + std::string(text));
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

bool IsPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

bool IsBracketedIpv6(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  std::string inside(host.substr(1, host.size() - 2));
  unsigned char bytes[16];
  return inet_pton(AF_INET6, inside.c_str(), bytes) == 1;
}

}  // namespace

Result<std::string> NormalizePublicUrl(std::string_view text) {
  if (text.size() > kMaxPublicUrlLength) return Invalid(text.substr(0, 64), "too long");
  std::string_view rest;
  std::string scheme;
  if (text.starts_with("https://")) {
    scheme = "https://";
  } else if (text.starts_with("http://")) {
    scheme = "http://";
  } else {
    return Invalid(text, "another scheme");
  }
  rest = text.substr(scheme.size());
  if (rest.ends_with("/")) rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return Invalid(text, "a path, query or fragment");
  }
  if (rest.find('@') != std::string_view::npos) return Invalid(text, "user info");
  std::string_view host = rest;
  std::string_view port;
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (!IsPort(port)) return Invalid(text, "the port must be 1 to 65535");
  }
  if (host.empty()) return Invalid(text, "no host");
  if (host.front() == '[') {
    if (!IsBracketedIpv6(host)) return Invalid(text, "not an IPv6 address in brackets");
  } else {
    for (char c : host) {
      if (!IsHostNameChar(c)) return Invalid(text, "not a host name");
    }
    if (host.front() == '-' || host.front() == '.') return Invalid(text, "not a host name");
  }
  std::string normalized = scheme;
  for (char c : host) normalized += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!port.empty()) normalized += ":" + std::string(port);
  return normalized;
}

}  // namespace gatehouse::app
