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
  EXPECT_FALSE(UnpackAuditBody(packed + packed.substr(1)).has_value());  // a second frame
  std::string other = packed;
  other[0] = 2;  // no such dictionary
  EXPECT_FALSE(UnpackAuditBody(other).has_value());
  // Version 0 is a body kept as it is (Pack's way out when zstd cannot work).
  EXPECT_EQ(UnpackAuditBody(std::string(1, '\0') + "{}"), "{}");
}

TEST(AuditBodyCodec, AFrameClaimingAHugeBodyIsRefusedBeforeAllocating) {
  // Version 1, zstd's magic, a frame header descriptor saying an 8-byte content size follows
  // (and a single segment), then 2^40 bytes claimed, then a raw block.
  std::string frame("\x01\x28\xb5\x2f\xfd\xe0", 6);
  frame += std::string("\x00\x00\x00\x00\x00\x01\x00\x00", 8);
  frame += std::string("\x01\x00\x00", 3);
  EXPECT_FALSE(UnpackAuditBody(frame).has_value());
}

TEST(AuditBodyCodec, FlippedBytesNeverCrash) {
  // Without a checksum a flipped literal may unpack to other text (the chain of digests catches
  // that: audit/event_digest.h); what matters here is that no flip reads or writes out of
  // bounds, which the sanitizer builds check.
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
