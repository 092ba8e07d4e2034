// Percent-encoding as AWS Signature Version 4 defines it: every byte but the unreserved
// characters A–Z a–z 0–9 - _ . ~ becomes %XX with uppercase hex. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// Encodes `s`; with keep_slash, '/' stays as it is (for paths).
std::string UriEncode(std::string_view s, bool keep_slash = false);

// Decodes %XX sequences; a '%' not followed by two hex digits stays literal. '+' stays '+'.
std::string UriDecode(std::string_view s);

}  // namespace gatehouse
