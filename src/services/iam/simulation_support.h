// What the policy simulator reports about a policy beyond the decision: where each statement
// sits in the document's text (MatchedStatements' StartPosition and EndPosition) and which
// context keys the document uses (GetContextKeysFor*Policy, MissingContextValues). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/document.h"

namespace gatehouse::services::iam {

struct TextPosition {
  int line = 1;    // from 1
  int column = 1;  // from 1, in characters
};

struct StatementSpan {
  TextPosition start;
  TextPosition end;
};

// The spans of the statements of `document` (a JSON policy), in document order, placed as AWS
// places them: a statement ends just after its closing brace; the one statement of an object
// "Statement" starts just after its opening brace, and a statement of an array starts just after
// what precedes it (the "[" or the previous statement). Empty when the text is not JSON of that
// form.
std::vector<StatementSpan> StatementSpans(std::string_view document);

// Appends to `keys` the context keys `doc` uses that `keys` lacks (regardless of case), in the
// order they appear: per statement, the policy variables of Resource / NotResource
// ("${aws:username}" → "aws:username"; only in 2012-10-17 documents), then the condition keys and
// the variables of the condition values.
void AppendContextKeys(const policy::Document& doc, std::vector<std::string>& keys);

}  // namespace gatehouse::services::iam
