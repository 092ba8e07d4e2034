// SSH public keys in both forms IAM takes, checked against what ssh-keygen says of the same
// keys (tests/keys/ssh_public_keys.json), and the inputs that must be refused with IAM's codes.
#include "core/ssh_public_key.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/crypto.h"

namespace gatehouse {
namespace {

using nlohmann::json;

const json& Keys() {
  static const json keys = [] {
    std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/tests/keys/ssh_public_keys.json");
    std::stringstream buf;
    buf << in.rdbuf();
    return json::parse(buf.str());
  }();
  return keys;
}

std::string Key(const char* name, const char* form) { return Keys().at(name).at(form); }

SshPublicKeyParts Parsed(const std::string& text) {
  Result<SshPublicKeyParts> key = ParseSshPublicKey(text);
  EXPECT_TRUE(key.ok()) << key.status().message();
  return key.ok() ? *key : SshPublicKeyParts{};
}

ErrorCode CodeOf(std::string_view text) { return ParseSshPublicKey(text).status().code(); }

TEST(SshPublicKey, AnRsaKeyInEveryFormIsTheSameKeyWithSshKeygensFingerprint) {
  const SshPublicKeyParts line = Parsed(Key("rsa2048", "line"));
  EXPECT_EQ(line.algorithm, "ssh-rsa");
  EXPECT_EQ(SshPublicKeyLine(line), Key("rsa2048", "canonical"));
  EXPECT_EQ(SshPublicKeyMd5Fingerprint(line.wire), Key("rsa2048", "fingerprint"));
  EXPECT_EQ(SshPublicKeyPem(line).value(), Key("rsa2048", "pem"));
  EXPECT_EQ(Parsed(Key("rsa2048", "pem")).wire, line.wire);
  EXPECT_EQ(Parsed(Key("rsa2048", "pkcs1")).wire, line.wire);
  // Surrounding whitespace and Windows line ends change nothing.
  EXPECT_EQ(Parsed("\r\n  " + Key("rsa2048", "line") + "\r\n").wire, line.wire);
  std::string crlf_pem;
  for (char c : Key("rsa2048", "pem"))
    crlf_pem += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(Parsed(crlf_pem).wire, line.wire);
}

TEST(SshPublicKey, AnEd25519KeyInEitherFormIsTheSameKeyWithSshKeygensFingerprint) {
  const SshPublicKeyParts line = Parsed(Key("ed25519", "line"));
  EXPECT_EQ(line.algorithm, "ssh-ed25519");
  EXPECT_EQ(SshPublicKeyLine(line), Key("ed25519", "canonical"));
  EXPECT_EQ(SshPublicKeyMd5Fingerprint(line.wire), Key("ed25519", "fingerprint"));
  EXPECT_EQ(SshPublicKeyPem(line).value(), Key("ed25519", "pem"));
  EXPECT_EQ(Parsed(Key("ed25519", "pem")).wire, line.wire);
}

TEST(SshPublicKey, OtherAlgorithmsAndFormsAreUnrecognized) {
  EXPECT_EQ(CodeOf(Key("ecdsa", "line")), ErrorCode::kUnrecognizedPublicKeyEncoding);
  EXPECT_EQ(CodeOf(""), ErrorCode::kUnrecognizedPublicKeyEncoding);
  EXPECT_EQ(CodeOf("not a key"), ErrorCode::kUnrecognizedPublicKeyEncoding);
  EXPECT_EQ(CodeOf("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            ErrorCode::kUnrecognizedPublicKeyEncoding);
}

TEST(SshPublicKey, AWeakRsaKeyIsInvalid) {
  Result<SshPublicKeyParts> weak = ParseSshPublicKey(Key("rsa1024", "line"));
  EXPECT_EQ(weak.status().code(), ErrorCode::kInvalidPublicKey);
  EXPECT_NE(weak.status().message().find("2048"), std::string::npos);
}

// The blob of `line` replaced by `wire`'s base64, under the same algorithm name.
std::string WithWire(const std::string& algorithm, const std::string& wire) {
  return algorithm + " " + Base64Encode(wire) + " comment";
}

TEST(SshPublicKey, ABlobThatIsNotExactlyOneKeyOfItsAlgorithmIsInvalid) {
  const std::string wire = Parsed(Key("rsa2048", "line")).wire;
  const std::string ed = Parsed(Key("ed25519", "line")).wire;
  EXPECT_EQ(CodeOf("ssh-rsa"), ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf("ssh-rsa AAAA!"), ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", wire + "x")), ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", wire.substr(0, wire.size() - 1))),
            ErrorCode::kInvalidPublicKey);
  // The blob names another algorithm than the line does.
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", ed)), ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf(WithWire("ssh-ed25519", wire)), ErrorCode::kInvalidPublicKey);
  // A length field larger than what follows.
  std::string huge = ed;
  huge[0] = '\x7f';
  EXPECT_EQ(CodeOf(WithWire("ssh-ed25519", huge)), ErrorCode::kInvalidPublicKey);
  // An Ed25519 key of 31 bytes.
  std::string short_key = ed.substr(0, ed.size() - 1);
  short_key[short_key.size() - 32] = 31;
  EXPECT_EQ(CodeOf(WithWire("ssh-ed25519", short_key)), ErrorCode::kInvalidPublicKey);
}

const std::string kE65537("\x01\x00\x01", 3);

// An ssh-rsa wire encoding of exponent `e` and modulus `n` (mpints as given).
std::string RsaWire(const std::string& e, const std::string& n) {
  auto put = [](std::string& out, const std::string& s) {
    const auto size = static_cast<uint32_t>(s.size());
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(size >> shift));
    out += s;
  };
  std::string wire;
  put(wire, "ssh-rsa");
  put(wire, e);
  put(wire, n);
  return wire;
}

TEST(SshPublicKey, AnRsaKeyWithABadExponentOrModulusIsInvalid) {
  const std::string odd_modulus = std::string(1, '\0') + std::string(256, '\xff');
  ASSERT_TRUE(ParseSshPublicKey(WithWire("ssh-rsa", RsaWire(kE65537, odd_modulus))).ok());
  // Exponent 1, an even exponent, an even modulus, a negative modulus.
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", RsaWire("\x01", odd_modulus))),
            ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", RsaWire(std::string("\x01\x00\x02", 3), odd_modulus))),
            ErrorCode::kInvalidPublicKey);
  std::string even = odd_modulus;
  even.back() = '\xfe';
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", RsaWire(kE65537, even))), ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", RsaWire(kE65537, odd_modulus.substr(1)))),
            ErrorCode::kInvalidPublicKey);
  // More than 16,384 bits.
  const std::string giant = std::string(1, '\0') + std::string(2049, '\xff');
  EXPECT_EQ(CodeOf(WithWire("ssh-rsa", RsaWire(kE65537, giant))), ErrorCode::kInvalidPublicKey);
}

TEST(SshPublicKey, AKeyIsKeptInItsCanonicalWireEncoding) {
  // A modulus with extra leading zero bytes is the same key, re-encoded minimally.
  const std::string modulus = std::string(1, '\0') + std::string(256, '\xff');
  const SshPublicKeyParts minimal = Parsed(WithWire("ssh-rsa", RsaWire(kE65537, modulus)));
  const SshPublicKeyParts padded =
      Parsed(WithWire("ssh-rsa", RsaWire(kE65537, std::string(3, '\0') + modulus)));
  EXPECT_EQ(padded.wire, minimal.wire);
  EXPECT_EQ(Parsed(SshPublicKeyPem(minimal).value()).wire, minimal.wire);
}

TEST(SshPublicKey, AMalformedPemBlockIsInvalid) {
  EXPECT_EQ(CodeOf("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"),
            ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            ErrorCode::kInvalidPublicKey);
  EXPECT_EQ(CodeOf("-----BEGIN PUBLIC KEY-----\n"), ErrorCode::kInvalidPublicKey);
}

}  // namespace
}  // namespace gatehouse
