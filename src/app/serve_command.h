// `gatehouse serve`: the API server — settings from flags or GATEHOUSE_* environment variables,
// one log line per request, and a clean stop on SIGTERM/SIGINT.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void AddServeCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
