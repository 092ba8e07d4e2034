#include "federation/jwt_claims.h"

#include <cmath>
#include <limits>

namespace gatehouse::federation {
namespace {

using nlohmann::json;

// 9999-12-31T23:59:59Z. No token means a later date; the bound keeps every sum below in range.
constexpr int64_t kMaxNumericDate = 253402300799;

enum class Rounding { kDown, kUp };

// The seconds of a NumericDate claim value; nullopt when it is not one.
std::optional<int64_t> NumericDate(const json& value, Rounding rounding) {
  if (value.is_number_unsigned()) {
    uint64_t seconds = value.get<uint64_t>();
    if (seconds > static_cast<uint64_t>(kMaxNumericDate)) return std::nullopt;
    return static_cast<int64_t>(seconds);
  }
  if (value.is_number_integer()) {
    int64_t seconds = value.get<int64_t>();
    if (seconds > kMaxNumericDate || seconds < -kMaxNumericDate) return std::nullopt;
    return seconds;
  }
  if (value.is_number_float()) {
    double seconds = value.get<double>();
    if (!std::isfinite(seconds) || std::fabs(seconds) > static_cast<double>(kMaxNumericDate)) {
      return std::nullopt;
    }
    return static_cast<int64_t>(rounding == Rounding::kDown ? std::floor(seconds)
                                                            : std::ceil(seconds));
  }
  return std::nullopt;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidIdentityToken, std::move(message));
}

Status NotANumericDate(std::string_view claim) {
  return Invalid("The ID Token provided has an invalid " + std::string(claim) +
                 " claim: it must be a number of seconds since the epoch.");
}

Status CheckExpiry(const json& claims, int64_t now_s, int64_t skew_s) {
  auto exp_claim = claims.find("exp");
  if (exp_claim == claims.end()) {
    return Invalid("The ID Token provided has no expiration date/time (exp claim).");
  }
  std::optional<int64_t> exp = NumericDate(*exp_claim, Rounding::kDown);
  if (!exp) return NotANumericDate("exp");
  if (now_s >= SaturatingAdd(*exp, skew_s)) {
    return Status(ErrorCode::kExpiredTokenException,
                  "Token expired: current date/time " + std::to_string(now_s) +
                      " must be before the expiration date/time " + std::to_string(*exp));
  }
  return Status::Ok();
}

// "nbf" and "iat": when present, not after now_s + skew_s. `refusal` leads the message, `what`
// names the date.
Status CheckNotInFuture(const json& claims, std::string_view name, std::string_view refusal,
                        std::string_view what, int64_t now_s, int64_t skew_s) {
  auto claim = claims.find(std::string(name));
  if (claim == claims.end()) return Status::Ok();
  std::optional<int64_t> at = NumericDate(*claim, Rounding::kUp);
  if (!at) return NotANumericDate(name);
  if (*at > SaturatingAdd(now_s, skew_s)) {
    return Invalid(std::string(refusal) + ": current date/time " + std::to_string(now_s) +
                   " must not be before the " + std::string(what) + " date/time " +
                   std::to_string(*at));
  }
  return Status::Ok();
}

}  // namespace

Status CheckJwtTimes(const Jwt& jwt, int64_t now_s, int64_t skew_s) {
  RETURN_IF_ERROR(CheckExpiry(jwt.claims, now_s, skew_s));
  RETURN_IF_ERROR(
      CheckNotInFuture(jwt.claims, "nbf", "Token not yet valid", "not-before", now_s, skew_s));
  RETURN_IF_ERROR(
      CheckNotInFuture(jwt.claims, "iat", "Token issued in the future", "issue", now_s, skew_s));
  return Status::Ok();
}

std::vector<std::string> Audiences(const Jwt& jwt) {
  auto aud = jwt.claims.find("aud");
  if (aud == jwt.claims.end()) return {};
  if (aud->is_string()) return {aud->get<std::string>()};
  if (!aud->is_array()) return {};
  std::vector<std::string> out;
  for (const json& entry : *aud) {
    if (!entry.is_string()) return {};
    out.push_back(entry.get<std::string>());
  }
  return out;
}

std::optional<std::string> StringClaim(const Jwt& jwt, std::string_view name) {
  auto claim = jwt.claims.find(std::string(name));
  if (claim == jwt.claims.end() || !claim->is_string()) return std::nullopt;
  return claim->get<std::string>();
}

}  // namespace gatehouse::federation
