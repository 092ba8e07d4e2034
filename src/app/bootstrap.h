// Bootstrap: on the first start of `serve`, create the management account — a standalone
// account (app/standalone_account.h) named "management" with the IAM user `admin` — write its
// profile `gatehouse` into DATA/aws/config and DATA/aws/credentials (app/profile_files.h), and
// return the lines that make the AWS CLI use it and the root user's one-time reset token.
// "First start" means no account is marked as the bootstrap one: accounts made earlier by
// `gatehouse account create` do not count. Not thread-safe: runs once, before serving.
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
  bool created = false;  // false: the management account existed already
  std::string account_id;
  std::string exports;  // the three export lines to print once
  // A shell alias giving the endpoint to AWS CLIs older than 2.13 / 1.29, which do not read
  // `endpoint_url` from a profile.
  std::string alias;
  // The console's password-reset page with a one-time token (24 h) to take over the root user;
  // only the token's SHA-256 is stored.
  std::string root_reset_url;
};

Result<BootstrapResult> Bootstrap(store::State& state, const BootstrapOptions& options,
                                  const std::string& master_key, Random& random, int64_t now_ms);

}  // namespace gatehouse::app
