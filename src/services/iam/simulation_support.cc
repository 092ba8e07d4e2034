#include "services/iam/simulation_support.h"

#include <algorithm>

#include "core/strings.h"

namespace gatehouse::services::iam {
namespace {

constexpr int kMaxDepth = 64;

// Reads JSON text while tracking the line and column (in characters, UTF-8 continuation bytes
// not counted; "\r\n", "\n" and "\r" each end a line) of the next character.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  TextPosition position() const { return at_; }
  char Peek() const { return i_ < text_.size() ? text_[i_] : '\0'; }

  void Next() {
    char c = text_[i_++];
    if (c == '\n' || (c == '\r' && Peek() != '\n')) {
      ++at_.line;
      at_.column = 1;
    } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++at_.column;
    }
  }

  void SkipSpace() {
    while (i_ < text_.size() &&
           (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      Next();
    }
  }

  bool Expect(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    Next();
    return true;
  }

  // A string's raw text between its quotes (escapes kept as written).
  bool ReadString(std::string* out) {
    SkipSpace();
    if (Peek() != '"') return false;
    Next();
    while (i_ < text_.size()) {
      char c = Peek();
      Next();
      if (c == '"') return true;
      if (out != nullptr) out->push_back(c);
      if (c == '\\') {
        if (i_ >= text_.size()) return false;
        if (out != nullptr) out->push_back(Peek());
        Next();
      }
    }
    return false;
  }

  bool SkipValue(int depth = 0) {
    SkipSpace();
    if (depth > kMaxDepth) return false;
    const char c = Peek();
    if (c == '"') return ReadString(nullptr);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      Next();
      SkipSpace();
      if (Peek() == close) {
        Next();
        return true;
      }
      while (true) {
        if (c == '{' && (!ReadString(nullptr) || !Expect(':'))) return false;
        if (!SkipValue(depth + 1)) return false;
        SkipSpace();
        if (Peek() == ',') {
          Next();
          continue;
        }
        return Expect(close);
      }
    }
    const size_t start = i_;
    while (i_ < text_.size() &&
           std::string_view(",}] \t\r\n").find(Peek()) == std::string_view::npos) {
      Next();
    }
    return i_ > start;
  }

 private:
  std::string_view text_;
  size_t i_ = 0;
  TextPosition at_;
};

bool ReadStatements(Scanner& s, std::vector<StatementSpan>& spans) {
  s.SkipSpace();
  if (s.Peek() == '{') {
    TextPosition start = s.position();
    ++start.column;  // just after the brace
    if (!s.SkipValue()) return false;
    spans.push_back({start, s.position()});
    return true;
  }
  if (!s.Expect('[')) return false;
  TextPosition after = s.position();
  s.SkipSpace();
  if (s.Peek() == ']') {
    s.Next();
    return true;
  }
  while (true) {
    s.SkipSpace();
    if (s.Peek() != '{' || !s.SkipValue()) return false;
    spans.push_back({after, s.position()});
    after = s.position();
    s.SkipSpace();
    if (s.Peek() == ',') {
      s.Next();
      continue;
    }
    return s.Expect(']');
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void AddKey(std::string_view key, std::vector<std::string>& keys) {
  if (std::none_of(keys.begin(), keys.end(),
                   [&](const std::string& k) { return EqualsIgnoreCase(k, key); })) {
    keys.emplace_back(key);
  }
}

// The keys of the policy variables in `text`: "${aws:username}", "${aws:PrincipalTag/x, 'y'}".
// "${*}", "${?}" and "${$}" stand for characters, not keys.
void AddVariables(std::string_view text, std::vector<std::string>& keys) {
  size_t at = 0;
  while ((at = text.find("${", at)) != std::string_view::npos) {
    size_t close = text.find('}', at + 2);
    if (close == std::string_view::npos) return;
    std::string_view inner = text.substr(at + 2, close - at - 2);
    inner = Trim(inner.substr(0, inner.find(',')));
    if (inner.find(':') != std::string_view::npos) AddKey(inner, keys);
    at = close + 1;
  }
}

}  // namespace

std::vector<StatementSpan> StatementSpans(std::string_view document) {
  Scanner s(document);
  std::vector<StatementSpan> spans;
  if (!s.Expect('{')) return {};
  s.SkipSpace();
  if (s.Peek() == '}') return {};
  while (true) {
    std::string key;
    if (!s.ReadString(&key) || !s.Expect(':')) return {};
    if (key == "Statement" ? !ReadStatements(s, spans) : !s.SkipValue()) return {};
    s.SkipSpace();
    if (s.Peek() == ',') {
      s.Next();
      continue;
    }
    return s.Expect('}') ? spans : std::vector<StatementSpan>{};
  }
}

void AppendContextKeys(const policy::Document& doc, std::vector<std::string>& keys) {
  const bool variables = doc.version == policy::PolicyVersion::k2012;
  for (const policy::Statement& st : doc.statements) {
    if (variables) {
      for (const std::string& r : st.resources) AddVariables(r, keys);
    }
    for (const policy::ConditionClause& c : st.conditions) {
      AddKey(c.key, keys);
      if (!variables) continue;
      for (const std::string& v : c.values) AddVariables(v, keys);
    }
  }
}

}  // namespace gatehouse::services::iam
