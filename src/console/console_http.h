// The console's answers: JSON bodies, AWS-style errors, the session cookie, and the headers
// every console response carries. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/http_message.h"
#include "core/status.h"

namespace gatehouse::console {

inline constexpr char kSessionCookie[] = "gatehouse-session";
inline constexpr char kCsrfHeader[] = "x-csrf-token";

// Content-Security-Policy, X-Frame-Options and their kin, added to `response`.
void AddSecurityHeaders(HttpResponse& response);

HttpResponse JsonResponse(int status, const nlohmann::json& body);
// {"error":{"code","message"}} with `status`.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);
// The same for an API error, with the HTTP status of its code.
HttpResponse ErrorResponse(const Status& error);

// The value of cookie `name` in the request's Cookie header, "" when absent.
std::string CookieValue(const HttpRequest& request, std::string_view name);
// A Set-Cookie value for the session id (HttpOnly, SameSite=Strict, Secure when `secure`);
// an empty id clears the cookie.
std::string SessionCookie(const std::string& id, bool secure);

}  // namespace gatehouse::console
