// sts:GetWebIdentityToken: a JSON Web Token, signed by the caller's account's outbound issuer
// (services/outbound_issuer.h), that tells an external service who the caller is. The standard
// claims (iss, aud, sub, iat, exp, jti) are followed by AWS's own under
// "https://sts.amazonaws.com/": the account, the Region asked, the organization and the account's
// path in it, the principal's tags and the request's tags. The caller needs sts:GetWebIdentityToken
// — with the condition keys sts:IdentityTokenAudience, sts:DurationSeconds and sts:SigningAlgorithm
// — and, to pass Tags, sts:TagGetWebIdentityToken. A session's token never outlives the session.
#include <map>
#include <set>

#include "core/strings.h"
#include "core/time_format.h"
#include "protocol/pattern.h"
#include "services/outbound_issuer.h"
#include "services/request_context.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultTokenSeconds = 300;
// AWS documents no bound on the payload; this one leaves room for every claim of a principal
// with 50 tags and a request with 50 more of ordinary length.
constexpr size_t kMaxPayloadBytes = 16384;
constexpr char kAwsClaims[] = "https://sts.amazonaws.com/";

struct TokenRequest {
  std::vector<std::string> audiences;
  int64_t duration_seconds = kDefaultTokenSeconds;
  federation::SigningAlgorithm algorithm = federation::SigningAlgorithm::kRs256;
  std::map<std::string, std::string> tags;
};

// The input as the model has validated it (lengths, counts, ranges, tag patterns), checked for
// what the model does not say: the algorithm's spelling (in the words of a model's enum) and tag
// keys unique regardless of case.
Result<TokenRequest> ReadRequest(const json& input) {
  TokenRequest request;
  for (const json& audience : input.at("Audience")) {
    // The model gives audiences no pattern, so a query string may carry bytes that are not
    // UTF-8; a JWT's claims must be.
    const std::string& value = audience.get_ref<const std::string&>();
    if (!protocol::IsValidUtf8(value)) {
      return Status(ErrorCode::kInvalidParameterValue, "Audience must be valid UTF-8 text.");
    }
    request.audiences.push_back(value);
  }
  request.duration_seconds = input.value("DurationSeconds", kDefaultTokenSeconds);
  const std::string& name = input.at("SigningAlgorithm").get_ref<const std::string&>();
  std::optional<federation::SigningAlgorithm> alg = federation::ParseSigningAlgorithm(name);
  if (!alg) {
    return Status(ErrorCode::kValidationError,
                  "1 validation error detected: Value '" + name +
                      "' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy "
                      "enum value set: [RS256, ES384]");
  }
  request.algorithm = *alg;
  std::set<std::string> seen;
  if (auto tags = input.find("Tags"); tags != input.end()) {
    for (const json& tag : *tags) {
      std::string key = tag.value("Key", "");
      if (!seen.insert(AsciiLower(key)).second) {
        return Status(ErrorCode::kInvalidParameterValue,
                      "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
      request.tags[key] = tag.value("Value", "");
    }
  }
  return request;
}

Status Authorize(const OperationContext& c, const TokenRequest& request) {
  authz::AuthzRequest az = *c.caller_request;
  az.action = "sts:GetWebIdentityToken";
  az.resource = "*";
  az.resource_account = c.caller.account_id;
  az.context = RequestContextKeys(c.input, ResourceInfo{"*", {}, "", ""});
  az.context.push_back({"sts:IdentityTokenAudience", request.audiences});
  az.context.push_back({"sts:DurationSeconds", {std::to_string(request.duration_seconds)}});
  az.context.push_back(
      {"sts:SigningAlgorithm", {std::string(federation::SigningAlgorithmName(request.algorithm))}});
  RETURN_IF_ERROR(c.authorize(az));
  if (request.tags.empty()) return Status::Ok();
  az.action = "sts:TagGetWebIdentityToken";
  return c.authorize(az);
}

// Who the token is about: an assumed role's session is its role (with its path), as AWS's
// tokens name it; any other caller its own ARN.
std::string Subject(const OperationContext& c) {
  const auth::SessionClaims* session = c.caller.session.get();
  if (session && session->kind == auth::SessionKind::kAssumedRole) return session->source_arn;
  return c.caller.principal_arn;
}

json Claims(const OperationContext& c, const TokenRequest& request, const std::string& issuer,
            const std::string& jti, int64_t now_s) {
  const authz::AuthzRequest& who = *c.caller_request;
  json aws{{"aws_account", c.caller.account_id}, {"source_region", who.region}};
  if (!who.principal_org_id.empty()) {
    aws["org_id"] = who.principal_org_id;
    aws["ou_path"] = who.principal_org_path;
  }
  if (!who.principal_tags.empty()) aws["principal_tags"] = who.principal_tags;
  if (!request.tags.empty()) aws["request_tags"] = request.tags;
  json audience =
      request.audiences.size() == 1 ? json(request.audiences[0]) : json(request.audiences);
  return json{{"iss", issuer},
              {"aud", std::move(audience)},
              {"sub", Subject(c)},
              {"iat", now_s},
              {"exp", now_s + request.duration_seconds},
              {"jti", jti},
              {kAwsClaims, std::move(aws)}};
}

Result<json> GetWebIdentityToken(StsContext& sts, const OperationContext& c) {
  Result<TokenRequest> request = ReadRequest(c.input);
  if (!request.ok()) return request.status();
  RETURN_IF_ERROR(Authorize(c, *request));
  auto issuer = sts.iam.state.directory().Get<model::OutboundFederation>(
      model::RecordKey({c.caller.account_id}));
  if (!issuer || !issuer->enabled) {
    return Status(ErrorCode::kOutboundWebIdentityFederationDisabled,
                  "The outbound web identity federation feature is not enabled for this account.");
  }
  const int64_t now_ms = sts.iam.now_ms();
  const int64_t now_s = now_ms / 1000;
  const int64_t expires_ms = (now_s + request->duration_seconds) * 1000;
  if (c.caller.session && expires_ms > c.caller.session->expires_ms) {
    return Status(ErrorCode::kSessionDurationEscalation,
                  "The requested token duration would extend the session beyond its original "
                  "expiration time.");
  }
  const std::string issuer_url =
      OutboundIssuerUrl(sts.iam.base_url ? sts.iam.base_url() : "", issuer->issuer_id);
  json claims = Claims(c, *request, issuer_url, sts.iam.random.Uuid(), now_s);
  if (claims.dump(-1, ' ', false, json::error_handler_t::replace).size() > kMaxPayloadBytes) {
    return Status(ErrorCode::kJwtPayloadSizeExceeded,
                  "The requested token payload size exceeds the maximum allowed size.");
  }
  Result<federation::JwtSigner> signer =
      OutboundSigner(*issuer, request->algorithm, sts.iam.master_key);
  if (!signer.ok()) return signer.status();
  Result<std::string> token = signer->Sign(claims);
  if (!token.ok()) return token.status();
  return json{{"WebIdentityToken", std::move(token).value()},
              {"Expiration", FormatIsoTime(expires_ms)}};
}

}  // namespace

void RegisterGetWebIdentityToken(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "GetWebIdentityToken",
                      [&sts](const OperationContext& c) { return GetWebIdentityToken(sts, c); });
}

}  // namespace gatehouse::services::sts
