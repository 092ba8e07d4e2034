// Hashing and message authentication through OpenSSL, and hex encoding. Stateless functions;
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of bytes.
std::string HexEncode(std::string_view bytes);
// The bytes of hex text (either case); nullopt when it is not an even run of hex digits.
std::optional<std::string> HexDecode(std::string_view hex);
// Standard base64 with padding (how blob members travel in AWS's XML and JSON).
std::string Base64Encode(std::string_view bytes);
// The bytes of standard base64 text (padding required); nullopt when it is not base64.
std::optional<std::string> Base64Decode(std::string_view text);
inline std::string HexEncode(const Sha256Digest& d) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
inline std::string_view AsBytes(const Sha256Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

inline constexpr size_t kSealKeySize = 32;        // AES-256
inline constexpr size_t kSealOverhead = 12 + 16;  // nonce + GCM tag

// AES-256-GCM: nonce ‖ ciphertext ‖ tag, the nonce drawn at random. `aad` is authenticated but
// not encrypted (e.g. the key id a secret belongs to, so sealed values cannot be swapped).
std::string Seal(std::string_view key, std::string_view plaintext, std::string_view aad,
                 std::string_view nonce12);
// nullopt when the key, the aad or any byte of `sealed` is wrong.
std::optional<std::string> Open(std::string_view key, std::string_view sealed,
                                std::string_view aad);

inline constexpr size_t kEd25519KeySize = 32;  // a private key's seed, a public key
inline constexpr size_t kEd25519SignatureSize = 64;

// The public key of the Ed25519 private key whose seed is `seed` (kEd25519KeySize bytes).
std::string Ed25519PublicKey(std::string_view seed);
// `seed`'s signature of `message`.
std::string Ed25519Sign(std::string_view seed, std::string_view message);
// Whether `signature` is `public_key`'s of `message`; false for a key or a signature of the
// wrong size.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace gatehouse
