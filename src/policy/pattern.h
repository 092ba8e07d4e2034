// Pattern: one compiled piece of policy text that is matched against request values: an action
// pattern, a part of a resource ARN, a string condition value. It is a list of tokens — literal
// runs, the wildcards '*' (any run, '/' and ':' included) and '?' (any one character), and
// policy variables ${key} / ${key, 'default'} that are looked up in the request at match time.
// Substituted values and the escapes ${*} ${?} ${$} are literal text, never wildcards.
//
// Matching allocates nothing. Immutable after Compile; safe to share across threads.
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
  };

  Pattern() = default;
  static Pattern Compile(std::string_view text, Options options);

  // True when `subject` matches. A variable missing from `context` (with no default) makes the
  // pattern match nothing. `context` may be null when the pattern has no variables.
  bool Matches(std::string_view subject, const ContextKeys* context) const;

  bool has_variables() const { return variable_count_ > 0; }
  bool has_wildcards() const { return has_wildcards_; }
  bool is_match_all() const { return tokens_.size() == 1 && tokens_[0].kind == Token::kStar; }
  // The pattern's text when it is one literal run (no wildcard, no variable).
  std::optional<std::string_view> literal() const;

 private:
  struct Token {
    enum Kind : uint8_t { kLiteral, kStar, kQuestion, kVariable };
    Kind kind;
    std::string text;  // literal text, or the lowercased variable key
    std::optional<std::string> fallback;  // a variable's default value
    uint8_t slot = 0;  // a variable's index among the pattern's variables
  };

  void AddLiteral(std::string_view text);

  std::vector<Token> tokens_;
  uint8_t variable_count_ = 0;
  bool has_wildcards_ = false;
  bool fold_case_ = false;
};

}  // namespace gatehouse::policy
