// ArnPattern: a Resource/NotResource entry or an Arn* condition value, matched the way IAM
// matches ARNs: each of the colon-separated fields is matched on its own, so a wildcard never
// spans a field boundary before the resource part, while '*' in the resource part (after the
// fifth colon) spans '/' and ':'. A pattern with fewer than six fields matches its last field
// against the rest of the ARN. "*" alone matches anything, ARN or not.
// Compiled into one Pattern whose wildcards in the first five fields cannot match ':'.
// Immutable after Compile; matching allocates nothing.
#pragma once

#include <string>
#include <string_view>

#include "policy/pattern.h"

namespace gatehouse::policy {

class ArnPattern {
 public:
  struct Options {
    bool variables = false;  // policy variables allowed (Version 2012-10-17)
    // Resource elements take variables only in the resource part; condition values anywhere.
    bool variables_only_in_resource_part = true;
  };

  static ArnPattern Compile(std::string_view text, Options options);

  bool Matches(std::string_view arn, const ContextKeys* context) const {
    return pattern_.Matches(arn, context);
  }

 private:
  Pattern pattern_;
};

}  // namespace gatehouse::policy
