#include "mail/smtp_transport.h"

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

Delivery Deliver(const SmtpOptions& options, const QueuedMail& mail,
                 const std::atomic<bool>& abort) {
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
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.data.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&abort));
  if (options.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return {Delivery::kDelivered, ""};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string reason = error[0] != '\0' ? error : curl_easy_strerror(code);
  if (reply != 0) reason += " (SMTP " + std::to_string(reply) + ")";
  return {IsRefusal(code, reply) ? Delivery::kRefused : Delivery::kTryAgain, reason};
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

Transport SmtpTransport(SmtpOptions options) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialized) spdlog::error("libcurl failed to initialize: mail cannot be delivered");
  return [options = std::move(options)](const QueuedMail& mail, const std::atomic<bool>& abort) {
    return Deliver(options, mail, abort);
  };
}

}  // namespace gatehouse::mail
