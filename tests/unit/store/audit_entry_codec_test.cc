// The events a commit carries, encoded into its change row and read back: every field comes
// back as it was (bodies packed one by one, or the whole packed), rows of the earlier version are
// still read, and bytes Encode or Pack did not write are refused, never read past their end.
#include "store/audit_entry_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/audit_body_codec.h"

namespace gatehouse::store {
namespace {

model::AuditEntry Entry(const std::string& id) {
  model::AuditEntry e;
  e.event_id = id;
  e.account_id = "111111111111";
  e.time_ms = 1764979200123;
  e.event_name = "CreateUser";
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.access_key_id = "AKIAEXAMPLE";
  e.read_only = false;
  e.resources = {{"AWS::IAM::User", "bob"}, {"AWS::IAM::User", std::string("nul\0byte", 8)}};
  e.body = std::string(300, 'x') + "\xff\xfe{\"eventID\":\"" + id + "\"}";
  return e;
}

bool Same(const model::AuditEntry& a, const model::AuditEntry& b) {
  return a.event_id == b.event_id && a.account_id == b.account_id && a.time_ms == b.time_ms &&
         a.event_name == b.event_name && a.event_source == b.event_source &&
         a.username == b.username && a.access_key_id == b.access_key_id &&
         a.read_only == b.read_only && a.resources == b.resources && a.body == b.body;
}

// A block's fields: the bytes Encode writes for the events with their bodies emptied, which
// blocks an earlier version wrote hold too.
TEST(AuditEntryCodec, FieldsAreTheEntriesLessTheirBodies) {
  std::vector<model::AuditEntry> entries = {Entry("e1"), Entry("e2")};
  entries[1].resources.clear();
  std::vector<model::AuditEntry> emptied = entries;
  for (model::AuditEntry& e : emptied) e.body.clear();
  EXPECT_EQ(EncodeAuditFields({&entries[0], &entries[1]}), EncodeAuditEntries(emptied));
  EXPECT_EQ(EncodeAuditFields({}), EncodeAuditEntries({}));
}

TEST(AuditEntryCodec, EntriesComeBackAsTheyWere) {
  std::vector<model::AuditEntry> entries = {Entry("e1"), Entry("e2"), model::AuditEntry{}};
  entries[1].read_only = true;
  entries[1].time_ms = -5;  // before the epoch: kept, not wrapped
  entries[1].resources.clear();
  auto decoded = DecodeAuditEntries(EncodeAuditEntries(entries));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_TRUE(Same((*decoded)[i], entries[i])) << i;
  auto none = DecodeAuditEntries(EncodeAuditEntries({}));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(AuditEntryCodec, EveryCutAndTrailingByteIsRefused) {
  const std::string bytes = EncodeAuditEntries({Entry("e1"), Entry("e2")});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeAuditEntries(bytes.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(DecodeAuditEntries(bytes + "x").has_value());
  std::string other_version = bytes;
  other_version[0] = 4;
  EXPECT_FALSE(DecodeAuditEntries(other_version).has_value());
}

TEST(AuditEntryCodec, BodiesArePackedAndADamagedOneIsRefused) {
  model::AuditEntry e = Entry("e1");
  e.body = R"({"awsRegion":"us-east-1","eventCategory":"Management","eventName":"CreateUser"})";
  const std::string bytes = EncodeAuditEntries({e});
  EXPECT_EQ(bytes.find("eventCategory"), std::string::npos);  // not stored as it is
  auto decoded = DecodeAuditEntries(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->at(0).body, e.body);
  // The body is the last field: a damaged byte in its header (the version, then the size) is
  // refused, never decoded into something else.
  const size_t body_at = bytes.size() - PackAuditBody(e.body).size();
  std::string damaged = bytes;
  damaged[body_at] = 7;  // no dictionary has that version
  EXPECT_FALSE(DecodeAuditEntries(damaged).has_value());
  damaged = bytes;
  damaged[body_at + 1] ^= 0x04;  // the size
  EXPECT_FALSE(DecodeAuditEntries(damaged).has_value());
}

// A CreateUser's event as its commit carries it: the fields repeat text of the body.
model::AuditEntry OpenedCreateUser() {
  model::AuditEntry e;
  e.event_id = "01a24e16-498e-7000-bdd3-1b503eaf2ee8";
  e.account_id = "868825565509";
  e.time_ms = 1796606413000;
  e.event_name = "CreateUser";
  e.event_source = "iam.amazonaws.com";
  e.username = "admin";
  e.access_key_id = "AKIA5TMW2TDKX675EHQB";
  e.resources = {{"AWS::IAM::User", "load-31614-11-399"}};
  e.body = R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":")" + e.event_id +
           R"(","eventName":"CreateUser","eventSource":"iam.amazonaws.com","eventTime":)"
           R"("2026-12-07T01:20:13Z","eventType":"AwsApiCall","eventVersion":"1.09",)"
           R"("managementEvent":true,"readOnly":false,"recipientAccountId":"868825565509",)"
           R"("requestID":"2c9086dd-e367-436b-8a0c-d2ecf37c507e","requestParameters":{"userName":)"
           R"("load-31614-11-399"},"responseElements":null,"sourceIPAddress":"127.0.0.1",)"
           R"("userAgent":"","userIdentity":{"accessKeyId":"AKIA5TMW2TDKX675EHQB","accountId":)"
           R"("868825565509","arn":"arn:aws:iam::868825565509:user/admin","principalId":)"
           R"("AIDA4NHGYBBY4FRMSCPYA","type":"IAMUser","userName":"admin"}})";
  return e;
}

TEST(AuditEntryCodec, PackedWholeEntriesComeBackAsTheyWere) {
  std::vector<model::AuditEntry> entries = {Entry("e1"), OpenedCreateUser(), model::AuditEntry{}};
  entries[1].read_only = true;
  entries[1].time_ms = -5;
  auto decoded = DecodeAuditEntries(PackAuditEntries(entries));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_TRUE(Same((*decoded)[i], entries[i])) << i;
  auto none = DecodeAuditEntries(PackAuditEntries({}));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(AuditEntryCodec, PackingTheWholeFindsTheFieldsInTheBody) {
  const std::vector<model::AuditEntry> entries = {OpenedCreateUser()};
  const std::string whole = PackAuditEntries(entries);
  const std::string apart = EncodeAuditEntries(entries);
  EXPECT_LT(whole.size() * 5, apart.size() * 4) << whole.size() << " vs " << apart.size();
  EXPECT_EQ(whole.find("eventCategory"), std::string::npos);
}

TEST(AuditEntryCodec, EveryCutOfAPackedRowIsRefusedAndNoFlippedByteReadsPastIt) {
  const std::string bytes = PackAuditEntries({Entry("e1"), OpenedCreateUser()});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeAuditEntries(bytes.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(DecodeAuditEntries(bytes + "x").has_value());
  // A flipped byte is refused or read as other text, within the bytes given (the sanitizers'
  // builds check the reads).
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    (void)DecodeAuditEntries(damaged);
  }
}

TEST(AuditEntryCodec, EntriesTooLargeToPackWholeKeepTheirBodiesPackedApart) {
  model::AuditEntry e = Entry("e1");
  e.body = std::string(kMaxAuditBodyBytes, '{');
  const std::string bytes = PackAuditEntries({e});
  EXPECT_EQ(bytes.front(), EncodeAuditEntries({e}).front());
  auto decoded = DecodeAuditEntries(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(Same(decoded->at(0), e));
}

TEST(AuditEntryCodec, RowsOfTheEarlierVersionKeepTheirBodiesAsTheyAre) {
  // Version 1, one entry: event id, account, time, name, source, username, key, read-only, no
  // resources, then the body as it is (each length fits in one byte).
  std::string v1("\x01\x01", 2);
  for (const std::string field : {"e1", "111111111111"}) v1 += char(field.size()) + field;
  v1 += '\x05';
  for (const std::string field : {"GetUser", "iam.amazonaws.com", "alice", "AKIAEXAMPLE"}) {
    v1 += char(field.size()) + field;
  }
  v1 += std::string("\x01\x00", 2);
  const std::string body = R"({"eventName":"GetUser"})";
  v1 += char(body.size()) + body;
  auto decoded = DecodeAuditEntries(v1);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->at(0).event_name, "GetUser");
  EXPECT_EQ(decoded->at(0).time_ms, 5);
  EXPECT_TRUE(decoded->at(0).read_only);
  EXPECT_EQ(decoded->at(0).body, body);
}

TEST(AuditEntryCodec, HugeCountsAndLengthsAreRefusedWithoutAllocating) {
  // A count of 2^63 entries, and one entry whose first field claims 2^62 bytes.
  EXPECT_FALSE(
      DecodeAuditEntries(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10)).has_value());
  EXPECT_FALSE(DecodeAuditEntries(std::string("\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\x3f", 11))
                   .has_value());
  // A number that never ends.
  EXPECT_FALSE(DecodeAuditEntries(std::string("\x01") + std::string(20, '\x80')).has_value());
}

}  // namespace
}  // namespace gatehouse::store
