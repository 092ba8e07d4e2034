// iam: CreateOpenIDConnectProvider, GetOpenIDConnectProvider, ListOpenIDConnectProviders,
// DeleteOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider,
// RemoveClientIDFromOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint,
// TagOpenIDConnectProvider, UntagOpenIDConnectProvider, ListOpenIDConnectProviderTags.
#include "services/iam/oidc_providers.h"

#include <algorithm>

#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/handler_table.h"
#include "services/iam/record_operations.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Status InvalidUrl(std::string_view why = "") {
  return Status(ErrorCode::kInvalidInput,
                "Invalid Open ID Connect Provider URL." + std::string(why));
}

std::string ProviderPrefix(std::string_view account) {
  return "arn:aws:iam::" + std::string(account) + ":oidc-provider/";
}

// The input list `member` (client ids or thumbprints), each once, in order; thumbprints
// lower-cased, as the hex digits they are.
std::vector<std::string> UniqueList(const json& input, const char* member, bool lower) {
  std::vector<std::string> out;
  if (auto it = input.find(member); it != input.end()) {
    for (const json& v : *it) {
      std::string s = lower ? AsciiLower(v.get<std::string>()) : v.get<std::string>();
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    }
  }
  return out;
}

Result<std::vector<std::string>> InputThumbprints(const json& input) {
  std::vector<std::string> list = UniqueList(input, "ThumbprintList", true);
  if (list.size() > kThumbprintsPerOidcProvider) {
    return Status(ErrorCode::kInvalidInput, "Thumbprint list must contain fewer than " +
                                                std::to_string(kThumbprintsPerOidcProvider) +
                                                " entries.");
  }
  return list;
}

Status TooManyClientIds() {
  return Status(ErrorCode::kLimitExceeded,
                "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: " +
                    std::to_string(kClientIdsPerOidcProvider));
}

json ProviderArnJson(const model::OidcProvider& p) { return {{"Arn", p.Arn()}}; }

Result<std::shared_ptr<const model::OidcProvider>> InputProvider(const IamContext& iam,
                                                                 const OperationContext& c) {
  return FindOidcProvider(iam.state.directory(), c.caller.account_id,
                          c.input.at("OpenIDConnectProviderArn").get<std::string>());
}

Result<json> CreateProvider(IamContext& iam, const OperationContext& c) {
  const std::string input_url = c.input.at("Url");
  model::OidcProvider provider;
  provider.account_id = c.caller.account_id;
  ASSIGN_OR_RETURN(provider.url, CanonicalOidcUrl(input_url));
  provider.client_ids = UniqueList(c.input, "ClientIDList", false);
  if (provider.client_ids.size() > kClientIdsPerOidcProvider) return TooManyClientIds();
  ASSIGN_OR_RETURN(provider.thumbprints, InputThumbprints(c.input));
  if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
    ASSIGN_OR_RETURN(provider.tags, MergeTags({}, *tags, kOidcProviderTags));
  }
  provider.created_ms = iam.now_ms();
  Status exists(ErrorCode::kEntityAlreadyExists,
                "Provider with url https://" + provider.url + " already exists.");
  const store::Directory& dir = iam.state.directory();
  if (dir.Get<model::OidcProvider>(provider.Key()) != nullptr) return exists;
  // The count is checked on what this instance knows, and held by the precondition against
  // every other writer: a conflict is retried, and the retry sees the quota reached.
  const std::string prefix = model::RecordKey({provider.account_id}) + "/";
  if (dir.Scan<model::OidcProvider>(prefix).size() >= kOidcProvidersPerAccount) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for OpenIdConnectProvidersPerAccount: " +
                      std::to_string(kOidcProvidersPerAccount));
  }
  Status s =
      iam.state.Commit({.writes = {store::Put<model::OidcProvider>{provider, /*create=*/true}},
                        .preconditions = {store::ExpectFewer<model::OidcProvider>{
                            prefix, static_cast<int64_t>(kOidcProvidersPerAccount), "", ""}}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) return exists;
  RETURN_IF_ERROR(s);
  json out = {{"OpenIDConnectProviderArn", provider.Arn()}};
  ShowTags(out, provider.tags, TagsShown::kWhenAny);
  return out;
}

Result<json> GetProvider(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputProvider(iam, c));
  json out = {{"Url", provider->url},
              {"ClientIDList", provider->client_ids},
              {"ThumbprintList", provider->thumbprints},
              {"CreateDate", FormatIsoTime(provider->created_ms)}};
  ShowTags(out, provider->tags, TagsShown::kAlways);
  return out;
}

Result<json> ListProviders(IamContext& iam, const OperationContext& c) {
  json list = json::array();
  const std::string prefix = model::RecordKey({c.caller.account_id}) + "/";
  for (const auto& p : iam.state.directory().Scan<model::OidcProvider>(prefix)) {
    list.push_back(ProviderArnJson(*p));
  }
  return json{{"OpenIDConnectProviderList", std::move(list)}};
}

// Deleting a provider that does not exist succeeds, as AWS documents.
Result<json> DeleteProvider(IamContext& iam, const OperationContext& c) {
  auto provider = InputProvider(iam, c);
  if (!provider.ok()) return json::object();
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Erase<model::OidcProvider>::Of(**provider)},
                                    .preconditions = {store::Unchanged(**provider)}}));
  return json::object();
}

// Adding a client id the provider has already succeeds and changes nothing.
Result<json> AddClientId(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputProvider(iam, c));
  const std::string id = c.input.at("ClientID");
  return UpdateRecord(iam, *provider, [&](model::OidcProvider& p) {
    if (std::find(p.client_ids.begin(), p.client_ids.end(), id) != p.client_ids.end()) {
      return Status::Ok();
    }
    if (p.client_ids.size() >= kClientIdsPerOidcProvider) return TooManyClientIds();
    p.client_ids.push_back(id);
    return Status::Ok();
  });
}

// Removing a client id the provider does not have succeeds, as AWS documents.
Result<json> RemoveClientId(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputProvider(iam, c));
  const std::string id = c.input.at("ClientID");
  return UpdateRecord(iam, *provider, [&](model::OidcProvider& p) {
    std::erase(p.client_ids, id);
    return Status::Ok();
  });
}

Result<json> UpdateThumbprints(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputProvider(iam, c));
  ASSIGN_OR_RETURN(std::vector<std::string> thumbprints, InputThumbprints(c.input));
  return UpdateRecord(iam, *provider, [&](model::OidcProvider& p) {
    p.thumbprints = thumbprints;
    return Status::Ok();
  });
}

Result<json> TagProvider(IamContext& iam, const OperationContext& c) {
  return TagRecord<model::OidcProvider>(iam, c, InputProvider, kOidcProviderTags);
}

Result<json> UntagProvider(IamContext& iam, const OperationContext& c) {
  return UntagRecord<model::OidcProvider>(iam, c, InputProvider);
}

Result<json> ListProviderTags(IamContext& iam, const OperationContext& c) {
  return ListRecordTags<model::OidcProvider>(iam, c, InputProvider);
}

}  // namespace

Result<std::string> CanonicalOidcUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size() || !EqualsIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return InvalidUrl(" The URL must begin with https://.");
  }
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (host.empty()) return InvalidUrl();
  for (char ch : rest) {
    const auto u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u >= 0x7f || ch == '?' || ch == '#' || ch == '@' || ch == '\\') {
      return InvalidUrl();
    }
  }
  std::string canonical = AsciiLower(host);
  if (slash != std::string_view::npos) canonical += rest.substr(slash);
  return canonical;
}

Result<std::shared_ptr<const model::OidcProvider>> FindOidcProvider(const store::Directory& dir,
                                                                    std::string_view account,
                                                                    std::string_view arn) {
  const std::string prefix = ProviderPrefix(account);
  std::shared_ptr<const model::OidcProvider> provider;
  if (arn.starts_with(prefix)) {
    provider = dir.Get<model::OidcProvider>(model::RecordKey({account, arn.substr(prefix.size())}));
  }
  if (provider == nullptr || provider->Arn() != arn) {
    return Status(ErrorCode::kNoSuchEntity,
                  "OpenIDConnect Provider not found for arn " + std::string(arn));
  }
  return provider;
}

std::string OidcProviderArnFor(std::string_view account, std::string_view url) {
  Result<std::string> canonical = CanonicalOidcUrl(url);
  if (canonical.ok()) return ProviderPrefix(account) + *canonical;
  std::string_view raw = url;
  if (raw.starts_with("https://")) raw.remove_prefix(8);
  return ProviderPrefix(account) + std::string(raw);
}

void RegisterOidcProviderOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"CreateOpenIDConnectProvider", CreateProvider},
      {"GetOpenIDConnectProvider", GetProvider},
      {"ListOpenIDConnectProviders", ListProviders},
      {"DeleteOpenIDConnectProvider", DeleteProvider},
      {"AddClientIDToOpenIDConnectProvider", AddClientId},
      {"RemoveClientIDFromOpenIDConnectProvider", RemoveClientId},
      {"UpdateOpenIDConnectProviderThumbprint", UpdateThumbprints},
      {"TagOpenIDConnectProvider", TagProvider},
      {"UntagOpenIDConnectProvider", UntagProvider},
      {"ListOpenIDConnectProviderTags", ListProviderTags},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
