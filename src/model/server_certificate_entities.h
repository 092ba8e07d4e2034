// An account's server certificates (IAM's certificate store for TLS endpoints): the certificate
// and its chain as OpenSSL writes them back, and its private key sealed under the server's
// master key (the certificate's id as associated data), never answered. Kept in the store's
// record table (store/record_kinds.def) under "account/name", lower-cased, since IAM names are
// unique regardless of case. Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/iam_entities.h"

namespace gatehouse::model {

struct ServerCertificate {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;                  // ASCA…
  std::string body;                // PEM
  std::string chain;               // PEM, the issuers in order; "" when none was given
  std::string sealed_private_key;  // hex
  int64_t uploaded_ms = 0;
  int64_t expires_ms = 0;  // the certificate's notAfter
  std::vector<Tag> tags;

  std::string Arn() const { return IamArn(account_id, "server-certificate", path, name); }
  std::string Key() const { return RecordKey({account_id, name}); }
};

}  // namespace gatehouse::model
