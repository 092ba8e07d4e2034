// What the operations on an IAM entity kept as one store record share (OpenID Connect and SAML
// providers): a change committed only if the record is still as read, and the Tag*, Untag* and
// List*Tags operations of a record with a `tags` member.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {

// The operation's record (from its input), or the error that it has none.
template <typename Record>
using RecordFinder = Result<std::shared_ptr<const Record>> (*)(const IamContext&,
                                                               const OperationContext&);

// `record` with `change` (Status(Record&)) applied, committed if it is still as read.
template <typename Record, typename Change>
Result<nlohmann::json> UpdateRecord(IamContext& iam, const Record& record, Change change) {
  Record updated = record;
  RETURN_IF_ERROR(change(updated));
  RETURN_IF_ERROR(iam.state.Commit(
      {.writes = {store::Put<Record>{updated}}, .preconditions = {store::Unchanged(record)}}));
  return nlohmann::json::object();
}

// `record` deleted, if it is still as read.
template <typename Record>
Result<nlohmann::json> EraseRecord(IamContext& iam, const Record& record) {
  RETURN_IF_ERROR(iam.state.Commit(
      {.writes = {store::Erase<Record>::Of(record)}, .preconditions = {store::Unchanged(record)}}));
  return nlohmann::json::object();
}

template <typename Record>
Result<nlohmann::json> TagRecord(IamContext& iam, const OperationContext& c,
                                 RecordFinder<Record> find, const TagRules& rules) {
  ASSIGN_OR_RETURN(auto record, find(iam, c));
  ASSIGN_OR_RETURN(std::vector<model::Tag> tags,
                   MergeTags(record->tags, c.input.at("Tags"), rules));
  return UpdateRecord(iam, *record, [&](Record& r) {
    r.tags = tags;
    return Status::Ok();
  });
}

template <typename Record>
Result<nlohmann::json> UntagRecord(IamContext& iam, const OperationContext& c,
                                   RecordFinder<Record> find) {
  ASSIGN_OR_RETURN(auto record, find(iam, c));
  return UpdateRecord(iam, *record, [&](Record& r) {
    r.tags = RemoveTags(r.tags, c.input.at("TagKeys"));
    return Status::Ok();
  });
}

template <typename Record>
Result<nlohmann::json> ListRecordTags(IamContext& iam, const OperationContext& c,
                                      RecordFinder<Record> find) {
  ASSIGN_OR_RETURN(auto record, find(iam, c));
  return ListTagsJson(record->tags, c.input);
}

}  // namespace gatehouse::services::iam
