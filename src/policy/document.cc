#include "policy/document.h"

#include <array>
#include <utility>

namespace gatehouse::policy {
namespace {

constexpr std::array<std::pair<std::string_view, PolicyKind>, 7> kKindNames = {{
    {"identity", PolicyKind::kIdentity},
    {"resource", PolicyKind::kResource},
    {"trust", PolicyKind::kTrust},
    {"scp", PolicyKind::kScp},
    {"rcp", PolicyKind::kRcp},
    {"boundary", PolicyKind::kBoundary},
    {"session", PolicyKind::kSession},
}};

}  // namespace

std::optional<PolicyKind> PolicyKindFromName(std::string_view name) {
  for (const auto& [n, kind] : kKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::string_view PolicyKindName(PolicyKind kind) {
  for (const auto& [n, k] : kKindNames) {
    if (k == kind) return n;
  }
  return "";
}

}  // namespace gatehouse::policy
