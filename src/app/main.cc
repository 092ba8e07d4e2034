// gatehouse: an AWS-compatible Organizations, IAM and STS server. This is the command line.
#include <CLI/CLI.hpp>

#include "app/policy_command.h"
#include "app/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"gatehouse — AWS Organizations, IAM and STS, self-hosted"};
  app.require_subcommand(1);
  int exit_code = 0;
  gatehouse::app::AddPolicyCommand(app, exit_code);
  gatehouse::app::AddServeCommand(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
