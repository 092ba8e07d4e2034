#include "federation/https_fetch.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "core/crypto.h"

namespace gatehouse::federation {
namespace {

using CurlHandle = std::unique_ptr<CURL, void (*)(CURL*)>;

struct Sink {
  std::string* body;
  size_t max_bytes;
};

// Appends to the body; refusing a byte beyond the cap ends the transfer (CURLE_WRITE_ERROR).
size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body->size() + n > sink->max_bytes) return 0;
  sink->body->append(data, n);
  return n;
}

// A handle for `url` with what every fetch shares: https only, no redirects, no signals,
// bounded in time.
CurlHandle NewHandle(const std::string& url, const FetchOptions& options) {
  CurlHandle curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return curl;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
  return curl;
}

// Peer verification as `options` say: the pinned certificate as the only anchor, or the
// system's store (its directory) and the extra bundle.
void TrustAs(CURL* c, const FetchOptions& options) {
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.pinned_pem.empty()) {
    curl_blob blob{const_cast<char*>(options.pinned_pem.data()), options.pinned_pem.size(),
                   CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
  } else if (!options.extra_ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options.extra_ca_file.c_str());
  }
}

}  // namespace

FetchResult HttpsGet(const std::string& url, const FetchOptions& options) {
  FetchResult result;
  CurlHandle curl = NewHandle(url, options);
  if (!curl) return {FetchFailure::kOther, "", "curl_easy_init failed"};
  CURL* c = curl.get();
  TrustAs(c, options);
  Sink sink{&result.body, options.max_bytes};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    return {FetchFailure::kUntrusted, "", url + ": " + (error[0] ? error : "untrusted")};
  }
  if (code == CURLE_WRITE_ERROR) {
    return {FetchFailure::kOther, "",
            url + ": answer larger than " + std::to_string(options.max_bytes) + " bytes"};
  }
  if (code != CURLE_OK) {
    return {FetchFailure::kOther, "", url + ": " + (error[0] ? error : curl_easy_strerror(code))};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return {FetchFailure::kOther, "", url + ": HTTP " + std::to_string(status)};
  }
  return result;
}

Result<std::vector<std::string>> PresentedCertificates(const std::string& url,
                                                       const FetchOptions& options) {
  CurlHandle curl = NewHandle(url, options);
  if (!curl) return Status(ErrorCode::kServiceFailure, "curl_easy_init failed");
  CURL* c = curl.get();
  // Read only: nothing is requested, and what is read here is never trusted.
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  if (CURLcode code = curl_easy_perform(c); code != CURLE_OK) {
    return Status(ErrorCode::kServiceFailure, url + ": " + curl_easy_strerror(code));
  }
  curl_certinfo* info = nullptr;
  curl_easy_getinfo(c, CURLINFO_CERTINFO, &info);
  std::vector<std::string> pems;
  for (int i = 0; info != nullptr && i < info->num_of_certs; ++i) {
    for (curl_slist* field = info->certinfo[i]; field != nullptr; field = field->next) {
      std::string_view entry(field->data);
      if (entry.starts_with("Cert:")) pems.emplace_back(entry.substr(5));
    }
  }
  return pems;
}

std::string CertificateThumbprint(std::string_view pem) {
  std::unique_ptr<BIO, void (*)(BIO*)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free_all);
  if (!bio) return "";
  std::unique_ptr<X509, void (*)(X509*)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha1(), digest, &length) != 1) return "";
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace gatehouse::federation
