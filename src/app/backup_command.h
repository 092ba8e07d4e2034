// `gatehouse backup --to PATH`: a verified copy of the deployment's SQLite database
// (app/sqlite_backup.h), taken while its server runs or not; `serve --database sqlite:PATH`
// (or the copy put back as DATA/gatehouse.db) serves it with the same master key. A PostgreSQL
// database is backed up with PostgreSQL's own tools, which know its replication and its
// point-in-time recovery: the command refuses and names them (pg_dump, pg_basebackup).
// Exit codes: 0 done, 1 failed, 2 bad usage (a PostgreSQL database included).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace gatehouse::app {

// The message for a PostgreSQL database: the commands that back it up and restore it.
std::string PostgresBackupAdvice(const std::string& uri, const std::string& to);

void AddBackupCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
