// An event's body packed for the disk and unpacked: every body comes back byte for byte, a
// record shrinks to well under half, and bytes Pack did not write are refused without reading or
// allocating past what they allow.
#include "store/audit_body_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace gatehouse::store {
namespace {

// A GetCallerIdentity record as the server writes it.
const std::string kRecord =
    R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":"01a24cd9-6785-7000-8803-ea7e328418cc",)"
    R"("eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com","eventTime":"2026-12-06T19:34:05Z",)"
    R"("eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":true,)"
    R"("recipientAccountId":"483723217197","requestID":"178c006e-3940-436a-a184-115fecde4387",)"
    R"("requestParameters":null,"responseElements":null,"sourceIPAddress":"127.0.0.1",)"
    R"("userAgent":"Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.43.11",)"
    R"("userIdentity":{"accessKeyId":"AKIAFRGL5KBWMRK3TNUZ","accountId":"483723217197","arn":"arn:aws:iam::483723217197:user/admin",)"
    R"("principalId":"AIDAWWPIUKKVI3J7STP24","type":"IAMUser","userName":"admin"}})";

TEST(AuditBodyCodec, BodiesComeBackByteForByte) {
  std::mt19937 random(7);
  std::string noise(200000, '\0');  // does not compress: larger packed than plain
  for (char& c : noise) c = static_cast<char>(random());
  for (const std::string& body : {kRecord, std::string(), std::string("\0\xff{", 3), noise,
                                  std::string(3 * 1024 * 1024, 'x')}) {
    const auto unpacked = UnpackAuditBody(PackAuditBody(body));
    ASSERT_TRUE(unpacked.has_value()) << body.size();
    EXPECT_EQ(*unpacked, body);
  }
}

TEST(AuditBodyCodec, ARecordShrinksToWellUnderHalf) {
  EXPECT_LT(PackAuditBody(kRecord).size() * 5, kRecord.size() * 2)  // under 40%
      << PackAuditBody(kRecord).size() << " of " << kRecord.size();
}

TEST(AuditBodyCodec, BytesPackDidNotWriteAreRefused) {
  const std::string packed = PackAuditBody(kRecord);
  EXPECT_FALSE(UnpackAuditBody("").has_value());
  for (size_t n = 1; n < packed.size(); ++n) {
    EXPECT_FALSE(UnpackAuditBody(packed.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(UnpackAuditBody(packed + "x").has_value());
  EXPECT_FALSE(UnpackAuditBody(packed + packed.substr(1)).has_value());  // a second block
  std::string other = packed;
  other[0] = 2;  // no such dictionary
  EXPECT_FALSE(UnpackAuditBody(other).has_value());
  // Version 0 is a body kept as it is (Pack's way out when LZ4 cannot pack it).
  EXPECT_EQ(UnpackAuditBody(std::string(1, '\0') + "{}"), "{}");
}

TEST(AuditBodyCodec, ASizeNoRecordCouldHaveIsRefusedBeforeAllocating) {
  // Version 1, then 2^35 - 1 bytes claimed (five 7-bit groups), then a one-byte block.
  EXPECT_FALSE(UnpackAuditBody(std::string("\x01\xff\xff\xff\xff\x7f\x10x", 8)).has_value());
  // Just over the largest body, and a number that never ends.
  std::string over(1, '\x01');
  for (size_t n = kMaxAuditBodyBytes + 1; n > 0; n >>= 7) {
    over += static_cast<char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0));
  }
  EXPECT_FALSE(UnpackAuditBody(over + "\x10x").has_value());
  EXPECT_FALSE(UnpackAuditBody(std::string("\x01") + std::string(6, '\x80')).has_value());
  // A size the block does not fill, and one it would overrun.
  const std::string packed = PackAuditBody(kRecord);
  std::string body = packed.substr(3);  // the record's size takes two bytes
  ASSERT_EQ(kRecord.size() >> 7, static_cast<size_t>(packed[2]));
  for (size_t claimed : {kRecord.size() + 1, kRecord.size() - 1}) {
    std::string other(1, '\x01');
    other += static_cast<char>((claimed & 0x7F) | 0x80);
    other += static_cast<char>(claimed >> 7);
    EXPECT_FALSE(UnpackAuditBody(other + body).has_value()) << claimed;
  }
}

TEST(AuditBodyCodec, FlippedBytesNeverCrash) {
  // A flipped literal may unpack to other text (the chain of digests catches that:
  // audit/event_digest.h); what matters here is that no flip reads or writes out of bounds,
  // which the sanitizer builds check.
  const std::string packed = PackAuditBody(kRecord);
  for (size_t i = 1; i < packed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = packed;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      const auto unpacked = UnpackAuditBody(damaged);
      if (unpacked) {
        EXPECT_LE(unpacked->size(), kMaxAuditBodyBytes);
      }
    }
  }
}

}  // namespace
}  // namespace gatehouse::store
