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
  std::string lit = fold_case_ ? AsciiLower(text) : std::string(text);
  if (!tokens_.empty() && tokens_.back().kind == Token::kLiteral) {
    tokens_.back().text += lit;
  } else {
    tokens_.push_back(Token{Token::kLiteral, std::move(lit), std::nullopt, 0});
  }
}

Pattern Pattern::Compile(std::string_view text, Options options) {
  Pattern p;
  p.fold_case_ = options.fold_case;
  size_t run_start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) { p.AddLiteral(text.substr(run_start, end - run_start)); };
  while (i < text.size()) {
    char c = text[i];
    if (options.wildcards && (c == '*' || c == '?')) {
      flush(i);
      p.tokens_.push_back(
          Token{c == '*' ? Token::kStar : Token::kQuestion, std::string(), std::nullopt, 0});
      p.has_wildcards_ = true;
      run_start = ++i;
      continue;
    }
    if (options.variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view inner = Trim(text.substr(i + 2, close - i - 2));
        flush(i);
        if (inner == "*" || inner == "?" || inner == "$") {
          p.AddLiteral(inner);
        } else {
          Token var{Token::kVariable, std::string(), std::nullopt, p.variable_count_};
          size_t comma = inner.find(',');
          std::string_view key = Trim(inner.substr(0, comma));
          if (comma != std::string_view::npos) {
            std::string_view fallback = Trim(inner.substr(comma + 1));
            if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
              fallback = fallback.substr(1, fallback.size() - 2);
            }
            var.fallback = std::string(fallback);
          }
          var.text = AsciiLower(key);
          if (p.variable_count_ == 255) {
            // More variables than any policy size allows; keep the text literal.
            p.AddLiteral(text.substr(i, close + 1 - i));
          } else {
            ++p.variable_count_;
            p.tokens_.push_back(std::move(var));
          }
        }
        run_start = i = close + 1;
        continue;
      }
    }
    ++i;
  }
  flush(text.size());
  return p;
}

std::optional<std::string_view> Pattern::literal() const {
  if (tokens_.empty()) return std::string_view();
  if (tokens_.size() == 1 && tokens_[0].kind == Token::kLiteral) return tokens_[0].text;
  return std::nullopt;
}

bool Pattern::Matches(std::string_view subject, const ContextKeys* context) const {
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
      if (context != nullptr) v = context->Single(t.text);
      if (!v && t.fallback) v = *t.fallback;
      if (!v) return false;
      values[t.slot] = *v;
    }
  }

  const size_t n = tokens_.size();
  struct Pos {
    size_t tok;
    size_t off;
  };
  auto text_of = [&](size_t tok) -> std::string_view {
    const Token& t = tokens_[tok];
    return t.kind == Token::kVariable ? values[t.slot] : std::string_view(t.text);
  };
  auto is_text = [&](size_t tok) {
    return tokens_[tok].kind == Token::kLiteral || tokens_[tok].kind == Token::kVariable;
  };
  auto normalize = [&](Pos p) {
    while (p.tok < n && is_text(p.tok) && p.off >= text_of(p.tok).size()) {
      ++p.tok;
      p.off = 0;
    }
    return p;
  };
  auto same = [&](char a, char b) {
    return fold_case_ ? AsciiLower(a) == AsciiLower(b) : a == b;
  };

  Pos p = normalize({0, 0});
  size_t s = 0;
  bool have_star = false;
  Pos star{0, 0};
  size_t star_s = 0;
  while (s < subject.size()) {
    if (p.tok < n) {
      Token::Kind kind = tokens_[p.tok].kind;
      if (kind == Token::kStar) {
        have_star = true;
        star = p;
        star_s = s;
        p = normalize({p.tok + 1, 0});
        continue;
      }
      if (kind == Token::kQuestion) {
        p = normalize({p.tok + 1, 0});
        ++s;
        continue;
      }
      if (same(text_of(p.tok)[p.off], subject[s])) {
        p = normalize({p.tok, p.off + 1});
        ++s;
        continue;
      }
    }
    if (!have_star) return false;
    p = normalize({star.tok + 1, 0});
    s = ++star_s;
  }
  while (p.tok < n && tokens_[p.tok].kind == Token::kStar) p = normalize({p.tok + 1, 0});
  return p.tok == n;
}

}  // namespace gatehouse::policy
