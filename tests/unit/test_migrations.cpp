#include "migrations.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

using namespace fairly::store;

namespace {

int user_version(database& db) {
    statement query(db.handle(), "PRAGMA user_version");
    query.step();
    return static_cast<int>(query.int64(0));
}

} // namespace

TEST_CASE("a database made by schema 1 upgrades in place and keeps its events", "[migrations]") {
    fairly::test::temp_dir dir;
    const std::string path = (dir.path() / "old.db").string();
    {
        database old(path);
        REQUIRE(apply_migrations(old, 1) == 1);
        old.exec("INSERT INTO household (id, tz, created_at) VALUES (1, 'Europe/London', 0);"
                 "INSERT INTO member (name, agreed_share, created_at) VALUES ('alex', 50, 0);"
                 "INSERT INTO kind (name, category, created_at) VALUES ('night-feed', 'care', 0);"
                 "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, logged_by_uid, created_at)"
                 " VALUES ('00000000-0000-4000-8000-000000000001', 1, 1, 100, 2200, 1000, 0);");
        CHECK(user_version(old) == 1);
    }
    database upgraded(path);
    CHECK(apply_migrations(upgraded) == latest_schema_version());
    CHECK(user_version(upgraded) == latest_schema_version());
    statement events(upgraded.handle(), "SELECT uuid, end_utc - start_utc FROM event");
    REQUIRE(events.step());
    CHECK(events.text(0) == "00000000-0000-4000-8000-000000000001");
    CHECK(events.int64(1) == 2100);
    // What schema 2 added is there and usable.
    upgraded.exec("INSERT INTO timer (uuid, member_id, kind_id, start_utc, started_by_uid, created_at)"
                  " VALUES ('00000000-0000-4000-8000-000000000002', 1, 1, 300, 1000, 0)");
    // Applying again is a no-op.
    CHECK(apply_migrations(upgraded) == latest_schema_version());
}

TEST_CASE("schema 7: a reminder given before counts as given to every member, and the change log is kept", "[migrations]") {
    fairly::test::temp_dir dir;
    const std::string path = (dir.path() / "six.db").string();
    {
        database old(path);
        REQUIRE(apply_migrations(old, 6) == 6);
        old.exec("INSERT INTO household (id, tz, created_at) VALUES (1, 'Europe/London', 0);"
                 "INSERT INTO member (name, agreed_share, created_at) VALUES ('alex', 50, 0), ('sam', 50, 0);"
                 "INSERT INTO reminder_sent (key, text, sent_at) VALUES ('slot:1:2026-11-28', 'Sam''s long run', 5);"
                 "INSERT INTO change_log (subject, subject_name, old_value, new_value, changed_by_uid, changed_at)"
                 " VALUES ('night', 'window', NULL, '{}', 0, 7);");
    }
    database upgraded(path);
    REQUIRE(apply_migrations(upgraded) == latest_schema_version());
    statement given(upgraded.handle(), "SELECT m.name, g.text, g.given_at FROM reminder_given g JOIN member m ON m.id = g.member_id "
                                       "WHERE g.key = 'slot:1:2026-11-28' ORDER BY m.name");
    REQUIRE(given.step());
    CHECK(given.text(0) == "alex");
    CHECK(given.text(1) == "Sam's long run");
    CHECK(given.int64(2) == 5);
    REQUIRE(given.step());
    CHECK(given.text(0) == "sam");
    CHECK_FALSE(given.step());
    statement changes(upgraded.handle(), "SELECT subject, changed_at FROM change_log");
    REQUIRE(changes.step());
    CHECK(changes.text(0) == "night");
    CHECK(changes.int64(1) == 7);
    // A cancelled timer may be kept now; a subject nobody defined may not.
    upgraded.exec("INSERT INTO change_log (subject, subject_name, new_value, changed_by_uid, changed_at) VALUES ('timer', 'night-feed', '{}', 0, 8)");
    CHECK_THROWS(upgraded.exec("INSERT INTO change_log (subject, subject_name, new_value, changed_by_uid, changed_at) VALUES ('mood', 'x', '{}', 0, 9)"));
    CHECK_THROWS(upgraded.exec("UPDATE change_log SET changed_at = 1"));
}

TEST_CASE("a database from a newer fairly is refused, not touched", "[migrations]") {
    fairly::test::temp_dir dir;
    const std::string path = (dir.path() / "new.db").string();
    {
        database db(path);
        db.exec("PRAGMA user_version = 999");
    }
    database db(path);
    CHECK_THROWS_WITH(apply_migrations(db), Catch::Contains("newer than this fairlyd"));
    CHECK(user_version(db) == 999);
}

TEST_CASE("a failing migration leaves the database as it was", "[migrations]") {
    fairly::test::temp_dir dir;
    database db((dir.path() / "x.db").string());
    db.exec("CREATE TABLE member (id INTEGER PRIMARY KEY)"); // collides with schema 1
    CHECK_THROWS_WITH(apply_migrations(db), Catch::Contains("001_household.sql"));
    CHECK(user_version(db) == 0);
    statement tables(db.handle(), "SELECT count(*) FROM sqlite_master WHERE name = 'household'");
    tables.step();
    CHECK(tables.int64(0) == 0);
}

TEST_CASE("the record is append-only at the storage level", "[migrations]") {
    database db(":memory:");
    apply_migrations(db);
    db.exec("INSERT INTO household (id, tz, created_at) VALUES (1, 'Europe/London', 0);"
            "INSERT INTO member (name, agreed_share, created_at) VALUES ('alex', 50, 0);"
            "INSERT INTO kind (name, category, created_at) VALUES ('cooking', 'household', 0);"
            "INSERT INTO event (uuid, member_id, kind_id, start_utc, logged_by_uid, created_at)"
            " VALUES ('00000000-0000-4000-8000-000000000001', 1, 1, 100, 0, 0);");
    CHECK_THROWS_WITH(db.exec("DELETE FROM event"), Catch::Contains("never deleted"));
    CHECK_THROWS_WITH(db.exec("UPDATE event SET start_utc = 5"), Catch::Contains("append-only"));
    db.exec("UPDATE event SET status = 'voided', void_reason = 'x'");
    CHECK_THROWS_WITH(db.exec("UPDATE event SET status = 'active'"), Catch::Contains("append-only"));
}
