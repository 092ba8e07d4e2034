// The base64url encoding of JWS (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet without '='
// padding. Decoding is strict so that one token has one spelling: padding, whitespace, any
// character outside the alphabet, an impossible length and non-zero unused bits are refused.
// The bytes are decoded by OpenSSL (through core's Base64Decode). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::federation {

// base64url of `bytes`, without padding.
std::string Base64UrlEncode(std::string_view bytes);

// The bytes of unpadded base64url `text`; nullopt when `text` is not in its canonical form.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace gatehouse::federation
