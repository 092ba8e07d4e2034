#include "services/sts/used_assertions.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "core/crypto.h"
#include "model/federation_entities.h"

namespace gatehouse::services::sts {
namespace {

constexpr int64_t kSweepEveryMs = 60 * 1000;
std::atomic<int64_t> next_sweep_ms{0};

std::string KeyOf(const federation::SamlAssertion& a) {
  return HexEncode(Sha256(a.issuer + "\n" + a.id));
}

void SweepExpired(store::State& state, int64_t now_ms) {
  int64_t due = next_sweep_ms.load();
  if (now_ms < due || !next_sweep_ms.compare_exchange_strong(due, now_ms + kSweepEveryMs)) return;
  store::WriteBatch batch;
  for (const auto& used : state.directory().Scan<model::UsedAssertion>("")) {
    if (used->expires_ms < now_ms)
      batch.writes.push_back(store::Erase<model::UsedAssertion>::Of(*used));
  }
  if (batch.writes.empty()) return;
  if (Status s = state.Commit(batch); !s.ok()) {
    spdlog::warn("sts: cannot sweep expired SAML assertions: {}", s.message());
  }
}

}  // namespace

bool AssertionSpent(const store::Directory& directory, const federation::SamlAssertion& assertion) {
  return directory.Get<model::UsedAssertion>(KeyOf(assertion)) != nullptr;
}

Status SpendAssertion(store::State& state, const federation::SamlAssertion& assertion,
                      int64_t now_ms) {
  SweepExpired(state, now_ms);
  model::UsedAssertion used;
  used.key = KeyOf(assertion);
  // Verification accepts an assertion until NotOnOrAfter plus the skew: remember it that long.
  used.expires_ms = assertion.not_on_or_after_ms + federation::SamlExpectations{}.skew_ms;
  Status s = state.Commit({{store::Put<model::UsedAssertion>{used, /*create=*/true}}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) {
    return Status(ErrorCode::kInvalidIdentityToken, "The SAML assertion has already been used.");
  }
  return s;
}

}  // namespace gatehouse::services::sts
