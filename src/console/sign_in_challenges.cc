#include "console/sign_in_challenges.h"

#include "core/crypto.h"

namespace gatehouse::console {

std::string SignInChallenges::Issue(PendingSignIn pending, int64_t now_ms) {
  std::string challenge = HexEncode(random_.Bytes(32));
  pending.expires_ms = now_ms + kLifetimeMs;
  std::lock_guard lock(mu_);
  std::erase_if(pending_, [&](const auto& e) { return e.second.expires_ms <= now_ms; });
  pending_[HexEncode(Sha256(challenge))] = std::move(pending);
  return challenge;
}

std::optional<PendingSignIn> SignInChallenges::Take(const std::string& challenge, SignInStep step,
                                                    int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(HexEncode(Sha256(challenge)));
  if (it == pending_.end()) return std::nullopt;
  PendingSignIn pending = std::move(it->second);
  pending_.erase(it);
  if (pending.expires_ms <= now_ms || pending.step != step) return std::nullopt;
  return pending;
}

}  // namespace gatehouse::console
