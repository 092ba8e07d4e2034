// `gatehouse migrate --from URL --to URL`: copies a deployment's database into an empty one,
// typically from the embedded SQLite file to PostgreSQL when one machine is no longer enough
// (`--from sqlite:DATA/gatehouse.db --to postgresql://HOST/DB`); PostgreSQL to SQLite and SQLite
// to SQLite work the same way. The source is read in one read transaction (a consistent copy),
// the target written in one transaction (app/store_copy.h) and read back: the command prints the
// counts per kind and the checksums of both sides, and a difference is an error. A target that
// already holds data is refused. The master key is not needed: secrets are copied sealed, the
// same key opens the target, and the source's key check goes with them. A server still running
// on an SQLite source (its data directory's server.lock held) is refused, as writes it took
// after the copy would be lost; while the command runs, none can start there.
// Exit codes: 0 copied and verified, 1 failed (target not empty, checksums differ, …), 2 bad
// usage.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void AddMigrateCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
