// `gatehouse policy …`: the policy engine offline — validate a document, simulate a request.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

// Adds the `policy` subcommand and its own subcommands to `app`. `exit_code` receives the
// process exit status once a subcommand has run.
void AddPolicyCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
