// The digest file's lines: written in one shape, and read back only when they are exactly that.
#include "audit/digest_line.h"

#include <gtest/gtest.h>

#include "audit/event_digest.h"

namespace gatehouse::audit {
namespace {

const std::string kDigest(64, 'a');

TEST(DigestLine, RoundTrips) {
  const model::AuditDigest d{1, 3, kGenesisDigest, kDigest};
  const std::string line = FormatDigestLine(d);
  EXPECT_EQ(line, "{\"firstLine\":1,\"lastLine\":3,\"previous\":\"" + std::string(kGenesisDigest) +
                      "\",\"digest\":\"" + kDigest + "\"}");
  Result<model::AuditDigest> parsed = ParseDigestLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->first_seq, 1);
  EXPECT_EQ(parsed->last_seq, 3);
  EXPECT_EQ(parsed->previous, kGenesisDigest);
  EXPECT_EQ(parsed->digest, kDigest);
}

TEST(DigestLine, ASignedLineRoundTripsAndABadSignatureMemberIsRefused) {
  model::AuditDigest d{1, 3, kGenesisDigest, kDigest};
  d.signature = std::string(86, 'Q') + "==";
  const std::string line = FormatDigestLine(d);
  EXPECT_NE(line.find(",\"signature\":\"" + d.signature + "\"}"), std::string::npos);
  Result<model::AuditDigest> parsed = ParseDigestLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->signature, d.signature);
  const std::string base = line.substr(0, line.find(",\"signature\""));
  for (const std::string& bad :
       {base + ",\"signature\":7}", base + ",\"signature\":null}",
        base + ",\"signature\":\"" + std::string(129, 'Q') + "\"}",
        base + ",\"signatures\":\"QQ==\"}", line.substr(0, line.size() - 1) + ",\"x\":1}"}) {
    EXPECT_FALSE(ParseDigestLine(bad).ok()) << bad;
  }
}

TEST(DigestLine, AnythingElseIsRefused) {
  const std::string prev = "\"previous\":\"" + std::string(kGenesisDigest) + "\"";
  const std::string digest = "\"digest\":\"" + kDigest + "\"";
  for (const std::string& line : {
           std::string(""),
           std::string("garbage"),
           std::string("[1,2]"),
           std::string("{\"firstLine\":1,\"lastLine\":3,") + prev + "}",
           "{\"firstLine\":0,\"lastLine\":3," + prev + "," + digest + "}",
           "{\"firstLine\":-1,\"lastLine\":3," + prev + "," + digest + "}",
           "{\"firstLine\":1.5,\"lastLine\":3," + prev + "," + digest + "}",
           "{\"firstLine\":\"1\",\"lastLine\":3," + prev + "," + digest + "}",
           "{\"firstLine\":1,\"lastLine\":99999999999999999999," + prev + "," + digest + "}",
           "{\"firstLine\":1,\"lastLine\":9223372036854775807," + prev + "," + digest + "}",
           "{\"firstLine\":1,\"lastLine\":3," + prev + ",\"digest\":\"" + std::string(64, 'A') +
               "\"}",
           "{\"firstLine\":1,\"lastLine\":3," + prev + ",\"digest\":\"abc\"}",
           "{\"firstLine\":1,\"lastLine\":3," + prev + "," + digest + ",\"x\":1}",
           "{\"firstLine\":1,\"lastLine\":3," + prev + "," + digest + "} trailing",
           "{\"firstLine\":1,\"lastLine\":3," + prev + ",\"digest\":\"" + kDigest +
               std::string(5000, ' ') + "\"}",
       }) {
    EXPECT_FALSE(ParseDigestLine(line).ok()) << line.substr(0, 200);
  }
}

}  // namespace
}  // namespace gatehouse::audit
