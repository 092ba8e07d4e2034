// Percent-encoding as AWS Signature Version 4 defines it: every byte but the unreserved
// characters A–Z a–z 0–9 - _ . ~ becomes %XX with uppercase hex. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// Encodes `s`; with keep_slash, '/' stays as it is (for paths).
std::string UriEncode(std::string_view s, bool keep_slash = false);

// Splits "a=1&b=x%20y" into decoded (key, value) pairs in order; a pair without '=' has an
// empty value; '+' decodes to a space (form encoding). The one decoding of a query string or
// form body: SigV4 canonicalization and routing both read parameters through it, so that a
// request means what its signature covers.
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view text);

// Decodes %XX sequences; a '%' not followed by two hex digits stays literal. '+' stays '+'.
std::string UriDecode(std::string_view s);

}  // namespace gatehouse
