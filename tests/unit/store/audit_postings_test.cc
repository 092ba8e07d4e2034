// The SQLite audit log's postings (store/audit_postings.h): the packing of event numbers, the
// keys an event is listed under, and the merging of lists newest first.
#include "store/audit_postings.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {
namespace {

using audit_postings::Code;

TEST(AuditPostings, PackedNumbersComeBackAsTheyWere) {
  for (const std::vector<int64_t>& seqs : std::vector<std::vector<int64_t>>{
           {}, {1}, {5, 6, 7, 1000, 1001}, {127, 128, 16511}, {1, INT64_MAX}}) {
    EXPECT_EQ(audit_postings::Unpack(audit_postings::Pack(seqs)), seqs);
  }
  EXPECT_EQ(audit_postings::Pack({1000, 1001, 1002}).size(), 4u);  // gaps of 1: a byte each
}

TEST(AuditPostings, BytesPackDidNotWriteAreRefused) {
  EXPECT_EQ(audit_postings::Unpack("\x81"), std::nullopt);  // cut in a number
  EXPECT_EQ(audit_postings::Unpack(std::string(11, '\xff') + "\x01"), std::nullopt);
  // Past INT64_MAX.
  EXPECT_EQ(audit_postings::Unpack(audit_postings::Pack({INT64_MAX}) + "\x01"), std::nullopt);
}

TEST(AuditPostings, AnEventIsListedOnceUnderEachOfItsKeys) {
  model::AuditEntry e;
  e.account_id = "111111111111";
  e.event_name = "AttachRolePolicy";
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.access_key_id = "AKIAALICE";
  e.resources = {{"AWS::IAM::Role", "Admin"},
                 {"AWS::IAM::Role", "Admin"},
                 {"AWS::IAM::Policy", "arn:aws:iam::aws:policy/ReadOnlyAccess"}};
  const auto keys = audit_postings::KeysOf(e);
  const std::vector<std::pair<Code, std::string_view>> expected = {
      {Code::kAccount, ""},
      {Code::kEventName, "AttachRolePolicy"},
      {Code::kReadOnly, "false"},
      {Code::kUsername, "alice"},
      {Code::kResourceType, "AWS::IAM::Policy"},
      {Code::kResourceType, "AWS::IAM::Role"},
      {Code::kResourceName, "Admin"},
      {Code::kResourceName, "arn:aws:iam::aws:policy/ReadOnlyAccess"},
      {Code::kEventSource, "iam.amazonaws.com"},
      {Code::kAccessKeyId, "AKIAALICE"}};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(audit_postings::KeyOf(AuditAttribute::kEventId, "x"), std::nullopt);
  EXPECT_EQ(audit_postings::KeyOf(AuditAttribute::kNone, "ignored")->second, "");
}

TEST(AuditPostings, ListsMergeHighestFirstBelowTheBound) {
  audit_postings::NewestFirst merged(9);
  // Postings in order of their last number; the second reaches below the third.
  const std::vector<std::vector<int64_t>> postings = {{7, 8, 12}, {2, 6}, {4, 5}, {1, 3}};
  std::vector<int64_t> out;
  size_t next = 0;
  while (true) {
    while (next < postings.size() && merged.Wants(postings[next].back())) {
      merged.Add(postings[next++]);
    }
    std::optional<int64_t> seq = merged.Next();
    if (!seq) break;
    out.push_back(*seq);
  }
  EXPECT_EQ(out, (std::vector<int64_t>{8, 7, 6, 5, 4, 3, 2, 1}));
}

}  // namespace
}  // namespace gatehouse::store
