// gatehouse: an AWS-compatible Organizations, IAM and STS server. This is the command line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/account_command.h"
#include "app/audit_command.h"
#include "app/backup_command.h"
#include "app/mail_command.h"
#include "app/migrate_command.h"
#include "app/policy_command.h"
#include "app/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"gatehouse — AWS Organizations, IAM and STS, self-hosted"};
  app.require_subcommand(1);
  int exit_code = 0;
  gatehouse::app::AddAccountCommand(app, exit_code);
  gatehouse::app::AddAuditCommand(app, exit_code);
  gatehouse::app::AddBackupCommand(app, exit_code);
  gatehouse::app::AddMailCommand(app, exit_code);
  gatehouse::app::AddMigrateCommand(app, exit_code);
  gatehouse::app::AddPolicyCommand(app, exit_code);
  gatehouse::app::AddServeCommand(app, exit_code);
  if (std::optional<std::string> flag = gatehouse::app::SecretFlagOnCommandLine(argc, argv)) {
    std::cerr << *flag << " is not taken on the command line, where every local user can read it; "
              << "use the environment (GATEHOUSE_"
              << (*flag == "--master-key" ? "MASTER_KEY" : "SMTP_PASSWORD") << "), the config file"
              << (*flag == "--master-key" ? " or --master-key-file" : "") << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help exits 0; any other misuse of the command line is exit code 2, for every command.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
