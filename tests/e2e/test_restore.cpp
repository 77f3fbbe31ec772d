// End to end: `fairly restore FILE` against the real fairlyd (issue 19).
// A backup comes back while fairlyd runs, and after a crash that left a WAL
// with newer frames beside the database, as exactly the backup's record:
// nothing of the old database is replayed onto it, then or after a restart.
// Every file that is not a household's backup is refused with its sentence
// and the record left as it was.
#include "process.hpp"
#include "sql.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>

using namespace fairly::test;
namespace fs = std::filesystem;

namespace {

const std::string wednesday_noon = "2026-11-04T12:00:00Z";

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

int user_version(const fs::path& file) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &query, nullptr);
    const int version = sqlite3_step(query) == SQLITE_ROW ? sqlite3_column_int(query, 0) : -1;
    sqlite3_finalize(query);
    sqlite3_close(db);
    return version;
}

/// The events in a database file read as if no WAL were beside it (-1: no event table).
std::int64_t events_in_file_alone(const fs::path& file) {
    sqlite3* db = nullptr;
    const std::string uri = "file:" + file.string() + "?immutable=1";
    REQUIRE(sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) == SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    std::int64_t events = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM event", -1, &query, nullptr) == SQLITE_OK && sqlite3_step(query) == SQLITE_ROW) {
        events = sqlite3_column_int64(query, 0);
    }
    sqlite3_finalize(query);
    sqlite3_close(db);
    return events;
}

/// The kept copies fairlyd made beside the database.
std::vector<fs::path> kept_copies(const fs::path& dir) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().find(".before-restore-") != std::string::npos) found.push_back(entry.path());
    }
    return found;
}

/// A household with its own fairlyd, which a test may kill and start again.
struct home {
    temp_dir dir;
    std::map<std::string, std::string> clock{{"FAIRLY_NOW", wednesday_noon}};
    std::optional<daemon_process> daemon;

    home() { start(); }
    void start() { daemon.emplace(dir.path(), std::vector<std::string>{}, clock); }
    /// SIGKILL: no clean close, the WAL left as the kill found it.
    void crash() {
        CHECK(daemon->stop(SIGKILL) == 128 + SIGKILL);
        daemon.reset();
    }
    fs::path daemon_database() const { return dir.path() / "household.db"; }
    void restart() {
        CHECK(daemon->stop(SIGTERM) == 0);
        daemon.reset();
        start();
    }

    run_result cli(const std::vector<std::string>& args) {
        std::map<std::string, std::string> extra = clock;
        extra.emplace("NO_COLOR", "1");
        return run_fairly(dir.path(), daemon->socket(), args, extra);
    }
    run_result ok(const std::vector<std::string>& args) {
        auto result = cli(args);
        INFO(joined(args) << "\nstdout: " << result.out << "\nstderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        return result;
    }
    void init() { ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=60,sam=40"}); }
    std::string log(const std::string& kind, const std::string& member, const std::string& at) {
        return std::to_string(ok({"log", kind, "--member", member, "--at", at, "--for", "30m", "--json"}).out_json()["id"].get<int>());
    }
    /// The whole record, as `fairly export` gives it (lossless).
    std::string record() { return without_exported_at(ok({"export"}).out); }
    std::int64_t events_recorded() { return ok({"status", "--json"}).out_json()["events_recorded"].get<std::int64_t>(); }
    fs::path file(const std::string& name) const { return dir.path() / name; }
};

/// The record in a database file, read by a fairlyd of its own started on a copy of it.
std::string record_in(const fs::path& database) {
    temp_dir elsewhere;
    fs::copy_file(database, elsewhere.path() / "household.db");
    daemon_process daemon(elsewhere.path(), {}, {{"FAIRLY_NOW", wednesday_noon}});
    const auto exported = run_fairly(elsewhere.path(), daemon.socket(), {"export"}, {{"FAIRLY_NOW", wednesday_noon}});
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);
    return without_exported_at(exported.out);
}

/// Three days of a household, with a void and a change of a kind's weights.
void first_days(home& h) {
    h.init();
    for (int day = 1; day <= 3; ++day) {
        const std::string date = "2026-11-0" + std::to_string(day);
        h.log("night-feed", "sam", date + " 03:10");
        h.log("cooking", day % 2 ? "alex" : "sam", date + " 18:00");
    }
    const std::string twice = h.log("laundry", "alex", "2026-11-03 10:00");
    h.ok({"void", twice, "--reason", "logged twice"});
    h.ok({"thanks", "alex", "took the early shift", "--member", "sam"});
}

/// What came after the backup, so that restoring it must take something away.
void later_days(home& h) {
    h.log("school-run", "alex", "2026-11-04 08:30");
    h.log("bath-time", "sam", "2026-11-04 09:00");
    h.log("shopping", "alex", "2026-11-04 10:00");
    h.ok({"kind", "edit", "cooking", "--points", "5"});
    h.ok({"turn", "lie-in", "--member", "alex", "--at", "2026-11-04 07:00"});
}

} // namespace

TEST_CASE("restore while fairlyd runs gives exactly the backup's record, and keeps the one before", "[e2e][restore]") {
    home h;
    first_days(h);
    const std::string at_backup = h.record();
    const std::int64_t events_at_backup = h.events_recorded();
    const auto backup = h.ok({"backup", h.file("b.db").string()});
    CHECK_THAT(backup.out, Catch::Contains("To restore: fairly restore " + h.file("b.db").string() + "\n"));

    later_days(h);
    const std::string before_restore = h.record();
    REQUIRE(before_restore != at_backup);

    const auto restored = h.ok({"restore", h.file("b.db").string(), "--json"});
    const json reply = restored.out_json();
    CHECK(reply["path"] == h.file("b.db").string());
    CHECK(reply["events"] == events_at_backup);
    const fs::path kept = reply["kept"].get<std::string>();
    CHECK(kept == fs::path(h.daemon->database().string() + ".before-restore-20261104T120000Z"));
    CHECK(fs::exists(kept));

    // The next read is the backup's record, exactly; fairlyd never stopped.
    CHECK(h.daemon->running());
    CHECK(h.record() == at_backup);
    CHECK(h.events_recorded() == events_at_backup);
    // And it keeps serving writes on the restored record.
    h.log("cooking", "alex", "2026-11-04 11:00");
    CHECK(h.events_recorded() == events_at_backup + 1);

    // The kept copy holds the record as it was just before the restore.
    CHECK(record_in(kept) == before_restore);

    // A second restore the same second keeps its copy under another name.
    const auto again = h.ok({"restore", h.file("b.db").string()});
    CHECK_THAT(again.out, Catch::StartsWith("Restored the household from " + h.file("b.db").string() + " (" +
                                            std::to_string(events_at_backup) + " events).\nThe record as it was before is kept in " +
                                            kept.string() + "-2; `fairly restore` that file to undo this.\n"));
    CHECK(h.record() == at_backup);
}

TEST_CASE("restore after a crash that left newer frames in the WAL gives exactly the backup's record, also after a restart",
          "[e2e][restore][crash]") {
    home h;
    first_days(h);
    const std::string at_backup = h.record();
    const std::int64_t events_at_backup = h.events_recorded();
    h.ok({"backup", h.file("b.db").string()});
    later_days(h);
    const std::string acknowledged = h.record();
    const fs::path wal = h.daemon->database().string() + "-wal";

    // Killed with the later days committed in the WAL, not yet in the database file.
    h.crash();
    REQUIRE(fs::exists(wal));
    // The database file alone (its WAL ignored) lacks what was acknowledged since the backup:
    // a WAL a copied-in backup would have had replayed onto it.
    const std::int64_t acknowledged_events = events_at_backup + 3; // later_days logs three
    REQUIRE(events_in_file_alone(h.daemon_database()) < acknowledged_events);
    h.start();
    REQUIRE(h.record() == acknowledged); // nothing acknowledged was lost

    h.ok({"restore", h.file("b.db").string()});
    CHECK(h.record() == at_backup);

    // Killed again at once: what comes back is the backup's record, nothing replayed onto it.
    h.crash();
    // Checkpointed before the answer: the database file alone already holds the backup's record.
    CHECK(events_in_file_alone(h.daemon_database()) == events_at_backup);
    h.start();
    CHECK(h.record() == at_backup);
    CHECK(h.events_recorded() == events_at_backup);

    // And after a clean restart, still exactly that, and it takes new entries.
    h.restart();
    CHECK(h.record() == at_backup);
    h.log("cooking", "sam", "2026-11-04 11:30");
    h.restart();
    CHECK(h.events_recorded() == events_at_backup + 1);
}

TEST_CASE("a restore sent between two writes ends its round: the write before it is replaced, the one after it kept",
          "[e2e][restore][concurrency]") {
    home h;
    first_days(h);
    h.ok({"backup", h.file("b.db").string()});
    const std::int64_t events_at_backup = h.events_recorded();
    const std::string before = "00000000-0000-4000-8000-000000000001", after = "00000000-0000-4000-8000-000000000002";
    auto log_line = [](int id, const std::string& uuid) {
        return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "event.log"},
                    {"params", {{"uuid", uuid}, {"member", "alex"}, {"kind", "cooking"}, {"at", "2026-11-04 11:00"}, {"for", "20m"}}}}
                   .dump() + "\n";
    };
    const std::string restore_line =
        json{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "restore"}, {"params", {{"path", h.file("b.db").string()}}}}.dump() + "\n";
    raw_socket raw(h.daemon->socket());
    raw.send(log_line(1, before) + restore_line + log_line(3, after)); // one write: one round, as far as fairlyd can tell
    std::map<int, json> replies;
    for (int i = 0; i < 3; ++i) {
        const auto line = raw.read_line(std::chrono::milliseconds(20000));
        REQUIRE(line);
        const json reply = json::parse(*line);
        INFO(*line);
        REQUIRE(reply.contains("result"));
        replies[reply["id"].get<int>()] = reply["result"];
    }
    CHECK(replies[2]["path"] == h.file("b.db").string());
    const std::string record = h.record();
    CHECK(record.find(before) == std::string::npos);
    CHECK(record.find(after) != std::string::npos);
    CHECK(h.events_recorded() == events_at_backup + 1);
}

TEST_CASE("restore of an older schema's backup brings it up to date, as fairlyd does at start", "[e2e][restore]") {
    home h;
    first_days(h);
    h.ok({"backup", h.file("b.db").string()});
    const std::string at_backup = h.record();
    // The same record as a backup of schema 9 (before the phones), whatever
    // the schema is now: every later migration undone.
    REQUIRE(user_version(h.file("b.db")) > 9);
    downgrade_schema(h.file("b.db"), fs::path(FAIRLY_SOURCE_DIR) / "schema", 9);
    REQUIRE(user_version(h.file("b.db")) == 9);
    REQUIRE(sql_text(h.file("b.db"), "SELECT count(*) FROM sqlite_master WHERE name IN ('device', 'pairing')") == "0");
    later_days(h);
    const json reply = h.ok({"restore", h.file("b.db").string(), "--json"}).out_json();
    CHECK(reply["schema_of_backup"] == 9);
    CHECK(reply["schema"].get<int>() >= 10);
    CHECK(h.record() == at_backup);
    CHECK(h.ok({"devices", "--json"}).exit_code == 0);
}

TEST_CASE("restore of a backup made with another page size gives exactly its record", "[e2e][restore]") {
    home h;
    first_days(h);
    h.ok({"backup", h.file("b.db").string()});
    const std::string at_backup = h.record();
    // As the sqlite3 shell would leave it: the same record in 8 KiB pages
    // (SQLite's backup into a WAL database needs the live page size).
    sql(h.file("b.db"), "PRAGMA page_size = 8192; VACUUM;");
    later_days(h);
    h.ok({"restore", h.file("b.db").string()});
    CHECK(h.record() == at_backup);
    h.restart();
    CHECK(h.record() == at_backup);
    CHECK_FALSE(fs::exists(h.daemon->database().string() + ".restoring"));
}

TEST_CASE("restore of a plain copy of a database file, as a user might have made one, gives exactly its record", "[e2e][restore]") {
    home h;
    first_days(h);
    // Copied with cp while fairlyd was stopped: a WAL-mode file, no -wal beside it.
    CHECK(h.daemon->stop(SIGTERM) == 0);
    h.daemon.reset();
    fs::copy_file(h.file("household.db"), h.file("copy.db"));
    h.start();
    const std::string at_copy = h.record();
    later_days(h);
    const auto restored = h.cli({"restore", h.file("copy.db").string()});
    INFO(restored.err);
    REQUIRE(restored.exit_code == 0);
    CHECK(h.record() == at_copy);
}

TEST_CASE("restore of a file that is not a household's backup is refused with its reason, and nothing changes",
          "[e2e][restore][refused]") {
    home h;
    first_days(h);
    h.ok({"backup", h.file("b.db").string()});
    later_days(h);
    const std::string record = h.record();

    fs::create_directory(h.file("folder"));
    write_text(h.file("notes.txt"), "this is the shopping list, not a database\n");
    // A backup damaged on disk: a page in its middle overwritten.
    fs::copy_file(h.file("b.db"), h.file("damaged.db"));
    {
        std::fstream bytes(h.file("damaged.db"), std::ios::in | std::ios::out | std::ios::binary);
        bytes.seekp(static_cast<std::streamoff>(fs::file_size(h.file("damaged.db")) / 2));
        const std::string garbage(8192, '\x5a');
        bytes.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    sql(h.file("other.db"), "CREATE TABLE recipe (name TEXT); INSERT INTO recipe VALUES ('soup');");
    fs::copy_file(h.file("b.db"), h.file("newer.db"));
    sql(h.file("newer.db"), "PRAGMA user_version = 999;");
    fs::copy_file(h.file("b.db"), h.file("empty.db"));
    sql(h.file("empty.db"), "PRAGMA foreign_keys = OFF; DELETE FROM household;");

    const std::string live = h.daemon->database().string();
    struct refusal {
        std::string file, says;
    };
    const std::vector<refusal> cases{
        {h.file("missing.db").string(), " does not exist where fairlyd looks (with the system service, put it under /var/lib/fairly); "
                                        "nothing was changed\n"},
        {h.file("folder").string(), " is a directory, not a backup file; nothing was changed\n"},
        {h.file("notes.txt").string(), " is not an SQLite database, so not a backup `fairly backup` wrote; nothing was changed\n"},
        {h.file("damaged.db").string(), " is damaged (SQLite: "},
        {h.file("other.db").string(), " is an SQLite database but not a fairly household (it has no household, member, kind and event "
                                      "tables); nothing was changed\n"},
        {h.file("newer.db").string(), " has schema version 999, newer than this fairlyd understands ("},
        {h.file("empty.db").string(), " holds no household (it was saved before `fairly init`), so there is nothing in it to restore; "
                                      "nothing was changed\n"},
        {live, " is the household's database itself, not a backup; nothing was changed\n"},
    };
    for (const refusal& c : cases) {
        const auto refused = h.cli({"restore", c.file});
        INFO(c.file << "\nstdout: " << refused.out << "\nstderr: " << refused.err);
        CHECK(refused.exit_code == 65);
        CHECK(refused.out.empty());
        CHECK_THAT(refused.err, Catch::StartsWith("fairly: " + c.file + c.says));
        CHECK_THAT(refused.err, Catch::EndsWith("; nothing was changed\n"));
        CHECK(h.record() == record);
    }
    CHECK(kept_copies(h.dir.path()).empty());
    CHECK(h.daemon->running());
}

TEST_CASE("a member who is not root nor fairlyd's user cannot restore", "[e2e][restore][identity]") {
    require_root("run fairly as a member's own Unix user");
    home h;
    unix_user alex("r");
    h.init();
    h.ok({"member", "add", "alex", "--unix-user", alex.name()});
    h.log("cooking", "alex", "2026-11-04 09:00");
    h.ok({"backup", h.file("b.db").string()});
    h.log("cooking", "sam", "2026-11-04 10:00");
    const std::string record = h.record();
    open_to_others(h.dir.path(), h.daemon->socket());
    const auto state = alex.home(h.dir.path() / "homes");
    run_options options;
    options.as_uid = alex.uid();
    options.env = {{"FAIRLY_SOCKET", h.daemon->socket().string()}, {"XDG_STATE_HOME", state.string()}, {"HOME", state.string()},
                   {"FAIRLY_NOW", wednesday_noon}};
    const auto refused = run(FAIRLY, {"restore", h.file("b.db").string()}, options);
    CHECK(refused.exit_code == 77);
    CHECK(refused.err == "fairly: only root or the user fairlyd runs as can restore a backup, since it replaces everyone's record; "
                         "ask them to run `sudo fairly restore FILE`\n");
    CHECK(h.record() == record);
    CHECK(kept_copies(h.dir.path()).empty());
}
