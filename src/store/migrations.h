// The store's schema, as an ordered list of migrations: migration N (1-based) takes the schema
// from version N-1 to N. Append only; never edit a migration that has shipped. Written in the
// SQL that SQLite and PostgreSQL share, and SQLite's json_extract(body, '$.field'), which
// PostgresSchema translates.
#pragma once

#include <array>
#include <string_view>

namespace gatehouse::store {

inline constexpr std::array<std::string_view, 11> kMigrations = {
    R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));

CREATE TABLE root_users (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id),
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL
);

CREATE TABLE users (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, name)
);
CREATE UNIQUE INDEX users_name_nocase ON users (account_id, lower(name));

CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  user_name TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  status TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);

CREATE TABLE changes (
  seq INTEGER PRIMARY KEY,
  committed_ms BIGINT NOT NULL
);
)sql",
    R"sql(
CREATE TABLE user_policies (
  account_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (account_id, user_name, name),
  FOREIGN KEY (account_id, user_name) REFERENCES users (account_id, name)
);

CREATE TABLE user_attached_policies (
  account_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  policy_arn TEXT NOT NULL,
  PRIMARY KEY (account_id, user_name, policy_arn),
  FOREIGN KEY (account_id, user_name) REFERENCES users (account_id, name)
);
)sql",
    R"sql(
CREATE TABLE root_reset_tokens (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  expires_ms BIGINT NOT NULL
);
)sql",
    R"sql(
CREATE TABLE user_tags (
  account_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  position INTEGER NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (account_id, user_name, position),
  FOREIGN KEY (account_id, user_name) REFERENCES users (account_id, name)
);
)sql",
    R"sql(
CREATE TABLE access_key_last_used (
  access_key_id TEXT PRIMARY KEY,
  used_ms BIGINT NOT NULL,
  service TEXT NOT NULL,
  region TEXT NOT NULL
);
)sql",
    R"sql(
CREATE TABLE records (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, key)
);
)sql",
    R"sql(
ALTER TABLE changes ADD COLUMN writes TEXT;
)sql",
    R"sql(
CREATE TABLE work_leases (
  queue TEXT NOT NULL,
  key TEXT NOT NULL,
  owner TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  PRIMARY KEY (queue, key)
);
)sql",
    // A virtual MFA device's key gains its path (model::MfaDeviceKey): "ACCOUNT/name" becomes
    // "ACCOUNT/team/name" for a device at "/team/". Account ids are 12 digits; a name holds no
    // '/', so a key with two of them is already in the new form.
    R"sql(
UPDATE records
SET key = substr(key, 1, 13) || lower(substr(json_extract(body, '$.path'), 2)) || substr(key, 14)
WHERE kind = 'mfa_device' AND key NOT LIKE '%/%/%'
  AND json_extract(body, '$.path') IS NOT NULL AND json_extract(body, '$.path') <> '/';
)sql",
    // 10: the audit trail (store/audit_log.h): events with the columns LookupEvents filters on
    // (each index newest first by number, with the time, so that a time range is read from it),
    // the resources they name, and the chain of digests that seals them. (IF NOT EXISTS: an
    // instance that saw an older version runs it again harmlessly.)
    R"sql(
CREATE TABLE IF NOT EXISTS audit_events (
  seq INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  event_name TEXT NOT NULL,
  event_source TEXT NOT NULL,
  username TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  read_only INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_id ON audit_events (account_id, event_id);
CREATE INDEX IF NOT EXISTS audit_events_account ON audit_events (account_id, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_name ON audit_events (account_id, event_name, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_source ON audit_events (account_id, event_source, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (account_id, username, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_key ON audit_events (account_id, access_key_id, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_read_only ON audit_events (account_id, read_only, seq, time_ms);
CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (time_ms);

CREATE TABLE IF NOT EXISTS audit_resources (
  seq BIGINT NOT NULL,
  position INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (seq, position)
);
CREATE INDEX IF NOT EXISTS audit_resources_type ON audit_resources (account_id, type, seq);
CREATE INDEX IF NOT EXISTS audit_resources_name ON audit_resources (account_id, name, seq);

CREATE TABLE IF NOT EXISTS audit_digests (
  first_seq BIGINT PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  previous TEXT NOT NULL,
  digest TEXT NOT NULL
);
)sql",
    // 11: the digests' signatures (audit/digest_signature.h), beside them: a table of its own
    // (SQLite has no ADD COLUMN IF NOT EXISTS, and a migration must be safe to run again).
    R"sql(
CREATE TABLE IF NOT EXISTS audit_digest_signatures (
  first_seq BIGINT PRIMARY KEY,
  signature TEXT NOT NULL
);
)sql",
};

}  // namespace gatehouse::store
