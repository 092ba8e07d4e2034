#include "app/serve_options.h"

#include <cstdint>

#include "app/database_options.h"

namespace gatehouse::app {

void AddServeFlags(CLI::App& serve, ServeOptions& options) {
  serve.add_option("--listen", options.listen, "HOST:PORT to listen on")
      ->envname("GATEHOUSE_LISTEN")
      ->capture_default_str();
  AddDatabaseOptions(serve, options.data, options.database);
  serve.add_option("--region", options.region, "the region the server answers for")
      ->envname("GATEHOUSE_REGION")
      ->capture_default_str();
  serve
      .add_option("--log-level", options.log_level,
                  "debug, info, warn or error (debug: why each request was allowed or refused)")
      ->envname("GATEHOUSE_LOG_LEVEL")
      ->capture_default_str();
  serve.add_option("--log-format", options.log_format, "text or json")
      ->envname("GATEHOUSE_LOG_FORMAT")
      ->capture_default_str();
  serve
      .add_option("--account-id", options.account_id,
                  "the management account's id, on first start (default: random)")
      ->envname("GATEHOUSE_ACCOUNT_ID");
  serve
      .add_option("--root-email", options.root_email,
                  "the management account's root user email, on first start")
      ->envname("GATEHOUSE_ROOT_EMAIL")
      ->capture_default_str();
  serve.add_option("--tls-cert", options.tls_cert, "PEM certificate chain: serve HTTPS")
      ->envname("GATEHOUSE_TLS_CERT");
  serve.add_option("--tls-key", options.tls_key, "PEM private key of --tls-cert")
      ->envname("GATEHOUSE_TLS_KEY");
  serve
      .add_option("--trusted-proxy", options.trusted_proxies,
                  "CIDR[,CIDR...]: reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
                  "name the client (aws:SourceIp, aws:SecureTransport); default: none")
      ->envname("GATEHOUSE_TRUSTED_PROXIES")
      ->multi_option_policy(CLI::MultiOptionPolicy::Join)
      ->delimiter(',');
  serve
      .add_option("--public-url", options.public_url,
                  "the URL clients reach the server at, such as https://iam.example.com, for "
                  "the links it prints and mails (default: the listen address)")
      ->envname("GATEHOUSE_PUBLIC_URL");
  AddMasterKeyOptions(serve, options.master_key_hex, options.master_key_file);
  serve.add_option("--clock-offset-file", options.clock_offset_file)
      ->envname("GATEHOUSE_CLOCK_OFFSET_FILE")
      ->group("");
  // Measuring what recording costs (bench/audit_bench.sh) needs a server that records nothing.
  serve.add_option("--audit-trail", options.audit_trail)->group("");
  serve.add_option("--account-creation-delay-ms", options.account_creation_delay_ms)
      ->envname("GATEHOUSE_ACCOUNT_CREATION_DELAY_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}))
      ->group("");
  serve
      .add_option("--smtp-url", options.smtp_url,
                  "deliver mail (password-reset links) to smtp://HOST:PORT or smtps://HOST:PORT "
                  "(default: keep it queued, with a copy in DATA/outbox)")
      ->envname("GATEHOUSE_SMTP_URL");
  serve.add_flag("--smtp-starttls", options.smtp_starttls, "require STARTTLS on smtp://")
      ->envname("GATEHOUSE_SMTP_STARTTLS");
  serve.add_option("--smtp-user", options.smtp_user, "log in to the SMTP server as this user")
      ->envname("GATEHOUSE_SMTP_USER");
  serve
      .add_option("--smtp-password", options.smtp_password,
                  "the SMTP password (better in the environment: GATEHOUSE_SMTP_PASSWORD)")
      ->envname("GATEHOUSE_SMTP_PASSWORD");
  serve
      .add_option("--federation-ca-file", options.federation_ca_file,
                  "PEM bundle of CAs trusted for OpenID Connect providers' keys besides the "
                  "system's (a private PKI)")
      ->envname("GATEHOUSE_FEDERATION_CA_FILE")
      ->check(CLI::ExistingFile);
  serve.add_option("--mail-from", options.mail_from, "the sender address of the server's mail")
      ->envname("GATEHOUSE_MAIL_FROM")
      ->capture_default_str();
  serve.add_option("--threads", options.threads, "worker threads (0: one per core)")
      ->envname("GATEHOUSE_THREADS");
  serve
      .add_option("--max-connections-per-client", options.max_connections_per_client,
                  "connections one client address may hold at once (0: no limit; a "
                  "--trusted-proxy is not held to it)")
      ->envname("GATEHOUSE_MAX_CONNECTIONS_PER_CLIENT")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  serve
      .add_option("--max-accounts", options.max_accounts,
                  "accounts an organization may hold, its management account included")
      ->envname("GATEHOUSE_MAX_ACCOUNTS")
      ->check(CLI::Range(size_t{1}, size_t{10000000}))
      ->capture_default_str();
  serve
      .add_option("--max-inbound-transfers", options.max_inbound_transfers,
                  "transfers of responsibility an organization may take at once, its open "
                  "invitations included (AWS's default quota: 0)")
      ->envname("GATEHOUSE_MAX_INBOUND_TRANSFERS")
      ->check(CLI::Range(size_t{0}, size_t{1000000}))
      ->capture_default_str();
  serve
      .add_option("--console-signup", options.console_signup,
                  "whether the console's sign-up page may create standalone accounts")
      ->envname("GATEHOUSE_CONSOLE_SIGNUP")
      ->capture_default_str();
  serve
      .add_option("--audit-file", options.audit_file,
                  "also append every audit event as a JSON line (CloudTrail's record) to this "
                  "file, sealed in PATH.digest and rotated by size; - for standard output")
      ->envname("GATEHOUSE_AUDIT_FILE");
  serve
      .add_option("--audit-file-max-bytes", options.audit_file_max_bytes,
                  "rotate --audit-file before it grows past this size (keeping 5 older files)")
      ->envname("GATEHOUSE_AUDIT_FILE_MAX_BYTES")
      ->check(CLI::Range(int64_t{1}, INT64_MAX))
      ->capture_default_str();
}

}  // namespace gatehouse::app
