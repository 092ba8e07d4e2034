#include "policy/validate.h"

#include <set>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/condition_operator.h"

namespace gatehouse::policy {
namespace {

Status Malformed(std::string message) {
  return Status(ErrorCode::kMalformedPolicyDocument, std::move(message));
}

bool IsResourcePolicyKind(PolicyKind kind) {
  return kind == PolicyKind::kResource || kind == PolicyKind::kTrust;
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "iam:CreateUser", "iam:*", "*": a vendor prefix, one colon.
Status CheckAction(std::string_view action) {
  if (action == "*") return Status::Ok();
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) {
    return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (action.find(':', colon + 1) != std::string_view::npos) {
    return Malformed("Actions/Condition can contain only one colon.");
  }
  std::string_view vendor = action.substr(0, colon);
  if (vendor.empty()) {
    return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  for (char c : vendor) {
    if (!IsAlnum(c) && c != '-' && c != '*' && c != '?') {
      return Malformed("Vendor " + std::string(vendor) + " is not valid");
    }
  }
  return Status::Ok();
}

Status CheckResource(std::string_view resource) {
  if (resource == "*") return Status::Ok();
  std::optional<ArnView> arn = ArnView::Parse(resource);
  if (!arn) {
    return Malformed("Resource " + std::string(resource) + " must be in ARN format or \"*\".");
  }
  return Status::Ok();
}

Status CheckPrincipal(const PrincipalBlock& block) {
  for (const PrincipalEntry& e : block.entries) {
    if (e.type != PrincipalType::kAws) {
      if (e.value.empty()) {
        return Malformed("Invalid principal in policy: \"" +
                         std::string(e.type == PrincipalType::kService     ? "SERVICE"
                                     : e.type == PrincipalType::kFederated ? "FEDERATED"
                                                                           : "CANONICAL_USER") +
                         "\":\"\"");
      }
      continue;
    }
    const std::string& v = e.value;
    if (v == "*" || IsAccountId(v)) continue;
    std::optional<ArnView> arn = ArnView::Parse(v);
    bool ok = false;
    if (arn && IsAccountId(arn->account) && arn->region.empty() &&
        v.find('*') == std::string::npos && v.find('?') == std::string::npos) {
      std::string_view r = arn->resource;
      if (arn->service == "iam") {
        ok = r == "root" || (StartsWith(r, "user/") && r.size() > 5) ||
             (StartsWith(r, "role/") && r.size() > 5);
      } else if (arn->service == "sts") {
        ok = (StartsWith(r, "assumed-role/") && r.find('/', 13) != std::string_view::npos) ||
             (StartsWith(r, "federated-user/") && r.size() > 15);
      }
    }
    if (!ok) return Malformed("Invalid principal in policy: \"AWS\":\"" + v + "\"");
  }
  return Status::Ok();
}

Status CheckConditionKey(std::string_view key) {
  size_t colon = key.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  return Status::Ok();
}

bool IsTrustAction(std::string_view action) {
  std::string lower = AsciiLower(action);
  return StartsWith(lower, "sts:assumerole") || lower == "sts:tagsession" ||
         lower == "sts:setsourceidentity" || lower == "sts:*" || lower == "*";
}

}  // namespace

Status Validate(const Document& doc, PolicyKind kind) {
  if (doc.statements.empty()) return Malformed("Syntax errors in policy.");
  std::set<std::string> sids;
  for (const Statement& st : doc.statements) {
    if (st.sid) {
      for (char c : *st.sid) {
        if (!IsAlnum(c) && kind != PolicyKind::kResource) {
          return Malformed(
              "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
              "regular expression [0-9A-Za-z]*");
        }
      }
      if (!st.sid->empty() && !sids.insert(*st.sid).second) {
        return Malformed("Statement IDs (SID) in a single policy must be unique.");
      }
    }
    const bool has_principal = st.principal || st.not_principal;
    if (IsResourcePolicyKind(kind)) {
      if (!has_principal) return Malformed("Missing required field Principal");
      if (st.principal && st.not_principal) return Malformed("Syntax errors in policy.");
      Status p = CheckPrincipal(st.principal ? *st.principal : *st.not_principal);
      if (!p.ok()) return p;
    } else if (has_principal) {
      return Malformed("Policy document should not specify a principal.");
    }
    if (st.actions.empty()) return Malformed("Policy statement must contain actions.");
    for (const std::string& a : st.actions) {
      Status s = CheckAction(a);
      if (!s.ok()) return s;
    }
    if (kind == PolicyKind::kTrust) {
      if (st.has_resource) {
        return Malformed(st.not_resource ? "Has prohibited field NotResource"
                                         : "Has prohibited field Resource");
      }
      for (const std::string& a : st.actions) {
        if (!st.not_action && !IsTrustAction(a)) {
          return Malformed("AssumeRole policy may only specify STS AssumeRole actions.");
        }
      }
    } else {
      if (!st.has_resource || st.resources.empty()) {
        return Malformed("Policy statement must contain resources.");
      }
      for (const std::string& r : st.resources) {
        Status s = CheckResource(r);
        if (!s.ok()) return s;
      }
    }
    for (const ConditionClause& c : st.conditions) {
      Status k = CheckConditionKey(c.key);
      if (!k.ok()) return k;
      if (!ParseConditionOperator(c.op)) return Malformed("Invalid Condition type : " + c.op);
    }
  }
  return Status::Ok();
}

}  // namespace gatehouse::policy
