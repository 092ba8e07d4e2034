#include "app/store_digest.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/record_codec.h"

namespace gatehouse::app {
namespace {

store::StoreData Sample() {
  store::StoreData data;
  data.accounts = {{"111111111111", "one", "one@example.com", 1},
                   {"222222222222", "two", "two@example.com", 2}};
  data.roots = {{"111111111111", "one@example.com", "$argon2id$x"}};
  data.users = {{"111111111111", "alice", "/", "AIDAALICE", 3, {{"team", "blue"}, {"cost", "7"}}}};
  data.access_keys = {{"AKIAONE", "111111111111", "alice", std::string("\0sealed\xff", 8),
                       model::AccessKeyStatus::kActive, 4}};
  model::Group group{"111111111111", "ops", "/", "AGPAOPS", 5};
  data.records = {{"group", group.Key(), store::EncodeRecord(group)}};
  return data;
}

int64_t CountOf(const StoreDigest& digest, const std::string& kind) {
  for (const auto& [k, n] : digest.counts) {
    if (k == kind) return n;
  }
  ADD_FAILURE() << "no kind " << kind;
  return -1;
}

TEST(StoreDigestTest, CountsEveryKindAndTheTotal) {
  Result<StoreDigest> digest = DigestStoreData(Sample());
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(CountOf(*digest, "account"), 2);
  EXPECT_EQ(CountOf(*digest, "root_user"), 1);
  EXPECT_EQ(CountOf(*digest, "user"), 1);
  EXPECT_EQ(CountOf(*digest, "access_key"), 1);
  EXPECT_EQ(CountOf(*digest, "group"), 1);
  EXPECT_EQ(CountOf(*digest, "role"), 0);  // every kind is listed, empty ones too
  EXPECT_EQ(digest->total, 6);
  EXPECT_EQ(digest->sha256.size(), 64u);
  EXPECT_EQ(DescribeDigest(*digest).find("0 role"), std::string::npos);
  EXPECT_NE(DescribeDigest(*digest).find("2 account, "), std::string::npos);
}

TEST(StoreDigestTest, TheOrderARowsAreListedInDoesNotCount) {
  store::StoreData reordered = Sample();
  std::reverse(reordered.accounts.begin(), reordered.accounts.end());
  EXPECT_EQ(DigestStoreData(reordered)->sha256, DigestStoreData(Sample())->sha256);
}

TEST(StoreDigestTest, AnyChangedFieldChangesTheChecksum) {
  const std::string original = DigestStoreData(Sample())->sha256;
  std::vector<store::StoreData> changed(5, Sample());
  changed[0].accounts[1].email = "Two@example.com";
  changed[1].users[0].tags[1].value = "8";
  std::swap(changed[2].users[0].tags[0], changed[2].users[0].tags[1]);  // tags keep their order
  changed[3].access_keys[0].sealed_secret.back() = '\xfe';
  changed[4].access_keys[0].status = model::AccessKeyStatus::kInactive;
  for (const store::StoreData& data : changed) {
    EXPECT_NE(DigestStoreData(data)->sha256, original);
  }
  // Fields are length-prefixed: moving a character from one field to the next is a change.
  store::StoreData shifted = Sample();
  shifted.roots[0].account_id = "11111111111";
  shifted.roots[0].email = "1one@example.com";
  EXPECT_NE(DigestStoreData(shifted)->sha256, original);
}

TEST(StoreDigestTest, ARecordCountsInItsCanonicalForm) {
  // The same group written by another encoder: fields in another order, a default left out.
  store::StoreData data = Sample();
  data.records[0].body =
      R"({"id":"AGPAOPS","created_ms":5,"name":"ops","account_id":"111111111111"})";
  EXPECT_EQ(DigestStoreData(data)->sha256, DigestStoreData(Sample())->sha256);
  data.records[0].body =
      R"({"id":"AGPAOPS","created_ms":6,"name":"ops","account_id":"111111111111"})";
  EXPECT_NE(DigestStoreData(data)->sha256, DigestStoreData(Sample())->sha256);
}

TEST(StoreDigestTest, ARecordOfAnUnknownKindOrAForeignKeyIsAnError) {
  store::StoreData data = Sample();
  data.records.push_back({"from_the_future", "k", "{}"});
  Result<StoreDigest> digest = DigestStoreData(data);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(digest.status().message().find("from_the_future"), std::string::npos);

  data = Sample();
  data.records[0].key = "222222222222/ops";  // not the body's own key
  EXPECT_FALSE(DigestStoreData(data).ok());
}

}  // namespace
}  // namespace gatehouse::app
