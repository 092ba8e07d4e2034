#include "core/status.h"

#include <array>

namespace gatehouse {
namespace {

constexpr ErrorInfo kOkInfo{"OK", 200, false};

constexpr std::array kErrorTable = {
#define X(name, code, http, sender) ErrorInfo{code, http, sender},
#include "core/error_codes.def"
#undef X
};

}  // namespace

const ErrorInfo& Describe(ErrorCode code) {
  if (code == ErrorCode::kOk) return kOkInfo;
  return kErrorTable[static_cast<size_t>(code) - 1];
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(info().code) + ": " + message_;
}

}  // namespace gatehouse
