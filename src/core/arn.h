// Amazon Resource Names: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. The resource part keeps
// every colon and slash after the fifth colon. Parsing is a pure view split: an Arn borrows from
// the text it was parsed from, so that text must outlive it.
#pragma once

#include <optional>
#include <string_view>

namespace gatehouse {

struct ArnView {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;  // everything after the fifth colon

  // "arn:aws:iam::123456789012:user/alice" → fields; nullopt unless it starts with "arn:" and
  // has at least five colons.
  static std::optional<ArnView> Parse(std::string_view text);

  // For resource "role/path/Name" with type "role": "Name" (the last slash-separated part).
  std::string_view ResourceName() const;
  // For resource "role/path/Name": "role".
  std::string_view ResourceType() const;
};

// A 12-digit AWS account id.
bool IsAccountId(std::string_view s);

}  // namespace gatehouse
