#include "services/iam/tags.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/strings.h"
#include "services/iam/pagination.h"

namespace gatehouse::services::iam {

using nlohmann::json;

namespace {

// Whether two keys of the input list `changes` differ only in case, or not at all.
bool HasDuplicateKeys(const json& changes) {
  std::set<std::string> seen;
  for (const json& t : changes) {
    if (!seen.insert(AsciiLower(t.value("Key", ""))).second) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<model::Tag>> MergeTags(std::vector<model::Tag> current, const json& changes,
                                          const TagRules& rules) {
  if (HasDuplicateKeys(changes)) {
    return Status(ErrorCode::kInvalidInput,
                  rules.duplicates_note_case
                      ? "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                      : "Duplicate tag keys found.");
  }
  for (const json& t : changes) {
    std::string key = t.at("Key");
    if (StartsWith(AsciiLower(key), "aws:")) {
      return Status(ErrorCode::kInvalidInput,
                    "Tag keys starting with 'aws:' are reserved for AWS use.");
    }
    auto same = std::find_if(current.begin(), current.end(),
                             [&](const model::Tag& c) { return EqualsIgnoreCase(c.key, key); });
    model::Tag tag{key, t.value("Value", "")};
    if (same != current.end()) {
      *same = tag;  // the key takes the spelling of the latest write
    } else {
      current.push_back(tag);
    }
  }
  if (current.size() > kTagsPerEntity) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for " + std::string(rules.quota) + ": 50");
  }
  return current;
}

std::vector<model::Tag> RemoveTags(std::vector<model::Tag> current, const json& keys) {
  for (const json& key : keys) {
    if (!key.is_string()) continue;
    std::erase_if(current, [&](const model::Tag& t) {
      return EqualsIgnoreCase(t.key, key.get<std::string>());
    });
  }
  return current;
}

void ShowTags(json& out, const std::vector<model::Tag>& tags, TagsShown shown) {
  if (shown == TagsShown::kAlways || (shown == TagsShown::kWhenAny && !tags.empty())) {
    out["Tags"] = TagsJson(tags);
  }
}

json TagsJson(const std::vector<model::Tag>& tags) {
  json list = json::array();
  for (const model::Tag& t : tags) list.push_back({{"Key", t.key}, {"Value", t.value}});
  return list;
}

json ListTagsJson(const std::vector<model::Tag>& tags, const json& input) {
  // Tags keep the order they were written in; a page's marker is the position, zero-padded so
  // that positions sort as strings.
  std::vector<std::pair<std::string, const model::Tag*>> positioned;
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string position = std::to_string(i);
    positioned.emplace_back(std::string(4 - position.size(), '0') + position, &tags[i]);
  }
  json out;
  json list = json::array();
  for (const auto& [position, tag] : SlicePage(
           positioned, ReadPage(input), [](const auto& p) { return p.first; }, out)) {
    list.push_back({{"Key", tag->key}, {"Value", tag->value}});
  }
  out["Tags"] = std::move(list);
  return out;
}

}  // namespace gatehouse::services::iam
