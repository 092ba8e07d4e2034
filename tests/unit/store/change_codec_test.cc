// The change feed's encoding of writes: every kind of write reads back as written, and what is
// not a list of known writes is refused, never half-read.
#include "store/change_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace gatehouse::store {
namespace {

TEST(ChangeCodecTest, EveryKindOfWriteReadsBackAsWritten) {
  model::MfaDevice device;
  device.account_id = "111111111111";
  device.name = "phone";
  device.sealed_seed = "00ff";
  model::ManagedPolicy policy;
  policy.account_id = "111111111111";
  policy.name = "P";
  policy.versions = {{"v1", "{}", 5}};
  std::vector<Write> writes = {
      InsertAccount{{"111111111111", "a", "a@example.com", 1}},
      InsertRootUser{{"111111111111", "a@example.com", "hash"}},
      InsertUser{{"111111111111", "alice", "/", "AIDA1", 2, {{"k", "v"}}}},
      DeleteUser{"111111111111", "bob"},
      UpdateUser{"111111111111", "alice", "Alicia", "/x/"},
      SetUserTags{"111111111111", "alice", {{"a", "b"}, {"c", ""}}},
      InsertAccessKey{{"AKIA1", "111111111111", "alice", std::string("\0\x01\xfe", 3),
                       model::AccessKeyStatus::kInactive, 4}},
      DeleteAccessKey{"AKIA2"},
      SetAccessKeyStatus{"AKIA1", model::AccessKeyStatus::kActive},
      InsertRootResetToken{{"abcd", "111111111111", 6}},
      ResetRootPassword{"abcd", "111111111111", "newhash"},
      SetAccessKeyLastUsed{{"AKIA1", 7, "iam", "us-east-1"}},
      PutUserPolicy{{"111111111111", "alice", "inline", "{\"Version\":\"2012-10-17\"}"}},
      DeleteUserPolicy{"111111111111", "alice", "inline"},
      AttachUserPolicy{{"111111111111", "alice", "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
      DetachUserPolicy{{"111111111111", "alice", "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
      Put<model::MfaDevice>{device, /*create=*/true},
      Put<model::ManagedPolicy>{policy},
      Erase<model::MfaDevice>::Of(device),
  };
  std::string text = EncodeWrites(writes);
  auto decoded = DecodeWrites(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    EXPECT_EQ((*decoded)[i].get().index(), writes[i].get().index()) << i;
  }
  EXPECT_EQ(EncodeWrites(*decoded), text);
  const auto& key = std::get<InsertAccessKey>((*decoded)[6].get()).key;
  EXPECT_EQ(key.sealed_secret, std::string("\0\x01\xfe", 3));
  EXPECT_EQ(key.status, model::AccessKeyStatus::kInactive);
  EXPECT_TRUE(std::get<Put<model::MfaDevice>>((*decoded)[16].get()).create);
  EXPECT_EQ(std::get<Put<model::ManagedPolicy>>((*decoded)[17].get()).value.versions.size(), 1u);
}

// Each alternative of Write has its own op name, so none decodes as another.
TEST(ChangeCodecTest, OpNamesAreDistinct) {
  std::set<std::string> ops;
  auto add = [&](auto w) {
    auto j = nlohmann::json::parse(EncodeWrites({Write(std::move(w))}));
    ops.insert(j[0]["op"].get<std::string>());
  };
  add(InsertAccount{});
  add(DeleteUser{});
  add(Put<model::Role>{});
  add(Erase<model::Role>{});
  add(Put<model::Group>{});
  add(Erase<model::Group>{});
  EXPECT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops.count(""), 0u);
}

// Text JSON cannot hold never throws inside a commit: the change is kept without its writes,
// and its readers reload instead.
TEST(ChangeCodecTest, TextThatIsNotUtf8MakesAChangeWithoutWrites) {
  std::string text = EncodeWrites({SetUserTags{"111111111111", "alice", {{"k", "\xff\xfe"}}}});
  EXPECT_EQ(text, "");
  EXPECT_FALSE(ReadChange(8, text).writes.has_value());
}

TEST(ChangeCodecTest, RefusesWhatIsNotAListOfKnownWrites) {
  for (const char* text :
       {"", "{}", "[1]", "[{\"op\":\"drop_table\",\"v\":{}}]", "[{\"op\":\"put/role\"}]",
        "[{\"op\":\"put/role\",\"v\":{}}]", "[{\"op\":\"insert_user\",\"v\":{\"user\":7}}]",
        "[{\"op\":3,\"v\":{}}]"}) {
    auto decoded = DecodeWrites(text);
    EXPECT_FALSE(decoded.ok()) << text;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), ErrorCode::kServiceFailure);
    }
  }
  Change change = ReadChange(5, std::string("not json"));
  EXPECT_EQ(change.sequence, 5);
  EXPECT_FALSE(change.writes.has_value());
  EXPECT_FALSE(ReadChange(6, std::nullopt).writes.has_value());
  EXPECT_TRUE(ReadChange(7, std::string("[]")).writes.has_value());
}

}  // namespace
}  // namespace gatehouse::store
