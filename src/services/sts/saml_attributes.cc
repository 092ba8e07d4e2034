#include "services/sts/saml_attributes.h"

#include <charconv>

#include "federation/saml_metadata.h"

namespace gatehouse::services::sts {
namespace {

constexpr char kAttributes[] = "https://aws.amazon.com/SAML/Attributes/";

std::string_view Trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsArnOf(std::string_view arn, std::string_view kind) {
  if (!arn.starts_with("arn:aws:iam::")) return false;
  const size_t colon = arn.find(':', std::string_view("arn:aws:iam::").size());
  return colon != std::string_view::npos && arn.substr(colon + 1).starts_with(kind);
}

}  // namespace

std::vector<std::string> SamlAttribute(const federation::SamlAssertion& assertion,
                                       std::string_view name) {
  const std::string full = kAttributes + std::string(name);
  for (const auto& [attribute, values] : assertion.attributes) {
    if (attribute == full) return values;
  }
  return {};
}

std::vector<SamlRolePair> SamlRolePairs(const federation::SamlAssertion& assertion) {
  std::vector<SamlRolePair> pairs;
  for (const std::string& value : SamlAttribute(assertion, "Role")) {
    const size_t comma = value.find(',');
    if (comma == std::string::npos) continue;
    std::string first(Trimmed(std::string_view(value).substr(0, comma)));
    std::string second(Trimmed(std::string_view(value).substr(comma + 1)));
    if (IsArnOf(first, "saml-provider/")) std::swap(first, second);
    if (!IsArnOf(first, "role/") || !IsArnOf(second, "saml-provider/")) continue;
    pairs.push_back({std::move(first), std::move(second)});
  }
  return pairs;
}

std::optional<int64_t> SamlSessionDuration(const federation::SamlAssertion& assertion) {
  std::vector<std::string> values = SamlAttribute(assertion, "SessionDuration");
  if (values.empty()) return std::nullopt;
  std::string_view text = Trimmed(values.front());
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (seconds < 900 || seconds > 43200) return std::nullopt;
  return seconds;
}

Result<federation::SamlAssertion> VerifySamlFor(const model::SamlProvider& provider,
                                                std::string_view base64_response,
                                                const std::string& public_url, int64_t now_ms) {
  ASSIGN_OR_RETURN(federation::SamlMetadata metadata,
                   federation::ParseSamlMetadata(provider.metadata));
  federation::SamlExpectations expect;
  expect.idp_certificates = metadata.signing_certificates;
  expect.idp_entity_id = metadata.entity_id;
  expect.audiences = {kSamlSigninUrl, "urn:amazon:webservices"};
  expect.recipients = {kSamlSigninUrl};
  if (!public_url.empty()) {
    expect.audiences.push_back(public_url + "/saml");
    expect.recipients.push_back(public_url + "/saml");
  }
  expect.now_ms = now_ms;
  return federation::VerifySamlResponse(base64_response, expect);
}

}  // namespace gatehouse::services::sts
