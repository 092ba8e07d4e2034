// Request: one authorization question — who (Principal) wants to do what (action) to which
// resource, with which condition keys. Build it once per request with MakeRequest, which fills
// in the global condition keys that follow from the principal; the evaluator only reads it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "policy/context.h"
#include "policy/principal.h"

namespace gatehouse::policy {

struct Request {
  Principal principal;
  std::string action;            // lowercased, "sts:assumerole"
  std::string service;           // the action's prefix, "sts"
  std::string resource;          // an ARN, or "*"
  std::string resource_account;  // "" when the resource belongs to no account
  ContextKeys context;
};

// What a request knows about its principal beyond the ARN.
struct PrincipalAttributes {
  std::map<std::string, std::string> tags;
  std::optional<bool> mfa;  // aws:MultiFactorAuthPresent, present only for temporary credentials
  std::optional<int64_t> mfa_age_seconds;
  std::optional<std::string> user_id;  // AIDA…/AROA… unique id
  std::optional<std::string> source_identity;
  // The organization of the principal's account (aws:PrincipalOrgID) and the account's path in
  // it, "o-…/r-…/ou-…/" (aws:PrincipalOrgPaths); empty outside any organization.
  std::string org_id;
  std::string org_path;
};

// Builds a request. `context` holds the keys the caller knows; the global keys that follow
// from the principal and the resource (aws:PrincipalArn, aws:PrincipalAccount, aws:username,
// aws:userid, aws:PrincipalType, aws:PrincipalTag/*, aws:MultiFactorAuthPresent/Age,
// aws:SourceIdentity, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceAccount,
// aws:CurrentTime, aws:EpochTime) are added unless `context` already gives them. `now_epoch_ms` is
// the request time.
Request MakeRequest(Principal principal, const PrincipalAttributes& attributes,
                    std::string_view action, std::string_view resource,
                    std::string_view resource_account, ContextKeys context, int64_t now_epoch_ms);

}  // namespace gatehouse::policy
