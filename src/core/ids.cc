#include "core/ids.h"

#include "core/strings.h"

namespace gatehouse {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string RandomString(Random& random, std::string_view alphabet, size_t length) {
  // Rejection sampling keeps every character equally likely.
  const unsigned limit = 256 - 256 % static_cast<unsigned>(alphabet.size());
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    uint8_t buf[64];
    random.Fill(buf, sizeof(buf));
    for (uint8_t b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string_view IdPrefix(IdKind kind) {
  switch (kind) {
    case IdKind::kUser:
      return "AIDA";
    case IdKind::kRole:
      return "AROA";
    case IdKind::kGroup:
      return "AGPA";
    case IdKind::kManagedPolicy:
      return "ANPA";
    case IdKind::kInstanceProfile:
      return "AIPA";
  }
  return "";
}

std::string NewAccountId(Random& random) {
  return RandomString(random, "123456789", 1) + RandomString(random, "0123456789", 11);
}

std::string NewUniqueId(Random& random, IdKind kind) {
  return std::string(IdPrefix(kind)) + RandomString(random, kBase32, 17);
}

std::string NewAccessKeyId(Random& random, bool temporary, std::string_view account) {
  std::string prefix = temporary ? "ASIA" : "AKIA";
  if (account.size() != 12 || !IsAsciiDigits(account)) {
    return prefix + RandomString(random, kBase32, 16);
  }
  // 16 base32 characters are 80 bits: the account number, then 40 random bits.
  uint64_t number = std::stoull(std::string(account));
  std::string out = prefix;
  for (int i = 7; i >= 0; --i) out.push_back(kBase32[(number >> (5 * i)) & 31]);
  return out + RandomString(random, kBase32, 8);
}

std::optional<std::string> AccountOfAccessKeyId(std::string_view id) {
  if (id.size() != 20 || !(id.starts_with("AKIA") || id.starts_with("ASIA"))) return std::nullopt;
  uint64_t number = 0;
  for (char c : id.substr(4, 8)) {
    size_t v = kBase32.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    number = (number << 5) | v;
  }
  if (number < 100000000000ULL || number > 999999999999ULL) return std::nullopt;
  return std::to_string(number);
}

std::string NewSecretAccessKey(Random& random) { return RandomString(random, kSecretAlphabet, 40); }

namespace {
constexpr std::string_view kLowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
}  // namespace

std::string NewOrganizationId(Random& random) {
  return "o-" + RandomString(random, kLowerAlphanumeric, 10);
}
std::string NewRootId(Random& random) { return "r-" + RandomString(random, kLowerAlphanumeric, 4); }
std::string NewOrganizationalUnitId(Random& random, std::string_view root_id) {
  std::string_view root = root_id.substr(root_id.find('-') + 1);
  return "ou-" + std::string(root) + "-" + RandomString(random, kLowerAlphanumeric, 8);
}
std::string NewOrganizationPolicyId(Random& random) {
  return "p-" + RandomString(random, kLowerAlphanumeric, 8);
}
std::string NewResourcePolicyId(Random& random) {
  return "rp-" + RandomString(random, kLowerAlphanumeric, 8);
}
std::string NewHandshakeId(Random& random) {
  return "h-" + RandomString(random, kLowerAlphanumeric, 10);
}
std::string NewResponsibilityTransferId(Random& random) {
  return "rt-" + RandomString(random, kLowerAlphanumeric, 16);
}
std::string NewCreateAccountRequestId(Random& random) {
  return "car-" + RandomString(random, kLowerAlphanumeric, 32);
}

}  // namespace gatehouse
