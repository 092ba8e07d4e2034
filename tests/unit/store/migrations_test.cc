// The schema migrations that rewrite data, run on the databases that keep it (SQLite and
// PostgreSQL): a database left at the previous version by an older gatehouse is brought forward
// when a store opens it, and running a migration again changes nothing.
#include "store/migrations.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <map>
#include <string>

#include "model/iam_entities.h"
#include "store/record_codec.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

class Migrations : public BackendTest {
 protected:
  // Runs `sql` on this test's database, as an older gatehouse's writes would have.
  void Exec(const std::string& sql) {
    if (GetParam().name == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "gatehouse.db").c_str(), &db), SQLITE_OK);
      char* error = nullptr;
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
          << (error ? error : "");
      sqlite3_free(error);
      sqlite3_close(db);
      return;
    }
    PGconn* conn = PQconnectdb(PostgresUriFor(dir_.string()).c_str());
    PGresult* r = PQexec(conn, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
  }

  // Puts the database back to the schema version before `version`, as if that migration had
  // never run.
  void Forget(size_t version) {
    Exec("DELETE FROM schema_migrations WHERE version >= " + std::to_string(version));
  }

  // The keys of the stored MFA devices, by device name.
  std::map<std::string, std::string> MfaKeys() {
    std::map<std::string, std::string> keys;
    auto data = Open()->LoadAll();
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    if (!data.ok()) return keys;
    for (const RawRecord& r : data->records) {
      if (r.kind != "mfa_device") continue;
      auto device = DecodeRecord<model::MfaDevice>(r.body);
      if (device.ok()) keys[device->name] = r.key;
    }
    return keys;
  }

  // An MFA device row written under the key older versions used: "ACCOUNT/name".
  void PutLegacyDevice(const std::string& name, const std::string& path) {
    model::MfaDevice device;
    device.account_id = "111111111111";
    device.name = name;
    device.path = path;
    device.sealed_seed = "00ff";
    const std::string body = EncodeRecord(device);
    std::string quoted;
    for (char c : body) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    Exec("INSERT INTO records (kind, key, body) VALUES ('mfa_device', '" +
         model::RecordKey({device.account_id, name}) + "', '" + quoted + "')");
  }
};

// Migration 9: a virtual MFA device's key holds its path, so that devices of one name under
// different paths are different devices.
TEST_P(Migrations, MfaDeviceKeysGainTheirPath) {
  constexpr size_t kMfaPathKeys = 9;
  ASSERT_GE(kMigrations.size(), kMfaPathKeys);
  Open();
  Forget(kMfaPathKeys);
  PutLegacyDevice("Phone", "/Team/Blue/");
  PutLegacyDevice("plain", "/");
  Exec("INSERT INTO records (kind, key, body) VALUES ('role', '111111111111/x', '{}')");

  std::map<std::string, std::string> expected = {{"Phone", "111111111111/team/blue/phone"},
                                                 {"plain", "111111111111/plain"}};
  EXPECT_EQ(MfaKeys(), expected);
  // The keys are the ones the model computes, so the directory finds every device by its
  // serial number and a write replaces the stored row instead of adding a second one.
  model::MfaDevice phone;
  phone.account_id = "111111111111";
  phone.name = "Phone";
  phone.path = "/Team/Blue/";
  EXPECT_EQ(phone.Key(), expected["Phone"]);

  // Running it again (an instance that saw the old version) leaves new keys alone.
  Forget(kMfaPathKeys);
  EXPECT_EQ(MfaKeys(), expected);
  auto data = Open()->LoadAll();
  ASSERT_TRUE(data.ok());
  for (const RawRecord& r : data->records) {
    if (r.kind == "role") {
      EXPECT_EQ(r.key, "111111111111/x");
    }
  }
}

std::vector<Backend> DatabaseBackends() {
  std::vector<Backend> out;
  for (const Backend& b : StoreBackends()) {
    if (b.name != "memory") out.push_back(b);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Databases, Migrations, testing::ValuesIn(DatabaseBackends()), BackendName);

}  // namespace
}  // namespace gatehouse::store
