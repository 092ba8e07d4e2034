#include "audit/digest_signature.h"

#include <utility>

#include "core/crypto.h"

namespace gatehouse::audit {
namespace {

// Distinct from every other use of the master key: the seed reveals nothing of it.
constexpr std::string_view kKeyLabel = "gatehouse audit digest signing key 1";

std::string Message(const model::AuditDigest& d, DigestScope scope) {
  return std::string("gatehouse audit digest 1\n") +
         (scope == DigestScope::kStore ? "store" : "file") + "\n" + std::to_string(d.first_seq) +
         "\n" + std::to_string(d.last_seq) + "\n" + d.previous + "\n" + d.digest;
}

}  // namespace

DigestSigner::DigestSigner(std::string seed, std::string public_key)
    : seed_(std::move(seed)), public_key_(std::move(public_key)) {}

DigestSigner DigestSigner::FromMasterKey(std::string_view master_key) {
  std::string seed(AsBytes(HmacSha256(master_key, kKeyLabel)));
  std::string public_key = Base64Encode(Ed25519PublicKey(seed));
  return DigestSigner(std::move(seed), std::move(public_key));
}

std::string DigestSigner::Sign(const model::AuditDigest& digest, DigestScope scope) const {
  return Base64Encode(Ed25519Sign(seed_, Message(digest, scope)));
}

std::optional<std::string> ParsePublicKey(std::string_view text) {
  std::optional<std::string> raw = Base64Decode(text);
  if (!raw || raw->size() != kEd25519KeySize) return std::nullopt;
  return raw;
}

bool SignatureHolds(std::string_view public_key, const model::AuditDigest& digest,
                    DigestScope scope) {
  std::optional<std::string> signature = Base64Decode(digest.signature);
  return signature && Ed25519Verify(public_key, Message(digest, scope), *signature);
}

}  // namespace gatehouse::audit
