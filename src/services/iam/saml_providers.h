// IAM's SAML 2.0 providers: the identity providers whose assertions AssumeRoleWithSAML and the
// console's SAML sign-in accept for an account, each named by
// arn:aws:iam::ACCOUNT:saml-provider/NAME (a trust policy's Federated principal).
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "model/federation_entities.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

// The caller's provider named by `arn` (its name regardless of case); NoSuchEntity in AWS's
// words otherwise, whatever account the ARN names.
Result<std::shared_ptr<const model::SamlProvider>> FindSamlProvider(const store::Directory& dir,
                                                                    std::string_view account,
                                                                    std::string_view arn);

void RegisterSamlProviderOperations(Dispatcher& dispatcher, IamContext& iam);

}  // namespace gatehouse::services::iam
