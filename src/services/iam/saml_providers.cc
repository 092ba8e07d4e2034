// iam: CreateSAMLProvider, GetSAMLProvider, ListSAMLProviders, UpdateSAMLProvider,
// DeleteSAMLProvider, TagSAMLProvider, UntagSAMLProvider, ListSAMLProviderTags. A provider keeps
// the IdP's metadata document as given (checked by federation/saml_metadata.h) and, for
// encrypted assertions, private keys sealed under the master key, never answered back.
#include "services/iam/saml_providers.h"

#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/crypto.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "federation/saml_metadata.h"
#include "services/iam/handler_table.h"
#include "services/iam/record_operations.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kSamlProvidersPerAccount = 100;
constexpr size_t kPrivateKeysPerProvider = 2;

std::string SamlProviderPrefix(std::string_view account) {
  return "arn:aws:iam::" + std::string(account) + ":saml-provider/";
}

Result<std::shared_ptr<const model::SamlProvider>> InputSamlProvider(const IamContext& iam,
                                                                     const OperationContext& c) {
  return FindSamlProvider(iam.state.directory(), c.caller.account_id,
                          c.input.at("SAMLProviderArn").get<std::string>());
}

// The metadata's validUntil, as the provider's (nothing: the provider does not expire).
Result<int64_t> CheckedMetadata(const std::string& document) {
  ASSIGN_OR_RETURN(federation::SamlMetadata metadata, federation::ParseSamlMetadata(document));
  return metadata.valid_until_ms.value_or(0);
}

// Whether `pem` is a private key OpenSSL reads (unencrypted PEM).
bool IsPrivateKey(const std::string& pem) {
  std::unique_ptr<BIO, void (*)(BIO*)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free_all);
  if (!bio) return false;
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  return key != nullptr;
}

// `provider` with the input's AddPrivateKey, RemovePrivateKey and AssertionEncryptionMode
// applied, checked as AWS checks them.
Status ApplyKeyInputs(IamContext& iam, const json& input, model::SamlProvider& provider) {
  if (auto add = input.find("AddPrivateKey"); add != input.end()) {
    const std::string pem = add->get<std::string>();
    if (!IsPrivateKey(pem)) return Status(ErrorCode::kInvalidInput, "Invalid private key.");
    if (provider.private_keys.size() >= kPrivateKeysPerProvider) {
      return Status(ErrorCode::kLimitExceeded,
                    "Cannot exceed quota for PrivateKeysPerSAMLProvider: " +
                        std::to_string(kPrivateKeysPerProvider));
    }
    model::SamlPrivateKey key;
    // 26 upper-case hex digits: the API's key ids are [A-Z0-9]{22,64}.
    key.key_id = HexEncode(iam.random.Bytes(13));
    for (char& ch : key.key_id)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    key.created_ms = iam.now_ms();
    key.sealed_pem = HexEncode(Seal(iam.master_key, pem, key.key_id, iam.random.Bytes(12)));
    provider.private_keys.push_back(std::move(key));
  }
  if (auto remove = input.find("RemovePrivateKey"); remove != input.end()) {
    const std::string id = remove->get<std::string>();
    auto erased = std::erase_if(provider.private_keys,
                                [&](const model::SamlPrivateKey& k) { return k.key_id == id; });
    if (erased == 0) {
      return Status(ErrorCode::kInvalidInput, "The private key " + id + " does not exist.");
    }
  }
  if (auto mode = input.find("AssertionEncryptionMode"); mode != input.end()) {
    provider.assertion_encryption_mode = mode->get<std::string>();
  }
  if (provider.assertion_encryption_mode == "Required" && provider.private_keys.empty()) {
    return Status(ErrorCode::kInvalidInput,
                  "Cannot set AssertionEncryptionMode to Required because no private key is "
                  "provided.");
  }
  return Status::Ok();
}

json ListEntry(const model::SamlProvider& p) {
  json out = {{"Arn", p.Arn()}, {"CreateDate", FormatIsoTime(p.created_ms)}};
  if (p.valid_until_ms != 0) out["ValidUntil"] = FormatIsoTime(p.valid_until_ms);
  return out;
}

Result<json> CreateSamlProvider(IamContext& iam, const OperationContext& c) {
  model::SamlProvider provider;
  provider.account_id = c.caller.account_id;
  provider.name = c.input.at("Name").get<std::string>();
  provider.metadata = c.input.at("SAMLMetadataDocument").get<std::string>();
  ASSIGN_OR_RETURN(provider.valid_until_ms, CheckedMetadata(provider.metadata));
  if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
    ASSIGN_OR_RETURN(provider.tags, MergeTags({}, *tags, kSamlProviderTags));
  }
  RETURN_IF_ERROR(ApplyKeyInputs(iam, c.input, provider));
  provider.uuid = iam.random.Uuid();
  provider.created_ms = iam.now_ms();
  Status exists(ErrorCode::kEntityAlreadyExists,
                "SAMLProvider with name " + provider.name + " already exists.");
  const store::Directory& dir = iam.state.directory();
  if (dir.Get<model::SamlProvider>(provider.Key()) != nullptr) return exists;
  const std::string prefix = model::RecordKey({provider.account_id}) + "/";
  if (dir.Scan<model::SamlProvider>(prefix).size() >= kSamlProvidersPerAccount) {
    return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for SAMLProvidersPerAccount: " +
                                                 std::to_string(kSamlProvidersPerAccount));
  }
  Status s =
      iam.state.Commit({.writes = {store::Put<model::SamlProvider>{provider, /*create=*/true}},
                        .preconditions = {store::ExpectFewer<model::SamlProvider>{
                            prefix, static_cast<int64_t>(kSamlProvidersPerAccount), "", ""}}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) return exists;
  RETURN_IF_ERROR(s);
  json out = {{"SAMLProviderArn", provider.Arn()}};
  ShowTags(out, provider.tags, TagsShown::kWhenAny);
  return out;
}

Result<json> GetSamlProvider(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputSamlProvider(iam, c));
  json out = {{"SAMLProviderUUID", provider->uuid},
              {"SAMLMetadataDocument", provider->metadata},
              {"CreateDate", FormatIsoTime(provider->created_ms)}};
  if (provider->valid_until_ms != 0) out["ValidUntil"] = FormatIsoTime(provider->valid_until_ms);
  if (!provider->assertion_encryption_mode.empty()) {
    out["AssertionEncryptionMode"] = provider->assertion_encryption_mode;
  }
  json keys = json::array();
  for (const model::SamlPrivateKey& k : provider->private_keys) {
    keys.push_back({{"KeyId", k.key_id}, {"Timestamp", FormatIsoTime(k.created_ms)}});
  }
  if (!keys.empty()) out["PrivateKeyList"] = std::move(keys);
  ShowTags(out, provider->tags, TagsShown::kAlways);
  return out;
}

Result<json> ListSamlProviders(IamContext& iam, const OperationContext& c) {
  json list = json::array();
  const std::string prefix = model::RecordKey({c.caller.account_id}) + "/";
  for (const auto& p : iam.state.directory().Scan<model::SamlProvider>(prefix)) {
    list.push_back(ListEntry(*p));
  }
  return json{{"SAMLProviderList", std::move(list)}};
}

Result<json> UpdateSamlProvider(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputSamlProvider(iam, c));
  ASSIGN_OR_RETURN(json out, UpdateRecord(iam, *provider, [&](model::SamlProvider& p) {
                     if (auto doc = c.input.find("SAMLMetadataDocument"); doc != c.input.end()) {
                       Result<int64_t> until = CheckedMetadata(doc->get<std::string>());
                       if (!until.ok()) return until.status();
                       p.metadata = doc->get<std::string>();
                       p.valid_until_ms = *until;
                     }
                     return ApplyKeyInputs(iam, c.input, p);
                   }));
  out["SAMLProviderArn"] = provider->Arn();
  return out;
}

Result<json> DeleteSamlProvider(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto provider, InputSamlProvider(iam, c));
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Erase<model::SamlProvider>::Of(*provider)},
                                    .preconditions = {store::Unchanged(*provider)}}));
  return json::object();
}

Result<json> TagSamlProvider(IamContext& iam, const OperationContext& c) {
  return TagRecord<model::SamlProvider>(iam, c, InputSamlProvider, kSamlProviderTags);
}

Result<json> UntagSamlProvider(IamContext& iam, const OperationContext& c) {
  return UntagRecord<model::SamlProvider>(iam, c, InputSamlProvider);
}

Result<json> ListSamlProviderTags(IamContext& iam, const OperationContext& c) {
  return ListRecordTags<model::SamlProvider>(iam, c, InputSamlProvider);
}

}  // namespace

Result<std::shared_ptr<const model::SamlProvider>> FindSamlProvider(const store::Directory& dir,
                                                                    std::string_view account,
                                                                    std::string_view arn) {
  const std::string prefix = SamlProviderPrefix(account);
  std::shared_ptr<const model::SamlProvider> provider;
  if (arn.starts_with(prefix)) {
    provider = dir.Get<model::SamlProvider>(model::RecordKey({account, arn.substr(prefix.size())}));
  }
  if (provider == nullptr || !EqualsIgnoreCase(provider->Arn(), arn)) {
    return Status(ErrorCode::kNoSuchEntity, "Manifest not found for arn " + std::string(arn));
  }
  return provider;
}

void RegisterSamlProviderOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"CreateSAMLProvider", CreateSamlProvider}, {"GetSAMLProvider", GetSamlProvider},
      {"ListSAMLProviders", ListSamlProviders},   {"UpdateSAMLProvider", UpdateSamlProvider},
      {"DeleteSAMLProvider", DeleteSamlProvider}, {"TagSAMLProvider", TagSamlProvider},
      {"UntagSAMLProvider", UntagSamlProvider},   {"ListSAMLProviderTags", ListSamlProviderTags},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
