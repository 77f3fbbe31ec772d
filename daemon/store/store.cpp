#include "store.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace fairly::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    throw storage_error(db ? sqlite3_extended_errcode(db) : code, message);
}

} // namespace

bool storage_error::is_constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "cannot prepare a statement");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(db_, rc, "cannot bind");
    return *this;
}

statement& statement::bind(int index, double value) {
    if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(db_, rc, "cannot bind");
    return *this;
}

statement& statement::bind(int index, std::string_view value) {
    if (int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8); rc != SQLITE_OK)
        fail(db_, rc, "cannot bind");
    return *this;
}

statement& statement::bind_null(int index) {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(db_, rc, "cannot bind");
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "database error");
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string statement::text(int column) const {
    const auto* bytes = sqlite3_column_text(stmt_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
}

std::optional<double> statement::optional_real(int column) const {
    if (is_null(column)) return std::nullopt;
    return real(column);
}

std::optional<std::int64_t> statement::optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
}

std::optional<std::string> statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

database::database(const std::string& path) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = "cannot open the database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        db_ = nullptr;
        throw storage_error(rc, message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA foreign_keys=ON");
        exec("PRAGMA temp_store=MEMORY"); // a request's savepoint journal (and temp b-trees) stay in memory
        exec("PRAGMA cache_size=-" + std::to_string(page_cache_kib));
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

database::~database() {
    cache_.clear(); // finalize statements before closing
    sqlite3_close(db_);
}

void database::exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string what = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw storage_error(sqlite3_extended_errcode(db_), what);
    }
}

statement& database::cached(std::string_view sql) {
    auto found = cache_.find(sql);
    if (found != cache_.end()) return *found->second;
    auto inserted = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql));
    return *inserted.first->second;
}

std::int64_t database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int database::changes() const { return sqlite3_changes(db_); }
std::int64_t database::total_changes() const { return sqlite3_total_changes64(db_); }
bool database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void database::run_cached(std::string_view sql) {
    statement_use use(cached(sql));
    use->step();
}

transaction::transaction(database& db) : db_(db) { db_.run_cached("BEGIN IMMEDIATE"); }

transaction::~transaction() {
    if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit() {
    db_.run_cached("COMMIT");
    open_ = false;
}

// A savepoint per write when a round runs with them (see isolation in
// handler.hpp): the statements are prepared once and reused.
savepoint::savepoint(database& db) : db_(db) { db_.run_cached("SAVEPOINT request"); }

savepoint::~savepoint() {
    if (open_) {
        sqlite3_exec(db_.handle(), "ROLLBACK TO request", nullptr, nullptr, nullptr);
        sqlite3_exec(db_.handle(), "RELEASE request", nullptr, nullptr, nullptr);
    }
}

void savepoint::release() {
    db_.run_cached("RELEASE request");
    open_ = false;
}

void savepoint::rollback() {
    db_.run_cached("ROLLBACK TO request");
    db_.run_cached("RELEASE request");
    open_ = false;
}

void database::preallocate_wal(std::size_t bytes) {
    if (path_ == ":memory:" || path_.empty()) return;
    int persist = 1;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    const std::string wal = path_ + "-wal";
    const int fd = ::open(wal.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return; // no WAL yet: nothing to grow
    struct stat info {};
    struct statvfs disk {};
    // Only with room to spare: padding must never be what fills the disk.
    const bool roomy = ::fstatvfs(fd, &disk) == 0 && static_cast<double>(disk.f_bavail) * static_cast<double>(disk.f_frsize) > 8.0 * static_cast<double>(bytes);
    if (roomy && ::fstat(fd, &info) == 0 && static_cast<std::size_t>(info.st_size) < bytes) {
        // Zeros past the last valid frame fail SQLite's frame checksums, so
        // recovery stops there: the padding is never mistaken for data.
        const std::vector<char> zeros(64 * 1024, 0);
        std::size_t at = static_cast<std::size_t>(info.st_size);
        bool ok = true;
        while (ok && at < bytes) {
            const std::size_t n = std::min(zeros.size(), bytes - at);
            ok = ::pwrite(fd, zeros.data(), n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
            at += n;
        }
        if (ok) ::fdatasync(fd);
    }
    ::close(fd);
}

int backup_database(const std::string& source, const std::string& target) {
    sqlite3* from = nullptr;
    sqlite3* to = nullptr;
    auto close_both = [&] {
        sqlite3_close(from);
        sqlite3_close(to);
    };
    if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_open_v2(target.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, nullptr) != SQLITE_OK) {
        const std::string message = std::string("cannot open for the backup: ") + (to ? sqlite3_errmsg(to) : from ? sqlite3_errmsg(from) : "out of memory");
        close_both();
        throw storage_error(SQLITE_CANTOPEN, message);
    }
    sqlite3_backup* copy = sqlite3_backup_init(to, "main", from, "main");
    if (!copy) {
        const std::string message = std::string("cannot start the backup: ") + sqlite3_errmsg(to);
        close_both();
        throw storage_error(SQLITE_ERROR, message);
    }
    const int rc = sqlite3_backup_step(copy, -1);
    const int pages = sqlite3_backup_pagecount(copy);
    sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) {
        const std::string message = std::string("the backup failed: ") + sqlite3_errstr(rc);
        close_both();
        throw storage_error(rc, message);
    }
    // The copy is a plain rollback-journal database: one file, ready to restore.
    sqlite3_exec(to, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    close_both();
    return pages;
}

int database::wal_hook(void* self, sqlite3*, const char*, int frames) {
    static_cast<database*>(self)->wal_frames_ = frames;
    return SQLITE_OK;
}

void database::manage_checkpoints() {
    exec("PRAGMA wal_autocheckpoint=0");
    sqlite3_wal_hook(db_, &database::wal_hook, this);
}

void database::checkpoint() {
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames_ = 0;
}

void database::shrink_cache(int keep_kib) {
    // Lowering cache_size makes SQLite free its least recently used pages at
    // once; raising it again only lets the cache grow back on demand.
    exec("PRAGMA cache_size=-" + std::to_string(keep_kib));
    exec("PRAGMA cache_size=-" + std::to_string(page_cache_kib));
}

} // namespace fairly::store
