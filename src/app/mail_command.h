// `gatehouse mail …`: the operator's view of the server's outbox, which lives in the database
// (mail/outbox.h) — what waits to be delivered, what the SMTP server refused for good and why,
// a mail's text (for a server without an SMTP server, whose mail stays queued) — and the replay
// of refused mail once its cause is fixed. Works beside running servers, on SQLite as on
// PostgreSQL: a replay is a commit, which the instances' directories follow, and their senders
// find the mail on their next round (mail/outbox_sender.h).
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

// Adds `mail list`, `mail show` and `mail replay` to `app`; `exit_code` receives the command's
// exit status.
void AddMailCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
