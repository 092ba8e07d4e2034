// Principal: who makes a request, as policy evaluation sees it — the kind of identity, its
// account and the ARNs by which a policy may name it. Built from a principal ARN.
// PrincipalMatcher: a compiled Principal / NotPrincipal element, answering whether (and how
// directly) it names a principal. Both immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/document.h"

namespace gatehouse::policy {

// kWebIdentity: a caller of AssumeRoleWithWebIdentity or AssumeRoleWithSAML, named by the IAM
// identity provider that vouched for it (arn:P:iam::A:oidc-provider/URL or :saml-provider/NAME).
// It has no policies of its own: only a trust policy's Federated principal names it.
enum class PrincipalKind { kRoot, kUser, kRole, kAssumedRole, kFederatedUser, kWebIdentity };

struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string arn;       // as given
  std::string account;   // 12 digits
  std::string name;      // user name, role name, or federated user name ("" for root)
  std::string session;   // role session name (assumed roles)
  std::string role_arn;  // roles and assumed roles: arn:aws:iam::A:role/[path/]NAME
  std::string partition;
  // A role under the reserved path /aws-service-role/ (only CreateServiceLinkedRole makes one),
  // or a session of one. Never inferred from a name: a session's ARN carries no path, so it is
  // service-linked only once SetRoleArn gives the role's ARN as its session recorded it.
  bool service_linked = false;

  // Accepts arn:P:iam::A:root, arn:P:iam::A:user/[path/]N, arn:P:iam::A:role/[path/]N,
  // arn:P:sts::A:assumed-role/R/S, arn:P:sts::A:federated-user/N, and the identity providers
  // arn:P:iam::A:oidc-provider/URL and arn:P:iam::A:saml-provider/N (kWebIdentity).
  static Result<Principal> FromArn(std::string_view arn);

  // For a role session: the role's ARN with its path (from the session, never the caller's
  // input), which also decides service_linked.
  void SetRoleArn(std::string arn);

  // The value of aws:PrincipalType: Account, User, AssumedRole, FederatedUser, WebIdentityUser
  // or SAMLUser.
  std::string_view TypeName() const;
  // The value of aws:PrincipalArn (for a role session: the role's ARN).
  const std::string& PrincipalArn() const;
};

// How a Principal element names the requester; stronger grants compare greater. AWS treats a
// resource-policy grant differently depending on whether it names the account, the role, or the
// requesting user / session itself.
enum class Grant { kNone, kAccount, kRoleArn, kDirect };

class PrincipalMatcher {
 public:
  static PrincipalMatcher Compile(const PrincipalBlock& block);

  // The strongest way this element names `p`.
  Grant Match(const Principal& p) const;
  // For NotPrincipal: true when the element lists every identity `p` acts as (its account, and
  // the user, the role and the session, or the federated user), so that `p` is excluded.
  bool Excludes(const Principal& p) const;

 private:
  bool NamesAccount(const Principal& p) const;
  bool NamesRole(const Principal& p) const;
  bool NamesArn(std::string_view arn) const;
  bool NamesProvider(const Principal& p) const;

  bool any_ = false;
  std::vector<std::string> accounts_;
  std::vector<std::string> arns_;
  std::vector<std::string> federated_;  // the Federated entries: identity providers
};

}  // namespace gatehouse::policy
