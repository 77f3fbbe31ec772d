#include "backup_file.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fairly::store {
namespace {

/// A read-only connection of its own to a file, closed at scope exit.
class reader {
public:
    explicit reader(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw storage_error(SQLITE_CANTOPEN, why);
        }
        sqlite3_extended_result_codes(db_, 1);
    }
    ~reader() { sqlite3_close(db_); }
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;
    sqlite3* handle() { return db_; }

    /// The first column of the first row of `sql`, as text (empty: no row).
    std::string first(const char* sql) {
        statement query(db_, sql);
        return query.step() ? query.text(0) : std::string();
    }
    std::int64_t number(const char* sql) {
        statement query(db_, sql);
        return query.step() ? query.int64(0) : 0;
    }

private:
    sqlite3* db_ = nullptr;
};

constexpr char sqlite_header[] = "SQLite format 3"; // and a NUL: the first 16 bytes of every SQLite database

} // namespace

backup_facts inspect_backup(const std::string& path, int newest_schema) {
    // Read as fairlyd, before SQLite: "cannot read" and "not SQLite" are the
    // common mistakes, and each deserves its own sentence.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        throw backup_refused("fairlyd cannot read " + path + ": " + std::strerror(error) +
                             " (it must be readable by the user fairlyd runs as: with the system service, copy it under "
                             "/var/lib/fairly and `chown fairly` it)");
    }
    char header[16] = {};
    const ssize_t got = ::read(fd, header, sizeof header);
    ::close(fd);
    if (got != static_cast<ssize_t>(sizeof header) || std::memcmp(header, sqlite_header, sizeof header) != 0) {
        throw backup_refused(path + " is not an SQLite database, so not a backup `fairly backup` wrote");
    }

    backup_facts facts;
    try {
        reader file(path);
        // The whole check: every page read, every index against its table.
        statement check(file.handle(), "PRAGMA integrity_check(5)");
        std::string problems;
        while (check.step()) {
            const std::string line = check.text(0);
            if (line == "ok") break;
            problems += (problems.empty() ? "" : "; ") + line;
        }
        if (!problems.empty()) throw storage_error(SQLITE_CORRUPT, problems);
        if (file.number("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('household', 'member', 'kind', 'event')") != 4) {
            throw backup_refused(path + " is an SQLite database but not a fairly household (it has no household, member, kind and "
                                        "event tables)");
        }
        facts.schema_version = static_cast<int>(file.number("PRAGMA user_version"));
        facts.page_size = static_cast<int>(file.number("PRAGMA page_size"));
        if (facts.schema_version > newest_schema) {
            throw backup_refused(path + " has schema version " + std::to_string(facts.schema_version) +
                                 ", newer than this fairlyd understands (" + std::to_string(newest_schema) +
                                 "): install the newer fairly that wrote it, then restore");
        }
        if (facts.schema_version < 1 || file.number("SELECT count(*) FROM household") == 0) {
            throw backup_refused(path + " holds no household (it was saved before `fairly init`), so there is nothing in it to restore");
        }
        facts.events = file.number("SELECT count(*) FROM event");
    } catch (const storage_error& e) {
        // SQLite could not read its own file (or found it inconsistent).
        throw backup_refused(path + " is damaged (SQLite: " + e.what() + "), so it cannot be restored: try an older backup");
    }
    return facts;
}

bool sync_directory_of(const std::string& path) {
    const std::string parent = std::filesystem::path(path).parent_path().string();
    const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

int replace_database(database& live, const std::string& source) {
    namespace fs = std::filesystem;
    std::string from_path = source;
    std::error_code ec;
    // Beside the live database: the same file system, somewhere fairlyd may write.
    const std::string scratch = live.path() + ".restoring";
    struct scratch_file {
        const std::string& path;
        ~scratch_file() {
            std::error_code ignored;
            fs::remove(path, ignored);
        }
    } scratch_guard{scratch};

    statement page_query(live.handle(), "PRAGMA page_size");
    page_query.step();
    const std::int64_t live_page = page_query.int64(0);
    page_query.reset();
    {
        reader file(source);
        // SQLite's backup into a WAL database needs equal page sizes; a file
        // made elsewhere (the sqlite3 shell, another machine) may differ.
        if (file.number("PRAGMA page_size") != live_page) {
            fs::remove(scratch, ec);
            sqlite3_exec(file.handle(), ("PRAGMA page_size = " + std::to_string(live_page)).c_str(), nullptr, nullptr, nullptr);
            statement vacuum(file.handle(), "VACUUM INTO ?1");
            vacuum.bind(1, scratch);
            vacuum.step();
            from_path = scratch;
        }
    }

    reader file(from_path);
    sqlite3_backup* copy = sqlite3_backup_init(live.handle(), "main", file.handle(), "main");
    if (!copy) throw storage_error(sqlite3_extended_errcode(live.handle()), std::string("cannot start the restore: ") + sqlite3_errmsg(live.handle()));
    // One step for every page: one write transaction, one durable commit.
    const int rc = sqlite3_backup_step(copy, -1);
    const int pages = sqlite3_backup_pagecount(copy);
    sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) throw storage_error(rc, std::string("the restore failed: ") + sqlite3_errstr(rc));

    // Every frame into the database file and the WAL emptied: nothing of the
    // record before (or of this copy) is left in it to be replayed.
    int wal_frames = 0, copied = 0;
    const int done = sqlite3_wal_checkpoint_v2(live.handle(), "main", SQLITE_CHECKPOINT_TRUNCATE, &wal_frames, &copied);
    if (done != SQLITE_OK) {
        throw storage_error(done, std::string("the restored record is stored, but its checkpoint failed: ") + sqlite3_errmsg(live.handle()));
    }
    live.checkpoint(); // nothing left to do; resets the count of frames the daemon watches
    return pages;
}

} // namespace fairly::store
