#include "core/x509_certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <optional>
#include <vector>

#include "core/crypto.h"
#include "core/openssl_ptr.h"

namespace gatehouse {
namespace {

// Far above the 16 KiB IAM's model allows: the bound only keeps lengths within an int.
constexpr size_t kMaxText = 1 << 20;
constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

Status Malformed(std::string_view why) {
  return Status(ErrorCode::kMalformedCertificate, std::string(why));
}

Status Unparsable() {
  return Malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.");
}

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

X509Ptr ReadX509(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return nullptr;
  }
  return cert;
}

std::optional<int64_t> EpochMs(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string NameOf(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Result<PemCertificate> Describe(X509* cert) {
  PemCertificate out;
  unsigned char* der = nullptr;
  const int der_size = i2d_X509(cert, &der);
  if (der_size <= 0) return Unparsable();
  out.der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(der_size));
  OPENSSL_free(der);
  out.sha256_hex = HexEncode(Sha256(out.der));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) return Unparsable();
  char* pem = nullptr;
  const long pem_size = BIO_get_mem_data(bio.get(), &pem);
  out.pem.assign(pem, static_cast<size_t>(pem_size));
  std::optional<int64_t> not_before = EpochMs(X509_get0_notBefore(cert));
  std::optional<int64_t> not_after = EpochMs(X509_get0_notAfter(cert));
  if (!not_before || !not_after) return Malformed("The certificate's validity cannot be read.");
  out.not_before_ms = *not_before;
  out.not_after_ms = *not_after;
  out.subject = NameOf(X509_get_subject_name(cert));
  out.issuer = NameOf(X509_get_issuer_name(cert));
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The certificate blocks of `text`, each from its BEGIN line through its END line, with the
// carriage returns of Windows line ends dropped; nullopt when anything but whitespace lies
// outside them.
std::optional<std::vector<std::string>> CertificateBlocks(std::string_view text) {
  std::vector<std::string> blocks;
  while (true) {
    while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
    if (text.empty()) return blocks;
    const size_t end = text.find(kEnd);
    if (!text.starts_with(kBegin) || end == std::string_view::npos) return std::nullopt;
    std::string block;
    for (char c : text.substr(0, end + kEnd.size())) {
      if (c != '\r') block += c;
    }
    blocks.push_back(block + "\n");
    text.remove_prefix(end + kEnd.size());
  }
}

Result<PemCertificate> ReadBlock(const std::string& block) {
  BioPtr bio = ReadBio(block);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (cert == nullptr) return Unparsable();
  // Re-read from its own DER, so that nothing the PEM reader tolerated survives.
  ASSIGN_OR_RETURN(PemCertificate described, Describe(cert.get()));
  if (ReadX509(described.der) == nullptr) return Unparsable();
  return described;
}

}  // namespace

Result<std::vector<PemCertificate>> ParsePemCertificates(std::string_view text) {
  if (text.size() > kMaxText) return Unparsable();
  std::optional<std::vector<std::string>> blocks = CertificateBlocks(text);
  if (!blocks || blocks->empty()) return Unparsable();
  std::vector<PemCertificate> out;
  for (const std::string& block : *blocks) {
    ASSIGN_OR_RETURN(PemCertificate cert, ReadBlock(block));
    out.push_back(std::move(cert));
  }
  return out;
}

Result<PemCertificate> ParsePemCertificate(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<PemCertificate> certs, ParsePemCertificates(text));
  if (certs.size() != 1)
    return Malformed("The certificate body must hold exactly one certificate.");
  return std::move(certs.front());
}

bool CertificateIssuedBy(const PemCertificate& child, const PemCertificate& parent) {
  X509Ptr c = ReadX509(child.der);
  X509Ptr p = ReadX509(parent.der);
  if (c == nullptr || p == nullptr) return false;
  EVP_PKEY* key = X509_get0_pubkey(p.get());
  return key != nullptr && X509_verify(c.get(), key) == 1;
}

Status CheckCertificateKey(const PemCertificate& cert, std::string_view private_key_pem) {
  if (private_key_pem.size() > kMaxText) return Malformed("Unable to parse the private key.");
  BioPtr bio = ReadBio(private_key_pem);
  // A passphrase callback that answers nothing: an encrypted key is refused, never prompted.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                     : nullptr);
  if (key == nullptr) return Malformed("Unable to parse the private key.");
  X509Ptr x509 = ReadX509(cert.der);
  EVP_PKEY* public_key = x509 ? X509_get0_pubkey(x509.get()) : nullptr;
  if (public_key == nullptr || EVP_PKEY_eq(public_key, key.get()) != 1) {
    return Status(ErrorCode::kKeyPairMismatch,
                  "The private key does not match the public key in the certificate.");
  }
  return Status::Ok();
}

}  // namespace gatehouse
