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

}  // namespace

std::optional<std::string> HashPassword(std::string_view password) {
  if (!InitSodium()) return std::nullopt;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::nullopt;
  }
  return std::string(out);
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
