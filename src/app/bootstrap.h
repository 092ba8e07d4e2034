// Bootstrap: on an empty data directory, create the management account with its root user (a
// random password of 64+ characters, stored only as an argon2id hash and never shown) and an
// IAM user `admin` with AdministratorAccess attached and one access key; write DATA/aws/config and DATA/aws/credentials (0600)
// with a profile `gatehouse`; store a one-time root password-reset token; and return the lines
// that make the AWS CLI use it.
#pragma once

#include <string>

#include "core/random.h"
#include "core/status.h"
#include "store/directory.h"

namespace gatehouse::app {

struct BootstrapOptions {
  std::string data_dir;
  std::string endpoint_url;  // written into the profile
  std::string region = "us-east-1";
  std::string account_id;  // empty: random
  std::string root_email = "root@gatehouse.local";
};

struct BootstrapResult {
  bool created = false;  // false: the data directory already had an account
  std::string account_id;
  std::string exports;  // the three export lines to print once
  // A one-time token (24 h) to take over the root user; only its SHA-256 is stored. The
  // console's password-reset page consumes it.
  std::string root_reset_token;
};

Result<BootstrapResult> Bootstrap(store::State& state, const BootstrapOptions& options,
                                  const std::string& master_key, Random& random,
                                  int64_t now_ms);

}  // namespace gatehouse::app
