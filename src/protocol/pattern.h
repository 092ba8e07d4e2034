// Model patterns: botocore's service models constrain strings with Java regular expressions
// (\uXXXX escapes, \p{L} categories, Java's \s, the odd lookahead). They are matched with RE2,
// whose automata run in time linear in the input and use no stack per character, so a value of
// any length (up to the body limit) is checked without the risk a backtracking engine carries.
// Pure functions; a compiled pattern is immutable and safe to share across threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace gatehouse::protocol {

// The RE2 (UTF-8 mode) equivalent of a botocore pattern, or nullopt when it has no faithful
// translation. Patterns with a lookahead RE2 cannot express come from a table of equivalent
// forms.
std::optional<std::string> TranslatePattern(std::string_view java_pattern);

// Compiles a botocore pattern; null when it has no translation or RE2 refuses it.
std::shared_ptr<const re2::RE2> CompilePattern(std::string_view java_pattern);

// Whether the whole of `text` matches `pattern` (a CompilePattern result), as Java's
// Matcher.matches() decides. Text that is not well-formed UTF-8 never matches.
bool MatchesPattern(const re2::RE2& pattern, std::string_view text);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace gatehouse::protocol
