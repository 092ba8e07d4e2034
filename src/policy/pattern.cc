#include "policy/pattern.h"

#include <array>

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void Pattern::AddLiteral(std::string_view text) {
  if (text.empty()) return;
  // Text is appended in order, so a literal run that follows another simply extends it.
  if (tokens_.empty() || tokens_.back().kind != Token::kLiteral ||
      tokens_.back().offset + tokens_.back().length != text_.size()) {
    Token t{Token::kLiteral};
    t.offset = static_cast<uint32_t>(text_.size());
    tokens_.push_back(t);
  }
  const size_t start = text_.size();
  text_.append(text);
  if (fold_case_) {
    for (size_t i = start; i < text_.size(); ++i) text_[i] = AsciiLower(text_[i]);
  }
  tokens_.back().length += static_cast<uint32_t>(text.size());
}

void Pattern::AddWildcard(Token::Kind kind, bool bounded) {
  Token t{kind};
  t.bounded = bounded;
  tokens_.push_back(t);
}

Pattern Pattern::Compile(std::string_view text, Options options) {
  Pattern p;
  p.fold_case_ = options.fold_case;
  p.text_.reserve(text.size());
  size_t wildcards = 0;
  for (char c : text) wildcards += c == '*' || c == '?' || c == '$';
  p.tokens_.reserve(1 + 2 * wildcards);
  p.Append(text, options);
  return p;
}

void Pattern::Append(std::string_view text, Options options) {
  size_t run_start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) { AddLiteral(text.substr(run_start, end - run_start)); };
  while (i < text.size()) {
    char c = text[i];
    if (options.wildcards && (c == '*' || c == '?')) {
      flush(i);
      AddWildcard(c == '*' ? Token::kStar : Token::kQuestion, options.bounded);
      run_start = ++i;
      continue;
    }
    if (options.variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos && variable_count_ < 255) {
        std::string_view inner = Trim(text.substr(i + 2, close - i - 2));
        flush(i);
        if (inner == "*" || inner == "?" || inner == "$") {
          AddLiteral(inner);
        } else {
          size_t comma = inner.find(',');
          std::string_view key = Trim(inner.substr(0, comma));
          Token var{Token::kVariable};
          var.slot = variable_count_++;
          var.offset = static_cast<uint32_t>(text_.size());
          var.length = static_cast<uint32_t>(key.size());
          text_ += AsciiLower(key);
          if (comma != std::string_view::npos) {
            std::string_view fallback = Trim(inner.substr(comma + 1));
            if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
              fallback = fallback.substr(1, fallback.size() - 2);
            }
            var.has_fallback = true;
            var.fallback_offset = static_cast<uint32_t>(text_.size());
            var.fallback_length = static_cast<uint32_t>(fallback.size());
            text_ += fallback;
          }
          tokens_.push_back(var);
        }
        run_start = i = close + 1;
        continue;
      }
    }
    ++i;
  }
  flush(text.size());
}

bool Pattern::Matches(std::string_view subject, const ContextKeys* context) const {
  // Fast paths for the common shapes: "iam:GetUser" and "iam:Get*".
  if (variable_count_ == 0 && !tokens_.empty() && tokens_[0].kind == Token::kLiteral) {
    std::string_view head = View(tokens_[0].offset, tokens_[0].length);
    auto same_text = [&](std::string_view a, std::string_view b) {
      return fold_case_ ? EqualsIgnoreCase(a, b) : a == b;
    };
    if (tokens_.size() == 1) return same_text(head, subject);
    if (tokens_.size() == 2 && tokens_[1].kind == Token::kStar && !tokens_[1].bounded) {
      return subject.size() >= head.size() && same_text(head, subject.substr(0, head.size()));
    }
  }
  std::array<std::string_view, 16> inline_values;
  std::vector<std::string_view> many_values;
  std::string_view* values = inline_values.data();
  if (variable_count_ > inline_values.size()) {
    many_values.resize(variable_count_);
    values = many_values.data();
  }
  if (variable_count_ > 0) {
    for (const Token& t : tokens_) {
      if (t.kind != Token::kVariable) continue;
      std::optional<std::string_view> v;
      if (context != nullptr) v = context->Single(View(t.offset, t.length));
      if (!v && t.has_fallback) v = View(t.fallback_offset, t.fallback_length);
      if (!v) return false;
      values[t.slot] = *v;
    }
  }

  const size_t n = tokens_.size();
  auto text_of = [&](size_t tok) -> std::string_view {
    const Token& t = tokens_[tok];
    return t.kind == Token::kVariable ? values[t.slot] : View(t.offset, t.length);
  };
  struct Pos {
    size_t tok;
    size_t off;
  };
  // Skips exhausted (or empty) text tokens.
  auto normalize = [&](Pos p) {
    while (p.tok < n &&
           (tokens_[p.tok].kind == Token::kLiteral || tokens_[p.tok].kind == Token::kVariable) &&
           p.off >= text_of(p.tok).size()) {
      ++p.tok;
      p.off = 0;
    }
    return p;
  };
  auto same = [&](char a, char b) { return fold_case_ ? AsciiLower(a) == AsciiLower(b) : a == b; };

  // Greedy matching with one backtrack point: the most recent '*'.
  Pos p = normalize({0, 0});
  size_t s = 0;
  bool have_star = false;
  Pos star{0, 0};
  size_t star_s = 0;
  while (s < subject.size()) {
    if (p.tok < n) {
      const Token& t = tokens_[p.tok];
      if (t.kind == Token::kStar) {
        have_star = true;
        star = p;
        star_s = s;
        p = normalize({p.tok + 1, 0});
        continue;
      }
      if (t.kind == Token::kQuestion) {
        if (!(t.bounded && subject[s] == ':')) {
          p = normalize({p.tok + 1, 0});
          ++s;
          continue;
        }
      } else if (same(text_of(p.tok)[p.off], subject[s])) {
        p = normalize({p.tok, p.off + 1});
        ++s;
        continue;
      }
    }
    // Let the last '*' absorb one more character, unless it is bounded and that is a ':'.
    if (!have_star || (tokens_[star.tok].bounded && subject[star_s] == ':')) return false;
    p = normalize({star.tok + 1, 0});
    s = ++star_s;
  }
  while (p.tok < n && tokens_[p.tok].kind == Token::kStar) p = normalize({p.tok + 1, 0});
  return p.tok == n;
}

}  // namespace gatehouse::policy
