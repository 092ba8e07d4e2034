#include "auth/password_throttle.h"

#include <algorithm>

#include "core/strings.h"

namespace gatehouse::auth {
namespace {

constexpr size_t kMaxPrincipals = 100000;  // beyond this, ended entries are swept first

}  // namespace

std::string UserThrottleKey(std::string_view account, std::string_view user_name) {
  return "user:" + AsciiLower(account) + "/" + AsciiLower(user_name);
}

std::string RootThrottleKey(std::string_view email) { return "root:" + AsciiLower(email); }

std::string PasswordThrottle::PairKey(const std::string& principal, const std::string& address) {
  return principal + "\n" + address;
}

bool PasswordThrottle::KnownLocked(const std::string& principal, const std::string& address,
                                   int64_t now_ms) {
  auto it = known_.find(principal);
  if (it == known_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const KnownAddress& k) {
    return k.address == address && now_ms - k.last_success_ms < kKnownAddressMs;
  });
}

void PasswordThrottle::SweepLocked(int64_t now_ms) {
  if (principals_.size() >= kMaxPrincipals) {
    std::erase_if(principals_, [&](const auto& e) {
      return now_ms - e.second.first_failure_ms >= kPrincipalWindowMs;
    });
  }
  if (known_.size() >= kMaxPrincipals) {
    std::erase_if(known_, [&](const auto& e) {
      return std::all_of(e.second.begin(), e.second.end(), [&](const KnownAddress& k) {
        return now_ms - k.last_success_ms >= kKnownAddressMs;
      });
    });
  }
}

ThrottleDecision PasswordThrottle::Admit(const std::string& principal, const std::string& address,
                                         int64_t now_ms) {
  int64_t wait = std::max(addresses_.WaitMs(address, now_ms),
                          pairs_.WaitMs(PairKey(principal, address), now_ms));
  if (wait > 0) return {false, wait};
  std::lock_guard lock(mu_);
  auto it = principals_.find(principal);
  if (it == principals_.end()) return {};
  PrincipalEntry& p = it->second;
  if (now_ms - p.first_failure_ms >= kPrincipalWindowMs) {
    principals_.erase(it);
    return {};
  }
  if (p.failures < kPrincipalFreeFailures || KnownLocked(principal, address, now_ms)) return {};
  if (now_ms < p.next_slot_ms) return {false, p.next_slot_ms - now_ms};
  p.next_slot_ms = now_ms + kCeilingIntervalMs;
  return {};
}

void PasswordThrottle::Failed(const std::string& principal, const std::string& address,
                              int64_t now_ms) {
  addresses_.Failed(address, now_ms);
  pairs_.Failed(PairKey(principal, address), now_ms);
  std::lock_guard lock(mu_);
  SweepLocked(now_ms);
  PrincipalEntry& p = principals_[principal];
  if (p.failures == 0 || now_ms - p.first_failure_ms >= kPrincipalWindowMs) {
    p = PrincipalEntry{0, now_ms, 0};
  }
  p.failures++;
}

void PasswordThrottle::Succeeded(const std::string& principal, const std::string& address,
                                 int64_t now_ms) {
  pairs_.Succeeded(PairKey(principal, address));
  std::lock_guard lock(mu_);
  SweepLocked(now_ms);
  std::vector<KnownAddress>& known = known_[principal];
  std::erase_if(known, [&](const KnownAddress& k) { return k.address == address; });
  known.insert(known.begin(), KnownAddress{address, now_ms});
  if (known.size() > kKnownAddressesPerPrincipal) known.resize(kKnownAddressesPerPrincipal);
}

}  // namespace gatehouse::auth
