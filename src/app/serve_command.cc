#include "app/serve_command.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <toml++/toml.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/admin_endpoint.h"
#include "app/bootstrap.h"
#include "app/data_dir.h"
#include "app/database_options.h"
#include "app/deployment_store.h"
#include "app/log_escape.h"
#include "app/public_url.h"
#include "app/server_lock.h"
#include "audit/event_file_sink.h"
#include "audit/recorder.h"
#include "console/console_endpoint.h"
#include "core/arn.h"
#include "core/crypto.h"
#include "core/random.h"
#include "http/server.h"
#include "mail/outbox.h"
#include "mail/outbox_files.h"
#include "mail/outbox_mailer.h"
#include "mail/outbox_sender.h"
#include "mail/smtp_transport.h"
#include "protocol/model.h"
#include "services/access_activity.h"
#include "services/cloudtrail/cloudtrail.h"
#include "services/directory_credentials.h"
#include "services/directory_policies.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/key_usage.h"
#include "services/organizations/account_creation_queue.h"
#include "services/organizations/organizations_context.h"
#include "services/outbound_issuer_endpoint.h"
#include "services/stored_throttle_counts.h"
#include "services/sts/authorization_message.h"
#include "services/sts/session_key_ring.h"
#include "services/sts/sts_context.h"
#include "store/change_follower.h"
#include "store/database_url.h"

namespace gatehouse::app {
namespace {

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

// Tests move the server's clock with the hidden --clock-offset-file: a file holding a number of
// seconds added to the system clock, read again whenever it changes. Unset, the clock is the
// system's and nothing is read.
std::string g_clock_offset_file;
std::mutex g_clock_mu;
int64_t g_clock_offset = 0;
struct timespec g_clock_mtime = {};

int64_t ClockOffset() {
  if (g_clock_offset_file.empty()) return 0;
  struct stat st {};
  std::lock_guard lock(g_clock_mu);
  if (::stat(g_clock_offset_file.c_str(), &st) != 0) return g_clock_offset = 0;
  if (st.st_mtim.tv_sec != g_clock_mtime.tv_sec || st.st_mtim.tv_nsec != g_clock_mtime.tv_nsec) {
    g_clock_mtime = st.st_mtim;
    std::ifstream in(g_clock_offset_file);
    int64_t offset = 0;
    if (in >> offset) g_clock_offset = offset;
  }
  return g_clock_offset;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         ClockOffset();
}

// Last-used times of access keys and access advisor's activity, to the store.
void FlushUsage(store::State& state, services::KeyUsage& usage,
                services::AccessActivity& activity) {
  if (Status s = usage.Flush(state); !s.ok()) spdlog::warn("key usage: {}", s.message());
  if (Status s = activity.Flush(state); !s.ok()) spdlog::warn("access activity: {}", s.message());
}

void LogRequest(const ServeOptions& options, const services::DispatchRecord& r,
                const HttpRequest& request, double millis) {
  if (options.log_format == "json") {
    nlohmann::json line = {{"requestId", r.request_id},       {"operation", r.operation},
                           {"principal", r.principal},        {"status", r.status},
                           {"error", r.error_code},           {"latencyMs", millis},
                           {"remote", request.remote_address}};
    if (!r.authorization_message.empty()) line["authorizationMessage"] = r.authorization_message;
    // Bytes that are not UTF-8 (a path can carry them) are replaced, never a reason to throw.
    spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    spdlog::info("{} {} {} {} {}{} {:.2f}ms{}", r.request_id, request.remote_address,
                 r.operation.empty() ? "-" : r.operation, r.principal.empty() ? "-" : r.principal,
                 r.status, r.error_code.empty() ? "" : " " + r.error_code, millis,
                 r.authorization_message.empty()
                     ? ""
                     : " encoded authorization message: " + r.authorization_message);
  }
}

// Admin requests carry the operator secret, and their answers a token and a key: the log line
// names the operation and the account made, nothing else.
void LogAdminRequest(const ServeOptions& options, const std::string& request_id,
                     const AdminRecord& r, const HttpRequest& request, double millis) {
  services::DispatchRecord record{request_id, r.operation,  r.status == 403 ? "" : "operator",
                                  r.status,   r.error_code, ""};
  LogRequest(options, record, request, millis);
  if (r.account_id.empty()) return;
  if (r.operation == "gatehouse:CreateAccount") {
    spdlog::info("{} created the account {}", request_id, r.account_id);
  } else {
    spdlog::info("{} issued a root password-reset link for the account {}", request_id,
                 r.account_id);
  }
}

// Settings from a TOML file fill what neither a flag nor a GATEHOUSE_* variable gave:
//   listen = "0.0.0.0:4566"
//   data = "/var/lib/gatehouse"
//   log-format = "json"
// An unknown key or a value of the wrong type is an error (returned as its message).
std::string ApplyConfigFile(const std::string& path, const CLI::App& serve, ServeOptions& options) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return path + ": " + std::string(e.description());
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"listen", &options.listen},
      {"data", &options.data},
      {"database", &options.database},
      {"region", &options.region},
      {"log-format", &options.log_format},
      {"log-level", &options.log_level},
      {"account-id", &options.account_id},
      {"root-email", &options.root_email},
      {"tls-cert", &options.tls_cert},
      {"tls-key", &options.tls_key},
      {"public-url", &options.public_url},
      {"master-key", &options.master_key_hex},
      {"master-key-file", &options.master_key_file},
      {"smtp-url", &options.smtp_url},
      {"smtp-user", &options.smtp_user},
      {"smtp-password", &options.smtp_password},
      {"mail-from", &options.mail_from},
      {"audit-file", &options.audit_file}};
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    const CLI::Option* option = serve.get_option_no_throw("--" + name);
    if (option == nullptr || name == "config") return path + ": unknown setting " + name;
    bool given = option->count() > 0;  // flags and variables win
    bool known = false;
    for (const auto& [k, target] : strings) {
      if (name != k) continue;
      known = true;
      if (!node.is_string()) return path + ": " + name + " must be a string";
      if (!given) *target = node.value<std::string>().value();
    }
    if (name == "trusted-proxy") {
      // One string of ranges, or an array of them.
      known = true;
      std::string ranges;
      if (node.is_string()) {
        ranges = node.value<std::string>().value();
      } else if (const toml::array* list = node.as_array()) {
        for (const toml::node& range : *list) {
          if (!range.is_string()) return path + ": trusted-proxy must be strings";
          ranges += range.value<std::string>().value() + ",";
        }
      } else {
        return path + ": trusted-proxy must be a string or an array of strings";
      }
      if (!given) options.trusted_proxies = ranges;
    }
    if (name == "max-accounts") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 1) {
        return path + ": max-accounts must be a positive integer";
      }
      if (!given) options.max_accounts = static_cast<size_t>(node.value<int64_t>().value());
    }
    if (name == "max-inbound-transfers") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 0) {
        return path + ": max-inbound-transfers must be a non-negative integer";
      }
      if (!given) options.max_inbound_transfers = node.value<int64_t>().value();
    }
    if (name == "audit-file-max-bytes") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 1) {
        return path + ": audit-file-max-bytes must be a positive integer";
      }
      if (!given) options.audit_file_max_bytes = node.value<int64_t>().value();
    }
    if (name == "console-signup") {
      known = true;
      if (!node.is_boolean()) return path + ": console-signup must be true or false";
      if (!given) options.console_signup = node.value<bool>().value();
    }
    if (name == "smtp-starttls") {
      known = true;
      if (!node.is_boolean()) return path + ": smtp-starttls must be true or false";
      if (!given) options.smtp_starttls = node.value<bool>().value();
    }
    if (name == "max-connections-per-client") {
      known = true;
      if (!node.is_integer() || node.value<int64_t>().value() < 0) {
        return path + ": max-connections-per-client must be a non-negative integer";
      }
      if (!given) {
        options.max_connections_per_client =
            static_cast<int>(std::min<int64_t>(node.value<int64_t>().value(), 1 << 20));
      }
    }
    if (name == "threads") {
      known = true;
      if (!node.is_integer()) return path + ": threads must be an integer";
      if (!given) options.threads = static_cast<int>(node.value<int64_t>().value());
    }
    if (!known) return path + ": unknown setting " + name;
  }
  return "";
}

int Serve(const ServeOptions& options) {
  g_clock_offset_file = options.clock_offset_file;
  size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--listen must be HOST:PORT, got " << options.listen << "\n";
    return 2;
  }
  int port = -1;
  try {
    port = std::stoi(options.listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    std::cerr << "--listen has an invalid port: " << options.listen << "\n";
    return 2;
  }
  if (!options.account_id.empty() && !IsAccountId(options.account_id)) {
    std::cerr << "--account-id must be 12 digits\n";
    return 2;
  }
  const spdlog::level::level_enum level = spdlog::level::from_str(options.log_level);
  if (options.log_level != "debug" && options.log_level != "info" && options.log_level != "warn" &&
      options.log_level != "error") {
    std::cerr << "--log-level must be debug, info, warn or error\n";
    return 2;
  }
  if (options.log_format != "text" && options.log_format != "json") {
    std::cerr << "--log-format must be text or json\n";
    return 2;
  }
  if (!mail::ValidateMailMessage({options.mail_from, options.mail_from, "", ""}).ok()) {
    std::cerr << "--mail-from must be one plain address\n";
    return 2;
  }
  if (Status s = mail::ValidateSmtpUrl(options.smtp_url); !options.smtp_url.empty() && !s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  Result<http::TrustedProxies> trusted_proxies =
      http::TrustedProxies::Parse(options.trusted_proxies);
  if (!trusted_proxies.ok()) {
    std::cerr << trusted_proxies.status().message() << "\n";
    return 2;
  }
  std::string public_url;
  if (!options.public_url.empty()) {
    Result<std::string> normalized = NormalizePublicUrl(options.public_url);
    if (!normalized.ok()) {
      std::cerr << normalized.status().message() << "\n";
      return 2;
    }
    public_url = *normalized;
  }
  const DatabaseSettings database_settings{options.data, options.database, options.master_key_hex,
                                           options.master_key_file};
  if (Result<store::DatabaseUrl> database = DatabaseUrlOf(database_settings); !database.ok()) {
    std::cerr << database.status().message() << "\n";
    return 2;
  }
  ::umask(077);  // the data directory holds hashes and sealed secrets: owner only
  std::error_code ec;
  std::filesystem::create_directories(options.data, ec);
  if (ec) {
    std::cerr << "cannot create data directory " << options.data << ": " << ec.message() << "\n";
    return 2;
  }

  // One server per data directory; `gatehouse account create` finds it through the lock.
  Result<ServerLock> lock = ServerLock::Acquire(options.data, std::chrono::seconds(10));
  if (!lock.ok()) {
    std::cerr << lock.status().message() << "\n";
    return 1;
  }
  if (!lock->acquired()) {
    std::cerr << options.data << " is in use by another gatehouse process (" << options.data
              << "/server.lock)\n";
    return 1;
  }
  RemoveServerInfo(options.data);  // a crashed server's, if any

  // Standard output may carry the audit trail: then it carries nothing else.
  const bool audit_to_stdout = options.audit_file == "-";
  std::ostream& terminal = audit_to_stdout ? std::cerr : std::cout;
  spdlog::set_default_logger(audit_to_stdout ? spdlog::stderr_logger_mt("gatehouse")
                                             : spdlog::stdout_logger_mt("gatehouse"));
  spdlog::set_level(level);
  spdlog::set_formatter(std::make_unique<EscapingFormatter>(
      options.log_format == "json" ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
      spdlog::pattern_time_type::utc));

  Result<protocol::ModelRegistry> models = protocol::ModelRegistry::LoadEmbedded();
  if (!models.ok()) {
    std::cerr << models.status().ToString() << "\n";
    return 1;
  }
  SystemRandom random;
  Result<std::string> operator_secret = LoadOrCreateOperatorSecret(options.data, random);
  if (!operator_secret.ok()) {
    std::cerr << operator_secret.status().message() << "\n";
    return 1;
  }
  Result<Deployment> deployment = OpenDeployment(database_settings, random, NowSeconds() * 1000);
  if (!deployment.ok()) {
    std::cerr << deployment.status().message() << "\n";
    return 1;
  }
  store::State& state = *deployment->loaded.state;
  const std::string& master_key = deployment->master_key;
  // Other instances on the same database commit too: the directory follows their changes.
  store::ChangeFollower follower(*deployment->loaded.store, state, std::chrono::milliseconds(500));
  follower.Start();
  std::string endpoint_host = options.listen.substr(0, colon);
  if (endpoint_host == "0.0.0.0" || endpoint_host == "::") endpoint_host = "127.0.0.1";
  if (endpoint_host.find(':') != std::string::npos && endpoint_host.front() != '[') {
    endpoint_host = "[" + endpoint_host + "]";
  }
  BootstrapOptions bootstrap_options;
  bootstrap_options.data_dir = options.data;
  const bool tls = !options.tls_cert.empty();
  if (tls != !options.tls_key.empty()) {
    std::cerr << "--tls-cert and --tls-key go together\n";
    return 2;
  }
  // The bootstrap profile and its printed link name the server as clients reach it.
  bootstrap_options.endpoint_url =
      !public_url.empty()
          ? public_url
          : std::string(tls ? "https://" : "http://") + endpoint_host + ":" + std::to_string(port);
  bootstrap_options.region = options.region;
  bootstrap_options.account_id = options.account_id;
  bootstrap_options.root_email = options.root_email;
  Result<BootstrapResult> bootstrap =
      Bootstrap(state, bootstrap_options, master_key, random, NowSeconds() * 1000);
  if (!bootstrap.ok()) {
    std::cerr << "bootstrap failed: " << bootstrap.status().message() << "\n";
    return 1;
  }
  if (bootstrap->created) {
    // Printed once, on the terminal only: the profile's secret is in the credentials file.
    terminal << "Created the management account " << bootstrap->account_id
             << " with the IAM user admin. To use it with the AWS CLI, paste:\n"
             << bootstrap->exports << bootstrap->alias
             << "(AWS CLI 2.13+ and 1.29+ read the endpoint from the profile; the alias is for "
                "older ones, such as Debian bookworm's 2.9.)\n"
             << "To take over the root user (" << bootstrap_options.root_email
             << "), set its password within 24 hours at this one-time link:\n  "
             << bootstrap->root_reset_url << "\n"
             << std::flush;
  }

  Result<services::iam::ManagedPolicyCatalog> catalog =
      services::iam::ManagedPolicyCatalog::LoadEmbedded();
  if (!catalog.ok()) {
    std::cerr << catalog.status().message() << "\n";
    return 1;
  }
  services::sts::SessionKeyRing session_keys(state, master_key, random);
  services::DirectoryCredentials credentials(state.directory(), master_key, &session_keys);
  services::DirectoryPolicies policies(state.directory(), *catalog);
  services::Dispatcher dispatcher(*models, credentials, policies, random, NowSeconds,
                                  options.region);
  // The audit trail: every call's events, appended, sealed and pruned in the background.
  // Its digests are signed with the deployment's key (audit/digest_signature.h).
  const audit::DigestSigner digest_signer = audit::DigestSigner::FromMasterKey(master_key);
  audit::RecorderOptions audit_options;
  audit_options.now_ms = [] { return NowSeconds() * 1000; };
  audit_options.signer = &digest_signer;
  std::unique_ptr<audit::EventFileSink> audit_file;
  if (!options.audit_file.empty()) {
    Result<std::unique_ptr<audit::EventFileSink>> sink =
        audit::EventFileSink::Open({options.audit_file, options.audit_file_max_bytes,
                                    audit::EventFileOptions{}.keep, &digest_signer});
    if (!sink.ok()) {
      std::cerr << "--audit-file: " << sink.status().message() << "\n";
      return 1;
    }
    audit_file = std::move(sink).value();
    audit_options.sinks.push_back(audit_file.get());
  }
  audit::Recorder audit_recorder(state.store(), std::move(audit_options));
  if (options.audit_trail) dispatcher.RecordAuditEvents(&audit_recorder);
  services::KeyUsage usage;
  services::AccessActivity activity;
  dispatcher.OnAuthenticated([&](const auth::AccessKeyRecord& caller, const std::string& service,
                                 const std::string& operation, const std::string& region) {
    const int64_t now_ms = NowSeconds() * 1000;
    if (!caller.session) usage.Record(caller.access_key_id, now_ms, service, region);
    activity.Record(caller, service, operation, region, now_ms);
  });
  // argon2id runs on its own small pool, never on the connections' threads; password guesses
  // (console sign-in, ChangePassword) share one throttle, its counts in the store.
  auth::PasswordHasher password_hasher;
  services::StoredThrottleCounts throttle_counts(state);
  auth::PasswordThrottle password_throttle(throttle_counts);
  // The console's mail links and the outbound token issuers name the server as its operator
  // configured it (--public-url, else the listen address), never as a request's Host header
  // does; with port 0 the port is known once the server listens.
  std::mutex base_url_mu;
  std::string base_url = bootstrap_options.endpoint_url;
  auto current_base_url = [&] {
    std::lock_guard lock(base_url_mu);
    return base_url;
  };
  services::iam::IamContext iam{
      state, *catalog, random,           master_key,        [] { return NowSeconds() * 1000; },
      usage, activity, &password_hasher, &password_throttle};
  iam.base_url = current_base_url;
  services::iam::RegisterIamOperations(dispatcher, iam);
  federation::OidcKeyFetcher::Options oidc_options;
  oidc_options.fetch.extra_ca_file = options.federation_ca_file;
  oidc_options.now_ms = [] { return NowSeconds() * 1000; };
  federation::OidcKeyFetcher oidc_keys(std::move(oidc_options));
  services::sts::StsContext sts{iam, session_keys, &oidc_keys, public_url, options.region};
  services::sts::RegisterStsOperations(dispatcher, sts);
  services::organizations::OrganizationsOptions organizations_options;
  organizations_options.max_accounts = options.max_accounts;
  organizations_options.max_inbound_transfers = options.max_inbound_transfers;
  services::organizations::OrganizationsContext organizations{iam, organizations_options, nullptr};
  // Completes CreateAccount requests, those a previous run left unfinished first.
  // Its leases name this instance: other instances on the database finish its work if it dies.
  services::organizations::AccountCreationQueue account_creations(
      organizations, "instance-" + HexEncode(random.Bytes(8)));
  account_creations.set_completion_delay_ms(options.account_creation_delay_ms);
  organizations.creations = &account_creations;
  account_creations.Start();
  services::organizations::RegisterOrganizationsOperations(dispatcher, organizations);
  services::cloudtrail::RegisterCloudTrailOperations(
      dispatcher, iam, [&audit_recorder] { return audit_recorder.Flush(); });
  dispatcher.EncodeDenials([&session_keys, &random](const authz::AuthzRequest& request,
                                                    const authz::Evaluation& evaluation) {
    Result<std::string> encoded = services::sts::EncodeAuthorizationMessage(
        request, evaluation, session_keys, random, NowSeconds() * 1000);
    return encoded.ok() ? *encoded : std::string();
  });
  // The server's own mail: queued in the store's outbox, which every instance with an SMTP
  // server sends (each mail leased to one); without one the mail stays queued, with a copy in
  // DATA/outbox for the operator.
  mail::Outbox outbox(state, master_key, random, [] { return NowSeconds() * 1000; });
  std::unique_ptr<mail::OutboxFiles> outbox_files;
  std::unique_ptr<mail::OutboxSender> mail_sender;
  if (!options.smtp_url.empty()) {
    mail_sender = std::make_unique<mail::OutboxSender>(
        outbox,
        mail::SmtpTransport(
            {options.smtp_url, options.smtp_starttls, options.smtp_user, options.smtp_password}),
        "instance-" + HexEncode(random.Bytes(8)));
    mail_sender->Start();  // sends what is queued, a previous run's or another instance's
  } else if (Result<std::unique_ptr<mail::OutboxFiles>> files =
                 mail::OutboxFiles::Open(options.data + "/outbox");
             files.ok()) {
    outbox_files = std::move(files).value();
    spdlog::info("no --smtp-url: mail stays queued, with a copy in {}/outbox", options.data);
  } else {
    std::cerr << files.status().message() << "\n";
    return 1;
  }
  mail::OutboxMailer outbox_mailer(outbox, options.mail_from, outbox_files.get(), [&mail_sender] {
    if (mail_sender) mail_sender->Wake();
  });
  mail::Mailer& mailer = outbox_mailer;
  AdminEndpoint admin(state, master_key, *operator_secret, random,
                      [] { return NowSeconds() * 1000; });

  console::ConsoleOptions console_options;
  console_options.signup_enabled = options.console_signup;
  console_options.mail_kept_in_outbox = !mail_sender;
  if (options.audit_trail) {
    console_options.record_event = [&audit_recorder](model::AuditEntry event) {
      audit_recorder.Record(std::move(event));
    };
  }
  console::ConsoleEndpoint console(
      dispatcher, credentials, iam, console_options,
      [&mailer](const std::string& to, const std::string& subject, const std::string& text) {
        Result<std::string> queued = mailer.Send(mail::MailMessage{"", to, subject, text});
        return queued.ok() ? Status::Ok() : queued.status();
      },
      current_base_url);
  services::OutboundIssuerEndpoint issuers(state, master_key, current_base_url);

  http::ServerOptions server_options;
  server_options.host = options.listen.substr(0, colon);
  server_options.port = static_cast<uint16_t>(port);
  server_options.threads = options.threads;
  server_options.max_connections_per_client = options.max_connections_per_client;
  server_options.tls_cert = options.tls_cert;
  server_options.tls_key = options.tls_key;
  // While the database is away the instance still authenticates and answers reads from its
  // directory, so a load balancer should keep it: 200, with the state in the body.
  server_options.health = [&store = *deployment->loaded.store] {
    return store.Reachable()
               ? HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok\n"}
               : HttpResponse{200,
                              {{"Content-Type", "text/plain"}},
                              "degraded: the database is unreachable (reads and sign-ins are "
                              "served, writes fail with ServiceUnavailable)\n"};
  };
  server_options.trusted_proxies = *trusted_proxies;
  http::Server server(server_options, [&](const HttpRequest& request) {
    auto start = std::chrono::steady_clock::now();
    if (AdminEndpoint::Handles(request.target)) {
      AdminRecord admin_record;
      HttpResponse response = admin.Handle(request, &admin_record);
      LogAdminRequest(
          options, random.Uuid(), admin_record, request,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      return response;
    }
    services::DispatchRecord record;
    HttpResponse response =
        services::OutboundIssuerEndpoint::Handles(request) ? issuers.Handle(request)
        : console::ConsoleEndpoint::Handles(request)       ? console.Handle(request, &record)
                                                           : dispatcher.Handle(request, &record);
    double millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    LogRequest(options, record, request, millis);
    return response;
  });

  // Block the stop signals in every thread; this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (Status s = server.Start(); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  spdlog::info("gatehouse listening on {}://{}:{} (region {}, data {})", tls ? "https" : "http",
               server_options.host, server.port(), options.region, options.data);
  if (public_url.empty()) {
    std::lock_guard lock(base_url_mu);
    base_url = std::string(tls ? "https://" : "http://") + endpoint_host + ":" +
               std::to_string(server.port());
  } else {
    spdlog::info("links in mail and on the terminal name {}", public_url);
  }
  if (!trusted_proxies->empty()) {
    spdlog::info("clients' addresses are taken from X-Forwarded-For sent by {}",
                 options.trusted_proxies);
  }
  if (Status s =
          WriteServerInfo(options.data, std::string(tls ? "https://" : "http://") + endpoint_host +
                                            ":" + std::to_string(server.port()));
      !s.ok()) {
    spdlog::warn("{}: `gatehouse account` cannot reach this server", s.message());
  }
  // Last-used times and access activity reach the store once a minute, and at the end.
  std::mutex flush_mu;
  std::condition_variable flush_cv;
  bool stopping = false;
  std::thread flusher([&] {
    std::unique_lock lock(flush_mu);
    while (!flush_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; })) {
      FlushUsage(state, usage, activity);
    }
  });
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal {}: finishing requests in flight", signal);
  server.Stop();
  if (mail_sender) mail_sender->Stop();  // undelivered mail stays queued, for any instance
  account_creations.Stop();
  RemoveServerInfo(options.data);
  {
    std::lock_guard lock(flush_mu);
    stopping = true;
  }
  flush_cv.notify_one();
  flusher.join();
  FlushUsage(state, usage, activity);
  spdlog::info("stopped");
  return 0;
}

}  // namespace

std::optional<std::string> SecretFlagOnCommandLine(int argc, char** argv) {
  // Every process on the machine may read another's command line (ps, /proc/PID/cmdline).
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    for (std::string_view flag : {"--master-key", "--smtp-password"}) {
      if (arg == flag ||
          (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=')) {
        return std::string(flag);
      }
    }
  }
  return std::nullopt;
}

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Run the AWS-compatible API server");
  serve->add_option("--listen", options->listen, "HOST:PORT to listen on")
      ->envname("GATEHOUSE_LISTEN")
      ->capture_default_str();
  AddDatabaseOptions(*serve, options->data, options->database);
  serve->add_option("--region", options->region, "the region the server answers for")
      ->envname("GATEHOUSE_REGION")
      ->capture_default_str();
  serve
      ->add_option("--log-level", options->log_level,
                   "debug, info, warn or error (debug: why each request was allowed or refused)")
      ->envname("GATEHOUSE_LOG_LEVEL")
      ->capture_default_str();
  serve->add_option("--log-format", options->log_format, "text or json")
      ->envname("GATEHOUSE_LOG_FORMAT")
      ->capture_default_str();
  serve
      ->add_option("--account-id", options->account_id,
                   "the management account's id, on first start (default: random)")
      ->envname("GATEHOUSE_ACCOUNT_ID");
  serve
      ->add_option("--root-email", options->root_email,
                   "the management account's root user email, on first start")
      ->envname("GATEHOUSE_ROOT_EMAIL")
      ->capture_default_str();
  serve->add_option("--tls-cert", options->tls_cert, "PEM certificate chain: serve HTTPS")
      ->envname("GATEHOUSE_TLS_CERT");
  serve->add_option("--tls-key", options->tls_key, "PEM private key of --tls-cert")
      ->envname("GATEHOUSE_TLS_KEY");
  serve
      ->add_option("--trusted-proxy", options->trusted_proxies,
                   "CIDR[,CIDR...]: reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
                   "name the client (aws:SourceIp, aws:SecureTransport); default: none")
      ->envname("GATEHOUSE_TRUSTED_PROXIES")
      ->multi_option_policy(CLI::MultiOptionPolicy::Join)
      ->delimiter(',');
  serve
      ->add_option("--public-url", options->public_url,
                   "the URL clients reach the server at, such as https://iam.example.com, for "
                   "the links it prints and mails (default: the listen address)")
      ->envname("GATEHOUSE_PUBLIC_URL");
  AddMasterKeyOptions(*serve, options->master_key_hex, options->master_key_file);
  serve->add_option("--clock-offset-file", options->clock_offset_file)
      ->envname("GATEHOUSE_CLOCK_OFFSET_FILE")
      ->group("");
  // Measuring what recording costs (bench/audit_bench.sh) needs a server that records nothing.
  serve->add_option("--audit-trail", options->audit_trail)->group("");
  serve->add_option("--account-creation-delay-ms", options->account_creation_delay_ms)
      ->envname("GATEHOUSE_ACCOUNT_CREATION_DELAY_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}))
      ->group("");
  serve
      ->add_option("--smtp-url", options->smtp_url,
                   "deliver mail (password-reset links) to smtp://HOST:PORT or smtps://HOST:PORT "
                   "(default: keep it queued, with a copy in DATA/outbox)")
      ->envname("GATEHOUSE_SMTP_URL");
  serve->add_flag("--smtp-starttls", options->smtp_starttls, "require STARTTLS on smtp://")
      ->envname("GATEHOUSE_SMTP_STARTTLS");
  serve->add_option("--smtp-user", options->smtp_user, "log in to the SMTP server as this user")
      ->envname("GATEHOUSE_SMTP_USER");
  serve
      ->add_option("--smtp-password", options->smtp_password,
                   "the SMTP password (better in the environment: GATEHOUSE_SMTP_PASSWORD)")
      ->envname("GATEHOUSE_SMTP_PASSWORD");
  serve
      ->add_option("--federation-ca-file", options->federation_ca_file,
                   "PEM bundle of CAs trusted for OpenID Connect providers' keys besides the "
                   "system's (a private PKI)")
      ->envname("GATEHOUSE_FEDERATION_CA_FILE")
      ->check(CLI::ExistingFile);
  serve->add_option("--mail-from", options->mail_from, "the sender address of the server's mail")
      ->envname("GATEHOUSE_MAIL_FROM")
      ->capture_default_str();
  serve->add_option("--threads", options->threads, "worker threads (0: one per core)")
      ->envname("GATEHOUSE_THREADS");
  serve
      ->add_option("--max-connections-per-client", options->max_connections_per_client,
                   "connections one client address may hold at once (0: no limit; a "
                   "--trusted-proxy is not held to it)")
      ->envname("GATEHOUSE_MAX_CONNECTIONS_PER_CLIENT")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  serve
      ->add_option("--max-accounts", options->max_accounts,
                   "accounts an organization may hold, its management account included")
      ->envname("GATEHOUSE_MAX_ACCOUNTS")
      ->check(CLI::Range(size_t{1}, size_t{10000000}))
      ->capture_default_str();
  serve
      ->add_option("--max-inbound-transfers", options->max_inbound_transfers,
                   "transfers of responsibility an organization may take at once, its open "
                   "invitations included (AWS's default quota: 0)")
      ->envname("GATEHOUSE_MAX_INBOUND_TRANSFERS")
      ->check(CLI::Range(size_t{0}, size_t{1000000}))
      ->capture_default_str();
  serve
      ->add_option("--console-signup", options->console_signup,
                   "whether the console's sign-up page may create standalone accounts")
      ->envname("GATEHOUSE_CONSOLE_SIGNUP")
      ->capture_default_str();
  serve
      ->add_option("--audit-file", options->audit_file,
                   "also append every audit event as a JSON line (CloudTrail's record) to this "
                   "file, sealed in PATH.digest and rotated by size; - for standard output")
      ->envname("GATEHOUSE_AUDIT_FILE");
  serve
      ->add_option("--audit-file-max-bytes", options->audit_file_max_bytes,
                   "rotate --audit-file before it grows past this size (keeping 5 older files)")
      ->envname("GATEHOUSE_AUDIT_FILE_MAX_BYTES")
      ->check(CLI::Range(int64_t{1}, INT64_MAX))
      ->capture_default_str();
  auto config = std::make_shared<std::string>();
  serve->add_option("--config", *config, "TOML file of settings (keys as the flags spell them)")
      ->envname("GATEHOUSE_CONFIG");
  serve->callback([serve, options, config, &exit_code] {
    if (!config->empty()) {
      if (std::string error = ApplyConfigFile(*config, *serve, *options); !error.empty()) {
        std::cerr << error << "\n";
        exit_code = 2;
        return;
      }
    }
    exit_code = Serve(*options);
  });
}

}  // namespace gatehouse::app
