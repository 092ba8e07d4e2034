#include "authz/operation_table.h"

#include <array>
#include <set>
#include <string>

namespace gatehouse::authz {
namespace {

constexpr std::array kOperations = {
#define X(service, operation, action, resource) \
  OperationSpec{#service, #operation, action, ResourceForm::resource},
#include "authz/operations.def"
#undef X
};

constexpr std::array kFurther = {
#define F(service, operation, member, action, resource) \
  FurtherAuthorization{#service, #operation, member, action, ResourceForm::resource},
#include "authz/further_authorizations.def"
#undef F
};

}  // namespace

const OperationSpec* FindOperationSpec(std::string_view service, std::string_view operation) {
  for (const OperationSpec& spec : kOperations) {
    if (spec.service == service && spec.operation == operation) return &spec;
  }
  return nullptr;
}

std::vector<std::string> ServedActions(std::string_view service) {
  std::set<std::string, std::less<>> actions;
  for (const OperationSpec& spec : kOperations) {
    if (spec.service == service) actions.emplace(spec.action);
  }
  return {actions.begin(), actions.end()};
}

}  // namespace gatehouse::authz

namespace gatehouse::authz {

std::vector<const FurtherAuthorization*> FindFurtherAuthorizations(std::string_view service,
                                                                   std::string_view operation) {
  std::vector<const FurtherAuthorization*> out;
  for (const FurtherAuthorization& f : kFurther) {
    if (f.service == service && f.operation == operation) out.push_back(&f);
  }
  return out;
}

}  // namespace gatehouse::authz
