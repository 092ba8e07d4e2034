#include "store/audit_block_codec.h"

#include "store/audit_entry_codec.h"

namespace gatehouse::store {

bool Blockable(const model::AuditEntry& e, bool final) {
  return (e.read_only || final) && e.body.find('\n') == std::string::npos;
}

AuditBlock EncodeAuditBlock(const std::vector<const model::AuditEntry*>& events) {
  AuditBlock block;
  size_t bytes = 0;
  for (const model::AuditEntry* e : events) bytes += e->body.size() + 1;
  block.bodies.reserve(bytes);
  for (size_t i = 0; i < events.size(); ++i) {
    if (i != 0) block.bodies += '\n';
    block.bodies += events[i]->body;
  }
  block.fields = EncodeAuditFields(events);
  return block;
}

std::optional<DecodedAuditBlock> DecodeAuditBlock(std::string_view fields, std::string_view bodies,
                                                  size_t count) {
  std::optional<std::vector<model::AuditEntry>> events = DecodeAuditEntries(fields);
  if (!events || events->size() != count || count == 0) return std::nullopt;
  DecodedAuditBlock block{std::move(*events), {}};
  block.bodies.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const bool last = i + 1 == count;
    const size_t newline = bodies.find('\n');
    // Every body but the last ends at a newline; the last at the end, with none left.
    if (last != (newline == std::string_view::npos)) return std::nullopt;
    const size_t end = last ? bodies.size() : newline;
    block.bodies.push_back(bodies.substr(0, end));
    bodies.remove_prefix(last ? end : end + 1);
  }
  return block;
}

}  // namespace gatehouse::store
