#include "policy/parse.h"

#include <simdjson.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "policy/condition_operator.h"
#include "policy/validate.h"

namespace gatehouse::policy {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Status SyntaxError() { return MalformedPolicy(kSyntaxErrors); }

// Accessors for an element already known to be of the type asked for.
bool IsString(element e) { return e.type() == element_type::STRING; }
std::string_view View(element e) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}
std::string Str(element e) { return std::string(View(e)); }
array AsArray(element e) {
  array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}
object AsObject(element e) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}

// A string or an array of strings.
bool ReadStrings(element value, std::vector<std::string>& out) {
  if (IsString(value)) {
    out.push_back(Str(value));
    return true;
  }
  if (value.type() != element_type::ARRAY) return false;
  for (element v : AsArray(value)) {
    if (!IsString(v)) return false;
    out.push_back(Str(v));
  }
  return true;
}

// The JSON text of a scalar condition value: strings as they are, numbers and booleans as
// written in JSON.
bool ScalarText(element v, std::string& out) {
  switch (v.type()) {
    case element_type::STRING:
      out = Str(v);
      return true;
    case element_type::BOOL:
      out = v.get_bool().value_unsafe() ? "true" : "false";
      return true;
    case element_type::INT64:
      out = std::to_string(v.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      out = std::to_string(v.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE: {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.get_double().value_unsafe());
      if (ec != std::errc()) return false;
      out.assign(buf, end);
      return true;
    }
    default:
      return false;
  }
}

bool ReadConditionValue(element value, std::vector<std::string>& out) {
  std::string text;
  if (value.type() != element_type::ARRAY) {
    if (!ScalarText(value, text)) return false;
    out.push_back(std::move(text));
    return true;
  }
  for (element v : AsArray(value)) {
    if (!ScalarText(v, text)) return false;
    out.push_back(std::move(text));
  }
  return true;
}

bool ReadPrincipal(element value, PrincipalBlock& out) {
  if (IsString(value)) {
    if (View(value) != "*") return false;
    out.wildcard = true;
    return true;
  }
  if (value.type() != element_type::OBJECT) return false;
  for (auto field : AsObject(value)) {
    PrincipalType t;
    if (field.key == "AWS") {
      t = PrincipalType::kAws;
    } else if (field.key == "Service") {
      t = PrincipalType::kService;
    } else if (field.key == "Federated") {
      t = PrincipalType::kFederated;
    } else if (field.key == "CanonicalUser") {
      t = PrincipalType::kCanonicalUser;
    } else {
      return false;
    }
    std::vector<std::string> list;
    if (!ReadStrings(field.value, list)) return false;
    for (std::string& v : list) out.entries.push_back({t, std::move(v)});
  }
  return true;
}

std::optional<Statement> ReadStatement(element s) {
  if (s.type() != element_type::OBJECT) return std::nullopt;
  Statement st;
  bool has_effect = false;
  bool has_action = false;
  for (auto field : AsObject(s)) {
    std::string_view key = field.key;
    element value = field.value;
    if (key == "Sid") {
      if (!IsString(value)) return std::nullopt;
      st.sid = Str(value);
    } else if (key == "Effect") {
      if (!IsString(value)) return std::nullopt;
      // The grammar takes any case; the legacy check in Validate then insists on "Allow"/"Deny".
      std::string_view e = View(value);
      if (EqualsIgnoreCase(e, "Allow")) {
        st.effect = Effect::kAllow;
      } else if (EqualsIgnoreCase(e, "Deny")) {
        st.effect = Effect::kDeny;
      } else {
        return std::nullopt;
      }
      st.effect_exact_case = e == "Allow" || e == "Deny";
      has_effect = true;
    } else if (key == "Principal" || key == "NotPrincipal") {
      PrincipalBlock block;
      if (!ReadPrincipal(value, block)) return std::nullopt;
      (key == "Principal" ? st.principal : st.not_principal) = std::move(block);
    } else if (key == "Action" || key == "NotAction") {
      if (has_action || !ReadStrings(value, st.actions)) return std::nullopt;
      has_action = true;
      st.not_action = key == "NotAction";
    } else if (key == "Resource" || key == "NotResource") {
      if (st.has_resource || !ReadStrings(value, st.resources)) return std::nullopt;
      st.has_resource = true;
      st.not_resource = key == "NotResource";
    } else if (key == "Condition") {
      if (value.type() != element_type::OBJECT) return std::nullopt;
      for (auto op : AsObject(value)) {
        if (op.value.type() != element_type::OBJECT) return std::nullopt;
        // AWS ignores an unknown operator whose block is empty, and rejects it otherwise.
        std::optional<ConditionOperator> decoded = ParseConditionOperator(op.key);
        if (!decoded) {
          if (AsObject(op.value).size() != 0) return std::nullopt;
          continue;
        }
        for (auto cond : AsObject(op.value)) {
          ConditionClause clause{std::string(op.key), *decoded, std::string(cond.key), {}};
          if (!ReadConditionValue(cond.value, clause.values)) return std::nullopt;
          st.conditions.push_back(std::move(clause));
        }
      }
    } else {
      return std::nullopt;
    }
  }
  if (!has_effect || (st.principal && st.not_principal)) return std::nullopt;
  return st;
}

// The grammar: JSON, then the shape of every element. Kind rules come after, in Validate.
Result<Document> ParseGrammar(std::string_view text, PolicyKind kind) {
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.type() != element_type::OBJECT) {
    // The trust-policy parser words this its own way.
    return kind == PolicyKind::kTrust ? MalformedPolicy(kInvalidJson) : SyntaxError();
  }
  Document doc;
  bool has_statement = false;
  for (auto field : AsObject(root)) {
    std::string_view key = field.key;
    element value = field.value;
    if (key == "Version") {
      if (!IsString(value)) return SyntaxError();
      std::string_view v = View(value);
      if (v == "2012-10-17") {
        doc.version = PolicyVersion::k2012;
      } else if (v == "2008-10-17") {
        doc.version = PolicyVersion::k2008;
      } else {
        return SyntaxError();
      }
    } else if (key == "Id") {
      if (!IsString(value)) return SyntaxError();
      doc.id = Str(value);
    } else if (key == "Statement") {
      if (has_statement) return SyntaxError();
      has_statement = true;
      if (value.type() == element_type::OBJECT) {
        auto st = ReadStatement(value);
        if (!st) return SyntaxError();
        doc.statements.push_back(std::move(*st));
      } else if (value.type() == element_type::ARRAY) {
        if (AsArray(value).size() == 0) return SyntaxError();
        for (element s : AsArray(value)) {
          auto st = ReadStatement(s);
          if (!st) return SyntaxError();
          doc.statements.push_back(std::move(*st));
        }
      } else {
        return SyntaxError();
      }
    } else {
      return SyntaxError();
    }
  }
  if (!has_statement) return SyntaxError();
  return doc;
}

}  // namespace

Result<Document> ParsePolicy(std::string_view text, PolicyKind kind) {
  Result<Document> doc = ParseGrammar(text, kind);
  Status status = doc.ok() ? Validate(*doc, kind) : doc.status();
  if (status.ok()) return doc;
  // AWS Organizations answers every malformed SCP or RCP with one message.
  if (kind == PolicyKind::kScp || kind == PolicyKind::kRcp) {
    return MalformedPolicy(kScpRequirements);
  }
  return status;
}

Result<Document> ParsePolicyJson(const nlohmann::json& json, PolicyKind kind) {
  return ParsePolicy(json.dump(), kind);
}

}  // namespace gatehouse::policy
