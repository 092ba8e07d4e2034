// The parts of an HTTP request that authentication reads, as they arrived on the wire. A view:
// the strings it points at must outlive it.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::auth {

struct HttpRequestView {
  std::string_view method;  // "GET", "POST"
  std::string_view target;  // path and query as on the request line: "/?Action=…"
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // names in any case
  std::string_view body;

  std::string_view path() const { return target.substr(0, target.find('?')); }
  std::string_view query() const {
    size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  }
};

}  // namespace gatehouse::auth
