// X.509 certificates as IAM takes them (tests/keys/certificates.json): one PEM certificate or a
// chain, each kept as OpenSSL writes it back, the issuer check, the private key check, and what
// must be refused as MalformedCertificate.
#include "core/x509_certificate.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace gatehouse {
namespace {

using nlohmann::json;

const json& Fixtures() {
  static const json fixtures = [] {
    std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/tests/keys/certificates.json");
    std::stringstream buf;
    buf << in.rdbuf();
    return json::parse(buf.str());
  }();
  return fixtures;
}

std::string Cert(const char* name) { return Fixtures().at(name).at("cert"); }
std::string Key(const char* name) { return Fixtures().at(name).at("key"); }

PemCertificate Parsed(const std::string& text) {
  Result<PemCertificate> cert = ParsePemCertificate(text);
  EXPECT_TRUE(cert.ok()) << cert.status().message();
  return cert.ok() ? *cert : PemCertificate{};
}

ErrorCode CodeOf(std::string_view text) { return ParsePemCertificate(text).status().code(); }

constexpr int64_t kYear2025Ms = 1735689600000;
constexpr int64_t kYear2125Ms = 4891363200000;

TEST(X509Certificate, OneCertificateIsReadWithItsValidityAndNames) {
  const PemCertificate leaf = Parsed(Cert("leaf"));
  EXPECT_EQ(leaf.pem, Cert("leaf"));
  EXPECT_EQ(leaf.not_before_ms, kYear2025Ms);
  EXPECT_EQ(leaf.not_after_ms, kYear2125Ms);
  EXPECT_EQ(leaf.subject, "CN=leaf.example.com");
  EXPECT_EQ(leaf.issuer, "CN=Gatehouse Test CA");
  EXPECT_EQ(leaf.sha256_hex.size(), 64u);
}

TEST(X509Certificate, TheSameCertificateSpelledOtherwiseIsTheSameCertificate) {
  std::string crlf;
  for (char c : Cert("leaf")) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const PemCertificate plain = Parsed(Cert("leaf"));
  const PemCertificate spelled = Parsed("\n\n  " + crlf + "\n");
  EXPECT_EQ(spelled.sha256_hex, plain.sha256_hex);
  EXPECT_EQ(spelled.pem, plain.pem);
}

TEST(X509Certificate, AnythingButOneCertificateIsMalformed) {
  EXPECT_EQ(CodeOf(""), ErrorCode::kMalformedCertificate);
  EXPECT_EQ(CodeOf("not a certificate"), ErrorCode::kMalformedCertificate);
  EXPECT_EQ(CodeOf(Key("leaf")), ErrorCode::kMalformedCertificate);
  EXPECT_EQ(CodeOf(Cert("leaf") + Cert("ca")), ErrorCode::kMalformedCertificate);
  EXPECT_EQ(CodeOf(Cert("leaf") + "trailing text"), ErrorCode::kMalformedCertificate);
  std::string damaged = Cert("leaf");  // the outer SEQUENCE's tag ("MIIC…") made 0x00
  damaged[std::string("-----BEGIN CERTIFICATE-----\n").size()] = 'A';
  EXPECT_EQ(CodeOf(damaged), ErrorCode::kMalformedCertificate);
  std::string cut = Cert("leaf");
  cut.erase(200, 40);
  EXPECT_EQ(CodeOf(cut), ErrorCode::kMalformedCertificate);
}

TEST(X509Certificate, AChainIsReadInOrderAndItsLinksChecked) {
  Result<std::vector<PemCertificate>> chain = ParsePemCertificates(Cert("leaf") + Cert("ca"));
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_TRUE(CertificateIssuedBy((*chain)[0], (*chain)[1]));
  EXPECT_FALSE(CertificateIssuedBy((*chain)[1], (*chain)[0]));
  EXPECT_FALSE(CertificateIssuedBy(Parsed(Cert("ec")), (*chain)[1]));
  EXPECT_TRUE(CertificateIssuedBy((*chain)[1], (*chain)[1]));  // the CA is self-signed
}

TEST(X509Certificate, OnlyTheCertificatesOwnPrivateKeyMatches) {
  EXPECT_TRUE(CheckCertificateKey(Parsed(Cert("leaf")), Key("leaf")).ok());
  EXPECT_TRUE(CheckCertificateKey(Parsed(Cert("ec")), Key("ec")).ok());
  EXPECT_EQ(CheckCertificateKey(Parsed(Cert("leaf")), Key("ca")).code(),
            ErrorCode::kKeyPairMismatch);
  EXPECT_EQ(CheckCertificateKey(Parsed(Cert("ec")), Key("leaf")).code(),
            ErrorCode::kKeyPairMismatch);
  EXPECT_EQ(CheckCertificateKey(Parsed(Cert("leaf")), Cert("leaf")).code(),
            ErrorCode::kMalformedCertificate);
  EXPECT_EQ(CheckCertificateKey(Parsed(Cert("leaf")), "").code(), ErrorCode::kMalformedCertificate);
}

}  // namespace
}  // namespace gatehouse
