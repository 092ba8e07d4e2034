// libFuzzer target: arbitrary request lines, headers and bodies through SigV4 parsing,
// canonicalization and verification. Any crash or sanitizer report is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "auth/sigv4.h"

using namespace gatehouse::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  std::string method = fdp.ConsumeRandomLengthString(8);
  std::string target = fdp.ConsumeRandomLengthString(256);
  std::vector<std::pair<std::string, std::string>> headers;
  int count = fdp.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < count; ++i) {
    headers.emplace_back(fdp.ConsumeRandomLengthString(32), fdp.ConsumeRandomLengthString(256));
  }
  int64_t now = fdp.ConsumeIntegral<int64_t>();
  std::string body = fdp.ConsumeRemainingBytesAsString();
  HttpRequestView request{method, target, {}, body};
  for (const auto& [k, v] : headers) request.headers.emplace_back(k, v);
  auto claim = ParseSignature(request);
  if (!claim.ok()) return 0;
  (void)CanonicalRequest(request, *claim);
  SigningKeyCache cache(4);
  (void)VerifySignature(request, *claim, "secret", now, &cache);
  return 0;
}
