#include "console/sign_in_challenges.h"

#include <spdlog/spdlog.h>

#include "core/crypto.h"

namespace gatehouse::console {
namespace {

constexpr const char* kStepMfa = "mfa";
constexpr const char* kStepNewPassword = "new_password";

const char* StepName(SignInStep step) {
  return step == SignInStep::kMfa ? kStepMfa : kStepNewPassword;
}

}  // namespace

std::string SignInChallenges::Issue(PendingSignIn pending, int64_t now_ms) {
  SweepExpired(now_ms);
  std::string challenge = HexEncode(random_.Bytes(32));
  model::SignInChallenge record;
  record.challenge_hash = HexEncode(Sha256(challenge));
  record.principal = pending.check.principal;
  record.mfa_serial = pending.check.mfa_serial;
  record.password_reset_required = pending.check.password_reset_required;
  record.step = StepName(pending.step);
  record.expires_ms = now_ms + kLifetimeMs;
  if (Status s = state_.Commit({{store::Put<model::SignInChallenge>{record, /*create=*/true}}});
      !s.ok()) {
    spdlog::warn("console: cannot keep a sign-in challenge: {}", s.message());
    return "";
  }
  return challenge;
}

std::optional<PendingSignIn> SignInChallenges::Take(const std::string& challenge, SignInStep step,
                                                    int64_t now_ms) {
  if (challenge.size() != 64) return std::nullopt;
  const std::string key = HexEncode(Sha256(challenge));
  auto stored = state_.directory().Get<model::SignInChallenge>(key);
  if (stored == nullptr) {
    // Issued on another instance a moment ago, perhaps (catch-ups limited: challenges made up
    // by the thousand cost the database no more than one per interval).
    if (!catch_up_.CatchUp(state_)) return std::nullopt;
    stored = state_.directory().Get<model::SignInChallenge>(key);
    if (stored == nullptr) return std::nullopt;
  }
  // Used once: only the commit that erases it as stored may go on.
  if (!state_
           .Commit({.writes = {store::Erase<model::SignInChallenge>::Of(*stored)},
                    .preconditions = {store::Unchanged(*stored)}})
           .ok()) {
    return std::nullopt;
  }
  if (stored->expires_ms <= now_ms || stored->step != StepName(step)) return std::nullopt;
  PendingSignIn pending;
  pending.check.principal = stored->principal;
  pending.check.mfa_serial = stored->mfa_serial;
  pending.check.password_reset_required = stored->password_reset_required;
  pending.step = step;
  pending.expires_ms = stored->expires_ms;
  return pending;
}

void SignInChallenges::SweepExpired(int64_t now_ms) {
  int64_t due = next_sweep_ms_.load();
  if (now_ms < due || !next_sweep_ms_.compare_exchange_strong(due, now_ms + kSweepEveryMs)) {
    return;
  }
  store::WriteBatch batch;
  for (const auto& c : state_.directory().Scan<model::SignInChallenge>("")) {
    if (c->expires_ms <= now_ms)
      batch.writes.push_back(store::Erase<model::SignInChallenge>::Of(*c));
  }
  if (batch.writes.empty()) return;
  if (Status s = state_.Commit(batch); !s.ok()) {
    spdlog::warn("console: cannot sweep expired sign-in challenges: {}", s.message());
  }
}

}  // namespace gatehouse::console
