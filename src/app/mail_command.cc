#include "app/mail_command.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/log_escape.h"
#include "core/random.h"
#include "mail/outbox.h"

namespace gatehouse::app {
namespace {

struct MailOptions {
  std::string data = "./data";
  std::vector<std::string> ids;
  bool all = false;
};

// The data directory's outbox, without creating a data directory that is not there.
Result<std::unique_ptr<mail::Outbox>> OpenOutbox(const std::string& data, Random& random) {
  if (!std::filesystem::is_directory(data)) {
    return Status(ErrorCode::kNoSuchEntity, "no data directory " + data);
  }
  return mail::Outbox::Open(data + "/outbox", random);
}

int RunList(const MailOptions& options) {
  SystemRandom random;
  Result<std::unique_ptr<mail::Outbox>> outbox = OpenOutbox(options.data, random);
  if (!outbox.ok()) {
    std::cerr << outbox.status().message() << "\n";
    return 1;
  }
  for (const std::string& id : (*outbox)->List()) {
    Result<mail::QueuedMail> mail = (*outbox)->Read(id);
    if (mail.ok())
      std::cout << "queued " << id << " to " << EscapeControlCharacters(mail->to) << "\n";
  }
  for (const std::string& id : (*outbox)->ListParked()) {
    Result<mail::ParkedMail> parked = (*outbox)->ReadParked(id);
    if (!parked.ok()) continue;
    std::cout << "parked " << id << " to " << EscapeControlCharacters(parked->mail.to) << ": "
              << EscapeControlCharacters(parked->reason) << "\n";
  }
  return 0;
}

int RunReplay(const MailOptions& options) {
  if (options.all == !options.ids.empty()) {
    std::cerr << "mail replay takes the ids of parked mails or --all\n";
    return 2;
  }
  SystemRandom random;
  Result<std::unique_ptr<mail::Outbox>> outbox = OpenOutbox(options.data, random);
  if (!outbox.ok()) {
    std::cerr << outbox.status().message() << "\n";
    return 1;
  }
  int exit_code = 0;
  for (const std::string& id : options.all ? (*outbox)->ListParked() : options.ids) {
    if (Status s = (*outbox)->Replay(id); !s.ok()) {
      std::cerr << EscapeControlCharacters(s.message()) << "\n";
      exit_code = 1;
      continue;
    }
    std::cout << "queued again " << id << "\n";
  }
  return exit_code;
}

}  // namespace

void AddMailCommand(CLI::App& app, int& exit_code) {
  CLI::App* mail = app.add_subcommand("mail", "The server's outbox: queued and refused mail");
  mail->require_subcommand(1);
  auto options = std::make_shared<MailOptions>();

  CLI::App* list = mail->add_subcommand(
      "list", "Print the queued mails and the parked ones, which the SMTP server refused");
  list->add_option("--data", options->data, "data directory (default ./data)");
  list->callback([&exit_code, options] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = RunList(*options);
  });

  CLI::App* replay = mail->add_subcommand(
      "replay", "Queue parked mails again, once the cause of their refusal is fixed");
  replay->add_option("--data", options->data, "data directory (default ./data)");
  replay->add_option("ID", options->ids, "parked mail ids (from `mail list`)");
  replay->add_flag("--all", options->all, "every parked mail");
  replay->callback([&exit_code, options] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = RunReplay(*options);
  });
}

}  // namespace gatehouse::app
