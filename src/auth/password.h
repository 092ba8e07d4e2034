// Console passwords: argon2id hashes (libsodium's crypto_pwhash_str, interactive limits), the
// only form in which a password is ever stored, and the random root passwords of created
// accounts. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace gatehouse::auth {

// "$argon2id$v=19$m=…"; nullopt only when the system cannot allocate the memory argon2 needs.
std::optional<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view password, std::string_view hash);

// A password of `length` (at least 64) characters drawn from the printable ASCII set, with no
// guarantee of any character class — as AWS Organizations gives new accounts' root users.
std::string NewRandomPassword(Random& random, size_t length = 64);

}  // namespace gatehouse::auth
