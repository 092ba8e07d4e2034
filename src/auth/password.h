// Console passwords: argon2id hashes (libsodium's crypto_pwhash_str), the only form in which a
// password is ever stored, and the random root passwords of created accounts. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace gatehouse::auth {

// "$argon2id$v=19$m=…"; nullopt only when the system cannot allocate the memory argon2 needs.
std::optional<std::string> HashPassword(std::string_view password);
// The hash of a password this server drew itself (NewRandomPassword: 64+ characters of 94
// symbols, over 400 bits), at argon2id's minimum cost. Argon2's work factor exists to slow the
// guessing of passwords people choose; no amount of guessing reaches a 400-bit secret, so the
// interactive cost (tens of milliseconds each) would only cap how fast accounts can be created.
// Never use it for a password a person chose. VerifyPassword reads the cost from the hash, so
// both kinds verify alike.
std::optional<std::string> HashRandomPassword(std::string_view password);
bool VerifyPassword(std::string_view password, std::string_view hash);

// A password of `length` (at least 64) characters drawn from the printable ASCII set, with no
// guarantee of any character class — as AWS Organizations gives new accounts' root users.
std::string NewRandomPassword(Random& random, size_t length = 64);

}  // namespace gatehouse::auth
