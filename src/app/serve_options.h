// The settings of `gatehouse serve`, from flags, GATEHOUSE_* environment variables or a TOML
// configuration file (serve_config.h), with their defaults, and the flags that set them.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gatehouse::app {

struct ServeOptions {
  std::string listen = "127.0.0.1:4566";
  std::string data = "./data";
  std::string database;  // sqlite:PATH or postgresql://…; default sqlite:DATA/gatehouse.db
  std::string region = "us-east-1";
  std::string log_format = "text";
  std::string log_level = "info";  // debug adds how each authorization was decided
  std::string account_id;          // of the management account created on first start
  std::string root_email = "root@gatehouse.local";
  std::string tls_cert;
  std::string tls_key;
  // Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.
  std::string trusted_proxies;
  // How clients reach the server (the proxy's URL), for the links it prints and mails.
  std::string public_url;
  std::string master_key_hex;   // instead of DATA/master.key (environment or config file only)
  std::string master_key_file;  // or a file holding those 64 hex digits
  int threads = 0;
  int max_connections_per_client = 256;  // 0: no per-client limit
  size_t max_accounts = 1000;            // per organization
  size_t max_inbound_transfers = 0;      // per organization, as AWS's default quota
  bool console_signup = true;            // the console's sign-up page creates standalone accounts
  std::string clock_offset_file;         // tests only: see ClockOffset
  bool audit_trail = true;               // benchmarks only: false records no events
  // How long CreateAccount stays IN_PROGRESS (hidden: for clients' waiters, and tests).
  int64_t account_creation_delay_ms = 0;
  // Mail (the console's password-reset links) is queued in the store and delivered over SMTP
  // when smtp_url is set; without it the outbox keeps it (and DATA/outbox a copy).
  std::string smtp_url;
  // A PEM bundle trusted, besides the system's CAs, for OpenID Connect providers' keys.
  std::string federation_ca_file;
  bool smtp_starttls = false;
  std::string smtp_user;
  std::string smtp_password;
  std::string mail_from = "no-reply@gatehouse.local";
  // The audit trail exported as JSON lines (audit/event_file_sink.h); "-": standard output,
  // and the logs go to standard error.
  std::string audit_file;
  int64_t audit_file_max_bytes = 100LL * 1024 * 1024;
};

// Declares `gatehouse serve`'s flags (each with its GATEHOUSE_* variable) on `serve`, filling
// `options`, which must outlive the parse.
void AddServeFlags(CLI::App& serve, ServeOptions& options);

}  // namespace gatehouse::app
