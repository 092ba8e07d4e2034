#include "authz/operation_table.h"

#include <array>

namespace gatehouse::authz {
namespace {

constexpr std::array kOperations = {
#define X(service, operation, action, resource) \
  OperationSpec{#service, #operation, action, ResourceForm::resource},
#include "authz/operations.def"
#undef X
};

}  // namespace

const OperationSpec* FindOperationSpec(std::string_view service, std::string_view operation) {
  for (const OperationSpec& spec : kOperations) {
    if (spec.service == service && spec.operation == operation) return &spec;
  }
  return nullptr;
}

}  // namespace gatehouse::authz
