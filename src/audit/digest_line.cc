#include "audit/digest_line.h"

#include <nlohmann/json.hpp>

namespace gatehouse::audit {
namespace {

constexpr size_t kMaxDigestLine = 1024;  // a real one is under 200 bytes

bool IsDigest(const nlohmann::json& value) {
  if (!value.is_string()) return false;
  const std::string& s = value.get_ref<const std::string&>();
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Far beyond any file, and far enough below INT64_MAX that "the line after" never overflows.
constexpr uint64_t kMaxLineNumber = uint64_t{1} << 53;

bool IsLineNumber(const nlohmann::json& value) {
  return value.is_number_unsigned() && value.get<uint64_t>() >= 1 &&
         value.get<uint64_t>() <= kMaxLineNumber;
}

Status NotADigest(std::string why) {
  return Status(ErrorCode::kInvalidParameterValue, "not a digest record: " + std::move(why));
}

}  // namespace

std::string FormatDigestLine(const model::AuditDigest& digest) {
  nlohmann::ordered_json line;
  line["firstLine"] = digest.first_seq;
  line["lastLine"] = digest.last_seq;
  line["previous"] = digest.previous;
  line["digest"] = digest.digest;
  if (!digest.signature.empty()) line["signature"] = digest.signature;
  return line.dump();
}

Result<model::AuditDigest> ParseDigestLine(std::string_view line) {
  if (line.size() > kMaxDigestLine) return NotADigest("too long");
  nlohmann::json value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return NotADigest("not a JSON object");
  const bool signed_line = value.contains("signature");
  if (value.size() != (signed_line ? 5u : 4u)) {
    return NotADigest("not exactly firstLine, lastLine, previous, digest (and signature)");
  }
  if (signed_line && (!value["signature"].is_string() ||
                      value["signature"].get_ref<const std::string&>().size() > 128)) {
    return NotADigest("signature is not a signature");
  }
  for (const char* key : {"firstLine", "lastLine"}) {
    if (!value.contains(key) || !IsLineNumber(value[key])) {
      return NotADigest(std::string(key) + " is not a line number");
    }
  }
  for (const char* key : {"previous", "digest"}) {
    if (!value.contains(key) || !IsDigest(value[key])) {
      return NotADigest(std::string(key) + " is not 64 lowercase hex digits");
    }
  }
  return model::AuditDigest{value["firstLine"].get<int64_t>(), value["lastLine"].get<int64_t>(),
                            value["previous"].get<std::string>(),
                            value["digest"].get<std::string>(),
                            signed_line ? value["signature"].get<std::string>() : ""};
}

}  // namespace gatehouse::audit
