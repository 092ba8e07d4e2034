#include "auth/password_throttle.h"

#include <algorithm>
#include <optional>

#include "auth/counted_backoff.h"
#include "core/crypto.h"
#include "core/strings.h"

namespace gatehouse::auth {
namespace {

using model::ThrottleCount;
using Count = std::optional<ThrottleCount>;

bool InWindow(const ThrottleCount& c, int64_t now_ms) {
  return c.failures > 0 && now_ms - c.first_failure_ms < PasswordThrottle::kPrincipalWindowMs;
}

void CountPrincipalFailure(Count& c, int64_t now_ms) {
  if (!c || !InWindow(*c, now_ms)) {
    c = ThrottleCount{};
    c->first_failure_ms = now_ms;
  }
  c->failures++;
  c->expires_ms = c->first_failure_ms + PasswordThrottle::kPrincipalWindowMs;
}

// Whether the principal's ceiling holds back addresses it does not know.
bool CeilingApplies(const ThrottleCount* c, int64_t now_ms) {
  return c != nullptr && InWindow(*c, now_ms) &&
         c->failures >= PasswordThrottle::kPrincipalFreeFailures;
}

// The time `address` last signed in as the principal of `known`, when within 30 days.
std::optional<int64_t> KnownSince(const ThrottleCount* known, const std::string& address,
                                  int64_t now_ms) {
  if (known == nullptr) return std::nullopt;
  for (const model::KnownAddress& k : known->known) {
    if (k.address == address && now_ms - k.last_success_ms < PasswordThrottle::kKnownAddressMs) {
      return k.last_success_ms;
    }
  }
  return std::nullopt;
}

void Remember(Count& known, const std::string& address, int64_t now_ms) {
  if (!known) known = ThrottleCount{};
  std::erase_if(known->known, [&](const model::KnownAddress& k) {
    return k.address == address || now_ms - k.last_success_ms >= PasswordThrottle::kKnownAddressMs;
  });
  known->known.insert(known->known.begin(), model::KnownAddress{address, now_ms});
  if (known->known.size() > PasswordThrottle::kKnownAddressesPerPrincipal) {
    known->known.resize(PasswordThrottle::kKnownAddressesPerPrincipal);
  }
  known->expires_ms = now_ms + PasswordThrottle::kKnownAddressMs;
}

const ThrottleCount* Ptr(const Count& c) { return c ? &*c : nullptr; }

}  // namespace

// The keys of one attempt's counts (model/throttle_entities.h).
struct PasswordThrottle::Keys {
  Keys(const std::string& principal_name, const std::string& address_name)
      : principal_part(BoundedKeyPart(principal_name)),
        address_part(BoundedKeyPart(address_name)),
        pair("pair/" + HexEncode(Sha256(principal_part + "\n" + address_part))),
        address("address/" + address_part),
        principal("principal/" + principal_part),
        known("known/" + principal_part) {}

  std::string principal_part, address_part;
  std::string pair, address, principal, known;
};

std::string UserThrottleKey(std::string_view account, std::string_view user_name) {
  return "user:" + AsciiLower(account) + "/" + AsciiLower(user_name);
}

std::string RootThrottleKey(std::string_view email) { return "root:" + AsciiLower(email); }

bool PasswordThrottle::Known(const Keys& keys, int64_t now_ms) const {
  return KnownSince(counts_.Get(keys.known).get(), keys.address_part, now_ms).has_value();
}

void PasswordThrottle::SweepIfDue(int64_t now_ms) {
  int64_t due = next_sweep_ms_.load();
  if (now_ms < due || !next_sweep_ms_.compare_exchange_strong(due, now_ms + kSweepEveryMs)) {
    return;
  }
  counts_.Sweep(now_ms);
}

ThrottleDecision PasswordThrottle::Admit(const std::string& principal, const std::string& address,
                                         int64_t now_ms) {
  const Keys keys(principal, address);
  const int64_t wait =
      std::max(BackoffWait(counts_.Get(keys.address).get(), kAddressFreeFailures, now_ms),
               BackoffWait(counts_.Get(keys.pair).get(), kPairFreeFailures, now_ms));
  if (wait > 0) return {false, wait};
  auto p = counts_.Get(keys.principal);
  if (!CeilingApplies(p.get(), now_ms) || Known(keys, now_ms)) return {};
  if (now_ms < p->next_slot_ms) return {false, p->next_slot_ms - now_ms};
  return TakeCeilingSlot(keys, now_ms);
}

// The slot is taken by a commit over the principal's count as read: of several instances
// admitting attempts at once, one takes it and the others see it taken.
ThrottleDecision PasswordThrottle::TakeCeilingSlot(const Keys& keys, int64_t now_ms) {
  ThrottleDecision decision;
  Status s = counts_.Update({keys.principal}, [&](ThrottleCounts::Values& v) {
    decision = {};
    Count& p = v[0];
    if (!CeilingApplies(Ptr(p), now_ms)) return false;
    if (now_ms < p->next_slot_ms) {
      decision = {false, p->next_slot_ms - now_ms};
      return false;
    }
    p->next_slot_ms = now_ms + kCeilingIntervalMs;
    return true;
  });
  // A slot that cannot be recorded is not given: try again after the interval.
  if (!s.ok()) return {false, kCeilingIntervalMs};
  return decision;
}

Status PasswordThrottle::Failed(const std::string& principal, const std::string& address,
                                int64_t now_ms) {
  SweepIfDue(now_ms);
  const Keys keys(principal, address);
  return counts_.Update({keys.address, keys.pair, keys.principal}, [&](ThrottleCounts::Values& v) {
    CountBackoffFailure(v[0], now_ms);
    CountBackoffFailure(v[1], now_ms);
    CountPrincipalFailure(v[2], now_ms);
    return true;
  });
}

Status PasswordThrottle::Succeeded(const std::string& principal, const std::string& address,
                                   int64_t now_ms) {
  SweepIfDue(now_ms);
  const Keys keys(principal, address);
  return counts_.Update({keys.pair, keys.known}, [&](ThrottleCounts::Values& v) {
    std::optional<int64_t> since = KnownSince(Ptr(v[1]), keys.address_part, now_ms);
    if (!v[0] && since && now_ms - *since < kKnownRefreshMs) return false;  // nothing changes
    v[0].reset();
    Remember(v[1], keys.address_part, now_ms);
    return true;
  });
}

}  // namespace gatehouse::auth
