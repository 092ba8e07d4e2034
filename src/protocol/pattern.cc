#include "protocol/pattern.h"

#include <re2/re2.h>

#include <cstdint>
#include <utility>

namespace gatehouse::protocol {
namespace {

// Java's \s: space, tab, newline, vertical tab, form feed, carriage return. RE2's \s lacks the
// vertical tab, so the class is spelt out.
constexpr std::string_view kJavaSpace = "\\t\\n\\x0B\\f\\r ";

// RE2 has no lookaround; the model patterns that use one, in an equivalent form.
constexpr std::pair<std::string_view, std::string_view> kEquivalents[] = {
    // iam accountAliasType: lowercase letters, digits and single hyphens, neither first nor last.
    {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "^[a-z0-9](-?[a-z0-9])*$"},
    // Its newer form, which also bounds the length to 3–63 characters: the shape's own minimum
    // and maximum, which validation checks apart (so a value of the wrong length gets the
    // length error alone, where AWS may add this one).
    {"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", "^[a-z0-9](-?[a-z0-9])*$"},
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the hex digits of a \u escape starting at p[i]: four, or the five or six botocore
// writes for code points past U+FFFF (\u10000-\u10FFFF). Advances i past them.
std::optional<uint32_t> ReadCodePoint(std::string_view p, size_t& i) {
  uint32_t cp = 0;
  size_t digits = 0;
  while (i < p.size() && digits < 6 && HexValue(p[i]) >= 0) {
    cp = cp * 16 + static_cast<uint32_t>(HexValue(p[i]));
    ++i, ++digits;
  }
  if (digits < 4 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

std::string HexEscape(uint32_t cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  do {
    hex.insert(hex.begin(), kDigits[cp % 16]);
    cp /= 16;
  } while (cp != 0);
  return "\\x{" + hex + "}";
}

// Translates one backslash escape at p[i] (the backslash); advances i past it.
std::optional<std::string> TranslateEscape(std::string_view p, size_t& i, bool in_class) {
  if (i + 1 >= p.size()) return std::nullopt;  // a trailing backslash
  char next = p[i + 1];
  if (next == 'u') {
    i += 2;
    std::optional<uint32_t> cp = ReadCodePoint(p, i);
    if (!cp) return std::nullopt;
    return HexEscape(*cp);
  }
  i += 2;
  if (next == 's') {
    return in_class ? std::string(kJavaSpace) : "[" + std::string(kJavaSpace) + "]";
  }
  if (next == 'Q' || next == 'E' || next == 'G' || next == 'Z' || next == 'R' || next == 'X' ||
      next == 'k' || (next >= '1' && next <= '9')) {
    return std::nullopt;  // quoting, anchors, back references: not in RE2's dialect
  }
  // \d \w \S \p{L} \. \- … read the same in RE2.
  return std::string{'\\', next};
}

}  // namespace

std::optional<std::string> TranslatePattern(std::string_view p) {
  for (const auto& [java, equivalent] : kEquivalents) {
    if (p == java) return std::string(equivalent);
  }
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\') {
      std::optional<std::string> escape = TranslateEscape(p, i, in_class);
      if (!escape) return std::nullopt;
      out += *escape;
      continue;
    }
    if (in_class) {
      // Java's nested classes and intersections have no RE2 spelling.
      if (c == '[' || (c == '&' && i + 1 < p.size() && p[i + 1] == '&')) return std::nullopt;
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      out += c;
      ++i;
      if (i < p.size() && p[i] == '^') out += p[i++];
      continue;
    } else if (c == '(' && i + 2 < p.size() && p[i + 1] == '?' &&
               (p[i + 2] == '=' || p[i + 2] == '!' || p[i + 2] == '<')) {
      return std::nullopt;  // lookaround
    }
    out += c;
    ++i;
  }
  if (in_class) return std::nullopt;
  return out;
}

std::shared_ptr<const re2::RE2> CompilePattern(std::string_view java_pattern) {
  std::optional<std::string> translated = TranslatePattern(java_pattern);
  if (!translated) return nullptr;
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_never_capture(true);
  options.set_log_errors(false);
  auto compiled = std::make_shared<const re2::RE2>(*translated, options);
  return compiled->ok() ? compiled : nullptr;
}

bool MatchesPattern(const re2::RE2& pattern, std::string_view text) {
  return IsValidUtf8(text) && re2::RE2::FullMatch(text, pattern);
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, n = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, n = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, n = 4;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace gatehouse::protocol
