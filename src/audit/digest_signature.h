// Signatures of the chain's digests (audit/event_digest.h), as CloudTrail signs its digest
// files: the chain alone shows that events changed since they were sealed, but whoever can write
// the database or the exported files can also compute a new chain over what they wrote. Each
// digest is therefore signed with an Ed25519 key that only the deployment holds, derived from
// its master key (every instance derives the same one, and there is no other key to keep), and
// `gatehouse audit verify --public-key` checks the signatures with the public half, which
// `gatehouse audit public-key` prints. A signature covers where the digest applies (the store's
// event numbers or a file's line numbers), its range, the digest before it and the digest.
// Thread-safe (immutable after construction).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/audit_entities.h"

namespace gatehouse::audit {

// What a digest's numbers count: the store's events, or an exported file's lines.
enum class DigestScope { kStore, kFile };

class DigestSigner {
 public:
  // The deployment's signer: its key derived from `master_key` (32 bytes).
  static DigestSigner FromMasterKey(std::string_view master_key);
  // The base64 signature of `digest` (its signature member aside) in `scope`.
  std::string Sign(const model::AuditDigest& digest, DigestScope scope) const;
  // The public key, base64 of its 32 bytes: what verify --public-key takes.
  const std::string& public_key() const { return public_key_; }

 private:
  DigestSigner(std::string seed, std::string public_key);
  std::string seed_;
  std::string public_key_;
};

// The raw public key of base64 text; nullopt when it is not 32 bytes of base64.
std::optional<std::string> ParsePublicKey(std::string_view text);
// Whether `digest.signature` is the signature of `digest` in `scope` by `public_key` (raw).
bool SignatureHolds(std::string_view public_key, const model::AuditDigest& digest,
                    DigestScope scope);

}  // namespace gatehouse::audit
