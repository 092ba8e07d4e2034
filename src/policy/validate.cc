#include "policy/validate.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/condition_operator.h"
#include "policy/condition_values.h"
#include "policy/principal.h"

namespace gatehouse::policy {
namespace {

constexpr std::string_view kLegacyParsing = "The policy failed legacy parsing";
constexpr std::string_view kIamPathMessage =
    "IAM resource path must either be \"*\", root, or start with user/, federated-user/, role/, "
    "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, "
    "oidc-provider/, report/, access-report/.";
constexpr std::array<std::string_view, 13> kIamPathPrefixes = {"user/",
                                                               "federated-user/",
                                                               "role/",
                                                               "group/",
                                                               "instance-profile/",
                                                               "mfa/",
                                                               "server-certificate/",
                                                               "policy/",
                                                               "sms-mfa/",
                                                               "saml-provider/",
                                                               "oidc-provider/",
                                                               "report/",
                                                               "access-report/"};
constexpr std::array<std::string_view, 9> kPartitions = {"aws",       "aws-cn",    "aws-us-gov",
                                                         "aws-iso",   "aws-iso-b", "aws-iso-e",
                                                         "aws-iso-f", "aws-eusc",  "*"};

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A value split at its first five colons: up to six fields.
struct ArnFields {
  std::array<std::string_view, 6> field;
  size_t count = 0;
  std::string_view operator[](size_t i) const { return field[i]; }
  size_t size() const { return count; }
};

ArnFields SplitArn(std::string_view value) {
  ArnFields f;
  size_t pos = 0;
  while (f.count < 5) {
    size_t colon = value.find(':', pos);
    if (colon == std::string_view::npos) break;
    f.field[f.count++] = value.substr(pos, colon - pos);
    pos = colon + 1;
  }
  f.field[f.count++] = value.substr(pos);
  return f;
}

bool IsKnownPartition(std::string_view p) {
  for (std::string_view known : kPartitions) {
    if (p == known) return true;
  }
  return false;
}

// Old ARN forms the legacy parser refuses (in a known partition): too few fields around an
// empty one, or no service.
bool FailsLegacyArn(std::string_view value) {
  if (value == "*" || value.find(':') == std::string_view::npos) return false;
  ArnFields f = SplitArn(value);
  if (!IsKnownPartition(f[1])) return false;
  if (f.size() < 6 && value.find("::") != std::string_view::npos) return true;
  return f.size() >= 3 && f[2].empty();
}

// The first problem with a Resource value's form, if any.
std::optional<std::string> ResourceFormatProblem(std::string_view value) {
  if (value == "*") return std::nullopt;
  const std::string v(value);
  if (value.find(':') == std::string_view::npos) {
    return "Resource " + v + " must be in ARN format or \"*\".";
  }
  ArnFields f = SplitArn(value);
  if (!IsKnownPartition(f[1])) {
    std::string shown = "arn";
    for (size_t i = 1; i < 6; ++i) shown += ":" + std::string(i < f.size() ? f[i] : "*");
    return "Partition \"" + std::string(f[1]) + "\" is not valid for resource \"" + shown + "\".";
  }
  if (f.size() < 3) return "Resource vendor must be fully qualified and cannot contain regexes.";
  std::string_view region = f.size() > 3 ? f[3] : "";
  std::string_view resource = f.size() > 5 ? f[5] : "";
  if (f[2] == "iam") {
    if (!region.empty()) return "IAM resource " + v + " cannot contain region information.";
    bool path_ok = resource == "*" || resource == "root";
    for (std::string_view prefix : kIamPathPrefixes) path_ok |= StartsWith(resource, prefix);
    if (!path_ok) return std::string(kIamPathMessage);
  } else if (f[2] == "s3") {
    if (!region.empty() && !StartsWith(resource, "accesspoint/")) {
      return "Resource " + v + " can not contain region information.";
    }
  }
  return std::nullopt;
}

std::string_view PrincipalTypeLabel(PrincipalType type) {
  switch (type) {
    case PrincipalType::kAws:
      return "AWS";
    case PrincipalType::kService:
      return "SERVICE";
    case PrincipalType::kFederated:
      return "FEDERATED";
    case PrincipalType::kCanonicalUser:
      return "CANONICAL_USER";
  }
  return "";
}

// "*", an account id, or the ARN of a root user, user, role, role session or federated user,
// with no wildcard inside.
bool IsValidAwsPrincipal(const std::string& v) {
  if (v == "*" || IsAccountId(v)) return true;
  return v.find_first_of("*?") == std::string::npos && Principal::FromArn(v).ok();
}

bool IsValidServicePrincipal(std::string_view v) {
  for (std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"}) {
    if (v.size() > suffix.size() && v.ends_with(suffix)) return true;
  }
  return false;
}

// Principal / NotPrincipal of a resource or trust policy.
Status CheckPrincipal(const PrincipalBlock& block) {
  if (!block.wildcard && block.entries.empty()) {
    return MalformedPolicy(
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed "
        "in policy has a statement with no principals!");
  }
  for (const PrincipalEntry& e : block.entries) {
    bool ok = true;
    switch (e.type) {
      case PrincipalType::kAws:
        ok = IsValidAwsPrincipal(e.value);
        break;
      case PrincipalType::kService:
        ok = IsValidServicePrincipal(e.value);
        break;
      case PrincipalType::kFederated:
      case PrincipalType::kCanonicalUser:
        ok = !e.value.empty();
        break;
    }
    if (!ok) {
      return MalformedPolicy("Invalid principal in policy: \"" +
                             std::string(PrincipalTypeLabel(e.type)) + "\":\"" + e.value + "\"");
    }
  }
  return Status::Ok();
}

Status CheckActionFormat(std::string_view action) {
  if (action == "*") return Status::Ok();
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) {
    return MalformedPolicy(
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (action.find(':', colon + 1) != std::string_view::npos) {
    return MalformedPolicy("Actions/Condition can contain only one colon.");
  }
  std::string_view vendor = action.substr(0, colon);
  for (char c : vendor) {
    if (!IsAlnum(c) && c != '-' && c != '.' && c != '*' && c != '?') {
      return MalformedPolicy("Vendor " + std::string(vendor) + " is not valid");
    }
  }
  if (vendor.empty()) {
    return MalformedPolicy(
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  return Status::Ok();
}

Status CheckSids(const Document& doc) {
  for (const Statement& st : doc.statements) {
    if (!st.sid) continue;
    for (char c : *st.sid) {
      if (!IsAlnum(c)) {
        return MalformedPolicy(
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
            "regular expression [0-9A-Za-z]*");
      }
    }
  }
  std::vector<std::string_view> sids;
  sids.reserve(doc.statements.size());
  for (const Statement& st : doc.statements) {
    if (st.sid && !st.sid->empty()) sids.push_back(*st.sid);
  }
  std::sort(sids.begin(), sids.end());
  if (std::adjacent_find(sids.begin(), sids.end()) != sids.end()) {
    return MalformedPolicy("Statement IDs (SID) in a single policy must be unique.");
  }
  return Status::Ok();
}

// An RCP statement applies to everyone who reaches the account's resources: its Principal is
// "*", and NotPrincipal and NotAction are not part of its grammar.
Status CheckRcpStatement(const Statement& st) {
  if (st.not_principal || !st.principal || !st.principal->wildcard ||
      !st.principal->entries.empty()) {
    return MalformedPolicy("An RCP statement's Principal must be \"*\".");
  }
  if (st.not_action) return MalformedPolicy("An RCP statement cannot use NotAction.");
  return Status::Ok();
}

Status ValidateTrust(const Document& doc) {
  for (const Statement& st : doc.statements) {
    if (st.has_resource) {
      return MalformedPolicy(st.not_resource ? "Has prohibited field NotResource"
                                             : "Has prohibited field Resource");
    }
    if (st.not_principal) return MalformedPolicy("Has prohibited field NotPrincipal");
  }
  for (const Statement& st : doc.statements) {
    if (!st.effect_exact_case) return MalformedPolicy(kLegacyParsing);
  }
  for (const Statement& st : doc.statements) {
    if (!st.principal) return MalformedPolicy("Missing required field Principal");
    Status p = CheckPrincipal(*st.principal);
    if (!p.ok()) return p;
  }
  if (Status s = CheckSids(doc); !s.ok()) return s;
  for (const Statement& st : doc.statements) {
    if (st.actions.empty()) return MalformedPolicy("Policy statement must contain actions.");
  }
  for (const Statement& st : doc.statements) {
    for (const std::string& a : st.actions) {
      if (Status s = CheckActionFormat(a); !s.ok()) return s;
      if (!st.not_action && !IsRoleTrustAction(AsciiLower(a))) {
        return MalformedPolicy("AssumeRole policy may only specify STS AssumeRole actions.");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsRoleTrustAction(std::string_view a) {
  return a == "sts:assumerole" || a == "sts:assumerolewithsaml" ||
         a == "sts:assumerolewithwebidentity" || a == "sts:tagsession" ||
         a == "sts:setsourceidentity" || a == "sts:setcontext";
}

Status Validate(const Document& doc, PolicyKind kind) {
  if (kind == PolicyKind::kTrust) return ValidateTrust(doc);

  // Managed policies (boundaries, SCPs, RCPs) must use the current grammar version.
  if ((kind == PolicyKind::kBoundary || kind == PolicyKind::kScp || kind == PolicyKind::kRcp) &&
      doc.version != PolicyVersion::k2012) {
    return MalformedPolicy("Policy document must be version 2012-10-17 or greater.");
  }

  // Legacy parsing: Effect case, Date values, old ARN forms. The first resource-format problem
  // is noted on the way and reported after the presence checks, as AWS does.
  std::optional<std::string> resource_problem;
  for (const Statement& st : doc.statements) {
    if (!st.effect_exact_case) return MalformedPolicy(kLegacyParsing);
    for (const ConditionClause& c : st.conditions) {
      if (c.decoded.family != OperatorFamily::kDate) continue;
      for (const std::string& v : c.values) {
        if (!ParseDate(v)) return MalformedPolicy(kLegacyParsing);
      }
    }
    for (const std::string& r : st.resources) {
      if (!resource_problem && FailsLegacyArn(r)) return MalformedPolicy(kLegacyParsing);
      if (!resource_problem) resource_problem = ResourceFormatProblem(r);
    }
  }

  for (const Statement& st : doc.statements) {
    const bool has_principal = st.principal || st.not_principal;
    if (kind == PolicyKind::kRcp) {
      if (Status s = CheckRcpStatement(st); !s.ok()) return s;
    } else if (kind == PolicyKind::kResource) {
      if (!has_principal) return MalformedPolicy("Missing required field Principal");
      Status p = CheckPrincipal(st.principal ? *st.principal : *st.not_principal);
      if (!p.ok()) return p;
    } else if (has_principal) {
      return MalformedPolicy("Policy document should not specify a principal.");
    }
  }
  if (Status s = CheckSids(doc); !s.ok()) return s;
  for (const Statement& st : doc.statements) {
    if (st.actions.empty()) return MalformedPolicy("Policy statement must contain actions.");
  }
  for (const Statement& st : doc.statements) {
    if (!st.has_resource || st.resources.empty()) {
      return MalformedPolicy("Policy statement must contain resources.");
    }
  }
  if (resource_problem) return MalformedPolicy(*resource_problem);
  for (bool not_action : {false, true}) {
    for (const Statement& st : doc.statements) {
      if (st.not_action != not_action) continue;
      for (const std::string& a : st.actions) {
        if (Status s = CheckActionFormat(a); !s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

}  // namespace gatehouse::policy
