#include "store/audit_entry_codec.h"

#include <cstdint>
#include <utility>

#include "store/audit_body_codec.h"
#include "store/varint.h"

namespace gatehouse::store {
namespace {

// Version 1 kept bodies as they are; version 2 packs them (store/audit_body_codec.h). Rows of
// version 1 may wait in the feed of a database an earlier version wrote.
constexpr char kVersionPlainBodies = 1;
constexpr char kVersion = 2;

void PutText(std::string& out, std::string_view text) {
  PutVarint(out, text.size());
  out.append(text);
}

// Reads what PutVarint and PutText wrote, from the front of `in`; false when it ends first.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Number(uint64_t& n) { return TakeVarint(in_, n); }
  bool Text(std::string& text) {
    uint64_t size = 0;
    if (!Number(size) || size > in_.size()) return false;
    text.assign(in_.substr(0, size));
    in_.remove_prefix(size);
    return true;
  }
  bool Signed(int64_t& n) {
    uint64_t raw = 0;
    if (!Number(raw)) return false;
    n = static_cast<int64_t>(raw);
    return true;
  }
  bool done() const { return in_.empty(); }
  size_t left() const { return in_.size(); }

 private:
  std::string_view in_;
};

bool ReadEntry(Reader& in, bool packed, model::AuditEntry& e) {
  uint64_t read_only = 0, resources = 0;
  if (!in.Text(e.event_id) || !in.Text(e.account_id) || !in.Signed(e.time_ms) ||
      !in.Text(e.event_name) || !in.Text(e.event_source) || !in.Text(e.username) ||
      !in.Text(e.access_key_id) || !in.Number(read_only) || read_only > 1 ||
      !in.Number(resources) || resources > in.left()) {
    return false;
  }
  e.read_only = read_only == 1;
  e.resources.resize(resources);
  for (auto& [type, name] : e.resources) {
    if (!in.Text(type) || !in.Text(name)) return false;
  }
  if (!in.Text(e.body)) return false;
  if (!packed) return true;
  std::optional<std::string> body = UnpackAuditBody(e.body);
  if (!body) return false;
  e.body = std::move(*body);
  return true;
}

}  // namespace

std::string EncodeAuditEntries(const std::vector<model::AuditEntry>& entries) {
  std::string out(1, kVersion);
  PutVarint(out, entries.size());
  for (const model::AuditEntry& e : entries) {
    PutText(out, e.event_id);
    PutText(out, e.account_id);
    PutVarint(out, static_cast<uint64_t>(e.time_ms));
    PutText(out, e.event_name);
    PutText(out, e.event_source);
    PutText(out, e.username);
    PutText(out, e.access_key_id);
    PutVarint(out, e.read_only ? 1 : 0);
    PutVarint(out, e.resources.size());
    for (const auto& [type, name] : e.resources) {
      PutText(out, type);
      PutText(out, name);
    }
    PutText(out, PackAuditBody(e.body));
  }
  return out;
}

std::optional<std::vector<model::AuditEntry>> DecodeAuditEntries(std::string_view bytes) {
  if (bytes.empty() || (bytes.front() != kVersion && bytes.front() != kVersionPlainBodies)) {
    return std::nullopt;
  }
  const bool packed = bytes.front() == kVersion;
  Reader in(bytes.substr(1));
  uint64_t count = 0;
  // Each entry takes at least one byte per field: a count beyond the bytes left is damage.
  if (!in.Number(count) || count > in.left()) return std::nullopt;
  std::vector<model::AuditEntry> entries(count);
  for (model::AuditEntry& e : entries) {
    if (!ReadEntry(in, packed, e)) return std::nullopt;
  }
  if (!in.done()) return std::nullopt;
  return entries;
}

}  // namespace gatehouse::store
