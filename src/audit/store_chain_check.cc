#include "audit/store_chain_check.h"

#include <string>
#include <vector>

#include "audit/digest_signature.h"
#include "audit/event_digest.h"

namespace gatehouse::audit {
namespace {

std::string Range(const model::AuditDigest& d) {
  return "events " + std::to_string(d.first_seq) + ".." + std::to_string(d.last_seq);
}

// Checks digests[begin..] from `start`, counting the events of the batches that hold.
Result<std::optional<ChainBreak>> Check(store::AuditLog& log,
                                        const std::vector<model::AuditDigest>& digests,
                                        size_t begin, const ChainStart& start,
                                        ChainReport& report) {
  const std::vector<model::AuditDigest> checked(digests.begin() + static_cast<ptrdiff_t>(begin),
                                                digests.end());
  Status read_error;
  std::vector<int64_t> counts;
  EventReader read = [&](int64_t first, int64_t last, const EventVisitor& add) {
    Result<std::vector<model::AuditBody>> events = log.AuditEvents(first, last);
    if (!events.ok()) {
      if (read_error.ok()) read_error = events.status();
      counts.push_back(0);
      return;
    }
    counts.push_back(static_cast<int64_t>(events->size()));
    for (const model::AuditBody& e : *events) add(e.seq, e.body);
  };
  std::optional<ChainBreak> broken = FirstBrokenLink(checked, read, start);
  RETURN_IF_ERROR(read_error);
  const size_t held = broken ? broken->batch : checked.size();
  for (size_t i = 0; i < held; ++i) report.events += counts[i];
  report.batches += held;
  if (broken) broken->batch += begin;
  return broken;
}

// Whether pruning cut into the batch `d`: its first event is gone.
Result<bool> CutByPruning(store::AuditLog& log, const model::AuditDigest& d) {
  ASSIGN_OR_RETURN(std::vector<model::AuditBody> events, log.AuditEvents(d.first_seq, d.last_seq));
  return events.empty() || events.front().seq > d.first_seq;
}

// The first digest (0-based) whose signature `public_key` does not verify, with why; none when
// no key is given.
std::optional<ChainBreak> FirstBadSignature(const std::vector<model::AuditDigest>& digests,
                                            const std::optional<std::string>& public_key) {
  if (!public_key) return std::nullopt;
  for (size_t i = 0; i < digests.size(); ++i) {
    if (SignatureHolds(*public_key, digests[i], DigestScope::kStore)) continue;
    return ChainBreak{i, digests[i].first_seq,
                      digests[i].signature.empty()
                          ? "its digest is not signed"
                          : "its digest's signature does not verify with the given public key"};
  }
  return std::nullopt;
}

}  // namespace

Result<ChainReport> CheckStoreChain(store::AuditLog& log,
                                    const std::optional<std::string>& public_key) {
  ASSIGN_OR_RETURN(std::vector<model::AuditDigest> all, log.AuditDigests());
  ASSIGN_OR_RETURN(int64_t latest, log.LatestAuditSeq());
  ChainReport report;
  // The chain is checked up to the first digest not signed by the key, which breaks there.
  const std::optional<ChainBreak> unsigned_digest = FirstBadSignature(all, public_key);
  const std::vector<model::AuditDigest> digests(
      all.begin(),
      all.begin() + static_cast<ptrdiff_t>(unsigned_digest ? unsigned_digest->batch : all.size()));
  if (!digests.empty() && digests.front().previous != kGenesisDigest) {
    report.notes.push_back(
        "older batches were pruned: the chain is checked from the oldest kept "
        "digest, its previous digest taken as given");
  }
  ASSIGN_OR_RETURN(std::optional<ChainBreak> broken,
                   Check(log, digests, 0, StartOfKeptChain(digests), report));
  if (broken && broken->batch == 0) {
    ASSIGN_OR_RETURN(bool cut, CutByPruning(log, digests.front()));
    if (cut) {
      report.notes.push_back("batch 1 (" + Range(digests.front()) +
                             ") lost its oldest events to pruning: its digest is taken as given");
      const ChainStart after_first{digests.front().digest, digests.front().last_seq};
      ASSIGN_OR_RETURN(broken, Check(log, digests, 1, after_first, report));
    }
  }
  if (!broken) broken = unsigned_digest;
  if (broken) {
    const model::AuditDigest& d = all[broken->batch];
    report.broken = BrokenLink{broken->batch + 1, Range(d), broken->reason};
    return report;
  }
  const int64_t sealed_through = all.empty() ? 0 : all.back().last_seq;
  if (latest > sealed_through) {
    ASSIGN_OR_RETURN(std::vector<model::AuditBody> unsealed,
                     log.AuditEvents(sealed_through + 1, latest));
    report.unsealed = static_cast<int64_t>(unsealed.size());
  }
  return report;
}

}  // namespace gatehouse::audit
