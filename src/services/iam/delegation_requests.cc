// iam: the delegation requests of temporary access delegation (CreateDelegationRequest and the
// operations on a request) and GetHumanReadableSummary, which summarizes one. AWS opens
// CreateDelegationRequest only to partners it has onboarded, and hands the exchange token of an
// accepted request to the partner through the partner's SNS topic. gatehouse onboards no
// partners and has no SNS, so no delegation request can exist here: creating one is refused
// (after the caller's authorization, like any operation), every operation naming a request
// answers NoSuchEntity as for a request that does not exist, and the list is empty. The README
// ("IAM operations answered as AWS answers a caller it has not onboarded") says so.
#include "core/arn.h"
#include "services/iam/handler_table.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Status NoSuchDelegationRequest(const std::string& id) {
  return Status(ErrorCode::kNoSuchEntity,
                "The delegation request with id " + id + " cannot be found.");
}

Result<json> Create(IamContext&, const OperationContext&) {
  return Status(ErrorCode::kAccessDenied,
                "Delegation requests can be created only by partners onboarded for temporary "
                "access delegation, and this server onboards none.");
}

// Get, Accept, Associate, Reject, Update and SendDelegationToken: each names a request.
Result<json> OnRequest(IamContext&, const OperationContext& c) {
  return NoSuchDelegationRequest(c.input.at("DelegationRequestId").get<std::string>());
}

// The model spells this list's flag isTruncated, unlike every other IAM list.
Result<json> List(IamContext&, const OperationContext&) {
  return json{{"DelegationRequests", json::array()}, {"isTruncated", false}};
}

// A delegation request's ARN (arn:aws:iam::ACCOUNT:delegation-request/ID) is one that does not
// exist; any other entity is one the operation does not summarize.
Result<json> Summary(IamContext&, const OperationContext& c) {
  const std::string arn = c.input.at("EntityArn").get<std::string>();
  std::optional<ArnView> view = ArnView::Parse(arn);
  constexpr std::string_view kType = "delegation-request/";
  if (!view || view->service != "iam" || !view->resource.starts_with(kType)) {
    return Status(ErrorCode::kInvalidInput, "The entity " + arn +
                                                " cannot be summarized: only delegation-request "
                                                "entities are supported.");
  }
  return NoSuchDelegationRequest(std::string(view->resource.substr(kType.size())));
}

}  // namespace

void RegisterDelegationRequestOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"CreateDelegationRequest", Create},    {"GetDelegationRequest", OnRequest},
      {"AcceptDelegationRequest", OnRequest}, {"AssociateDelegationRequest", OnRequest},
      {"RejectDelegationRequest", OnRequest}, {"UpdateDelegationRequest", OnRequest},
      {"SendDelegationToken", OnRequest},     {"ListDelegationRequests", List},
      {"GetHumanReadableSummary", Summary},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
