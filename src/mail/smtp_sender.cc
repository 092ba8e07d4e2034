#include "mail/smtp_sender.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace gatehouse::mail {
namespace {

struct Upload {
  const std::string& data;
  size_t sent = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->data.size() - upload->sent);
  std::memcpy(buffer, upload->data.data() + upload->sent, n);
  upload->sent += n;
  return n;
}

// Ends a delivery in progress when the sender stops.
int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

// A 5xx reply refuses the mail for good (RFC 5321 4.2.1), except the login's own replies:
// those say the server's configuration is wrong, not the mail, and it may be fixed.
bool IsRefusal(CURLcode code, long reply) {
  if (code == CURLE_LOGIN_DENIED || code == CURLE_OPERATION_TIMEDOUT) return false;
  if (reply == 530 || reply == 534 || reply == 535 || reply == 538) return false;
  return reply >= 500 && reply <= 599;
}

}  // namespace

Status ValidateSmtpUrl(const std::string& url) {
  for (std::string_view scheme : {"smtp://", "smtps://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size() && url[scheme.size()] != '/') {
      return Status::Ok();
    }
  }
  return Status(ErrorCode::kInvalidParameterValue,
                "--smtp-url must be smtp://HOST[:PORT] or smtps://HOST[:PORT]");
}

void SmtpSender::Start() {
  // libcurl's global set-up is not thread-safe in every version; the first sender does it
  // before any thread of its own exists.
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialized) spdlog::error("libcurl failed to initialize: mail cannot be delivered");
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  abort_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SmtpSender::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void SmtpSender::Stop() {
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

void SmtpSender::Run() {
  auto delay = options_.first_retry;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    bool delivered_all = DeliverAll();
    lock.lock();
    if (delivered_all) {
      delay = options_.first_retry;
      wake_.wait_for(lock, options_.idle_scan, [this] { return stopping_ || woken_; });
    } else {
      // New mail does not cut the wait short: the server just failed, and it will be tried
      // with the rest.
      wake_.wait_for(lock, delay, [this] { return stopping_; });
      delay = std::min(delay * 2, options_.max_retry);
    }
  }
}

bool SmtpSender::DeliverAll() {
  bool all = true;
  for (const std::string& id : outbox_.List()) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return all;
    }
    Result<QueuedMail> mail = outbox_.Read(id);
    if (!mail.ok()) {
      if (mail.status().code() == ErrorCode::kNoSuchEntity) continue;  // removed meanwhile
      spdlog::warn("mail {} not delivered: {}", id, mail.status().message());
      all = false;
      continue;
    }
    Delivery delivery = Deliver(*mail);
    if (delivery.outcome == Delivery::kRefused) {
      if (Status s = outbox_.Park(id, delivery.reason); !s.ok()) {
        spdlog::warn("mail {} refused ({}) but not parked: {}", id, delivery.reason, s.message());
        all = false;
      }
      continue;
    }
    if (delivery.outcome == Delivery::kTryAgain) {
      spdlog::warn("mail {} to {} not delivered, will retry: {}", id, mail->to, delivery.reason);
      all = false;
      continue;
    }
    spdlog::info("delivered mail {} to {}", id, mail->to);
    if (Status s = outbox_.Remove(id); !s.ok() && s.code() != ErrorCode::kNoSuchEntity) {
      spdlog::warn("delivered mail {} stays in the outbox: {}", id, s.message());
    }
  }
  return all;
}

Delivery SmtpSender::Deliver(const QueuedMail& mail) const {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {Delivery::kTryAgain, "curl_easy_init failed"};
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> recipients(
      curl_slist_append(nullptr, ("<" + mail.to + ">").c_str()), curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {};
  Upload upload{mail.data};
  CURL* c = curl.get();
  const std::string from = "<" + mail.from + ">";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are threaded
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.data.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&abort_));
  if (options_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return {Delivery::kDelivered, ""};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string reason = error[0] != '\0' ? error : curl_easy_strerror(code);
  if (reply != 0) reason += " (SMTP " + std::to_string(reply) + ")";
  return {IsRefusal(code, reply) ? Delivery::kRefused : Delivery::kTryAgain, reason};
}

}  // namespace gatehouse::mail
