// iam: GenerateCredentialReport, GetCredentialReport. The report is generated synchronously and
// kept (one per account) until a generation more than four hours later replaces it; its CSV has
// AWS's columns, the root user's row first, and AWS's N/A, not_supported and no_information.
#include <openssl/evp.h>

#include <algorithm>

#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/account_operations.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// AWS generates a new report at most every four hours; an older one has expired.
constexpr int64_t kReportLifetimeMs = 4 * 3600 * 1000;

constexpr char kHeader[] =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

// "2026-11-29T07:00:00+00:00", the report's time format.
std::string CsvTime(int64_t ms) {
  std::string iso = FormatIsoTime(ms);
  return iso.substr(0, iso.size() - 1) + "+00:00";
}

const char* Bool(bool b) { return b ? "true" : "false"; }

// The access_key_1_* and access_key_2_* columns of the owner of `keys` (oldest key first).
std::string KeyColumns(const IamContext& iam,
                       std::vector<std::shared_ptr<const model::AccessKey>> keys) {
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a->created_ms, a->id) < std::tie(b->created_ms, b->id);
  });
  std::string out;
  for (size_t i = 0; i < 2; ++i) {
    if (i >= keys.size()) {
      out += ",false,N/A,N/A,N/A,N/A";
      continue;
    }
    const model::AccessKey& key = *keys[i];
    out += std::string(",") + Bool(key.status == model::AccessKeyStatus::kActive) + "," +
           CsvTime(key.created_ms);
    if (auto used = iam.usage.Find(iam.state.directory(), key.id)) {
      out += "," + CsvTime(used->used_ms) + "," + used->region + "," + used->service;
    } else {
      out += ",N/A,N/A,N/A";
    }
  }
  return out;
}

// The cert_1_* and cert_2_* columns of user `user` ("" for the root user): whether each signing
// certificate (oldest first) is active, and when it was uploaded.
std::string CertificateColumns(const store::Directory& dir, const std::string& account,
                               const std::string& user) {
  auto certs = dir.Scan<model::SigningCertificate>(UserCredentialPrefix(account, user));
  std::sort(certs.begin(), certs.end(), [](const auto& a, const auto& b) {
    return std::tie(a->uploaded_ms, a->id) < std::tie(b->uploaded_ms, b->id);
  });
  std::string out;
  for (size_t i = 0; i < 2; ++i) {
    out += i < certs.size()
               ? std::string(",") + Bool(certs[i]->status == model::kCredentialActive) + "," +
                     CsvTime(certs[i]->uploaded_ms)
               : ",false,N/A";
  }
  return out;
}

bool HasMfa(const std::vector<std::shared_ptr<const model::MfaDevice>>& devices, bool root,
            std::string_view user) {
  return std::any_of(devices.begin(), devices.end(), [&](const auto& d) {
    return root ? d->root : !d->root && EqualsIgnoreCase(d->user_name, user);
  });
}

std::string GenerateCsv(const IamContext& iam, const std::string& account) {
  const store::Directory& dir = iam.state.directory();
  const std::string prefix = model::RecordKey({account}) + "/";
  auto devices = dir.Scan<model::MfaDevice>(prefix);
  auto password_policy = dir.Get<model::PasswordPolicy>(model::RecordKey({account}));
  auto created = dir.FindAccount(account);

  std::string csv = std::string(kHeader) + "\n";
  csv += "<root_account>,arn:aws:iam::" + account + ":root," +
         CsvTime(created ? created->created_ms : 0) +
         ",not_supported,no_information,not_supported,not_supported," +
         Bool(HasMfa(devices, true, "")) + KeyColumns(iam, dir.ListAccessKeys(account, "")) +
         CertificateColumns(dir, account, "") + "\n";

  auto users = dir.ListUsers(account);
  std::sort(users.begin(), users.end(),
            [](const auto& a, const auto& b) { return AsciiLower(a->name) < AsciiLower(b->name); });
  for (const auto& user : users) {
    csv += user->name + "," + user->Arn() + "," + CsvTime(user->created_ms);
    auto login = dir.Get<model::LoginProfile>(model::RecordKey({account, user->name}));
    if (login == nullptr) {
      csv += ",false,N/A,N/A,N/A";
    } else {
      const int64_t set_ms =
          login->password_set_ms > 0 ? login->password_set_ms : login->created_ms;
      csv += ",true,";
      csv += login->last_used_ms > 0 ? CsvTime(login->last_used_ms) : "no_information";
      csv += "," + CsvTime(set_ms) + ",";
      csv += password_policy != nullptr && password_policy->max_password_age > 0
                 ? CsvTime(set_ms + password_policy->max_password_age * 86400 * 1000)
                 : "N/A";
    }
    csv += std::string(",") + Bool(HasMfa(devices, false, user->name)) +
           KeyColumns(iam, dir.ListAccessKeys(account, user->name)) +
           CertificateColumns(dir, account, user->name) + "\n";
  }
  return csv;
}

}  // namespace

void RegisterCredentialReportOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "GenerateCredentialReport", [&iam](const OperationContext& c) -> Result<json> {
    const std::string& account = c.caller.account_id;
    const int64_t now = iam.now_ms();
    auto report = iam.state.directory().Get<model::CredentialReport>(model::RecordKey({account}));
    if (report != nullptr && now - report->generated_ms < kReportLifetimeMs) {
      return json{{"State", "COMPLETE"}};
    }
    model::CredentialReport fresh{account, now, GenerateCsv(iam, account)};
    if (Status s = iam.state.Commit({{store::Put<model::CredentialReport>{fresh}}}); !s.ok()) {
      return s;
    }
    return json{{"State", "STARTED"},
                {"Description", "No report exists. Starting a new report generation task"}};
  });

  d.Register("iam", "GetCredentialReport", [&iam](const OperationContext& c) -> Result<json> {
    auto report =
        iam.state.directory().Get<model::CredentialReport>(model::RecordKey({c.caller.account_id}));
    // AWS answers both errors without a message.
    if (report == nullptr) return Status(ErrorCode::kReportNotPresent, "");
    if (iam.now_ms() - report->generated_ms >= kReportLifetimeMs) {
      return Status(ErrorCode::kReportExpired, "");
    }
    return json{{"Content", Base64Encode(report->csv)},
                {"ReportFormat", "text/csv"},
                {"GeneratedTime", FormatIsoTime(report->generated_ms)}};
  });
}

}  // namespace gatehouse::services::iam
