#include "console/console_http.h"

#include "core/strings.h"

namespace gatehouse::console {

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; "
                         "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Reset links carry their token in the URL: no page passes it on as a referrer.
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = body.dump();
  return r;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return JsonResponse(status, {{"error", {{"code", code}, {"message", message}}}});
}

HttpResponse ErrorResponse(const Status& error) {
  return ErrorResponse(error.info().http_status, error.info().code, error.message());
}

std::string CookieValue(const HttpRequest& request, std::string_view name) {
  const std::string* header = request.Header("cookie");
  if (header == nullptr) return "";
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return "";
}

std::string SessionCookie(const std::string& id, bool secure) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict";
  if (id.empty()) cookie += "; Max-Age=0";
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace gatehouse::console
