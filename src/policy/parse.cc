#include "policy/parse.h"

#include <nlohmann/json.hpp>

#include "policy/validate.h"

namespace gatehouse::policy {
namespace {

using nlohmann::json;

Status SyntaxError() {
  return Status(ErrorCode::kMalformedPolicyDocument, "Syntax errors in policy.");
}

// A string or a non-empty array of strings.
bool ReadStrings(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return true;
  }
  if (!value.is_array()) return false;
  for (const json& v : value) {
    if (!v.is_string()) return false;
    out.push_back(v.get<std::string>());
  }
  return true;
}

// Condition values: strings, numbers and booleans, alone or in an array.
bool ReadConditionValue(const json& value, std::vector<std::string>& out) {
  auto scalar = [&](const json& v) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    } else if (v.is_boolean()) {
      out.push_back(v.get<bool>() ? "true" : "false");
    } else if (v.is_number()) {
      out.push_back(v.dump());
    } else {
      return false;
    }
    return true;
  };
  if (!value.is_array()) return scalar(value);
  for (const json& v : value) {
    if (!scalar(v)) return false;
  }
  return true;
}

bool ReadPrincipal(const json& value, PrincipalBlock& out) {
  if (value.is_string()) {
    if (value.get<std::string>() != "*") return false;
    out.wildcard = true;
    return true;
  }
  if (!value.is_object()) return false;
  for (const auto& [type, values] : value.items()) {
    PrincipalType t;
    if (type == "AWS") {
      t = PrincipalType::kAws;
    } else if (type == "Service") {
      t = PrincipalType::kService;
    } else if (type == "Federated") {
      t = PrincipalType::kFederated;
    } else if (type == "CanonicalUser") {
      t = PrincipalType::kCanonicalUser;
    } else {
      return false;
    }
    std::vector<std::string> list;
    if (!ReadStrings(values, list)) return false;
    for (std::string& v : list) out.entries.push_back({t, std::move(v)});
  }
  return true;
}

std::optional<Statement> ReadStatement(const json& s) {
  if (!s.is_object()) return std::nullopt;
  Statement st;
  bool has_effect = false;
  for (const auto& [key, value] : s.items()) {
    if (key == "Sid") {
      if (!value.is_string()) return std::nullopt;
      st.sid = value.get<std::string>();
    } else if (key == "Effect") {
      if (!value.is_string()) return std::nullopt;
      const std::string& e = value.get_ref<const std::string&>();
      if (e == "Allow") {
        st.effect = Effect::kAllow;
      } else if (e == "Deny") {
        st.effect = Effect::kDeny;
      } else {
        return std::nullopt;
      }
      has_effect = true;
    } else if (key == "Principal" || key == "NotPrincipal") {
      PrincipalBlock block;
      if (!ReadPrincipal(value, block)) return std::nullopt;
      (key == "Principal" ? st.principal : st.not_principal) = std::move(block);
    } else if (key == "Action" || key == "NotAction") {
      if (!st.actions.empty() || !ReadStrings(value, st.actions)) return std::nullopt;
      st.not_action = key == "NotAction";
    } else if (key == "Resource" || key == "NotResource") {
      if (st.has_resource || !ReadStrings(value, st.resources)) return std::nullopt;
      st.has_resource = true;
      st.not_resource = key == "NotResource";
    } else if (key == "Condition") {
      if (!value.is_object()) return std::nullopt;
      for (const auto& [op, block] : value.items()) {
        if (!block.is_object()) return std::nullopt;
        for (const auto& [cond_key, cond_value] : block.items()) {
          ConditionClause clause{op, cond_key, {}};
          if (!ReadConditionValue(cond_value, clause.values)) return std::nullopt;
          st.conditions.push_back(std::move(clause));
        }
      }
    } else {
      return std::nullopt;
    }
  }
  if (!has_effect) return std::nullopt;
  return st;
}

}  // namespace

Result<Document> ParsePolicyJson(const json& root, PolicyKind kind) {
  if (!root.is_object()) return SyntaxError();
  Document doc;
  bool has_statement = false;
  for (const auto& [key, value] : root.items()) {
    if (key == "Version") {
      if (!value.is_string()) return SyntaxError();
      const std::string& v = value.get_ref<const std::string&>();
      if (v == "2012-10-17") {
        doc.version = PolicyVersion::k2012;
      } else if (v == "2008-10-17") {
        doc.version = PolicyVersion::k2008;
      } else {
        return Status(ErrorCode::kMalformedPolicyDocument,
                      "Policy document must be version 2012-10-17 or greater.");
      }
    } else if (key == "Id") {
      if (!value.is_string()) return SyntaxError();
      doc.id = value.get<std::string>();
    } else if (key == "Statement") {
      has_statement = true;
      if (value.is_object()) {
        auto st = ReadStatement(value);
        if (!st) return SyntaxError();
        doc.statements.push_back(std::move(*st));
      } else if (value.is_array()) {
        for (const json& s : value) {
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
  Status valid = Validate(doc, kind);
  if (!valid.ok()) return valid;
  return doc;
}

Result<Document> ParsePolicy(std::string_view text, PolicyKind kind) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return SyntaxError();
  return ParsePolicyJson(root, kind);
}

}  // namespace gatehouse::policy
