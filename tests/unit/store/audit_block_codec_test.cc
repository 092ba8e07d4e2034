// A block of read-only events, encoded and read back: every field comes back as it was, the
// bodies are JSON lines, and a block whose parts disagree is refused, never read past its end.
#include "store/audit_block_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::store {
namespace {

model::AuditEntry Read(int i) {
  model::AuditEntry e;
  e.event_id = "0190a4c2-0000-7000-8000-" + std::string(12 - std::to_string(i).size(), '0') +
               std::to_string(i);
  e.account_id = "111111111111";
  e.time_ms = 1764979200000 + i;
  e.event_name = "GetCallerIdentity";
  e.event_source = "sts.amazonaws.com";
  e.username = i % 2 == 0 ? "alice" : "";
  e.access_key_id = "AKIAEXAMPLE";
  e.read_only = true;
  if (i % 3 == 0) e.resources = {{"AWS::IAM::Role", "r" + std::to_string(i)}};
  e.body = i == 4 ? "" : "{\"eventID\":\"" + e.event_id + "\",\"text\":\"\\n\xc3\xa9\"}";
  return e;
}

std::vector<const model::AuditEntry*> Pointers(const std::vector<model::AuditEntry>& events) {
  std::vector<const model::AuditEntry*> out;
  for (const model::AuditEntry& e : events) out.push_back(&e);
  return out;
}

TEST(AuditBlockCodec, EventsComeBackAsTheyWereAndBodiesAreLines) {
  std::vector<model::AuditEntry> events;
  for (int i = 1; i <= 7; ++i) events.push_back(Read(i));
  const AuditBlock block = EncodeAuditBlock(Pointers(events));
  EXPECT_EQ(block.bodies, events[0].body + "\n" + events[1].body + "\n" + events[2].body + "\n" +
                              "\n" + events[4].body + "\n" + events[5].body + "\n" +
                              events[6].body);
  auto decoded = DecodeAuditBlock(block.fields, block.bodies, events.size());
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->events.size(), events.size());
  ASSERT_EQ(decoded->bodies.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const model::AuditEntry &a = events[i], &b = decoded->events[i];
    EXPECT_EQ(a.event_id, b.event_id);
    EXPECT_EQ(a.account_id, b.account_id);
    EXPECT_EQ(a.time_ms, b.time_ms);
    EXPECT_EQ(a.event_name, b.event_name);
    EXPECT_EQ(a.event_source, b.event_source);
    EXPECT_EQ(a.username, b.username);
    EXPECT_EQ(a.access_key_id, b.access_key_id);
    EXPECT_EQ(a.read_only, b.read_only);
    EXPECT_EQ(a.resources, b.resources);
    EXPECT_TRUE(b.body.empty());  // the body is a view into the bodies given
    EXPECT_EQ(a.body, decoded->bodies[i]);
  }
}

TEST(AuditBlockCodec, ReadsAndFinalCompletionsWithoutANewlineAreBlockable) {
  model::AuditEntry e = Read(1);
  EXPECT_TRUE(Blockable(e, false));
  e.read_only = false;  // a write may be completed later: it stays a row
  EXPECT_FALSE(Blockable(e, false));
  EXPECT_TRUE(Blockable(e, true));  // unless it is the completion, appended once
  e = Read(1);
  e.body += "\n";
  EXPECT_FALSE(Blockable(e, false));
  EXPECT_FALSE(Blockable(e, true));
}

TEST(AuditBlockCodec, PartsThatDisagreeAreRefused) {
  std::vector<model::AuditEntry> events = {Read(1), Read(2), Read(3)};
  const AuditBlock block = EncodeAuditBlock(Pointers(events));
  ASSERT_TRUE(DecodeAuditBlock(block.fields, block.bodies, 3).has_value());
  EXPECT_FALSE(DecodeAuditBlock(block.fields, block.bodies, 2).has_value());
  EXPECT_FALSE(DecodeAuditBlock(block.fields, block.bodies, 4).has_value());
  EXPECT_FALSE(DecodeAuditBlock(block.fields, block.bodies, 0).has_value());
  EXPECT_FALSE(DecodeAuditBlock(block.fields, block.bodies + "\n", 3).has_value());
  EXPECT_FALSE(DecodeAuditBlock(block.fields, block.bodies + "\n{}", 3).has_value());
  const std::string two_lines = block.bodies.substr(0, block.bodies.rfind('\n'));
  EXPECT_FALSE(DecodeAuditBlock(block.fields, two_lines, 3).has_value());
  EXPECT_FALSE(DecodeAuditBlock("", "", 0).has_value());
  // Every cut of the fields, and every byte changed, is refused or read within its bounds.
  for (size_t n = 0; n < block.fields.size(); ++n) {
    EXPECT_FALSE(DecodeAuditBlock(block.fields.substr(0, n), block.bodies, 3).has_value()) << n;
    std::string changed = block.fields;
    changed[n] = static_cast<char>(changed[n] ^ 0xff);
    (void)DecodeAuditBlock(changed, block.bodies, 3);
  }
}

}  // namespace
}  // namespace gatehouse::store
