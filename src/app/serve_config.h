// `gatehouse serve --config FILE`: settings from a TOML file fill what neither a flag nor a
// GATEHOUSE_* variable gave. Reads the file only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/serve_options.h"

namespace gatehouse::app {

// Applies the settings of the TOML file at `path` to `options`, except those `serve`'s own
// flags or variables set; "" on success, else the message (an unknown key or a value of the
// wrong type).
std::string ApplyConfigFile(const std::string& path, const CLI::App& serve, ServeOptions& options);

}  // namespace gatehouse::app
