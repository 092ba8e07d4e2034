#include "auth/sigv4.h"

#include <algorithm>
#include <charconv>

#include "core/crypto.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "core/uri.h"

namespace gatehouse::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

Status Incomplete(std::string message) {
  return Status(ErrorCode::kIncompleteSignature, std::move(message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> Header(const HttpRequestView& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;

QueryParams ParseQuery(std::string_view query) { return ParseQueryString(query); }

const std::string* Param(const QueryParams& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

// "AKID/20150830/us-east-1/iam/aws4_request" into the claim.
Status ReadCredential(std::string_view credential, SignatureClaim& claim) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t slash = credential.find('/', pos);
    parts.push_back(credential.substr(pos, slash == std::string_view::npos ? slash : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (parts.size() != 5) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        std::string(credential) + "'");
  }
  if (parts[4] != "aws4_request") {
    return Status(ErrorCode::kSignatureDoesNotMatch,
                  "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(parts[4]) + "'.");
  }
  claim.access_key_id = std::string(parts[0]);
  claim.date = std::string(parts[1]);
  claim.region = std::string(parts[2]);
  claim.service = std::string(parts[3]);
  return Status::Ok();
}

std::vector<std::string> SplitSignedHeaders(std::string_view list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t semi = list.find(';', pos);
    std::string_view name = list.substr(pos, semi == std::string_view::npos ? semi : semi - pos);
    if (!name.empty()) out.push_back(AsciiLower(name));
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return out;
}

Result<SignatureClaim> ParseAuthorizationHeader(const HttpRequestView& request,
                                                std::string_view header) {
  SignatureClaim claim;
  const std::string whole = "Authorization=" + std::string(header);
  std::string_view rest = Trim(header);
  if (!StartsWith(rest, kAlgorithm)) {
    return Incomplete("Unsupported AWS 'algorithm': '" +
                      std::string(rest.substr(0, rest.find(' '))) + "'. " + whole);
  }
  rest.remove_prefix(kAlgorithm.size());
  std::optional<std::string_view> credential, signed_headers, signature;
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t comma = rest.find(',', pos);
    std::string_view item =
        Trim(rest.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = item.substr(0, eq);
      std::string_view value = item.substr(eq + 1);
      if (key == "Credential") credential = value;
      if (key == "SignedHeaders") signed_headers = value;
      if (key == "Signature") signature = value;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  std::optional<std::string_view> amz_date = Header(request, "x-amz-date");
  if (!amz_date) amz_date = Header(request, "date");
  if (!amz_date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) return Incomplete(missing + whole);
  if (Status s = ReadCredential(*credential, claim); !s.ok()) return s;
  claim.signed_headers = SplitSignedHeaders(*signed_headers);
  claim.signature = std::string(*signature);
  claim.amz_date = std::string(Trim(*amz_date));
  if (auto token = Header(request, "x-amz-security-token")) {
    claim.security_token = std::string(Trim(*token));
  }
  return claim;
}

Result<SignatureClaim> ParsePresigned(const QueryParams& params) {
  SignatureClaim claim;
  claim.presigned = true;
  const std::string* algorithm = Param(params, "X-Amz-Algorithm");
  if (*algorithm != kAlgorithm) {
    return Incomplete("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  std::string missing;
  const char* required[] = {"X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders",
                            "X-Amz-Date"};
  for (const char* name : required) {
    if (Param(params, name) == nullptr) {
      missing += std::string("AWS query-string parameters must include '") + name + "'. ";
    }
  }
  if (!missing.empty()) return Incomplete(missing + "Re-examine the query-string parameters.");
  if (Status s = ReadCredential(*Param(params, "X-Amz-Credential"), claim); !s.ok()) return s;
  claim.signed_headers = SplitSignedHeaders(*Param(params, "X-Amz-SignedHeaders"));
  claim.signature = *Param(params, "X-Amz-Signature");
  claim.amz_date = *Param(params, "X-Amz-Date");
  if (const std::string* token = Param(params, "X-Amz-Security-Token")) {
    claim.security_token = *token;
  }
  claim.expires_seconds = kMaxClockSkewSeconds;
  if (const std::string* expires = Param(params, "X-Amz-Expires")) {
    int64_t value = -1;
    auto [ptr, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), value);
    if (ec != std::errc() || ptr != expires->data() + expires->size() || value < 0) {
      return Incomplete("X-Amz-Expires should be a number");
    }
    if (value > kMaxPresignedExpirySeconds) {
      return Incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    claim.expires_seconds = value;
  }
  return claim;
}

// Removes "." and ".." segments and empty segments, keeping a trailing slash.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    std::string_view seg = path.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string out;
  for (std::string_view seg : segments) out.append("/").append(seg);
  if (out.empty() || (path.back() == '/' && out != "/")) out.push_back('/');
  return out;
}

std::string CanonicalHeaderValue(const HttpRequestView& r, std::string_view name) {
  std::string joined;
  bool first = true;
  for (const auto& [k, v] : r.headers) {
    if (!EqualsIgnoreCase(k, name)) continue;
    if (!first) joined.push_back(',');
    first = false;
    // Trim, and collapse runs of spaces into one.
    std::string_view t = Trim(v);
    bool space = false;
    for (char c : t) {
      if (c == ' ' || c == '\t') {
        if (!space) joined.push_back(' ');
        space = true;
      } else {
        joined.push_back(c);
        space = false;
      }
    }
  }
  return joined;
}

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of an X-Amz-Date.
constexpr int64_t kEarliestAmzTime = -62167219200;
constexpr int64_t kLatestAmzTime = 253402300799;

Status SignatureMismatch() {
  return Status(ErrorCode::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.");
}

// The payload is always the body as received: an x-amz-content-sha256 header (UNSIGNED-PAYLOAD
// included) that names anything else cannot change what is signed, so it is refused, as is one
// the signature does not cover.
Status CheckPayloadHeader(const HttpRequestView& request, const SignatureClaim& claim) {
  std::optional<std::string_view> claimed = Header(request, "x-amz-content-sha256");
  if (!claimed) return Status::Ok();
  if (std::find(claim.signed_headers.begin(), claim.signed_headers.end(), "x-amz-content-sha256") ==
      claim.signed_headers.end()) {
    return Incomplete("'x-amz-content-sha256' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (AsciiLower(Trim(*claimed)) != HexEncode(Sha256(request.body))) return SignatureMismatch();
  return Status::Ok();
}

}  // namespace

Result<SignatureClaim> ParseSignature(const HttpRequestView& request) {
  Result<SignatureClaim> claim =
      Status(ErrorCode::kMissingAuthenticationToken, "Request is missing Authentication Token");
  if (std::optional<std::string_view> header = Header(request, "authorization")) {
    claim = ParseAuthorizationHeader(request, *header);
  } else {
    QueryParams params = ParseQuery(request.query());
    if (Param(params, "X-Amz-Algorithm") == nullptr) return claim;
    claim = ParsePresigned(params);
  }
  if (!claim.ok()) return claim;
  std::optional<int64_t> time = ParseAmzDate(claim->amz_date);
  if (!time) {
    return Incomplete("Date must be in ISO-8601 'basic format'. Got '" + claim->amz_date +
                      "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  claim->amz_time = *time;
  if (claim->amz_date.substr(0, 8) != claim->date) {
    return Status(ErrorCode::kSignatureDoesNotMatch,
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                  "from HTTP: '" +
                      claim->date + "' != '" + claim->amz_date.substr(0, 8) + "', from '" +
                      claim->amz_date + "'.");
  }
  if (std::find(claim->signed_headers.begin(), claim->signed_headers.end(), "host") ==
      claim->signed_headers.end()) {
    return Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return claim;
}

std::string CanonicalRequest(const HttpRequestView& request, const SignatureClaim& claim) {
  std::string out;
  out.reserve(512 + request.target.size());
  out.append(request.method).push_back('\n');
  out.append(UriEncode(NormalizePath(request.path()), /*keep_slash=*/true)).push_back('\n');

  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [key, value] : ParseQuery(request.query())) {
    if (claim.presigned && key == "X-Amz-Signature") continue;
    query.emplace_back(UriEncode(key), UriEncode(value));
  }
  std::sort(query.begin(), query.end());
  for (size_t i = 0; i < query.size(); ++i) {
    if (i) out.push_back('&');
    out.append(query[i].first).append("=").append(query[i].second);
  }
  out.push_back('\n');

  std::vector<std::string> names = claim.signed_headers;
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    out.append(name).append(":").append(CanonicalHeaderValue(request, name)).push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(';');
    out.append(names[i]);
  }
  out.push_back('\n');
  out.append(HexEncode(Sha256(request.body)));
  return out;
}

std::string StringToSign(const SignatureClaim& claim, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + claim.amz_date + "\n" + claim.Scope() + "\n" +
         HexEncode(Sha256(canonical_request));
}

Status VerifySignature(const HttpRequestView& request, const SignatureClaim& claim,
                       std::string_view secret, int64_t now, SigningKeyCache* cache) {
  // Dates are four-digit years: a clock outside them (only a broken or hostile caller's) is
  // pinned to their bounds, so that the skew arithmetic below cannot overflow.
  now = std::clamp<int64_t>(now, kEarliestAmzTime, kLatestAmzTime);
  if (claim.presigned) {
    if (claim.amz_time - now > kMaxClockSkewSeconds) {
      return Status(ErrorCode::kSignatureDoesNotMatch,
                    "Signature not yet current: " + claim.amz_date + " is still later than " +
                        FormatAmzDate(now + kMaxClockSkewSeconds) + " (" + FormatAmzDate(now) +
                        " + 15 min.)");
    }
    if (now > claim.amz_time + claim.expires_seconds) {
      return Status(ErrorCode::kRequestExpired, "Request has expired.");
    }
  } else if (now - claim.amz_time > kMaxClockSkewSeconds) {
    return Status(ErrorCode::kSignatureDoesNotMatch, "Signature expired: " + claim.amz_date +
                                                         " is now earlier than " +
                                                         FormatAmzDate(now - kMaxClockSkewSeconds) +
                                                         " (" + FormatAmzDate(now) + " - 15 min.)");
  } else if (claim.amz_time - now > kMaxClockSkewSeconds) {
    return Status(ErrorCode::kSignatureDoesNotMatch,
                  "Signature not yet current: " + claim.amz_date + " is still later than " +
                      FormatAmzDate(now + kMaxClockSkewSeconds) + " (" + FormatAmzDate(now) +
                      " + 15 min.)");
  }
  if (Status s = CheckPayloadHeader(request, claim); !s.ok()) return s;
  Sha256Digest key =
      cache != nullptr
          ? cache->Get(claim.access_key_id, secret, claim.date, claim.region, claim.service)
          : SigningKeyCache::Derive(secret, claim.date, claim.region, claim.service);
  std::string expected =
      HexEncode(HmacSha256(AsBytes(key), StringToSign(claim, CanonicalRequest(request, claim))));
  if (!ConstantTimeEquals(expected, claim.signature)) return SignatureMismatch();
  return Status::Ok();
}

}  // namespace gatehouse::auth
