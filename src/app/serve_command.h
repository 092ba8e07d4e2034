// `gatehouse serve`: the API server — settings from flags or GATEHOUSE_* environment variables,
// one log line per request, and a clean stop on SIGTERM/SIGINT.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace gatehouse::app {

void AddServeCommand(CLI::App& app, int& exit_code);

// The secret-bearing flag (--master-key, --smtp-password) given on the command line, which any
// local user can read in the process list: refused; secrets come from the environment, the
// config file or a file.
std::optional<std::string> SecretFlagOnCommandLine(int argc, char** argv);

}  // namespace gatehouse::app
