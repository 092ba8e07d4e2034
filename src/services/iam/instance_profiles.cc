// iam: (operations to come).
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

void RegisterInstanceProfileOperations(Dispatcher&, IamContext&) {}

}  // namespace gatehouse::services::iam
