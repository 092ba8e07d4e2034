#include "mail/outbox_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "core/thread_name.h"

namespace gatehouse::mail {

void OutboxSender::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  abort_ = false;
  thread_ = std::thread([this] {
    NameThisThread("outbox-sender");
    Run();
  });
}

void OutboxSender::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void OutboxSender::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    abort_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable()) thread.join();
}

bool OutboxSender::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void OutboxSender::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    std::chrono::milliseconds wait = SendDue();
    lock.lock();
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

std::chrono::milliseconds OutboxSender::SendDue() {
  // Mail queued or replayed elsewhere, without waiting for the change follower.
  (void)outbox_.state().CatchUp();
  EraseDelivered();
  const int64_t now = outbox_.now_ms();
  std::vector<std::string> due;
  for (const auto& mail : outbox_.Queued()) {
    if (mail->next_attempt_ms <= now && !delivered_.contains(mail->id)) due.push_back(mail->id);
  }
  for (const std::string& id : due) {
    if (stopping()) break;
    SendOne(id);
  }
  return NextWait();
}

void OutboxSender::SendOne(const std::string& id) {
  store::State& state = outbox_.state();
  const int64_t now = outbox_.now_ms();
  Result<std::vector<std::string>> claimed = state.store().ClaimWork(
      kWorkQueue, {id}, owner_, now, static_cast<int64_t>(options_.lease.count()));
  if (!claimed.ok()) {
    if (!database_away_) spdlog::warn("mail not sent: {}", claimed.status().message());
    database_away_ = true;
    return;
  }
  database_away_ = false;
  if (claimed->empty()) return;  // another instance is sending it
  // The lease's previous holder may have sent, deferred or parked it just before letting go:
  // decide on what the store holds now, not on what the directory held a moment ago.
  (void)state.CatchUp();
  std::shared_ptr<const model::OutboxMail> mail = outbox_.Find(id);
  if (mail == nullptr || mail->parked() || mail->next_attempt_ms > outbox_.now_ms()) {
    (void)state.store().FinishWork(kWorkQueue, {id}, owner_);
    return;
  }
  Result<QueuedMail> opened = outbox_.Open(*mail);
  if (!opened.ok()) {
    (void)outbox_.Park(*mail, opened.status().message());
    (void)state.store().FinishWork(kWorkQueue, {id}, owner_);
    return;
  }
  Delivery delivery = transport_(*opened, abort_);
  if (delivery.outcome == Delivery::kTryAgain && stopping()) {
    // Cut short by Stop: not the mail's failure. Another instance may take it at once.
    (void)state.store().FinishWork(kWorkQueue, {id}, owner_);
    return;
  }
  Record(*mail, *opened, delivery);
}

void OutboxSender::Record(const model::OutboxMail& mail, const QueuedMail& opened,
                          const Delivery& delivery) {
  store::State& state = outbox_.state();
  Status recorded;
  switch (delivery.outcome) {
    case Delivery::kDelivered:
      spdlog::info("delivered mail {} to {}", mail.id, opened.to);
      recorded = outbox_.Delivered(mail);
      if (!recorded.ok()) {
        // Keep the lease, so that no other instance sends it again, and retry the erase.
        spdlog::warn("delivered mail {} is still queued: {}", mail.id, recorded.message());
        delivered_.insert(mail.id);
        return;
      }
      break;
    case Delivery::kTryAgain: {
      auto delay = options_.first_retry;
      for (int64_t i = 0; i < mail.attempts && delay < options_.max_retry; ++i) delay *= 2;
      delay = std::min(delay, options_.max_retry);
      spdlog::warn("mail {} to {} not delivered, will retry in {} ms: {}", mail.id, opened.to,
                   delay.count(), delivery.reason);
      recorded = outbox_.Deferred(mail, delivery.reason, outbox_.now_ms() + delay.count());
      break;
    }
    case Delivery::kRefused:
      recorded = outbox_.Park(mail, delivery.reason);
      break;
  }
  if (!recorded.ok()) spdlog::warn("mail {}: {}", mail.id, recorded.message());
  (void)state.store().FinishWork(kWorkQueue, {mail.id}, owner_);
}

void OutboxSender::EraseDelivered() {
  store::State& state = outbox_.state();
  for (auto it = delivered_.begin(); it != delivered_.end();) {
    const std::string id = *it;
    Result<std::vector<std::string>> claimed = state.store().ClaimWork(
        kWorkQueue, {id}, owner_, outbox_.now_ms(), static_cast<int64_t>(options_.lease.count()));
    if (!claimed.ok()) return;  // the database is still away
    if (claimed->empty()) {     // the lease ran out and another instance holds it: its call
      it = delivered_.erase(it);
      continue;
    }
    (void)state.CatchUp();
    std::shared_ptr<const model::OutboxMail> mail = outbox_.Find(id);
    if (mail != nullptr && !outbox_.Delivered(*mail).ok()) {
      ++it;
      continue;
    }
    (void)state.store().FinishWork(kWorkQueue, {id}, owner_);
    it = delivered_.erase(it);
  }
}

std::chrono::milliseconds OutboxSender::NextWait() const {
  const int64_t now = outbox_.now_ms();
  int64_t wait = options_.idle_scan.count();
  for (const auto& mail : outbox_.Queued()) {
    if (mail->next_attempt_ms > now) wait = std::min(wait, mail->next_attempt_ms - now);
  }
  return std::chrono::milliseconds(std::max<int64_t>(wait, 1));
}

}  // namespace gatehouse::mail
