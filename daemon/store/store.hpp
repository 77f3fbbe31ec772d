#pragma once
/// A thin RAII layer over SQLite for the daemon: one connection, prepared and
/// cached statements, savepoints that roll back unless released.
#include "errors.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace fairly::store {

/// SQLite refused something. `code` is SQLite's extended result code.
struct storage_error : fairly::error {
    storage_error(int sqlite_code, const std::string& message) : fairly::error(message), code(sqlite_code) {}
    int code;
    /// True for a constraint (CHECK, UNIQUE, trigger RAISE): the request was wrong, not the disk.
    bool is_constraint() const;
};

class statement {
public:
    statement(sqlite3* db, std::string_view sql);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    /// Binds by 1-based index; returns *this so binds chain.
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    statement& bind(int index, double value);
    statement& bind(int index, std::string_view value);
    statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    statement& bind_null(int index);
    template <typename T> statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    /// Steps once: true when a row is ready, false when done.
    bool step();
    /// Resets and clears bindings, ready for the next use.
    void reset();

    bool is_null(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::optional<std::int64_t> optional_int64(int column) const;
    std::optional<double> optional_real(int column) const;
    std::optional<std::string> optional_text(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// The WAL fairlyd keeps between checkpoints: room for the 1000 frames after
/// which an idle daemon checkpoints (commit_queue), with some to spare.
inline constexpr std::size_t preallocated_wal_bytes = 4 * 1024 * 1024;
/// The page cache a connection may grow to, in KiB: the event indexes of a
/// few years of a household stay in memory.
inline constexpr int page_cache_kib = 4096;

class database {
public:
    /// Opens (creating if needed) the database at `path` with WAL,
    /// synchronous=FULL and foreign keys on. ":memory:" works for tests.
    explicit database(const std::string& path);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    /// Runs one or more statements with no results.
    void exec(std::string_view sql);

    /// A statement prepared once per connection and reused; reset on return.
    statement& cached(std::string_view sql);

    /// Runs a cached statement that returns no rows (BEGIN, SAVEPOINT, ...).
    void run_cached(std::string_view sql);

    /// Turns off SQLite's checkpoint-on-commit: the caller checkpoints with
    /// checkpoint() when it has a moment, watching wal_frames().
    void manage_checkpoints();
    int wal_frames() const { return wal_frames_; }
    void checkpoint();

    /// Frees the page cache down to its `keep_kib` most recently used pages
    /// (the tables' and indexes' upper levels and newest leaves); it may grow
    /// back to page_cache_kib when the next requests read more.
    void shrink_cache(int keep_kib);

    /// Grows the WAL file to `bytes` with written zeros and keeps it when the
    /// database closes. SQLite then overwrites frames in place instead of
    /// growing the file, and the fdatasync of a commit need not journal a new
    /// file size: half the cost of each durable commit on ext4. fairlyd keeps
    /// it at preallocated_wal_bytes, at start and again after a restore.
    void preallocate_wal(std::size_t bytes = preallocated_wal_bytes);

    std::int64_t last_insert_rowid() const;
    int changes() const;
    /// Rows inserted, updated or deleted by every statement that completed on
    /// this connection (a statement that failed adds none): a request that
    /// failed with this count unchanged left nothing behind.
    std::int64_t total_changes() const;
    /// False once SQLite has rolled back the open transaction on its own
    /// (a full disk, an I/O error): what the round wrote is gone.
    bool in_transaction() const;
    const std::string& path() const { return path_; }
    sqlite3* handle() { return db_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
    // Looked up by the caller's string_view, with no std::string made per use.
    struct sql_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
    };
    std::unordered_map<std::string, std::unique_ptr<statement>, sql_hash, std::equal_to<>> cache_;
    int wal_frames_ = 0;
    static int wal_hook(void* self, sqlite3* db, const char* name, int frames);
};

/// Copies the committed state of the database file `source` to a new file
/// `target` with SQLite's online backup API, through a read-only connection
/// of its own: writers on other connections never see it, and the copy is a
/// consistent snapshot. Returns the number of pages copied.
int backup_database(const std::string& source, const std::string& target);

/// Resets a cached statement when the scope ends, even on error.
class statement_use {
public:
    explicit statement_use(statement& s) : statement_(s) {}
    ~statement_use() { statement_.reset(); }
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;
    statement* operator->() { return &statement_; }
    statement& operator*() { return statement_; }

private:
    statement& statement_;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.
class transaction {
public:
    explicit transaction(database& db);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit();

private:
    database& db_;
    bool open_ = true;
};

/// SAVEPOINT inside a transaction: one request's changes, undone on failure
/// without disturbing the other requests sharing the group commit.
class savepoint {
public:
    explicit savepoint(database& db);
    ~savepoint();
    savepoint(const savepoint&) = delete;
    savepoint& operator=(const savepoint&) = delete;
    void release();
    void rollback();

private:
    database& db_;
    bool open_ = true;
};

} // namespace fairly::store
