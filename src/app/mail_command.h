// `gatehouse mail …`: the operator's view of the server's outbox (DATA/outbox) — what waits to
// be delivered, what the SMTP server refused for good and why — and the replay of refused mail
// once its cause is fixed. Works beside a running server: the outbox's moves are renames, and
// the server's sender finds replayed mail on its next round (mail/smtp_sender.h).
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

// Adds `mail list` and `mail replay` to `app`; `exit_code` receives the command's exit status.
void AddMailCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
