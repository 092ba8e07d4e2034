// TOTP (RFC 6238) codes of virtual MFA devices, as AWS's authenticator apps compute them:
// HMAC-SHA-1, 30-second steps counted from the Unix epoch, 6 digits. Codes come from liboath;
// comparisons run in constant time. Seeds are raw bytes (an app receives them base32-encoded).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::auth {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr unsigned kTotpDigits = 6;

// The time step `unix_seconds` falls in.
inline int64_t TotpStep(int64_t unix_seconds) { return unix_seconds / kTotpStepSeconds; }

// The code of time step `step`; "" only if liboath fails (it does not for valid arguments).
// `digits` is 6 for MFA devices (RFC 6238's test vectors use 8).
std::string TotpCode(std::string_view seed, int64_t step, unsigned digits = kTotpDigits);

// The step within `window` steps of `now_step` (either side) whose code is `code`, ignoring
// steps at or before `after_step` (codes already accepted); the earliest if several match.
std::optional<int64_t> MatchTotpStep(std::string_view seed, std::string_view code, int64_t now_step,
                                     int64_t window, int64_t after_step);

// The step of `code1` when `code1` and `code2` are the codes of two consecutive steps ending
// within `window` steps of `now_step`, none of them at or before `after_step`.
std::optional<int64_t> MatchConsecutiveTotp(std::string_view seed, std::string_view code1,
                                            std::string_view code2, int64_t now_step,
                                            int64_t window, int64_t after_step);

// RFC 4648 base32 (upper case, '=' padding where needed) of `bytes`.
std::string Base32Encode(std::string_view bytes);

}  // namespace gatehouse::auth
