// The alphabets of the ids IAM gives the credentials it keeps for a user or an account: base32's
// upper-case letters and digits 2-7 for server certificates (ASCA…), service-specific
// credentials (ACCA…) and SSH public keys (APKA…), as the unique ids of core/ids.h; upper-case
// letters and all digits for signing certificates' 28-character ids.
#pragma once

#include <string_view>

namespace gatehouse::services::iam {

inline constexpr std::string_view kBase32IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kCertificateIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

}  // namespace gatehouse::services::iam
