#include "app/mail_command.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/database_options.h"
#include "app/deployment_store.h"
#include "app/log_escape.h"
#include "core/random.h"
#include "mail/outbox.h"

namespace gatehouse::app {
namespace {

struct MailOptions {
  DatabaseSettings database;
  std::vector<std::string> ids;
  bool all = false;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A database that is not there is not created: the command would only find it empty.
Status CheckDatabaseExists(const store::DatabaseUrl& url) {
  if (url.engine == store::DatabaseUrl::kSqlite && !std::filesystem::exists(url.target)) {
    return Status(ErrorCode::kNoSuchEntity, "no gatehouse database at " + url.target);
  }
  return Status::Ok();
}

// The deployment's database, without the master key (the envelopes and the parked state are
// not sealed).
Result<LoadedStore> OpenForMail(const DatabaseSettings& settings) {
  Result<store::DatabaseUrl> url = DatabaseUrlOf(settings);
  if (!url.ok()) return url.status();
  RETURN_IF_ERROR(CheckDatabaseExists(*url));
  return OpenAndLoad(*url);
}

int Fail(const Status& status) {
  std::cerr << EscapeControlCharacters(status.message()) << "\n";
  return 1;
}

int RunList(const MailOptions& options) {
  Result<LoadedStore> loaded = OpenForMail(options.database);
  if (!loaded.ok()) return Fail(loaded.status());
  SystemRandom random;
  mail::Outbox outbox(*loaded->state, "", random, NowMs);
  for (const auto& mail : outbox.Queued()) {
    std::cout << "queued " << mail->id << " to " << EscapeControlCharacters(mail->to);
    if (mail->attempts > 0) {
      std::cout << " (" << mail->attempts
                << " failed attempts, the last: " << EscapeControlCharacters(mail->reason) << ")";
    }
    std::cout << "\n";
  }
  for (const auto& mail : outbox.Parked()) {
    std::cout << "parked " << mail->id << " to " << EscapeControlCharacters(mail->to) << ": "
              << EscapeControlCharacters(mail->reason) << "\n";
  }
  return 0;
}

// Prints the message as it is (or was) sent: it holds the link it was sent for.
int RunShow(const MailOptions& options) {
  if (options.ids.size() != 1) {
    std::cerr << "mail show takes one mail id (from `mail list`)\n";
    return 2;
  }
  Result<store::DatabaseUrl> url = DatabaseUrlOf(options.database);
  if (!url.ok()) return Fail(url.status());
  if (Status s = CheckDatabaseExists(*url); !s.ok()) return Fail(s);
  SystemRandom random;
  Result<Deployment> deployment = OpenDeployment(options.database, random, NowMs());
  if (!deployment.ok()) return Fail(deployment.status());
  mail::Outbox outbox(*deployment->loaded.state, deployment->master_key, random, NowMs);
  auto mail = outbox.Find(options.ids[0]);
  if (mail == nullptr) return Fail(Status(ErrorCode::kNoSuchEntity, "No mail " + options.ids[0]));
  Result<mail::QueuedMail> opened = outbox.Open(*mail);
  if (!opened.ok()) return Fail(opened.status());
  std::cout << opened->data << std::flush;
  return 0;
}

int RunReplay(const MailOptions& options) {
  if (options.all == !options.ids.empty()) {
    std::cerr << "mail replay takes the ids of parked mails or --all\n";
    return 2;
  }
  Result<LoadedStore> loaded = OpenForMail(options.database);
  if (!loaded.ok()) return Fail(loaded.status());
  SystemRandom random;
  mail::Outbox outbox(*loaded->state, "", random, NowMs);
  std::vector<std::string> ids = options.ids;
  if (options.all) {
    for (const auto& mail : outbox.Parked()) ids.push_back(mail->id);
  }
  int exit_code = 0;
  for (const std::string& id : ids) {
    if (Status s = outbox.Replay(id); !s.ok()) {
      exit_code = Fail(s);
      continue;
    }
    std::cout << "queued again " << id << "\n";
  }
  return exit_code;
}

}  // namespace

void AddMailCommand(CLI::App& app, int& exit_code) {
  CLI::App* mail =
      app.add_subcommand("mail", "The server's outbox (in the database): queued and refused mail");
  mail->require_subcommand(1);
  auto options = std::make_shared<MailOptions>();

  CLI::App* list = mail->add_subcommand(
      "list", "Print the queued mails and the parked ones, which the SMTP server refused");
  AddDatabaseOptions(*list, options->database.data, options->database.database);
  list->callback([&exit_code, options] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = RunList(*options);
  });

  CLI::App* show = mail->add_subcommand(
      "show", "Print one mail as it is sent, its link included (needs the master key)");
  AddDatabaseOptions(*show, options->database.data, options->database.database);
  AddMasterKeyOptions(*show, options->database.master_key_hex, options->database.master_key_file);
  show->add_option("ID", options->ids, "the mail's id (from `mail list`)");
  show->callback([&exit_code, options] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = RunShow(*options);
  });

  CLI::App* replay = mail->add_subcommand(
      "replay", "Queue parked mails again, once the cause of their refusal is fixed");
  AddDatabaseOptions(*replay, options->database.data, options->database.database);
  replay->add_option("ID", options->ids, "parked mail ids (from `mail list`)");
  replay->add_flag("--all", options->all, "every parked mail");
  replay->callback([&exit_code, options] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = RunReplay(*options);
  });
}

}  // namespace gatehouse::app
