// End to end: the real fairlyd on a temporary socket, driven by the real fairly.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <iterator>
#include <set>
#include <thread>

using namespace fairly::test;

namespace {

// A fixed clock: Monday 23 November 2026, 12:00 in London.
const std::map<std::string, std::string> monday_noon{{"FAIRLY_NOW", "2026-11-23T12:00:00Z"}};

struct household {
    temp_dir dir;
    daemon_process daemon{dir.path(), {}, monday_noon};

    household() {
        auto init = cli({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=50,sam=50"});
        REQUIRE(init.exit_code == 0);
    }
    run_result cli(const std::vector<std::string>& args, std::map<std::string, std::string> extra = {}) {
        for (const auto& [k, v] : monday_noon) extra.emplace(k, v);
        return run_fairly(dir.path(), daemon.socket(), args, extra);
    }
};

} // namespace

TEST_CASE("log, list, void and edit through the real binaries", "[e2e]") {
    household home;
    auto logged = home.cli({"log", "night-feed", "--at", "03:10", "--for", "35m", "--note", "teething", "--member", "sam"});
    INFO(logged.err);
    REQUIRE(logged.exit_code == 0);
    CHECK_THAT(logged.out, Catch::Contains("night-feed for sam") && Catch::Contains("03:10") && Catch::Contains("35m"));

    REQUIRE(home.cli({"log", "school-run", "--member", "alex"}).exit_code == 0);

    auto listed = home.cli({"events", "--since", "monday", "--json"});
    REQUIRE(listed.exit_code == 0);
    json events = listed.out_json();
    REQUIRE(events.size() == 2);
    CHECK(events[0]["kind"] == "night-feed");
    CHECK(events[0]["start"] == "2026-11-23T03:10:00+00:00");
    CHECK(events[1]["member"] == "alex");

    auto table = home.cli({"events", "--since", "monday", "--member", "sam"});
    CHECK_THAT(table.out, Catch::Contains("teething") && !Catch::Contains("school-run"));

    const std::string first = std::to_string(events[0]["id"].get<int>());
    auto voided = home.cli({"void", first, "--reason", "logged twice"});
    CHECK(voided.exit_code == 0);
    const std::string second = std::to_string(events[1]["id"].get<int>());
    auto edited = home.cli({"edit", second, "--for", "50m"});
    CHECK(edited.exit_code == 0);
    CHECK_THAT(edited.out, Catch::Contains("50m"));

    json all = home.cli({"events", "--since", "monday", "--all", "--json"}).out_json();
    REQUIRE(all.size() == 3);
    CHECK(all[0]["status"] == "voided");
    CHECK(all[0]["void_reason"] == "logged twice");
    CHECK(all[1]["status"] == "superseded");
    CHECK(all[2]["supersedes"] == all[1]["id"]);
    CHECK(home.cli({"events", "--json"}).out_json().size() == 1);

    json status = home.cli({"status", "--json"}).out_json();
    CHECK(status["events"] == 1);
    CHECK(status["events_recorded"] == 3);
}

TEST_CASE("timers: start now, stop later", "[e2e]") {
    household home;
    REQUIRE(home.cli({"start", "night-feed", "--member", "sam", "--at", "11:15"}).exit_code == 0);
    auto stopped = home.cli({"stop", "--member", "sam", "--json"});
    REQUIRE(stopped.exit_code == 0);
    json event = stopped.out_json();
    CHECK(event["minutes"] == 45.0);
    CHECK(home.cli({"stop", "--member", "sam"}).exit_code == 65);
}

TEST_CASE("errors say what to do, with exit codes scripts can use", "[e2e]") {
    household home;
    auto no_member = home.cli({"log", "cooking"});
    CHECK(no_member.exit_code == 65);
    CHECK_THAT(no_member.err, Catch::Contains("--member"));
    auto bad_time = home.cli({"log", "cooking", "--member", "alex", "--at", "half past"});
    CHECK(bad_time.exit_code == 64);
    CHECK_THAT(bad_time.err, Catch::Contains("03:10"));
    CHECK(home.cli({"log", "cooking", "--member", "alex", "--for", "1h", "--until", "now"}).exit_code == 64);
    CHECK(home.cli({"log", "no-such-kind", "--member", "alex"}).exit_code == 65);
    CHECK(home.cli({"frobnicate"}).exit_code == 64);
    CHECK(home.cli({"log", "cooking", "--member", "alex", "--at", "2026-11-24 09:00"}).exit_code == 65);
    // Nothing of that was stored.
    CHECK(home.cli({"events", "--json"}).out_json().empty());
}

TEST_CASE("16 concurrent writers: every acknowledged event is there exactly once", "[e2e][concurrency]") {
    household home;
    constexpr int writers = 16;
    constexpr int each = 12;
    std::vector<std::vector<std::string>> acknowledged(writers);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < each; ++i) {
                auto result = home.cli({"log", "laundry", "--member", w % 2 ? "alex" : "sam", "--json", "--note",
                                        "writer " + std::to_string(w) + " #" + std::to_string(i)});
                if (result.exit_code == 0) acknowledged[w].push_back(json::parse(result.out)["uuid"]);
            }
        });
    }
    for (auto& t : threads) t.join();

    std::multiset<std::string> stored;
    for (const json& event : home.cli({"events", "--since", "2026-01-01", "--all", "--json"}).out_json()) stored.insert(event["uuid"]);
    std::size_t total = 0;
    for (const auto& uuids : acknowledged) {
        for (const auto& uuid : uuids) CHECK(stored.count(uuid) == 1);
        total += uuids.size();
    }
    CHECK(total == writers * each);
    CHECK(stored.size() == total);
}

TEST_CASE("daemon down: the entry is spooled, then sent exactly once", "[e2e][spool]") {
    temp_dir dir;
    const auto socket = dir.path() / "run" / "fairly.sock";
    std::map<std::string, std::string> clock = monday_noon;
    {
        daemon_process daemon(dir.path(), {}, clock);
        REQUIRE(run_fairly(dir.path(), socket, {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}, clock).exit_code == 0);
        REQUIRE(daemon.stop(SIGTERM) == 0);
    }
    auto spooled = run_fairly(dir.path(), socket, {"log", "night-feed", "--at", "03:10", "--for", "35m", "--member", "sam"}, clock);
    CHECK(spooled.exit_code == 0);
    CHECK_THAT(spooled.err, Catch::Contains("spool"));

    auto reading = run_fairly(dir.path(), socket, {"events"}, clock);
    CHECK(reading.exit_code == 69);
    CHECK_THAT(reading.err, Catch::Contains("fairlyd"));

    // Later: the clock has moved on, but the spooled entry keeps the time it was typed.
    std::map<std::string, std::string> later{{"FAIRLY_NOW", "2026-11-23T18:00:00Z"}};
    daemon_process daemon(dir.path(), {}, later);
    auto first = run_fairly(dir.path(), socket, {"events", "--json"}, later);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.err, Catch::Contains("sent 1 spooled"));
    json events = first.out_json();
    REQUIRE(events.size() == 1);
    CHECK(events[0]["start"] == "2026-11-23T03:10:00+00:00");
    CHECK(events[0]["source"] == "spool");
    // Nothing is sent twice.
    CHECK(run_fairly(dir.path(), socket, {"events", "--json"}, later).out_json().size() == 1);
}

TEST_CASE("a uid bound to a member acts as that member, an unbound one is refused", "[e2e][identity]") {
    require_root("run fairly as another uid");
    household home;
    // Let other users reach the socket for this test (a group does this in production).
    std::filesystem::permissions(home.dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::others_exec);
    std::filesystem::permissions(home.daemon.socket().parent_path(), std::filesystem::perms::owner_all | std::filesystem::perms::others_exec);
    std::filesystem::permissions(home.daemon.socket(), std::filesystem::perms::all);
    const uid_t nobody = 65534;
    run_options as_nobody;
    as_nobody.as_uid = nobody;
    temp_dir state;
    std::filesystem::permissions(state.path(), std::filesystem::perms::all);
    as_nobody.env = {{"FAIRLY_SOCKET", home.daemon.socket().string()}, {"XDG_STATE_HOME", state.path().string()}, {"HOME", state.path().string()}};

    auto refused = run(FAIRLY, {"log", "cooking"}, as_nobody);
    CHECK(refused.exit_code == 77);
    CHECK_THAT(refused.err, Catch::Contains("not bound"));

    REQUIRE(home.cli({"member", "add", "sam", "--unix-user", "nobody"}).exit_code == 0);
    auto logged = run(FAIRLY, {"log", "cooking", "--json"}, as_nobody);
    REQUIRE(logged.exit_code == 0);
    json event = logged.out_json();
    CHECK(event["member"] == "sam");
    CHECK(event["logged_by_uid"] == nobody);
    auto for_alex = run(FAIRLY, {"log", "bath-time", "--member", "alex", "--json"}, as_nobody);
    REQUIRE(for_alex.exit_code == 0);
    CHECK(for_alex.out_json()["logged_by"] == "sam");
    CHECK(for_alex.out_json()["logged_for_other"] == true);
    // sam may not void alex's own event.
    REQUIRE(home.cli({"log", "cooking", "--member", "alex"}).exit_code == 0);
    json alexs = home.cli({"events", "--member", "alex", "--kind", "cooking", "--json"}).out_json();
    REQUIRE(alexs.size() == 1);
    CHECK(run(FAIRLY, {"void", std::to_string(alexs[0]["id"].get<int>()), "--reason", "x"}, as_nobody).exit_code == 77);
}

TEST_CASE("the HTML report is one self-contained page with its three charts", "[e2e][report]") {
    household home;
    REQUIRE(home.cli({"log", "night-feed", "--member", "sam", "--at", "03:10", "--for", "35m"}).exit_code == 0);
    REQUIRE(home.cli({"log", "cooking", "--member", "alex", "--at", "08:00", "--for", "1h"}).exit_code == 0);
    const auto page = home.dir.path() / "week.html";
    auto written = home.cli({"report", "--last", "4w", "--format", "html", "-o", page.string()});
    REQUIRE(written.exit_code == 0);
    std::ifstream in(page);
    const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
    CHECK_THAT(html, Catch::Contains("name=\"viewport\""));
    for (const char* chart : {"id=\"share-chart\"", "id=\"category-chart\"", "id=\"night-chart\""}) CHECK_THAT(html, Catch::Contains(chart));
    CHECK_THAT(html, Catch::Contains("class=\"share\" data-member=\"alex\"") && Catch::Contains("class=\"share\" data-member=\"sam\""));
    CHECK_THAT(html, Catch::Contains("class=\"agreed\""));
    // Nothing is fetched: no scripts, stylesheets or images from elsewhere.
    CHECK_THAT(html, !Catch::Contains("http://") && !Catch::Contains("https://") && !Catch::Contains("<script") && !Catch::Contains("<link"));
    // Every element that opens closes.
    auto count = [&](const std::string& text) {
        std::size_t n = 0;
        for (auto at = html.find(text); at != std::string::npos; at = html.find(text, at + 1)) ++n;
        return n;
    };
    CHECK(count("<svg") == count("</svg>"));
    CHECK(count("<table") == count("</table>"));
    // The terminal report never ranks people.
    auto text = home.cli({"report", "--last", "4w"});
    for (const char* word : {"winner", "loser", "lazy", "rank"}) CHECK_THAT(text.out, !Catch::Contains(word, Catch::CaseSensitive::No));
}
