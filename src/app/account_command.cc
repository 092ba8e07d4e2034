#include "app/account_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/admin_endpoint.h"
#include "app/data_dir.h"
#include "app/database_options.h"
#include "app/deployment_store.h"
#include "app/profile_files.h"
#include "app/server_lock.h"
#include "app/standalone_account.h"
#include "core/random.h"
#include "http/client.h"
#include "services/root_recovery.h"

namespace gatehouse::app {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr const char* kDefaultEndpoint = "http://127.0.0.1:4566";
constexpr const char* kDefaultRegion = "us-east-1";
// How long a held lock may go without a server answering (it may still be starting).
constexpr auto kServerWait = std::chrono::seconds(15);

struct ResetLinkOptions {
  DatabaseSettings database;  // the master key is not needed: the token is kept as a hash
  std::string email;
  std::string endpoint_url;  // default: the bootstrap profile's
};

struct CreateOptions {
  DatabaseSettings database;
  std::string email;
  std::string name;
  std::string profile;  // default: the name
  bool no_admin_user = false;
  std::string endpoint_url;  // default: the bootstrap profile's
  std::string region;        // default: the bootstrap profile's
};

std::string Text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Creates the account in the store itself: no server runs on the SQLite database (and the lock
// keeps one from starting), or the database is PostgreSQL, whose running instances take the
// account from the change feed.
Result<StandaloneAccount> CreateInStore(const DatabaseSettings& settings,
                                        const StandaloneAccountRequest& request) {
  SystemRandom random;
  Result<Deployment> deployment = OpenDeployment(settings, random, NowMs());
  if (!deployment.ok()) return deployment.status();
  return CreateStandaloneAccount(*deployment->loaded.state, request, deployment->master_key, random,
                                 NowMs());
}

// A server holds the lock: POST `body` to its admin endpoint at `path`. An error Status without
// an HTTP answer means "try again" (the server may be starting); `answered` tells the two
// apart.
Result<nlohmann::json> PostAdmin(const std::string& data, std::string_view path,
                                 const nlohmann::json& body, bool* answered) {
  *answered = false;
  Result<std::string> endpoint = ReadServerEndpoint(data);
  if (!endpoint.ok()) return endpoint.status();
  Result<std::string> secret = ReadOperatorSecret(data);
  if (!secret.ok()) return secret.status();
  Result<HttpResponse> response = http::Fetch(
      "POST", *endpoint + std::string(path),
      {{"Authorization", "Bearer " + *secret}, {"Content-Type", "application/json"}}, body.dump());
  if (!response.ok()) return response.status();
  *answered = true;
  nlohmann::json out = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) out = nlohmann::json::object();
  if (response->status == 403) {
    return Status(ErrorCode::kAccessDenied, "the server at " + *endpoint +
                                                " refused the operator secret in " + data +
                                                "/operator.secret");
  }
  if (response->status != 200) {
    std::string message = Text(out, "message");
    if (message.empty()) message = "HTTP " + std::to_string(response->status);
    ErrorCode code = response->status == 409   ? ErrorCode::kEntityAlreadyExists
                     : response->status == 404 ? ErrorCode::kNoSuchEntity
                                               : ErrorCode::kServiceFailure;
    return Status(code, message);
  }
  return out;
}

Result<StandaloneAccount> CreateOnline(const std::string& data,
                                       const StandaloneAccountRequest& request, bool* answered) {
  nlohmann::json body = {
      {"email", request.email}, {"name", request.name}, {"adminUser", request.admin_user}};
  Result<nlohmann::json> out = PostAdmin(data, kAdminAccountsPath, body, answered);
  if (!out.ok()) return out.status();
  StandaloneAccount created{Text(*out, "accountId"), Text(*out, "rootResetToken"),
                            Text(*out, "accessKeyId"), Text(*out, "secretAccessKey")};
  if (created.account_id.empty() || created.root_reset_token.empty() ||
      request.admin_user == created.access_key_id.empty()) {
    return Status(ErrorCode::kServiceFailure, "unexpected answer from the server");
  }
  return created;
}

// Runs `offline` while holding DATA/server.lock when no server runs, else `online` against the
// running server (waiting for one that holds the lock but does not answer yet). Sets
// `server_endpoint` when a server answered.
template <typename T>
Result<T> AgainstDataDirectory(const std::string& data, const std::function<Result<T>()>& offline,
                               const std::function<Result<T>(bool*)>& online,
                               std::optional<std::string>* server_endpoint) {
  auto deadline = std::chrono::steady_clock::now() + kServerWait;
  for (;;) {
    Result<ServerLock> lock = ServerLock::Acquire(data);
    if (!lock.ok()) return lock.status();
    if (lock->acquired()) return offline();
    bool answered = false;
    Result<T> done = online(&answered);
    if (answered) {
      if (Result<std::string> e = ReadServerEndpoint(data); e.ok()) *server_endpoint = *e;
      return done;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(ErrorCode::kServiceFailure,
                    "a server holds " + data +
                        "/server.lock but does not answer: " + done.status().message());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The endpoint a printed link or a profile names: the option, else the bootstrap profile's,
// else the running server's, else the default; without a trailing '/'.
std::string ChooseEndpoint(const std::string& data, const std::string& option,
                           const std::optional<std::string>& server_endpoint) {
  std::map<std::string, std::string> bootstrap = ReadAwsConfigProfile(data, kBootstrapProfile);
  std::string endpoint = !option.empty()                      ? option
                         : bootstrap.contains("endpoint_url") ? bootstrap["endpoint_url"]
                         : server_endpoint                    ? *server_endpoint
                                                              : kDefaultEndpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

int RunCreate(const CreateOptions& options) {
  auto usage = [](const std::string& message) {
    std::cerr << "gatehouse account create: " << message << "\n";
    return kExitUsage;
  };
  auto fail = [](const std::string& message) {
    std::cerr << "gatehouse account create: " << message << "\n";
    return kExitFailed;
  };
  StandaloneAccountRequest request;
  request.name = options.name;
  request.email = options.email;
  request.admin_user = !options.no_admin_user;
  if (Status s = ValidateAccountName(request.name); !s.ok()) return usage(s.message());
  if (Status s = ValidateAccountEmail(request.email); !s.ok()) return usage(s.message());
  std::string profile = options.profile.empty() ? options.name : options.profile;
  if (request.admin_user) {
    if (!IsValidProfileName(profile)) {
      return usage("'" + profile +
                   "' cannot be a profile name (1 to 64 letters, digits, '.', '_' or '-'): "
                   "choose one with --profile");
    }
    if (profile == kBootstrapProfile) {
      return usage(
          "the profile gatehouse belongs to the management account's admin: choose "
          "another with --profile");
    }
  }

  if (!options.endpoint_url.empty() &&
      !((options.endpoint_url.starts_with("http://") ||
         options.endpoint_url.starts_with("https://")) &&
        options.endpoint_url.find_first_of(" \t\r\n") == std::string::npos)) {
    return usage("--endpoint-url must be an http:// or https:// URL");
  }
  if (options.region.find_first_of(" \t\r\n") != std::string::npos) {
    return usage("--region must be one word, like us-east-1");
  }

  Result<store::DatabaseUrl> url = DatabaseUrlOf(options.database);
  if (!url.ok()) return usage(url.status().message());
  const std::string& data = options.database.data;
  ::umask(077);  // the data directory holds hashes and sealed secrets: owner only
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) return fail("cannot create data directory " + data + ": " + ec.message());

  std::optional<std::string> server_endpoint;
  Result<StandaloneAccount> created =
      url->engine == store::DatabaseUrl::kPostgres
          ? CreateInStore(options.database, request)
          : AgainstDataDirectory<StandaloneAccount>(
                data, [&] { return CreateInStore(options.database, request); },
                [&](bool* answered) { return CreateOnline(data, request, answered); },
                &server_endpoint);
  if (!created.ok()) return fail(created.status().message());

  std::map<std::string, std::string> bootstrap = ReadAwsConfigProfile(data, kBootstrapProfile);
  std::string endpoint = ChooseEndpoint(data, options.endpoint_url, server_endpoint);
  std::string region = !options.region.empty()        ? options.region
                       : bootstrap.contains("region") ? bootstrap["region"]
                                                      : kDefaultRegion;

  std::cout << "account: " << created->account_id << "\n"
            << "root password-reset link (one-time, valid 24 hours): " << endpoint
            << "/reset-password?token=" << created->root_reset_token << "\n";
  if (!request.admin_user) {
    std::cout << "profile: none (--no-admin-user)\n" << std::flush;
    return 0;
  }
  if (Status s = WriteAwsProfile(
          data, {profile, region, endpoint, created->access_key_id, created->secret_access_key});
      !s.ok()) {
    std::cout << std::flush;
    return fail("the account exists, but its profile could not be written: " + s.message());
  }
  std::cout << "profile: " << profile << " (IAM user admin, AdministratorAccess; "
            << AwsConfigPath(data) << ", " << AwsCredentialsPath(data) << ")\n"
            << std::flush;
  return 0;
}

Result<services::RootResetLink> IssueResetLinkInStore(const store::DatabaseUrl& url,
                                                      const std::string& email) {
  Result<LoadedStore> loaded = OpenAndLoad(url);
  if (!loaded.ok()) return loaded.status();
  SystemRandom random;
  return services::IssueRootResetToken(*loaded->state, email, random, NowMs());
}

Result<services::RootResetLink> IssueResetLinkOnline(const std::string& data,
                                                     const std::string& email, bool* answered) {
  Result<nlohmann::json> out =
      PostAdmin(data, kAdminRootResetLinksPath, {{"email", email}}, answered);
  if (!out.ok()) return out.status();
  services::RootResetLink got{Text(*out, "accountId"), Text(*out, "rootResetToken")};
  if (got.account_id.empty() || got.token.empty()) {
    return Status(ErrorCode::kServiceFailure, "unexpected answer from the server");
  }
  return got;
}

int RunResetLink(const ResetLinkOptions& options) {
  auto fail = [](const std::string& message) {
    std::cerr << "gatehouse account root-reset-link: " << message << "\n";
    return kExitFailed;
  };
  Result<store::DatabaseUrl> url = DatabaseUrlOf(options.database);
  if (!url.ok()) {
    std::cerr << "gatehouse account root-reset-link: " << url.status().message() << "\n";
    return kExitUsage;
  }
  const std::string& data = options.database.data;
  std::optional<std::string> server_endpoint;
  Result<services::RootResetLink> link = Status(ErrorCode::kServiceFailure, "");
  if (url->engine == store::DatabaseUrl::kPostgres) {
    link = IssueResetLinkInStore(*url, options.email);
  } else if (!std::filesystem::exists(url->target)) {
    return fail("no gatehouse database at " + url->target);
  } else {
    link = AgainstDataDirectory<services::RootResetLink>(
        data, [&] { return IssueResetLinkInStore(*url, options.email); },
        [&](bool* answered) { return IssueResetLinkOnline(data, options.email, answered); },
        &server_endpoint);
  }
  if (!link.ok()) return fail(link.status().message());
  std::cout << "account: " << link->account_id << "\n"
            << "root password-reset link (one-time, valid 24 hours): "
            << ChooseEndpoint(data, options.endpoint_url, server_endpoint)
            << "/reset-password?token=" << link->token << "\n"
            << std::flush;
  return 0;
}

}  // namespace

void AddAccountCommand(CLI::App& app, int& exit_code) {
  CLI::App* account = app.add_subcommand("account", "Manage accounts and their root users");
  account->require_subcommand(1);
  auto options = std::make_shared<CreateOptions>();
  CLI::App* create = account->add_subcommand(
      "create",
      "Create a standalone account with its root user and an IAM user admin with a profile");
  AddDatabaseOptions(*create, options->database.data, options->database.database);
  AddMasterKeyOptions(*create, options->database.master_key_hex, options->database.master_key_file);
  create->add_option("--email", options->email, "the root user's email (unique)")->required();
  create->add_option("--name", options->name, "the account's name")->required();
  create->add_option("--profile", options->profile,
                     "the AWS CLI profile of the account's admin (default: the name)");
  create->add_flag("--no-admin-user", options->no_admin_user,
                   "only the root user: no IAM user admin, no profile");
  create->add_option("--endpoint-url", options->endpoint_url,
                     "the profile's endpoint (default: the gatehouse profile's)");
  create->add_option("--region", options->region,
                     "the profile's region (default: the gatehouse profile's)");
  create->callback([options, &exit_code] { exit_code = RunCreate(*options); });

  auto reset = std::make_shared<ResetLinkOptions>();
  CLI::App* link = account->add_subcommand(
      "root-reset-link", "Print a new one-time password-reset link for an account's root user");
  AddDatabaseOptions(*link, reset->database.data, reset->database.database);
  link->add_option("--email", reset->email, "the root user's email")->required();
  link->add_option("--endpoint-url", reset->endpoint_url,
                   "the link's endpoint (default: the gatehouse profile's)");
  link->callback([reset, &exit_code] { exit_code = RunResetLink(*reset); });
}

}  // namespace gatehouse::app
