#pragma once
/// SQLite on a household's file from beside the daemon, for end-to-end tests:
/// to make files fairlyd must refuse, to add the record's own rules, and to
/// read back what was stored. Include only from a test (it uses Catch).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fairly::test {

/// Runs SQL on a file with SQLite itself, waiting up to 5 s for fairlyd's lock.
inline void sql(const std::filesystem::path& file, const std::string& statements) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &message);
    INFO((message ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

/// The first column of the query's first row, as text ("" for no row or NULL).
inline std::string sql_text(const std::filesystem::path& file, const std::string& query) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    const int prepared = sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr);
    INFO(query << ": " << sqlite3_errmsg(db));
    std::string text;
    if (prepared == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0)) {
        text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    REQUIRE(prepared == SQLITE_OK);
    return text;
}

namespace detail {

inline std::vector<std::vector<std::string>> rows(sqlite3* db, const std::string& query) {
    sqlite3_stmt* statement = nullptr;
    INFO(query << ": " << sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < sqlite3_column_count(statement); ++i) {
            const unsigned char* text = sqlite3_column_text(statement, i);
            row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    return out;
}

inline void exec(sqlite3* db, const std::string& statements) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &message);
    INFO(statements << ": " << (message ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
}

struct schema_object {
    std::string type, table, sql;
};

/// name -> (type, table, sql) of every object but SQLite's own.
inline std::map<std::string, schema_object> objects(sqlite3* db) {
    std::map<std::string, schema_object> found;
    for (auto& row : rows(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")) {
        found[row[1]] = {row[0], row[2], row[3]};
    }
    return found;
}

inline std::vector<std::string> columns(sqlite3* db, const std::string& table) {
    std::vector<std::string> names;
    for (auto& row : rows(db, "SELECT name FROM pragma_table_info('" + table + "')")) names.push_back(row[0]);
    return names;
}

} // namespace detail

/// Turns a household's file into the schema `version` had, whatever the
/// schema is now: the migrations schema/001 to `version` (in `schema_dir`)
/// make the older schema in memory; every object the file has that it lacks
/// is dropped, every table it holds otherwise is rebuilt as it was (the
/// columns both have keep their values), and user_version says `version`.
/// What the later migrations added is lost, as it was never in an older file.
inline void downgrade_schema(const std::filesystem::path& file, const std::filesystem::path& schema_dir, int version) {
    sqlite3* older = nullptr;
    REQUIRE(sqlite3_open(":memory:", &older) == SQLITE_OK);
    std::vector<std::filesystem::path> migrations;
    for (const auto& entry : std::filesystem::directory_iterator(schema_dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".sql" && name.size() > 3 && std::stoi(name.substr(0, 3)) <= version) migrations.push_back(entry.path());
    }
    std::sort(migrations.begin(), migrations.end());
    REQUIRE(static_cast<int>(migrations.size()) == version);
    for (const auto& migration : migrations) {
        std::ifstream in(migration);
        std::stringstream text;
        text << in.rdbuf();
        detail::exec(older, text.str());
    }
    const auto want = detail::objects(older);

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    detail::exec(db, "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON; BEGIN;");
    const auto have = detail::objects(db);
    // Views, triggers and indexes first: they name the tables.
    for (const char* type : {"view", "trigger", "index"}) {
        for (const auto& [name, object] : have) {
            if (object.type != type) continue;
            const auto wanted = want.find(name);
            if (wanted == want.end() || wanted->second.sql != object.sql) {
                if (!object.sql.empty()) detail::exec(db, "DROP " + object.type + " \"" + name + "\"");
            }
        }
    }
    for (const auto& [name, object] : have) {
        if (object.type != "table") continue;
        const auto wanted = want.find(name);
        if (wanted == want.end()) {
            detail::exec(db, "DROP TABLE \"" + name + "\"");
            continue;
        }
        if (wanted->second.sql == object.sql) continue;
        // Rebuilt as it was: its older CREATE under a new name, the shared columns copied.
        const std::vector<std::string> kept = detail::columns(older, name), now = detail::columns(db, name);
        std::string shared;
        for (const std::string& column : kept) {
            if (std::find(now.begin(), now.end(), column) != now.end()) shared += (shared.empty() ? "\"" : ", \"") + column + "\"";
        }
        std::string create = wanted->second.sql;
        const auto at = create.find(name);
        REQUIRE(at != std::string::npos);
        create.replace(at, name.size(), name + "_older");
        detail::exec(db, create);
        detail::exec(db, "INSERT INTO \"" + name + "_older\" (" + shared + ") SELECT " + shared + " FROM \"" + name + "\"");
        detail::exec(db, "DROP TABLE \"" + name + "\"");
        detail::exec(db, "ALTER TABLE \"" + name + "_older\" RENAME TO \"" + name + "\"");
    }
    // What the older schema had that is gone now (dropped with a rebuilt table, or changed).
    const auto now = detail::objects(db);
    for (const char* type : {"index", "trigger", "view"}) {
        for (const auto& [name, object] : want) {
            if (object.type == type && !now.count(name) && !object.sql.empty()) detail::exec(db, object.sql);
        }
    }
    detail::exec(db, "PRAGMA user_version = " + std::to_string(version) + "; COMMIT;");
    const auto after = detail::objects(db);
    sqlite3_close(db);
    sqlite3_close(older);
    // The file's schema is now the older one, object for object.
    REQUIRE(after.size() == want.size());
    for (const auto& [name, object] : want) {
        INFO(name);
        REQUIRE(after.count(name) == 1);
        CHECK(after.at(name).type == object.type);
    }
}

} // namespace fairly::test
