#include "http/trusted_proxies.h"

#include <boost/asio/ip/address.hpp>
#include <optional>

#include "core/strings.h"

namespace gatehouse::http {
namespace {

namespace ip = boost::asio::ip;

constexpr size_t kMaxAddressLength = 64;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The elements of a comma-separated header list, trimmed; empty elements are skipped (RFC 9110
// 5.6.1).
std::vector<std::string_view> ListElements(std::string_view list) {
  std::vector<std::string_view> elements;
  while (true) {
    size_t comma = list.find(',');
    std::string_view element = Trim(list.substr(0, comma));
    if (!element.empty()) elements.push_back(element);
    if (comma == std::string_view::npos) return elements;
    list.remove_prefix(comma + 1);
  }
}

// Every value of the header `name`, in order, as one list: repeated fields are one
// comma-separated field (RFC 9110 5.3).
std::vector<std::string_view> HeaderList(const HttpRequest& request, std::string_view name) {
  std::vector<std::string_view> all;
  for (const auto& [key, value] : request.headers) {
    if (!EqualsIgnoreCase(key, name)) continue;
    for (std::string_view element : ListElements(value)) all.push_back(element);
  }
  return all;
}

// A plain IPv4 or IPv6 address (no zone, no port), IPv4-mapped IPv6 as the IPv4 address it
// maps.
std::optional<ip::address> ParseAddress(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressLength) return std::nullopt;
  if (text.find('%') != std::string_view::npos) return std::nullopt;  // a zone: link-local only
  boost::system::error_code ec;
  ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

// One X-Forwarded-For element: an address, also as some proxies write it with a port
// ("192.0.2.7:5123") or in brackets ("[2001:db8::1]", "[2001:db8::1]:443").
std::optional<ip::address> ParseForwardedElement(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() == 1 ||
                          rest.find_first_not_of("0123456789", 1) != std::string_view::npos)) {
      return std::nullopt;
    }
    std::string_view inside = text.substr(1, close - 1);
    if (inside.find(':') == std::string_view::npos) return std::nullopt;  // IPv6 only
    return ParseAddress(inside);
  }
  size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port.
    std::string_view port = text.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    std::optional<ip::address> address = ParseAddress(text.substr(0, colon));
    if (!address || !address->is_v4()) return std::nullopt;
    return address;
  }
  return ParseAddress(text);
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  std::string normalized(list);
  for (char& c : normalized) {
    if (IsSpace(c)) c = ',';
  }
  for (std::string_view range : ListElements(normalized)) {
    auto invalid = [&] {
      return Status(ErrorCode::kInvalidParameterValue,
                    "--trusted-proxy: " + std::string(range) +
                        " is not an IP address or a CIDR range (such as 10.0.0.0/8 or "
                        "2001:db8::/32)");
    };
    size_t slash = range.find('/');
    std::optional<ip::address> address = ParseAddress(range.substr(0, slash));
    if (!address) return invalid();
    // Written as IPv6 (an IPv4-mapped range, "::ffff:10.0.0.0/104", is the IPv4 range it maps).
    const bool written_v6 = range.substr(0, slash).find(':') != std::string_view::npos;
    int prefix = written_v6 ? 128 : 32;
    if (slash != std::string_view::npos) {
      std::string_view bits = range.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 ||
          bits.find_first_not_of("0123456789") != std::string_view::npos) {
        return invalid();
      }
      int given = std::stoi(std::string(bits));
      if (given > prefix) return invalid();
      prefix = given;
    }
    if (written_v6 && address->is_v4()) {
      if (prefix < 96) return invalid();
      prefix -= 96;
    }
    if (address->is_v4()) {
      proxies.v4_.push_back(ip::network_v4(address->to_v4(), prefix).canonical());
    } else {
      proxies.v6_.push_back(ip::network_v6(address->to_v6(), prefix).canonical());
    }
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view text) const {
  if (empty()) return false;
  std::optional<ip::address> address = ParseAddress(text);
  return address && Contains(*address);
}

bool TrustedProxies::Contains(const ip::address& address) const {
  if (address.is_v4()) {
    for (const ip::network_v4& range : v4_) {
      if (ip::network_v4(address.to_v4(), range.prefix_length()).canonical() == range) {
        return true;
      }
    }
    return false;
  }
  for (const ip::network_v6& range : v6_) {
    if (ip::network_v6(address.to_v6(), range.prefix_length()).canonical() == range) return true;
  }
  return false;
}

TrustedProxies::Client TrustedProxies::ClientOf(const HttpRequest& request) const {
  Client client{request.remote_address, request.secure};
  if (!Contains(request.remote_address)) return client;

  // Walk from the right over the proxies we trust; the first address that is not one of them
  // is the client. When every one is trusted, the left-most is the client (a proxy's own
  // request, or a client inside a trusted range).
  std::vector<std::string_view> forwarded = HeaderList(request, "x-forwarded-for");
  std::optional<ip::address> found;
  for (auto it = forwarded.rbegin(); it != forwarded.rend(); ++it) {
    std::optional<ip::address> hop = ParseForwardedElement(*it);
    if (!hop) {
      found.reset();  // malformed: the header as a whole says nothing
      break;
    }
    found = hop;
    if (!Contains(*hop)) break;
  }
  if (found) client.address = found->to_string();

  // The scheme the client used, as the trusted proxy set it: one value, or nothing is believed.
  std::vector<std::string_view> proto = HeaderList(request, "x-forwarded-proto");
  if (proto.size() == 1) {
    if (EqualsIgnoreCase(proto[0], "https")) client.secure = true;
    if (EqualsIgnoreCase(proto[0], "http")) client.secure = false;
  }
  return client;
}

}  // namespace gatehouse::http
