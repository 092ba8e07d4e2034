// The STS operations, one file per group, registered together by RegisterStsOperations
// (sts_context.h).
#pragma once

#include "services/sts/sts_context.h"

namespace gatehouse::services::sts {

void RegisterAssumeRole(Dispatcher& dispatcher, StsContext& sts);
void RegisterAssumeRoot(Dispatcher& dispatcher, StsContext& sts);
void RegisterAssumeRoleWithWebIdentity(Dispatcher& dispatcher, StsContext& sts);
void RegisterAssumeRoleWithSaml(Dispatcher& dispatcher, StsContext& sts);
// GetSessionToken and GetFederationToken.
void RegisterSessionTokenOperations(Dispatcher& dispatcher, StsContext& sts);
// GetCallerIdentity, GetAccessKeyInfo and DecodeAuthorizationMessage.
void RegisterIdentityOperations(Dispatcher& dispatcher, StsContext& sts);
// GetWebIdentityToken (outbound identity federation).
void RegisterGetWebIdentityToken(Dispatcher& dispatcher, StsContext& sts);
// GetDelegatedAccessToken (temporary access delegation).
void RegisterGetDelegatedAccessToken(Dispatcher& dispatcher, StsContext& sts);

}  // namespace gatehouse::services::sts
