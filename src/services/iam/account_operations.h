// The account-level IAM operations kept in files of their own, registered by
// RegisterAccountOperations (account.cc).
#pragma once

#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

// GetAccountAuthorizationDetails (authorization_details.cc).
void RegisterAuthorizationDetailsOperation(Dispatcher& dispatcher, IamContext& iam);
// GenerateCredentialReport, GetCredentialReport (credential_report.cc).
void RegisterCredentialReportOperations(Dispatcher& dispatcher, IamContext& iam);

}  // namespace gatehouse::services::iam
