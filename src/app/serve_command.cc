#include "app/serve_command.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/admin_endpoint.h"
#include "app/bootstrap.h"
#include "app/data_dir.h"
#include "app/database_options.h"
#include "app/deployment_store.h"
#include "app/log_escape.h"
#include "app/public_url.h"
#include "app/request_log.h"
#include "app/serve_config.h"
#include "app/serve_options.h"
#include "app/server_clock.h"
#include "app/server_lock.h"
#include "app/service_stack.h"
#include "audit/event_file_sink.h"
#include "audit/recorder.h"
#include "console/console_endpoint.h"
#include "core/arn.h"
#include "core/crypto.h"
#include "core/random.h"
#include "core/thread_name.h"
#include "http/server.h"
#include "mail/outbox.h"
#include "mail/outbox_files.h"
#include "mail/outbox_mailer.h"
#include "mail/outbox_sender.h"
#include "mail/smtp_transport.h"
#include "protocol/model.h"
#include "services/access_activity.h"
#include "services/directory_credentials.h"
#include "services/directory_policies.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/key_usage.h"
#include "services/outbound_issuer_endpoint.h"
#include "services/sts/authorization_message.h"
#include "services/sts/session_key_ring.h"
#include "store/change_follower.h"
#include "store/database_url.h"

namespace gatehouse::app {
namespace {

// The settings checked before anything starts, and what they come to.
struct CheckedSettings {
  std::string host;  // of --listen
  int port = 0;
  // The listen host as a client of this machine names it (a wildcard becomes loopback, an
  // IPv6 address is bracketed).
  std::string endpoint_host;
  spdlog::level::level_enum log_level = spdlog::level::info;
  std::string public_url;  // normalized; "" without --public-url
  http::TrustedProxies trusted_proxies;
  bool tls = false;

  std::string ListenUrl(int listening_port) const {
    return std::string(tls ? "https://" : "http://") + endpoint_host + ":" +
           std::to_string(listening_port);
  }
};

Status BadSetting(std::string message) {
  return Status(ErrorCode::kInvalidInput, std::move(message));
}

Result<CheckedSettings> CheckListen(const ServeOptions& options) {
  CheckedSettings checked;
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    return BadSetting("--listen must be HOST:PORT, got " + options.listen);
  }
  checked.port = -1;
  try {
    checked.port = std::stoi(options.listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (checked.port < 0 || checked.port > 65535) {
    return BadSetting("--listen has an invalid port: " + options.listen);
  }
  checked.host = options.listen.substr(0, colon);
  checked.endpoint_host = checked.host;
  if (checked.endpoint_host == "0.0.0.0" || checked.endpoint_host == "::") {
    checked.endpoint_host = "127.0.0.1";
  }
  if (checked.endpoint_host.find(':') != std::string::npos &&
      checked.endpoint_host.front() != '[') {
    checked.endpoint_host = "[" + checked.endpoint_host + "]";
  }
  return checked;
}

// Every setting that can be wrong, checked before the data directory is touched: the message
// of the first that is (the command then exits with 2).
Result<CheckedSettings> CheckSettings(const ServeOptions& options) {
  ASSIGN_OR_RETURN(CheckedSettings checked, CheckListen(options));
  if (!options.account_id.empty() && !IsAccountId(options.account_id)) {
    return BadSetting("--account-id must be 12 digits");
  }
  const std::string& level = options.log_level;
  if (level != "debug" && level != "info" && level != "warn" && level != "error") {
    return BadSetting("--log-level must be debug, info, warn or error");
  }
  checked.log_level = spdlog::level::from_str(level);
  if (options.log_format != "text" && options.log_format != "json") {
    return BadSetting("--log-format must be text or json");
  }
  if (!mail::ValidateMailMessage({options.mail_from, options.mail_from, "", ""}).ok()) {
    return BadSetting("--mail-from must be one plain address");
  }
  if (Status s = mail::ValidateSmtpUrl(options.smtp_url); !options.smtp_url.empty() && !s.ok()) {
    return s;
  }
  ASSIGN_OR_RETURN(checked.trusted_proxies, http::TrustedProxies::Parse(options.trusted_proxies));
  if (!options.public_url.empty()) {
    ASSIGN_OR_RETURN(checked.public_url, NormalizePublicUrl(options.public_url));
  }
  RETURN_IF_ERROR(DatabaseUrlOf({options.data, options.database, options.master_key_hex,
                                 options.master_key_file})
                      .status());
  checked.tls = !options.tls_cert.empty();
  if (checked.tls != !options.tls_key.empty()) {
    return BadSetting("--tls-cert and --tls-key go together");
  }
  return checked;
}

// The data directory, made owner-only: it holds hashes and sealed secrets.
Status MakeDataDirectory(const std::string& data) {
  ::umask(077);
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) return BadSetting("cannot create data directory " + data + ": " + ec.message());
  return Status::Ok();
}

// The data directory held for this process alone (`gatehouse account create` finds the server
// through the lock), or why it cannot be.
Result<ServerLock> LockDataDirectory(const std::string& data) {
  ASSIGN_OR_RETURN(ServerLock lock, ServerLock::Acquire(data, std::chrono::seconds(10)));
  if (!lock.acquired()) {
    return BadSetting(data + " is in use by another gatehouse process (" + data + "/server.lock)");
  }
  RemoveServerInfo(data);  // a crashed server's, if any
  return lock;
}

// Prints `message` on standard error; `exit_code` for the command.
int Fail(const std::string& message, int exit_code) {
  std::cerr << message << "\n";
  return exit_code;
}
int Fail(const Status& status, int exit_code) { return Fail(status.message(), exit_code); }

// The log: standard output, or standard error when the audit trail takes standard output.
void StartLogging(const ServeOptions& options, spdlog::level::level_enum level,
                  bool audit_to_stdout) {
  spdlog::set_default_logger(audit_to_stdout ? spdlog::stderr_logger_mt("gatehouse")
                                             : spdlog::stdout_logger_mt("gatehouse"));
  spdlog::set_level(level);
  spdlog::set_formatter(std::make_unique<EscapingFormatter>(
      options.log_format == "json" ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
      spdlog::pattern_time_type::utc));
}

// Printed once, on the terminal only, when the management account is made: the profile's
// secret is in the credentials file, never printed.
void PrintBootstrap(std::ostream& terminal, const BootstrapResult& bootstrap,
                    const std::string& root_email) {
  terminal << "Created the management account " << bootstrap.account_id
           << " with the IAM user admin. To use it with the AWS CLI, paste:\n"
           << bootstrap.exports << bootstrap.alias
           << "(AWS CLI 2.13+ and 1.29+ read the endpoint from the profile; the alias is for "
              "older ones, such as Debian bookworm's 2.9.)\n"
           << "To take over the root user (" << root_email
           << "), set its password within 24 hours at this one-time link:\n  "
           << bootstrap.root_reset_url << "\n"
           << std::flush;
}

// The server's own mail: queued in the store's outbox, which every instance with an SMTP
// server sends (each mail leased to one); without one the mail stays queued, with a copy in
// DATA/outbox for the operator.
class ServerMail {
 public:
  ServerMail(store::State& state, const std::string& master_key, Random& random)
      : outbox_(state, master_key, random, [] { return NowSeconds() * 1000; }) {}

  Status Start(const ServeOptions& options, Random& random) {
    if (!options.smtp_url.empty()) {
      sender_ = std::make_unique<mail::OutboxSender>(
          outbox_,
          mail::SmtpTransport(
              {options.smtp_url, options.smtp_starttls, options.smtp_user, options.smtp_password}),
          "instance-" + HexEncode(random.Bytes(8)));
      sender_->Start();  // sends what is queued, a previous run's or another instance's
    } else {
      ASSIGN_OR_RETURN(files_, mail::OutboxFiles::Open(options.data + "/outbox"));
      spdlog::info("no --smtp-url: mail stays queued, with a copy in {}/outbox", options.data);
    }
    mailer_ =
        std::make_unique<mail::OutboxMailer>(outbox_, options.mail_from, files_.get(), [this] {
          if (sender_) sender_->Wake();
        });
    return Status::Ok();
  }

  mail::Mailer& mailer() { return *mailer_; }
  bool delivers() const { return sender_ != nullptr; }
  // Undelivered mail stays queued, for any instance.
  void Stop() {
    if (sender_) sender_->Stop();
  }

 private:
  mail::Outbox outbox_;
  std::unique_ptr<mail::OutboxFiles> files_;
  std::unique_ptr<mail::OutboxSender> sender_;
  std::unique_ptr<mail::OutboxMailer> mailer_;
};

// Last-used times of access keys and access advisor's activity reach the store once a minute,
// and when stopped.
class UsageFlusher {
 public:
  UsageFlusher(store::State& state, services::KeyUsage& usage, services::AccessActivity& activity)
      : state_(state), usage_(usage), activity_(activity), thread_([this] {
          NameThisThread("usage-flusher");
          Run();
        }) {}
  ~UsageFlusher() { Stop(); }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
    Flush();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stopping_; })) Flush();
  }
  void Flush() {
    if (Status s = usage_.Flush(state_); !s.ok()) spdlog::warn("key usage: {}", s.message());
    if (Status s = activity_.Flush(state_); !s.ok()) {
      spdlog::warn("access activity: {}", s.message());
    }
  }

  store::State& state_;
  services::KeyUsage& usage_;
  services::AccessActivity& activity_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest is ready
};

// The audit trail's export to --audit-file, when set; its digests are signed as the store's.
Result<std::unique_ptr<audit::EventFileSink>> OpenAuditFile(const ServeOptions& options,
                                                            const audit::DigestSigner& signer) {
  if (options.audit_file.empty()) return std::unique_ptr<audit::EventFileSink>();
  Result<std::unique_ptr<audit::EventFileSink>> sink = audit::EventFileSink::Open(
      {options.audit_file, options.audit_file_max_bytes, audit::EventFileOptions{}.keep, &signer});
  if (!sink.ok()) return BadSetting("--audit-file: " + sink.status().message());
  return sink;
}

http::ServerOptions ServerOptionsOf(const ServeOptions& options, const CheckedSettings& checked,
                                    store::Store& store) {
  http::ServerOptions server_options;
  server_options.host = checked.host;
  server_options.port = static_cast<uint16_t>(checked.port);
  server_options.threads = options.threads;
  server_options.max_connections_per_client = options.max_connections_per_client;
  server_options.tls_cert = options.tls_cert;
  server_options.tls_key = options.tls_key;
  // While the database is away the instance still authenticates and answers reads from its
  // directory, so a load balancer should keep it: 200, with the state in the body.
  server_options.health = [&store] {
    return store.Reachable()
               ? HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok\n"}
               : HttpResponse{200,
                              {{"Content-Type", "text/plain"}},
                              "degraded: the database is unreachable (reads and sign-ins are "
                              "served, writes fail with ServiceUnavailable)\n"};
  };
  server_options.trusted_proxies = checked.trusted_proxies;
  return server_options;
}

// The request handler: the operator's admin calls, the outbound token issuers' documents, the
// console's pages, and every AWS API call; one log line each.
struct Endpoints {
  const ServeOptions& options;
  AdminEndpoint& admin;
  services::OutboundIssuerEndpoint& issuers;
  console::ConsoleEndpoint& console;
  services::Dispatcher& dispatcher;
  Random& random;

  HttpResponse operator()(const HttpRequest& request) const {
    const auto start = std::chrono::steady_clock::now();
    auto millis = [&start] {
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count();
    };
    const bool json = options.log_format == "json";
    if (AdminEndpoint::Handles(request.target)) {
      AdminRecord admin_record;
      HttpResponse response = admin.Handle(request, &admin_record);
      LogAdminRequest(json, random.Uuid(), admin_record, request, millis());
      return response;
    }
    services::DispatchRecord record;
    HttpResponse response =
        services::OutboundIssuerEndpoint::Handles(request) ? issuers.Handle(request)
        : console::ConsoleEndpoint::Handles(request)       ? console.Handle(request, &record)
                                                           : dispatcher.Handle(request, &record);
    LogRequest(json, record, request, millis());
    return response;
  }
};

// Blocks the stop signals (SIGINT, SIGTERM) in this thread and every thread it starts after;
// the set to wait for them with.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Runs the server until SIGINT or SIGTERM: the settings checked, the data directory held, the
// store opened, the services and endpoints made in order (each may use those before it), then
// served; the stop finishes requests in flight and flushes what is kept in memory.
int Serve(const ServeOptions& options) {
  SetClockOffsetFile(options.clock_offset_file);
  Result<CheckedSettings> checked = CheckSettings(options);
  if (!checked.ok()) return Fail(checked.status(), 2);
  if (Status s = MakeDataDirectory(options.data); !s.ok()) return Fail(s, 2);
  Result<ServerLock> lock = LockDataDirectory(options.data);
  if (!lock.ok()) return Fail(lock.status(), 1);

  // Standard output may carry the audit trail: then it carries nothing else.
  const bool audit_to_stdout = options.audit_file == "-";
  std::ostream& terminal = audit_to_stdout ? std::cerr : std::cout;
  StartLogging(options, checked->log_level, audit_to_stdout);

  Result<protocol::ModelRegistry> models = protocol::ModelRegistry::LoadEmbedded();
  if (!models.ok()) return Fail(models.status().ToString(), 1);
  SystemRandom random;
  Result<std::string> operator_secret = LoadOrCreateOperatorSecret(options.data, random);
  if (!operator_secret.ok()) return Fail(operator_secret.status(), 1);
  const DatabaseSettings database_settings{options.data, options.database, options.master_key_hex,
                                           options.master_key_file};
  Result<Deployment> deployment = OpenDeployment(database_settings, random, NowSeconds() * 1000);
  if (!deployment.ok()) return Fail(deployment.status(), 1);
  store::State& state = *deployment->loaded.state;
  const std::string& master_key = deployment->master_key;
  // Other instances on the same database commit too: the directory follows their changes.
  store::ChangeFollower follower(*deployment->loaded.store, state, std::chrono::milliseconds(500));
  follower.Start();

  BootstrapOptions bootstrap_options;
  bootstrap_options.data_dir = options.data;
  // The bootstrap profile and its printed link name the server as clients reach it.
  bootstrap_options.endpoint_url =
      !checked->public_url.empty() ? checked->public_url : checked->ListenUrl(checked->port);
  bootstrap_options.region = options.region;
  bootstrap_options.account_id = options.account_id;
  bootstrap_options.root_email = options.root_email;
  Result<BootstrapResult> bootstrap =
      Bootstrap(state, bootstrap_options, master_key, random, NowSeconds() * 1000);
  if (!bootstrap.ok()) return Fail("bootstrap failed: " + bootstrap.status().message(), 1);
  if (bootstrap->created) PrintBootstrap(terminal, *bootstrap, bootstrap_options.root_email);

  Result<services::iam::ManagedPolicyCatalog> catalog =
      services::iam::ManagedPolicyCatalog::LoadEmbedded();
  if (!catalog.ok()) return Fail(catalog.status(), 1);
  services::sts::SessionKeyRing session_keys(state, master_key, random);
  services::DirectoryCredentials credentials(state.directory(), master_key, &session_keys);
  services::DirectoryPolicies policies(state.directory(), *catalog);
  services::Dispatcher dispatcher(*models, credentials, policies, random, NowSeconds,
                                  options.region);
  // The audit trail: every call's events, appended, sealed and pruned in the background.
  // Its digests are signed with the deployment's key (audit/digest_signature.h).
  const audit::DigestSigner digest_signer = audit::DigestSigner::FromMasterKey(master_key);
  Result<std::unique_ptr<audit::EventFileSink>> audit_file = OpenAuditFile(options, digest_signer);
  if (!audit_file.ok()) return Fail(audit_file.status(), 1);
  audit::RecorderOptions audit_options;
  audit_options.now_ms = [] { return NowSeconds() * 1000; };
  audit_options.signer = &digest_signer;
  if (*audit_file) audit_options.sinks.push_back(audit_file->get());
  audit::Recorder audit_recorder(state.store(), std::move(audit_options));
  if (options.audit_trail) dispatcher.RecordAuditEvents(&audit_recorder);
  // The console's mail links and the outbound token issuers name the server as its operator
  // configured it (--public-url, else the listen address), never as a request's Host header
  // does; with port 0 the port is known once the server listens.
  std::mutex base_url_mu;
  std::string base_url = bootstrap_options.endpoint_url;
  auto current_base_url = [&] {
    std::lock_guard lock(base_url_mu);
    return base_url;
  };
  ServiceStack services(options, checked->public_url, state, *catalog, master_key, random,
                        session_keys, current_base_url);
  services.Register(dispatcher, audit_recorder, options.account_creation_delay_ms);
  dispatcher.EncodeDenials([&session_keys, &random](const authz::AuthzRequest& request,
                                                    const authz::Evaluation& evaluation) {
    Result<std::string> encoded = services::sts::EncodeAuthorizationMessage(
        request, evaluation, session_keys, random, NowSeconds() * 1000);
    return encoded.ok() ? *encoded : std::string();
  });
  ServerMail mail(state, master_key, random);
  if (Status s = mail.Start(options, random); !s.ok()) return Fail(s, 1);
  AdminEndpoint admin(state, master_key, *operator_secret, random,
                      [] { return NowSeconds() * 1000; });

  console::ConsoleOptions console_options;
  console_options.signup_enabled = options.console_signup;
  console_options.mail_kept_in_outbox = !mail.delivers();
  if (options.audit_trail) {
    console_options.record_event = [&audit_recorder](model::AuditEntry event) {
      audit_recorder.Record(std::move(event));
    };
  }
  console::ConsoleEndpoint console(
      dispatcher, credentials, services.iam, console_options,
      [&mail](const std::string& to, const std::string& subject, const std::string& text) {
        Result<std::string> queued = mail.mailer().Send(mail::MailMessage{"", to, subject, text});
        return queued.ok() ? Status::Ok() : queued.status();
      },
      current_base_url);
  services::OutboundIssuerEndpoint issuers(state, master_key, current_base_url);

  const http::ServerOptions server_options =
      ServerOptionsOf(options, *checked, *deployment->loaded.store);
  http::Server server(server_options,
                      Endpoints{options, admin, issuers, console, dispatcher, random});
  const sigset_t signals = BlockStopSignals();
  if (Status s = server.Start(); !s.ok()) return Fail(s, 1);
  spdlog::info("gatehouse listening on {}://{}:{} (region {}, data {})",
               checked->tls ? "https" : "http", server_options.host, server.port(), options.region,
               options.data);
  if (checked->public_url.empty()) {
    std::lock_guard lock(base_url_mu);
    base_url = checked->ListenUrl(server.port());
  } else {
    spdlog::info("links in mail and on the terminal name {}", checked->public_url);
  }
  if (!checked->trusted_proxies.empty()) {
    spdlog::info("clients' addresses are taken from X-Forwarded-For sent by {}",
                 options.trusted_proxies);
  }
  if (Status s = WriteServerInfo(options.data, checked->ListenUrl(server.port())); !s.ok()) {
    spdlog::warn("{}: `gatehouse account` cannot reach this server", s.message());
  }
  UsageFlusher flusher(state, services.usage, services.activity);
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal {}: finishing requests in flight", signal);
  server.Stop();
  mail.Stop();
  services.account_creations.Stop();
  RemoveServerInfo(options.data);
  flusher.Stop();
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
  AddServeFlags(*serve, *options);
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
