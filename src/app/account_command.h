// `gatehouse account create`: a standalone account with its root user, whether the server on
// the data directory runs or not. With no server (DATA/server.lock free) the command takes the
// lock and writes the store itself; with one, it asks the server's admin endpoint
// (app/admin_endpoint.h) so that the running directory knows the account at once. It prints the
// account id, the root user's one-time password-reset link and the profile it added for the
// account's IAM user `admin` to DATA/aws/config and DATA/aws/credentials.
// `gatehouse account root-reset-link --email E` prints a new one-time password-reset link for the
// root user with that email, through the store or the admin endpoint in the same way.
// Against PostgreSQL (--database postgresql://…, GATEHOUSE_DATABASE) there is no local server
// to ask — the instances may run on other machines — so both commands write through the store:
// its commits check their preconditions and uniqueness in the database, so running instances
// are never contradicted, and they take the change from the change feed. Creating an account
// seals its admin's secret under the deployment's master key, which is then given as to `serve`
// (GATEHOUSE_MASTER_KEY or --master-key-file) and checked against the database's key check.
// Exit codes: 0 done, 1 failed (the email in use, no answer from the server, …), 2 bad usage.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void AddAccountCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
