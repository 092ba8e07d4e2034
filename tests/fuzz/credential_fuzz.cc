// libFuzzer target: arbitrary bytes as the credentials a user uploads. The first input byte picks
// the reader: an SSH public key (ParseSshPublicKey; a key that parses is written back in both
// forms and parsed again, which must give the same wire encoding), a PEM certificate or chain
// (ParsePemCertificates; each certificate is parsed again from its own PEM, checked against the
// next as its issuer, and checked against a fixed private key). Any crash, sanitizer report,
// hang or a round trip that changes a key is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/ssh_public_key.h"
#include "core/x509_certificate.h"

using namespace gatehouse;

namespace {

// A throwaway P-256 key, only for exercising the key check.
constexpr const char* kPrivateKey =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpSYnKJoadn9QtgJt\n"
    "zGgc8JTQb2xY5bt4JNxVrspZp8ChRANCAAQk4N+rnRz6QQFN8FgQt97gOgNaGjCt\n"
    "ofGbdFEUXcZXg5wYGWVANRMwSNJFsKe+MZlCHAzXDWMAb77fa1eqFPF+\n"
    "-----END PRIVATE KEY-----\n";

void SshKey(const std::string& text) {
  Result<SshPublicKeyParts> key = ParseSshPublicKey(text);
  if (!key.ok()) return;
  SshPublicKeyMd5Fingerprint(key->wire);
  Result<SshPublicKeyParts> again = ParseSshPublicKey(SshPublicKeyLine(*key));
  if (!again.ok() || again->wire != key->wire) std::abort();
  Result<std::string> pem = SshPublicKeyPem(*key);
  if (!pem.ok()) std::abort();
  Result<SshPublicKeyParts> from_pem = ParseSshPublicKey(*pem);
  if (!from_pem.ok() || from_pem->wire != key->wire) std::abort();
}

void Certificates(const std::string& text) {
  Result<std::vector<PemCertificate>> certs = ParsePemCertificates(text);
  if (!certs.ok()) return;
  for (size_t i = 0; i < certs->size(); ++i) {
    const PemCertificate& cert = (*certs)[i];
    Result<PemCertificate> again = ParsePemCertificate(cert.pem);
    if (!again.ok() || again->sha256_hex != cert.sha256_hex) std::abort();
    if (i + 1 < certs->size()) CertificateIssuedBy(cert, (*certs)[i + 1]);
    (void)CheckCertificateKey(cert, kPrivateKey);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    SshKey(text);
  } else {
    Certificates(text);
  }
  return 0;
}
