#include "core/ssh_public_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "core/crypto.h"
#include "core/openssl_ptr.h"

namespace gatehouse {
namespace {

constexpr std::string_view kRsa = "ssh-rsa";
constexpr std::string_view kEd25519 = "ssh-ed25519";
constexpr size_t kEd25519PublicKeySize = 32;
// Real keys use 65537; what other software accepts ends well below this.
constexpr int kMaxExponentBits = 64;

// Far above the 16 KiB IAM's model allows: the bound only keeps lengths within an int.
constexpr size_t kMaxText = 1 << 20;

Status Unrecognized() {
  return Status(ErrorCode::kUnrecognizedPublicKeyEncoding,
                "The public key encoding format is unsupported or unrecognized.");
}

Status Invalid(std::string_view why) {
  return Status(ErrorCode::kInvalidPublicKey,
                "The public key is malformed or otherwise invalid: " + std::string(why));
}

void PutString(std::string& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  out.append(s);
}

// The wire encoding's fields, in order.
class WireReader {
 public:
  explicit WireReader(std::string_view wire) : rest_(wire) {}

  bool String(std::string_view& out) {
    if (rest_.size() < 4) return false;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(rest_[i]);
    rest_.remove_prefix(4);
    if (n > rest_.size()) return false;
    out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

std::string_view WithoutLeadingZeros(std::string_view magnitude) {
  while (!magnitude.empty() && magnitude.front() == '\0') magnitude.remove_prefix(1);
  return magnitude;
}

int BitLength(std::string_view magnitude) {
  magnitude = WithoutLeadingZeros(magnitude);
  if (magnitude.empty()) return 0;
  int bits = static_cast<int>(magnitude.size()) * 8;
  for (auto top = static_cast<uint8_t>(magnitude.front()); (top & 0x80) == 0; top <<= 1) --bits;
  return bits;
}

// RFC 4251's mpint of a non-negative big-endian magnitude: minimal, with a zero byte ahead of
// a set top bit.
std::string MpInt(std::string_view magnitude) {
  magnitude = WithoutLeadingZeros(magnitude);
  std::string out;
  if (!magnitude.empty() && (static_cast<uint8_t>(magnitude.front()) & 0x80) != 0) {
    out.push_back('\0');
  }
  out.append(magnitude);
  return out;
}

bool IsOdd(std::string_view magnitude) {
  return !magnitude.empty() && (static_cast<uint8_t>(magnitude.back()) & 1) != 0;
}

// The key of exponent `e` and modulus `n` (big-endian magnitudes), checked.
Result<SshPublicKeyParts> RsaKey(std::string_view e, std::string_view n) {
  const int bits = BitLength(n);
  if (bits < kSshRsaMinBits) {
    return Invalid("an RSA key must have at least " + std::to_string(kSshRsaMinBits) + " bits.");
  }
  if (bits > kSshRsaMaxBits) {
    return Invalid("an RSA key may have at most " + std::to_string(kSshRsaMaxBits) + " bits.");
  }
  if (!IsOdd(n) || !IsOdd(e) || BitLength(e) < 2 || BitLength(e) > kMaxExponentBits) {
    return Invalid("the RSA modulus or exponent is not valid.");
  }
  SshPublicKeyParts key{std::string(kRsa), ""};
  PutString(key.wire, kRsa);
  PutString(key.wire, MpInt(e));
  PutString(key.wire, MpInt(n));
  return key;
}

Result<SshPublicKeyParts> Ed25519Key(std::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) return Invalid("an Ed25519 key has 32 bytes.");
  SshPublicKeyParts key{std::string(kEd25519), ""};
  PutString(key.wire, kEd25519);
  PutString(key.wire, raw);
  return key;
}

// An mpint's magnitude; false for a negative one.
bool ReadNonNegative(WireReader& reader, std::string_view& out) {
  if (!reader.String(out)) return false;
  return out.empty() || (static_cast<uint8_t>(out.front()) & 0x80) == 0;
}

Result<SshPublicKeyParts> FromWire(std::string_view algorithm, std::string_view wire) {
  WireReader reader(wire);
  std::string_view named;
  if (!reader.String(named) || named != algorithm) {
    return Invalid("the key's data does not name " + std::string(algorithm) + ".");
  }
  if (algorithm == kEd25519) {
    std::string_view raw;
    if (!reader.String(raw) || !reader.done()) return Invalid("the key's data is not one key.");
    return Ed25519Key(raw);
  }
  std::string_view e, n;
  if (!ReadNonNegative(reader, e) || !ReadNonNegative(reader, n) || !reader.done()) {
    return Invalid("the key's data is not one key.");
  }
  return RsaKey(e, n);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view NextField(std::string_view& rest) {
  while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
  size_t end = 0;
  while (end < rest.size() && !IsSpace(rest[end])) ++end;
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end);
  return field;
}

// "ALGORITHM BASE64 [comment]".
Result<SshPublicKeyParts> FromLine(std::string_view text) {
  std::string_view rest = text;
  const std::string_view algorithm = NextField(rest);
  if (algorithm != kRsa && algorithm != kEd25519) return Unrecognized();
  const std::string_view encoded = NextField(rest);
  std::optional<std::string> wire = Base64Decode(encoded);
  if (encoded.empty() || !wire) return Invalid("the key's data is not base64.");
  return FromWire(algorithm, *wire);
}

std::string Magnitude(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return "";
  BignumPtr bn(raw);
  std::string out(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Result<SshPublicKeyParts> FromPkey(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    return RsaKey(Magnitude(pkey, OSSL_PKEY_PARAM_RSA_E), Magnitude(pkey, OSSL_PKEY_PARAM_RSA_N));
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) {
    std::string raw(kEd25519PublicKeySize, '\0');
    size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &size) !=
        1) {
      return Invalid("the Ed25519 key cannot be read.");
    }
    raw.resize(size);
    return Ed25519Key(raw);
  }
  return Unrecognized();
}

// The DER of a PEM block labelled `label`, decoded into a key of either label IAM takes.
Result<SshPublicKeyParts> FromDer(std::string_view label, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* const end = p + der.size();
  EvpPkeyPtr pkey;
  if (label == "PUBLIC KEY") {
    pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  } else if (label == "RSA PUBLIC KEY") {
    pkey.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
  } else {
    return Unrecognized();
  }
  if (pkey == nullptr || p != end) return Invalid("the PEM block is not a public key.");
  return FromPkey(pkey.get());
}

Result<SshPublicKeyParts> FromPem(std::string_view text) {
  std::string lines;  // Windows line ends read as Unix ones
  for (char c : text) {
    if (c != '\r') lines += c;
  }
  BioPtr bio(BIO_new_mem_buf(lines.data(), static_cast<int>(lines.size())));
  if (bio == nullptr) return Invalid("the PEM block cannot be read.");
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
    return Invalid("the PEM block cannot be read.");
  }
  std::unique_ptr<char, OpenSslMemoryFree> owned_name(name), owned_header(header);
  std::unique_ptr<unsigned char, OpenSslMemoryFree> owned_data(data);
  if (header != nullptr && header[0] != '\0') return Invalid("the PEM block is encrypted.");
  return FromDer(
      name, std::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(length)));
}

EvpPkeyPtr RsaPkey(std::string_view e, std::string_view n) {
  BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr));
  BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_e || !bn_n || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return EvpPkeyPtr(pkey);
}

EvpPkeyPtr PkeyOf(const SshPublicKeyParts& key) {
  WireReader reader(key.wire);
  std::string_view algorithm, first, second;
  if (!reader.String(algorithm) || !reader.String(first)) return nullptr;
  if (algorithm == kEd25519) {
    return EvpPkeyPtr(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(first.data()),
        first.size()));
  }
  if (algorithm != kRsa || !reader.String(second)) return nullptr;
  return RsaPkey(WithoutLeadingZeros(first), WithoutLeadingZeros(second));
}

}  // namespace

Result<SshPublicKeyParts> ParseSshPublicKey(std::string_view text) {
  text = Trimmed(text);
  if (text.size() > kMaxText) return Invalid("the key is too long.");
  if (text.starts_with("-----BEGIN ")) return FromPem(text);
  return FromLine(text);
}

std::string SshPublicKeyLine(const SshPublicKeyParts& key) {
  return key.algorithm + " " + Base64Encode(key.wire);
}

Result<std::string> SshPublicKeyPem(const SshPublicKeyParts& key) {
  EvpPkeyPtr pkey = PkeyOf(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return Invalid("the key cannot be written as PEM.");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string SshPublicKeyMd5Fingerprint(std::string_view wire) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(wire.data(), wire.size(), digest, &size, EVP_md5(), nullptr);
  const std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ':';
    out.append(hex, i, 2);
  }
  return out;
}

}  // namespace gatehouse
