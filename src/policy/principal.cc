#include "policy/principal.h"

#include <algorithm>

#include "core/arn.h"
#include "core/strings.h"

namespace gatehouse::policy {
namespace {

Status BadPrincipal(std::string_view arn) {
  return Status(ErrorCode::kInvalidInput,
                "Principal ARN " + std::string(arn) +
                    " must be arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME, "
                    "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or :federated-user/NAME");
}

std::string_view After(std::string_view s, std::string_view prefix) {
  return s.substr(prefix.size());
}

// "role/aws-service-role/…": the path IAM reserves for service-linked roles.
bool IsServiceLinkedRolePath(std::string_view resource) {
  return StartsWith(resource, "role/aws-service-role/");
}

}  // namespace

Result<Principal> Principal::FromArn(std::string_view text) {
  std::optional<ArnView> arn = ArnView::Parse(text);
  if (!arn || !IsAccountId(arn->account) || !arn->region.empty() || arn->partition.empty()) {
    return BadPrincipal(text);
  }
  Principal p;
  p.arn = std::string(text);
  p.account = std::string(arn->account);
  p.partition = std::string(arn->partition);
  std::string_view res = arn->resource;
  if (arn->service == "iam") {
    if (res == "root") {
      p.kind = PrincipalKind::kRoot;
      return p;
    }
    if (StartsWith(res, "user/") && res.size() > 5 && res.back() != '/') {
      p.kind = PrincipalKind::kUser;
      p.name = std::string(arn->ResourceName());
      return p;
    }
    if (StartsWith(res, "role/") && res.size() > 5 && res.back() != '/') {
      p.kind = PrincipalKind::kRole;
      p.name = std::string(arn->ResourceName());
      p.role_arn = p.arn;
      p.service_linked = IsServiceLinkedRolePath(res);
      return p;
    }
    for (std::string_view type : {"oidc-provider/", "saml-provider/"}) {
      if (StartsWith(res, type) && res.size() > type.size()) {
        p.kind = PrincipalKind::kWebIdentity;
        p.name = std::string(After(res, type));
        return p;
      }
    }
  } else if (arn->service == "sts") {
    if (StartsWith(res, "assumed-role/")) {
      std::string_view rest = After(res, "assumed-role/");
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
          rest.find('/', slash + 1) != std::string_view::npos) {
        return BadPrincipal(text);
      }
      p.kind = PrincipalKind::kAssumedRole;
      p.name = std::string(rest.substr(0, slash));
      p.session = std::string(rest.substr(slash + 1));
      p.role_arn = "arn:" + p.partition + ":iam::" + p.account + ":role/" + p.name;
      return p;
    }
    if (StartsWith(res, "federated-user/") && res.size() > 15) {
      p.kind = PrincipalKind::kFederatedUser;
      p.name = std::string(After(res, "federated-user/"));
      return p;
    }
  }
  return BadPrincipal(text);
}

void Principal::SetRoleArn(std::string role) {
  if (kind != PrincipalKind::kRole && kind != PrincipalKind::kAssumedRole) return;
  std::optional<ArnView> view = ArnView::Parse(role);
  service_linked = view && view->service == "iam" && IsServiceLinkedRolePath(view->resource);
  role_arn = std::move(role);
}

std::string_view Principal::TypeName() const {
  switch (kind) {
    case PrincipalKind::kRoot:
      return "Account";
    case PrincipalKind::kUser:
      return "User";
    case PrincipalKind::kRole:
    case PrincipalKind::kAssumedRole:
      return "AssumedRole";
    case PrincipalKind::kFederatedUser:
      return "FederatedUser";
    case PrincipalKind::kWebIdentity:
      return arn.find(":saml-provider/") != std::string::npos ? "SAMLUser" : "WebIdentityUser";
  }
  return "";
}

const std::string& Principal::PrincipalArn() const {
  return kind == PrincipalKind::kAssumedRole ? role_arn : arn;
}

PrincipalMatcher PrincipalMatcher::Compile(const PrincipalBlock& block) {
  PrincipalMatcher m;
  m.any_ = block.wildcard;
  for (const PrincipalEntry& e : block.entries) {
    if (e.type == PrincipalType::kFederated) {
      m.federated_.push_back(e.value);
      continue;
    }
    if (e.type != PrincipalType::kAws) continue;  // service principals are not IAM's
    if (e.value == "*") {
      m.any_ = true;
    } else if (IsAccountId(e.value)) {
      m.accounts_.push_back(e.value);
    } else if (auto arn = ArnView::Parse(e.value);
               arn && arn->service == "iam" && arn->resource == "root") {
      m.accounts_.push_back(std::string(arn->account));
    } else {
      m.arns_.push_back(e.value);
    }
  }
  return m;
}

bool PrincipalMatcher::NamesAccount(const Principal& p) const {
  return std::find(accounts_.begin(), accounts_.end(), p.account) != accounts_.end();
}

bool PrincipalMatcher::NamesArn(std::string_view arn) const {
  return std::find(arns_.begin(), arns_.end(), arn) != arns_.end();
}

bool PrincipalMatcher::NamesRole(const Principal& p) const {
  if (p.kind != PrincipalKind::kRole && p.kind != PrincipalKind::kAssumedRole) return false;
  for (const std::string& entry : arns_) {
    std::optional<ArnView> arn = ArnView::Parse(entry);
    if (arn && arn->service == "iam" && arn->account == p.account &&
        arn->ResourceType() == "role" && arn->ResourceName() == p.name) {
      return true;
    }
  }
  return false;
}

bool PrincipalMatcher::NamesProvider(const Principal& p) const {
  return p.kind == PrincipalKind::kWebIdentity &&
         std::find(federated_.begin(), federated_.end(), p.arn) != federated_.end();
}

// A web identity is named only as the Federated provider that vouched for it (or by "*"):
// never through the account of its provider, nor as an AWS principal.
Grant PrincipalMatcher::Match(const Principal& p) const {
  if (any_) return Grant::kDirect;
  if (p.kind == PrincipalKind::kWebIdentity) {
    return NamesProvider(p) ? Grant::kDirect : Grant::kNone;
  }
  if (p.kind != PrincipalKind::kRole && NamesArn(p.arn)) return Grant::kDirect;
  if (NamesRole(p)) return Grant::kRoleArn;
  if (NamesAccount(p)) return Grant::kAccount;
  return Grant::kNone;
}

bool PrincipalMatcher::Excludes(const Principal& p) const {
  if (any_) return true;
  if (p.kind == PrincipalKind::kWebIdentity) return NamesProvider(p);
  if (!NamesAccount(p)) return false;
  switch (p.kind) {
    case PrincipalKind::kRoot:
      return true;
    case PrincipalKind::kUser:
    case PrincipalKind::kFederatedUser:
      return NamesArn(p.arn);
    case PrincipalKind::kRole:
      return NamesRole(p);
    case PrincipalKind::kAssumedRole:
      return NamesRole(p) && NamesArn(p.arn);
    case PrincipalKind::kWebIdentity:
      return false;  // decided above
  }
  return false;
}

}  // namespace gatehouse::policy
