// The URL by which clients reach the server (--public-url): behind a load balancer or a proxy
// that terminates TLS, the links the server prints and mails (password-reset links, the
// bootstrap profile's endpoint) must name the proxy, not the instance's own listen address.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::app {

// `text` checked and normalized: "http://" or "https://", a host name or address (IPv6 in
// brackets), an optional port, and no path beyond "/", no query, fragment or user info. Returns
// it without the trailing '/' ("https://iam.example.com"), ready for "/reset-password?…";
// otherwise InvalidParameterValue saying what is wrong.
Result<std::string> NormalizePublicUrl(std::string_view text);

}  // namespace gatehouse::app
