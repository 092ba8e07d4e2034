// Pattern: one compiled piece of policy text that is matched against request values: an action
// pattern, a resource ARN, a string condition value. It is a list of tokens — literal runs, the
// wildcards '*' (any run) and '?' (any one character), and policy variables ${key} /
// ${key, 'default'} that are looked up in the request at match time. Substituted values and the
// escapes ${*} ${?} ${$} are literal text, never wildcards. A wildcard may be "bounded": it then
// never matches ':' (ArnPattern uses this to keep wildcards inside one ARN field).
//
// All text lives in one string and tokens are offsets into it, so a pattern costs two
// allocations at most. Matching allocates nothing. Immutable after Compile; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"

namespace gatehouse::policy {

class Pattern {
 public:
  struct Options {
    bool wildcards = true;   // '*' and '?' are wildcards (else literal)
    bool variables = false;  // ${…} is a policy variable (else literal); Version 2012-10-17 only
    bool fold_case = false;  // compare ASCII case-insensitively
    bool bounded = false;    // wildcards do not match ':'
  };

  Pattern() = default;
  static Pattern Compile(std::string_view text, Options options);

  // Appends `text` compiled with `options` to this pattern (the fold_case of the first
  // Compile applies throughout).
  void Append(std::string_view text, Options options);
  // Empties the pattern, keeping its buffers for Append.
  void Clear() {
    text_.clear();
    tokens_.clear();
    variable_count_ = 0;
  }

  // True when `subject` matches. A variable missing from `context` (with no default) makes the
  // pattern match nothing. `context` may be null when the pattern has no variables.
  bool Matches(std::string_view subject, const ContextKeys* context) const;

 private:
  struct Token {
    enum Kind : uint8_t { kLiteral, kStar, kQuestion, kVariable };
    Kind kind;
    bool bounded = false;       // wildcards: never match ':'
    bool has_fallback = false;  // variables: a default value follows the key in text_
    uint8_t slot = 0;           // variables: index among the pattern's variables
    uint32_t offset = 0;        // literal text, or the lowercased variable key, in text_
    uint32_t length = 0;
    uint32_t fallback_offset = 0;
    uint32_t fallback_length = 0;
  };

  void AddLiteral(std::string_view text);
  void AddWildcard(Token::Kind kind, bool bounded);
  std::string_view View(uint32_t offset, uint32_t length) const {
    return std::string_view(text_).substr(offset, length);
  }

  std::string text_;
  std::vector<Token> tokens_;
  uint8_t variable_count_ = 0;
  bool fold_case_ = false;
};

}  // namespace gatehouse::policy
