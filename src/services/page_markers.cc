#include "services/page_markers.h"

#include "core/crypto.h"
#include "services/organizations/input_errors.h"

namespace gatehouse::services {
namespace {

constexpr char kVersion = '\x01';
constexpr size_t kCheckBytes = 4;

std::string Check(std::string_view key) {
  return std::string(AsBytes(Sha256(key)).substr(0, kCheckBytes));
}

const char* MarkerMember(std::string_view service) {
  return service == "organizations" || service == "cloudtrail" ? "NextToken" : "Marker";
}

}  // namespace

std::string SealPageMarker(std::string_view key) {
  std::string raw(1, kVersion);
  raw.append(key);
  raw.append(Check(key));
  return Base64Encode(raw);
}

std::optional<std::string> OpenPageMarker(std::string_view token) {
  std::optional<std::string> raw = Base64Decode(token);
  if (!raw || raw->size() < 1 + kCheckBytes || raw->front() != kVersion) return std::nullopt;
  std::string key = raw->substr(1, raw->size() - 1 - kCheckBytes);
  if (raw->substr(raw->size() - kCheckBytes) != Check(key)) return std::nullopt;
  return key;
}

Result<std::optional<nlohmann::json>> OpenInputMarker(std::string_view service,
                                                      const nlohmann::json& input) {
  const char* member = MarkerMember(service);
  auto it = input.find(member);
  if (it == input.end() || !it->is_string()) return std::optional<nlohmann::json>();
  std::optional<std::string> key = OpenPageMarker(it->get<std::string>());
  if (!key) {
    if (service == "organizations") return organizations::InvalidInput("INVALID_NEXT_TOKEN");
    if (service == "cloudtrail") {
      return Status(ErrorCode::kInvalidNextToken, kInvalidNextTokenMessage);
    }
    return Status(ErrorCode::kValidationError, "Invalid Marker.");
  }
  std::optional<nlohmann::json> opened = input;
  (*opened)[member] = std::move(*key);
  return opened;
}

void SealOutputMarker(std::string_view service, nlohmann::json& output) {
  if (!output.is_object()) return;
  auto it = output.find(MarkerMember(service));
  if (it != output.end() && it->is_string()) *it = SealPageMarker(it->get<std::string>());
}

}  // namespace gatehouse::services
