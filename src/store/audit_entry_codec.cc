#include "store/audit_entry_codec.h"

#include <cstdint>
#include <utility>

#include "store/audit_body_codec.h"
#include "store/varint.h"

namespace gatehouse::store {
namespace {

// Version 1 kept bodies as they are; version 2 packs them (store/audit_body_codec.h); version 3
// packs version 1's entries as a whole. Rows of versions 1 and 2 may wait in the feed of a
// database an earlier version wrote.
constexpr char kVersionPlainBodies = 1;
constexpr char kVersion = 2;
constexpr char kVersionPackedWhole = 3;

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

// One entry's fields, all but its body.
void PutFields(std::string& out, const model::AuditEntry& e) {
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
}

// The entries after the version byte, each body as it is or packed.
void PutEntries(std::string& out, const std::vector<model::AuditEntry>& entries, bool pack_bodies) {
  PutVarint(out, entries.size());
  for (const model::AuditEntry& e : entries) {
    PutFields(out, e);
    PutText(out, pack_bodies ? PackAuditBody(e.body) : e.body);
  }
}

std::optional<std::vector<model::AuditEntry>> ReadEntries(std::string_view bytes, bool packed) {
  Reader in(bytes);
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

}  // namespace

std::string EncodeAuditEntries(const std::vector<model::AuditEntry>& entries) {
  std::string out(1, kVersion);
  PutEntries(out, entries, true);
  return out;
}

std::string EncodeAuditFields(const std::vector<const model::AuditEntry*>& entries) {
  static const std::string kNoBody = PackAuditBody("");
  std::string out(1, kVersion);
  PutVarint(out, entries.size());
  for (const model::AuditEntry* e : entries) {
    PutFields(out, *e);
    PutText(out, kNoBody);
  }
  return out;
}

std::string PackAuditEntries(const std::vector<model::AuditEntry>& entries) {
  std::string plain;
  PutEntries(plain, entries, false);
  // Unpacking refuses more than kMaxAuditBodyBytes: larger ones keep their bodies packed apart.
  if (plain.size() > kMaxAuditBodyBytes) return EncodeAuditEntries(entries);
  return std::string(1, kVersionPackedWhole) + PackAuditBody(plain);
}

std::optional<std::vector<model::AuditEntry>> DecodeAuditEntries(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  switch (bytes.front()) {
    case kVersionPlainBodies:
      return ReadEntries(bytes.substr(1), false);
    case kVersion:
      return ReadEntries(bytes.substr(1), true);
    case kVersionPackedWhole: {
      std::optional<std::string> plain = UnpackAuditBody(bytes.substr(1));
      if (!plain) return std::nullopt;
      return ReadEntries(*plain, false);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace gatehouse::store
