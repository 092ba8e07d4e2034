#include "store/database_url.h"

#include <gtest/gtest.h>

namespace gatehouse::store {
namespace {

TEST(DatabaseUrlTest, NamesSqliteOrPostgres) {
  auto sqlite = ParseDatabaseUrl("sqlite:/var/lib/gatehouse/gatehouse.db");
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->engine, DatabaseUrl::kSqlite);
  EXPECT_EQ(sqlite->target, "/var/lib/gatehouse/gatehouse.db");
  for (const char* uri :
       {"postgresql://gatehouse@db.internal:5432/iam",
        "postgres://db.internal/iam?sslmode=verify-full",
        "postgresql://gatehouse@db.internal/iam?passfile=/etc/gatehouse/pgpass"}) {
    auto pg = ParseDatabaseUrl(uri);
    ASSERT_TRUE(pg.ok()) << uri;
    EXPECT_EQ(pg->engine, DatabaseUrl::kPostgres);
    EXPECT_EQ(pg->target, uri);
  }
}

TEST(DatabaseUrlTest, RefusesOtherSchemesAndPasswords) {
  for (const char* url :
       {"", "sqlite:", "mysql://db/iam", "/var/lib/gatehouse.db", "postgresql//db/iam",
        "postgresql://gatehouse:s3cret@db/iam", "postgres://:s3cret@db/iam",
        "postgresql://db/iam?password=s3cret", "postgresql://db/iam?sslmode=require&password=x"}) {
    auto parsed = ParseDatabaseUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(parsed.status().message().find("s3cret"), std::string::npos);
  }
}

}  // namespace
}  // namespace gatehouse::store
