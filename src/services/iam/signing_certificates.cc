// iam: UploadSigningCertificate, ListSigningCertificates, UpdateSigningCertificate,
// DeleteSigningCertificate. X.509 certificates of a user, or of the root user when the caller
// is the root user and names no user: at most two each, and one certificate only once in an
// account. Each is checked with OpenSSL (core/x509_certificate.h) and kept as OpenSSL writes
// it back.
#include "core/ids.h"
#include "core/time_format.h"
#include "core/x509_certificate.h"
#include "services/iam/credential_ids.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/record_operations.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kCertificatesPerUser = 2;

// Whose certificates a request is about: an IAM user, or the account's root user.
struct Owner {
  std::string account_id;
  std::string user_name;                    // "" for the root user
  std::shared_ptr<const model::User> user;  // null for the root user
};

Result<Owner> InputOwner(const IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(std::string name, TargetUserName(c));
  if (name.empty()) return Owner{c.caller.account_id, "", nullptr};
  ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, name));
  return Owner{user->account_id, user->name, user};
}

json CertificateJson(const model::SigningCertificate& cert) {
  json out = {{"CertificateId", cert.id},
              {"CertificateBody", cert.body},
              {"Status", cert.status},
              {"UploadDate", FormatIsoTime(cert.uploaded_ms)}};
  if (!cert.user_name.empty()) out["UserName"] = cert.user_name;
  return out;
}

Result<PemCertificate> CheckedCertificate(const OperationContext& c, int64_t now_ms) {
  ASSIGN_OR_RETURN(PemCertificate cert,
                   ParsePemCertificate(c.input.at("CertificateBody").get<std::string>()));
  if (now_ms > cert.not_after_ms) {
    return Status(ErrorCode::kMalformedCertificate, "The certificate has expired.");
  }
  if (now_ms < cert.not_before_ms) {
    return Status(ErrorCode::kInvalidCertificate, "The certificate is not yet valid.");
  }
  return cert;
}

Status UploadChecks(const store::Directory& dir, const Owner& owner, const PemCertificate& cert) {
  const std::string account_prefix = model::RecordKey({owner.account_id}) + "/";
  for (const auto& other : dir.Scan<model::SigningCertificate>(account_prefix)) {
    if (other->fingerprint == cert.sha256_hex) {
      return Status(ErrorCode::kDuplicateCertificate,
                    "The same certificate is already associated with an IAM user in the "
                    "account.");
    }
  }
  const std::string prefix = UserCredentialPrefix(owner.account_id, owner.user_name);
  if (dir.Scan<model::SigningCertificate>(prefix).size() >= kCertificatesPerUser) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for SigningCertificatesPerUser: " +
                      std::to_string(kCertificatesPerUser));
  }
  return Status::Ok();
}

Result<json> UploadSigningCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(Owner owner, InputOwner(iam, c));
  const int64_t now = iam.now_ms();
  ASSIGN_OR_RETURN(PemCertificate parsed, CheckedCertificate(c, now));
  const store::Directory& dir = iam.state.directory();
  RETURN_IF_ERROR(UploadChecks(dir, owner, parsed));
  model::SigningCertificate cert{.account_id = owner.account_id,
                                 .user_name = owner.user_name,
                                 .id = RandomString(iam.random, kCertificateIdAlphabet, 28),
                                 .body = parsed.pem,
                                 .fingerprint = parsed.sha256_hex,
                                 .uploaded_ms = now};
  // The quota and the account-wide uniqueness hold against concurrent uploads too.
  store::WriteBatch batch{
      .writes = {store::Put<model::SigningCertificate>{cert, /*create=*/true}},
      .preconditions = {
          store::ExpectFewer<model::SigningCertificate>{
              UserCredentialPrefix(owner.account_id, owner.user_name),
              static_cast<int64_t>(kCertificatesPerUser), "", ""},
          store::NoneUnder<model::SigningCertificate>(model::RecordKey({owner.account_id}) + "/",
                                                      "fingerprint", cert.fingerprint)}};
  if (owner.user) batch.preconditions.push_back(store::UserUnchanged(*owner.user));
  RETURN_IF_ERROR(iam.state.Commit(batch));
  return json{{"Certificate", CertificateJson(cert)}};
}

Result<std::shared_ptr<const model::SigningCertificate>> InputSigningCertificate(
    const IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(Owner owner, InputOwner(iam, c));
  const std::string id = c.input.at("CertificateId");
  auto cert = FindUserCredential<model::SigningCertificate>(iam.state.directory(), owner.account_id,
                                                            owner.user_name, id);
  if (cert == nullptr) {
    return Status(ErrorCode::kNoSuchEntity, "The Certificate with id " + id + " cannot be found.");
  }
  return cert;
}

Result<json> ListSigningCertificates(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(Owner owner, InputOwner(iam, c));
  json out;
  json list = json::array();
  for (const auto& cert : ScanPage<model::SigningCertificate>(
           iam.state.directory(), UserCredentialPrefix(owner.account_id, owner.user_name),
           ReadPage(c.input), [](const auto&) { return true; }, out)) {
    list.push_back(CertificateJson(*cert));
  }
  out["Certificates"] = std::move(list);
  return out;
}

Result<json> UpdateSigningCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cert, InputSigningCertificate(iam, c));
  ASSIGN_OR_RETURN(std::string status, InputCredentialStatus(c));
  return UpdateRecord(iam, *cert, [&](model::SigningCertificate& updated) {
    updated.status = status;
    return Status::Ok();
  });
}

Result<json> DeleteSigningCertificate(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cert, InputSigningCertificate(iam, c));
  return EraseRecord(iam, *cert);
}

}  // namespace

void RegisterSigningCertificateOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"UploadSigningCertificate", UploadSigningCertificate},
      {"ListSigningCertificates", ListSigningCertificates},
      {"UpdateSigningCertificate", UpdateSigningCertificate},
      {"DeleteSigningCertificate", DeleteSigningCertificate},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
