// Reliability and hostile input: fairlyd killed mid-write, bytes nobody should
// send, connections that misbehave, a full disk, and files only its user reads.
#include "process.hpp"
#include "sql.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace fairly::test;

namespace {

json request(int id, const std::string& method, json params = json::object()) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

std::string uuid_for(int writer, int n) {
    char text[64];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%06d%06d", writer % 1000000, n % 1000000);
    return text;
}

/// Counts rows and checks integrity with the sqlite3 library directly.
struct database_check {
    std::int64_t events = 0;
    std::multiset<std::string> uuids;
    std::string integrity;
};

database_check inspect(const std::filesystem::path& path) {
    database_check result;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* rows = nullptr;
    sqlite3_prepare_v2(db, "SELECT uuid FROM event", -1, &rows, nullptr);
    while (sqlite3_step(rows) == SQLITE_ROW) {
        result.uuids.insert(reinterpret_cast<const char*>(sqlite3_column_text(rows, 0)));
        ++result.events;
    }
    sqlite3_finalize(rows);
    sqlite3_stmt* check = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr);
    if (sqlite3_step(check) == SQLITE_ROW) result.integrity = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
    sqlite3_finalize(check);
    sqlite3_close(db);
    return result;
}

int kills_wanted() {
    const char* wanted = std::getenv("FAIRLY_CRASH_KILLS"); // bench/crash-test sets 20 or more
    return wanted && *wanted ? std::max(1, std::atoi(wanted)) : 5;
}

} // namespace

TEST_CASE("SIGKILL under 16 writers loses no acknowledged event and duplicates none", "[e2e][crash]") {
    temp_dir dir;
    auto daemon = std::make_unique<daemon_process>(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon->socket(), {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
    const auto socket = daemon->socket();
    const auto database = daemon->database();

    constexpr int writers = 16;
    std::atomic<bool> stop{false};
    std::mutex acknowledged_mutex;
    std::set<std::string> acknowledged;
    std::atomic<int> sent{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            int next = 0;
            std::optional<std::string> unacknowledged; // retried with the same UUID after a crash
            while (!stop) {
                try {
                    raw_socket connection(socket);
                    while (!stop) {
                        const std::string uuid = unacknowledged.value_or(uuid_for(w, next));
                        unacknowledged = uuid;
                        json reply = connection.call(request(next, "event.log", {{"uuid", uuid}, {"kind", "laundry"},
                                                                                 {"member", w % 2 ? "alex" : "sam"}, {"brief", true}}));
                        ++sent;
                        if (!reply.contains("result")) continue; // busy or storage trouble: retry the same
                        {
                            std::lock_guard lock(acknowledged_mutex);
                            acknowledged.insert(uuid);
                        }
                        unacknowledged.reset();
                        ++next;
                    }
                } catch (const std::exception&) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // the daemon is down: try again
                }
            }
        });
    }

    std::mt19937 random(42);
    const int kills = kills_wanted();
    for (int kill = 0; kill < kills; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(random)));
        REQUIRE(daemon->stop(SIGKILL) == 128 + SIGKILL);
        daemon = std::make_unique<daemon_process>(dir.path()); // a stale socket and a hot WAL are left: recovery must cope
        const auto check = inspect(database);
        REQUIRE(check.integrity == "ok");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
    for (auto& t : threads) t.join();
    REQUIRE(daemon->stop(SIGTERM) == 0);

    const auto check = inspect(database);
    CHECK(check.integrity == "ok");
    INFO("kills: " << kills << ", requests sent: " << sent << ", acknowledged: " << acknowledged.size());
    for (const std::string& uuid : acknowledged) REQUIRE(check.uuids.count(uuid) == 1);
    // No duplicates at all, and nothing stored that was never sent.
    CHECK(std::set<std::string>(check.uuids.begin(), check.uuids.end()).size() == check.uuids.size());
    CHECK(check.events >= static_cast<std::int64_t>(acknowledged.size()));
    CHECK(check.events <= static_cast<std::int64_t>(acknowledged.size()) + writers); // at most one unacknowledged in flight each
    CHECK(acknowledged.size() > 100u);
}

TEST_CASE("hostile requests get clear errors and the daemon keeps serving", "[e2e][hostile]") {
    temp_dir dir;
    daemon_process daemon(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--tz", "Europe/London"}).exit_code == 0);
    raw_socket connection(daemon.socket());
    auto code_of = [&](const std::string& line) {
        connection.send(line + "\n");
        auto reply = connection.read_line();
        REQUIRE(reply);
        return json::parse(*reply)["error"].value("code", 0);
    };
    CHECK(code_of(std::string(10000, '[') + std::string(10000, ']')) == -32600);        // nested 10,000 deep: valid JSON, not a request
    CHECK(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"x\":" + std::string(10000, '[') + "}}") == -32700);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.void","params":{"id":123456789012345678901234567890,"reason":"x"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.void","params":{"id":18446744073709551615,"reason":"x"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","for":"-5m"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","for":"0m"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","at":"10:00","until":"09:00"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","at":"0001-01-01"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","at":"9999-12-31"}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"cooking","member":"mallory"}})") == -32002);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":"00000000-0000-4000-8000-000000000001","kind":"juggling"}})") == -32002);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"uuid":["x"],"kind":{"a":1}}})") == -32602);
    CHECK(code_of(R"({"jsonrpc":"2.0","id":1.5,"method":"status"})") == -32600);
    CHECK(code_of("\xc3\x28\xa0\xa1") == -32700); // invalid UTF-8
    json status = connection.call(request(7, "status"));
    CHECK(status["result"]["events"] == 0);
}

TEST_CASE("in one round, a write refused half-way leaves nothing behind and the writes beside it are stored", "[e2e][hostile]") {
    temp_dir dir;
    daemon_process daemon(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
    auto log_params = [](const std::string& uuid, const std::string& note) {
        return json{{"uuid", uuid}, {"member", "alex"}, {"kind", "cooking"}, {"at", "2026-11-04 11:00"}, {"for", "20m"}, {"note", note}};
    };
    raw_socket connection(daemon.socket());
    const json first = connection.call(request(1, "event.log", log_params(uuid_for(1, 1), "first")));
    REQUIRE(first.contains("result"));
    const std::int64_t first_id = first["result"]["event"]["id"].get<std::int64_t>();

    // The record's own rules refuse a note, from another connection to the
    // database, as a CHECK would: the refused edit has already marked #1
    // superseded when its new version is refused.
    sql(daemon.database(), "CREATE TRIGGER refuse_for_test BEFORE INSERT ON event WHEN NEW.note = 'refused' "
                                "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;");
    std::string batch; // one write: one round, as far as fairlyd can tell
    batch += request(2, "event.log", log_params(uuid_for(1, 2), "kept before")).dump() + "\n";
    batch += request(3, "event.log", log_params(uuid_for(1, 3), "refused")).dump() + "\n";
    batch += request(4, "event.edit", {{"uuid", uuid_for(1, 4)}, {"id", first_id}, {"note", "refused"}}).dump() + "\n";
    batch += request(5, "moved.log", {{"uuid", uuid_for(1, 5)}, {"member", "sam"}, {"what", "standup"}, {"for", "school-run"}}).dump() + "\n";
    batch += request(6, "event.log", log_params(uuid_for(1, 6), "kept after")).dump() + "\n";
    connection.send(batch);
    std::map<int, json> replies;
    for (int i = 0; i < 5; ++i) {
        const auto line = connection.read_line(std::chrono::milliseconds(20000));
        REQUIRE(line);
        const json reply = json::parse(*line);
        replies[reply["id"].get<int>()] = reply;
    }
    INFO(json(replies).dump());
    CHECK(replies[2].contains("result"));
    CHECK(replies[3]["error"]["code"] == -32003);
    CHECK(replies[4]["error"]["code"] == -32003);
    CHECK_THAT(replies[4]["error"]["message"].get<std::string>(), Catch::Contains("refused for the test"));
    CHECK(replies[5].contains("result"));
    CHECK(replies[6].contains("result"));

    const database_check stored = inspect(daemon.database());
    CHECK(stored.integrity == "ok");
    CHECK(stored.uuids == std::multiset<std::string>{uuid_for(1, 1), uuid_for(1, 2), uuid_for(1, 6)});
    // #1 is still the active entry, and every figure counts the three entries once.
    CHECK(sql_text(daemon.database(), "SELECT status || ' ' || note FROM event WHERE id = " + std::to_string(first_id)) == "active first");
    CHECK(sql_text(daemon.database(), "SELECT sum(events) FROM load_week") == "3");
    CHECK(sql_text(daemon.database(), "SELECT count(*) FROM meeting_moved") == "1");
    const json status = connection.call(request(7, "status"));
    CHECK(status["result"]["events"] == 3);
}

TEST_CASE("a thousand connections at once: over the limit refused, under it served", "[e2e][hostile]") {
    temp_dir dir;
    daemon_process daemon(dir.path(), {"--max-connections", "64"});
    std::vector<std::unique_ptr<raw_socket>> connections;
    for (int i = 0; i < 1000; ++i) connections.push_back(std::make_unique<raw_socket>(daemon.socket()));
    int served = 0, refused = 0;
    for (std::size_t i = 0; i < connections.size(); ++i) {
        try {
            connections[i]->send(request(static_cast<int>(i), "status").dump() + "\n");
        } catch (const std::exception&) {
            // already refused and closed: its refusal waits to be read
        }
    }
    for (auto& connection : connections) {
        auto line = connection->read_line(std::chrono::milliseconds(10000));
        if (!line) continue;
        json reply = json::parse(*line);
        if (reply.contains("result")) ++served;
        else if (reply["error"]["code"] == -32007) ++refused;
    }
    CHECK(served == 64);
    CHECK(refused == 1000 - 64);
    connections.clear();
    // Once they have gone (fairlyd sees each close as it comes), a new client
    // is served again.
    bool served_after = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!served_after && std::chrono::steady_clock::now() < deadline) {
        try {
            raw_socket after(daemon.socket());
            served_after = after.call(request(1, "status")).contains("result");
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // still counted as over the limit
        }
    }
    CHECK(served_after);
}

TEST_CASE("a client that never reads its replies is cut off and others go on", "[e2e][hostile]") {
    temp_dir dir;
    daemon_process daemon(dir.path(), {"--idle-timeout", "2"});
    raw_socket greedy(daemon.socket());
    std::string flood;
    for (int i = 0; i < 200; ++i) flood += request(i, "status").dump() + "\n";
    for (int round = 0; round < 100; ++round) {
        try {
            greedy.send(flood);
        } catch (const std::exception&) {
            break; // the daemon closed it
        }
    }
    raw_socket polite(daemon.socket());
    CHECK(polite.call(request(1, "status")).contains("result"));
}

TEST_CASE("the database is the daemon user's alone and the socket is 0660", "[e2e][permissions]") {
    temp_dir dir;
    daemon_process daemon(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--tz", "Europe/London"}).exit_code == 0);
    struct stat info {};
    REQUIRE(::stat(daemon.database().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(info.st_uid == ::geteuid());
    REQUIRE(::stat((daemon.database().string() + "-wal").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::stat(daemon.socket().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0660);
}

TEST_CASE("names and notes full of SQL and shell metacharacters come back verbatim", "[e2e][hostile]") {
    temp_dir dir;
    daemon_process daemon(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--tz", "Europe/London"}).exit_code == 0);
    const std::string note = "'); DROP TABLE event; -- $(rm -rf /) `id` \"quoted\" \\ ; | & > < * ? 日本 🏃";
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"kind", "add", "o'reilly-run", "--category", "logistics"}).exit_code == 65); // not a name
    auto logged = run_fairly(dir.path(), daemon.socket(), {"log", "cooking", "--note", note, "--json"});
    REQUIRE(logged.exit_code == 0);
    CHECK(logged.out_json()["note"] == note);
    auto listed = run_fairly(dir.path(), daemon.socket(), {"events", "--since", "2000-01-01", "--json"});
    REQUIRE(listed.out_json().size() == 1);
    CHECK(listed.out_json()[0]["note"] == note);
    CHECK_THAT(run_fairly(dir.path(), daemon.socket(), {"events", "--since", "2000-01-01"}).out, Catch::Contains(note));
}

TEST_CASE("a full disk: a clear error, reads go on, nothing committed is damaged", "[e2e][disk]") {
    require_root("mount a small filesystem");
    temp_dir dir;
    const auto small = dir.path() / "small";
    std::filesystem::create_directories(small);
    if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=640k") != 0) {
        std::filesystem::remove_all(dir.path()); // skip_test does not return: nothing else cleans up
        skip_test("cannot mount a tmpfs here");
    }
    struct unmount_at_end {
        std::filesystem::path path;
        ~unmount_at_end() { ::umount2(path.c_str(), MNT_DETACH); }
    } unmount{small};
    std::int64_t stored = 0;
    {
        daemon_process daemon(small);
        REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--tz", "Europe/London"}).exit_code == 0);
        raw_socket connection(daemon.socket());
        const std::string long_note(1500, 'n');
        int storage_errors = 0;
        for (int i = 0; i < 3000 && storage_errors == 0; ++i) {
            json reply = connection.call(request(i, "event.log", {{"uuid", uuid_for(99, i)}, {"kind", "cooking"}, {"note", long_note}, {"brief", true}}));
            if (reply.contains("result")) ++stored;
            else if (reply["error"]["code"] == -32005) {
                ++storage_errors;
                CHECK_THAT(reply["error"]["message"].get<std::string>(), Catch::Contains("nothing was stored") || Catch::Contains("nothing was changed"));
            }
        }
        REQUIRE(storage_errors == 1);
        // Reads still work, on the same connection and on a new one.
        json status = connection.call(request(1, "status"));
        REQUIRE(status.contains("result"));
        CHECK(status["result"]["events"] == stored);
        auto listed = run_fairly(dir.path(), daemon.socket(), {"status", "--json"});
        CHECK(listed.exit_code == 0);
        CHECK(daemon.stop(SIGTERM) == 0);
    }
    const auto check = inspect(small / "household.db");
    CHECK(check.integrity == "ok");
    CHECK(check.events == stored);
}

TEST_CASE("a backup taken while writers are busy is a consistent copy", "[e2e][backup]") {
    temp_dir dir;
    daemon_process daemon(dir.path());
    REQUIRE(run_fairly(dir.path(), daemon.socket(), {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
    std::atomic<bool> stop{false};
    std::atomic<int> acknowledged_before{0};
    std::atomic<bool> backup_started{false};
    std::atomic<int> acknowledged{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            raw_socket connection(daemon.socket());
            for (int i = 0; !stop; ++i) {
                json reply = connection.call(request(i, "event.log", {{"uuid", uuid_for(w + 1, i)}, {"kind", "cooking"}, {"member", "sam"}, {"brief", true}}));
                if (reply.contains("result")) {
                    ++acknowledged;
                    if (!backup_started) ++acknowledged_before;
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto copy = dir.path() / "copy.db";
    backup_started = true;
    auto backup = run_fairly(dir.path(), daemon.socket(), {"backup", copy.string(), "--json"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    for (auto& t : writers) t.join();
    INFO(backup.err);
    REQUIRE(backup.exit_code == 0);
    CHECK(backup.out_json()["pages"].get<int>() > 0);
    const auto check = inspect(copy);
    CHECK(check.integrity == "ok");
    CHECK(check.events >= acknowledged_before);
    CHECK(check.events <= acknowledged);
    // Never over an existing file, and a relative path is made absolute by the CLI.
    CHECK(run_fairly(dir.path(), daemon.socket(), {"backup", copy.string()}).exit_code == 65);
}
