#pragma once
/// SQLite on a household's file from beside the daemon, for end-to-end tests:
/// to make files fairlyd must refuse, to add the record's own rules, and to
/// read back what was stored. Include only from a test (it uses Catch).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <string>

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

} // namespace fairly::test
