// iam: UploadServerCertificate, GetServerCertificate, ListServerCertificates,
// UpdateServerCertificate, DeleteServerCertificate, TagServerCertificate,
// UntagServerCertificate, ListServerCertificateTags. Each upload is checked with OpenSSL
// (core/x509_certificate.h): one PEM certificate in its validity period, a private key that is
// its own (sealed under the master key and never answered), and a chain in which every
// certificate is issued by the next.
#include "core/crypto.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "core/x509_certificate.h"
#include "model/server_certificate_entities.h"
#include "services/iam/credential_ids.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/record_operations.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kServerCertificatesPerAccount = 20;

Status NoSuchCertificate(std::string_view name) {
  return Status(ErrorCode::kNoSuchEntity,
                "The Server Certificate with name " + std::string(name) + " cannot be found.");
}

Status AlreadyExists(std::string_view name) {
  return Status(ErrorCode::kEntityAlreadyExists,
                "The Server Certificate with name " + std::string(name) + " already exists.");
}

json MetadataJson(const model::ServerCertificate& cert) {
  return {{"Path", cert.path},
          {"ServerCertificateName", cert.name},
          {"ServerCertificateId", cert.id},
          {"Arn", cert.Arn()},
          {"UploadDate", FormatIsoTime(cert.uploaded_ms)},
          {"Expiration", FormatIsoTime(cert.expires_ms)}};
}

Result<std::shared_ptr<const model::ServerCertificate>> InputCertificate(
    const IamContext& iam, const OperationContext& c) {
  const std::string name = c.input.at("ServerCertificateName");
  auto cert = iam.state.directory().Get<model::ServerCertificate>(
      model::RecordKey({c.caller.account_id, name}));
  if (cert == nullptr) return NoSuchCertificate(name);
  return cert;
}

// The chain, if given: certificates each issued by the next, the first issuing `body`.
Result<std::string> CheckedChain(const OperationContext& c, const PemCertificate& body) {
  auto given = c.input.find("CertificateChain");
  if (given == c.input.end()) return std::string();
  ASSIGN_OR_RETURN(std::vector<PemCertificate> chain,
                   ParsePemCertificates(given->get<std::string>()));
  std::string pem;
  const PemCertificate* child = &body;
  for (const PemCertificate& issuer : chain) {
    if (!CertificateIssuedBy(*child, issuer)) {
      return Status(ErrorCode::kMalformedCertificate,
                    "The certificate chain is not in order: each certificate must be issued by "
                    "the one after it.");
    }
    pem += issuer.pem;
    child = &issuer;
  }
  return pem;
}

// The input's certificate, chain and private key, checked.
Result<model::ServerCertificate> CheckedUpload(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(PemCertificate body,
                   ParsePemCertificate(c.input.at("CertificateBody").get<std::string>()));
  const int64_t now = iam.now_ms();
  if (now > body.not_after_ms) {
    return Status(ErrorCode::kMalformedCertificate, "The certificate has expired.");
  }
  if (now < body.not_before_ms) {
    return Status(ErrorCode::kMalformedCertificate, "The certificate is not yet valid.");
  }
  const std::string private_key = c.input.at("PrivateKey");
  RETURN_IF_ERROR(CheckCertificateKey(body, private_key));
  model::ServerCertificate cert;
  cert.account_id = c.caller.account_id;
  cert.name = c.input.at("ServerCertificateName");
  cert.path = c.input.value("Path", "/");
  cert.id = "ASCA" + RandomString(iam.random, kBase32IdAlphabet, 17);
  cert.body = body.pem;
  cert.uploaded_ms = now;
  cert.expires_ms = body.not_after_ms;
  ASSIGN_OR_RETURN(cert.chain, CheckedChain(c, body));
  cert.sealed_private_key =
      HexEncode(Seal(iam.master_key, private_key, cert.id, iam.random.Bytes(12)));
  if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
    ASSIGN_OR_RETURN(cert.tags, MergeTags({}, *tags, kServerCertificateTags));
  }
  return cert;
}

Result<json> UploadCertificate(IamContext& iam, const OperationContext& c) {
  const store::Directory& dir = iam.state.directory();
  const std::string name = c.input.at("ServerCertificateName");
  if (dir.Get<model::ServerCertificate>(model::RecordKey({c.caller.account_id, name}))) {
    return AlreadyExists(name);
  }
  const std::string prefix = model::RecordKey({c.caller.account_id}) + "/";
  if (dir.Scan<model::ServerCertificate>(prefix).size() >= kServerCertificatesPerAccount) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for ServerCertificatesPerAccount: " +
                      std::to_string(kServerCertificatesPerAccount));
  }
  ASSIGN_OR_RETURN(model::ServerCertificate cert, CheckedUpload(iam, c));
  Status s =
      iam.state.Commit({.writes = {store::Put<model::ServerCertificate>{cert, /*create=*/true}},
                        .preconditions = {store::ExpectFewer<model::ServerCertificate>{
                            prefix, static_cast<int64_t>(kServerCertificatesPerAccount), "", ""}}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) return AlreadyExists(name);
  RETURN_IF_ERROR(s);
  json out = {{"ServerCertificateMetadata", MetadataJson(cert)}};
  ShowTags(out, cert.tags, TagsShown::kWhenAny);
  return out;
}

Result<json> GetCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cert, InputCertificate(iam, c));
  json inner = {{"ServerCertificateMetadata", MetadataJson(*cert)},
                {"CertificateBody", cert->body}};
  if (!cert->chain.empty()) inner["CertificateChain"] = cert->chain;
  ShowTags(inner, cert->tags, TagsShown::kAlways);
  return json{{"ServerCertificate", std::move(inner)}};
}

Result<json> ListCertificates(IamContext& iam, const OperationContext& c) {
  const std::string path_prefix = c.input.value("PathPrefix", "/");
  json out;
  json list = json::array();
  for (const auto& cert : ScanPage<model::ServerCertificate>(
           iam.state.directory(), model::RecordKey({c.caller.account_id}) + "/", ReadPage(c.input),
           [&](const model::ServerCertificate& cert) { return cert.path.starts_with(path_prefix); },
           out)) {
    list.push_back(MetadataJson(*cert));
  }
  out["ServerCertificateMetadataList"] = std::move(list);
  return out;
}

// A new name and/or path. The record moves to the new name's key; the id, the certificate and
// its key stay.
Result<json> UpdateCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cert, InputCertificate(iam, c));
  model::ServerCertificate updated = *cert;
  updated.name = c.input.value("NewServerCertificateName", cert->name);
  updated.path = c.input.value("NewPath", cert->path);
  store::WriteBatch batch;
  batch.preconditions.push_back(store::Unchanged(*cert));
  if (updated.Key() != cert->Key()) {
    if (iam.state.directory().Get<model::ServerCertificate>(updated.Key())) {
      return AlreadyExists(updated.name);
    }
    batch.writes.push_back(store::Erase<model::ServerCertificate>::Of(*cert));
    batch.writes.push_back(store::Put<model::ServerCertificate>{updated, /*create=*/true});
  } else {
    batch.writes.push_back(store::Put<model::ServerCertificate>{updated});
  }
  Status s = iam.state.Commit(batch);
  if (s.code() == ErrorCode::kEntityAlreadyExists) return AlreadyExists(updated.name);
  RETURN_IF_ERROR(s);
  return json::object();
}

Result<json> DeleteCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cert, InputCertificate(iam, c));
  return EraseRecord(iam, *cert);
}

Result<json> TagCertificate(IamContext& iam, const OperationContext& c) {
  return TagRecord<model::ServerCertificate>(iam, c, InputCertificate, kServerCertificateTags);
}

Result<json> UntagCertificate(IamContext& iam, const OperationContext& c) {
  return UntagRecord<model::ServerCertificate>(iam, c, InputCertificate);
}

Result<json> ListCertificateTags(IamContext& iam, const OperationContext& c) {
  return ListRecordTags<model::ServerCertificate>(iam, c, InputCertificate);
}

}  // namespace

void RegisterServerCertificateOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"UploadServerCertificate", UploadCertificate},
      {"GetServerCertificate", GetCertificate},
      {"ListServerCertificates", ListCertificates},
      {"UpdateServerCertificate", UpdateCertificate},
      {"DeleteServerCertificate", DeleteCertificate},
      {"TagServerCertificate", TagCertificate},
      {"UntagServerCertificate", UntagCertificate},
      {"ListServerCertificateTags", ListCertificateTags},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
