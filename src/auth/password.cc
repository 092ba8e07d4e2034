#include "auth/password.h"

#include <sodium.h>

#include <algorithm>

#include "core/ids.h"

namespace gatehouse::auth {
namespace {

bool InitSodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::optional<std::string> HashWithCost(std::string_view password, unsigned long long ops,
                                        size_t memory) {
  if (!InitSodium()) return std::nullopt;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

}  // namespace

std::optional<std::string> HashPassword(std::string_view password) {
  return HashWithCost(password, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

std::optional<std::string> HashRandomPassword(std::string_view password) {
  return HashWithCost(password, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (!InitSodium() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), stored);
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

std::string NewRandomPassword(Random& random, size_t length) {
  std::string alphabet;
  for (char c = '!'; c <= '~'; ++c) alphabet.push_back(c);
  return RandomString(random, alphabet, std::max<size_t>(length, 64));
}

}  // namespace gatehouse::auth
