// SSH public keys as IAM takes them for CodeCommit: OpenSSH's one-line form ("ssh-rsa AAAA…
// comment") or PEM (SubjectPublicKeyInfo "PUBLIC KEY", or PKCS#1 "RSA PUBLIC KEY"), RSA of 2,048
// to 16,384 bits or Ed25519. Whatever the input's form, a key is kept as its canonical wire
// encoding (RFC 4253 §6.6, RFC 8709), from which both forms and the MD5 fingerprint IAM shows
// are derived. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse {

inline constexpr int kSshRsaMinBits = 2048;
inline constexpr int kSshRsaMaxBits = 16384;

struct SshPublicKeyParts {
  std::string algorithm;  // "ssh-rsa" or "ssh-ed25519"
  std::string wire;       // the canonical wire encoding (bytes)
};

// The key `text` holds, in either form (surrounding whitespace ignored). UnrecognizedPublicKey-
// Encoding when it is in neither form or of another algorithm; InvalidPublicKey when it is in
// one but its content is not a key of the kind it names (bad base64, a truncated or padded
// blob, a weak or malformed RSA key).
Result<SshPublicKeyParts> ParseSshPublicKey(std::string_view text);

// "ssh-rsa AAAA…": the key's one-line form, without a comment.
std::string SshPublicKeyLine(const SshPublicKeyParts& key);
// The key as PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----…"); InvalidPublicKey when
// `key` is not one ParseSshPublicKey could have returned.
Result<std::string> SshPublicKeyPem(const SshPublicKeyParts& key);
// The MD5 of the wire encoding as 16 colon-separated lower-case hex pairs (`ssh-keygen -l -E md5`).
std::string SshPublicKeyMd5Fingerprint(std::string_view wire);

}  // namespace gatehouse
