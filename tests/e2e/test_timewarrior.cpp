// End to end: a history recorded with Debian's real Timewarrior (`timew`),
// exported with `timew export`, imported by the real fairly into the real
// fairlyd. Timewarrior is a test dependency (scripts/deps installs it): when
// it is missing the test fails, it does not skip.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <set>

using namespace fairly::test;

namespace {

const char* const timew_binary = "/usr/bin/timew";

// Monday 23 November 2026, 12:00 in London: after every interval below.
const std::map<std::string, std::string> monday_noon{{"FAIRLY_NOW", "2026-11-23T12:00:00Z"}};

/// A household of alex and sam in London, and a Timewarrior database of its own.
struct timewarrior_household {
    temp_dir dir;
    daemon_process daemon{dir.path(), {}, monday_noon};
    std::filesystem::path timew_db = dir.path() / "timewarrior";
    std::filesystem::path export_file = dir.path() / "timew-export.json";

    timewarrior_household() {
        if (::access(timew_binary, X_OK) != 0) {
            FAIL("no " << timew_binary << ": this test needs Timewarrior; install it with scripts/deps (Debian: apt-get install timewarrior)");
        }
        auto init = cli({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
        INFO(init.err);
        REQUIRE(init.exit_code == 0);
        std::filesystem::create_directories(timew_db);
    }

    run_result cli(const std::vector<std::string>& args) { return run_fairly(dir.path(), daemon.socket(), args, monday_noon); }

    /// Runs timew on this household's database, in London, never prompting.
    run_result timew(std::vector<std::string> args) {
        args.push_back(":yes");
        run_options options;
        options.env = {{"TIMEWARRIORDB", timew_db.string()}, {"HOME", dir.path().string()}, {"TZ", "Europe/London"}};
        auto result = run(timew_binary, args, options);
        INFO("timew " << args.front() << ": " << result.out << result.err);
        REQUIRE(result.exit_code == 0);
        return result;
    }

    /// Writes what `timew export` prints to export_file.
    void export_history() {
        auto exported = timew({"export"});
        std::ofstream(export_file) << exported.out;
    }

    /// `fairly events --json` over the whole history.
    json events() {
        auto listed = cli({"events", "--json", "--since", "2026-10-01"});
        INFO(listed.err);
        REQUIRE(listed.exit_code == 0);
        return listed.out_json();
    }
};

/// The tags of this history that name neither a member nor a kind of fairly's.
const std::vector<std::string> mappings{"--member-tag", "parent-a=alex,parent-b=sam", "--kind-map", "feed=night-feed,school=school-run"};

std::vector<std::string> import_args(const std::filesystem::path& file, std::vector<std::string> extra) {
    std::vector<std::string> args{"import", file.string(), "--format", "timewarrior"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> with_mappings(std::vector<std::string> extra) {
    extra.insert(extra.end(), mappings.begin(), mappings.end());
    return extra;
}

const json* event_starting(const json& events, const std::string& start) {
    for (const json& event : events) {
        if (event["start"] == start) return &event;
    }
    return nullptr;
}

} // namespace

TEST_CASE_METHOD(timewarrior_household, "a Timewarrior history: checked whole, imported with its mappings, and only once",
                 "[e2e][timewarrior]") {
    // The night the clocks go back crosses midnight in UTC and the change:
    //
    //   London   00:30 BST ... 01:59 BST | 01:00 GMT ... 03:00 GMT
    //   UTC      23:30 (24th)  00:59     | 01:00        03:00 (25th)
    //            |<--------------- 3h30 = 210 minutes --------------->|
    timew({"track", "2026-10-25T00:30", "-", "2026-10-25T03:00", "feed", "parent-b"});
    timew({"track", "2026-11-01T22:00", "-", "2026-11-01T23:00", "feed", "parent-a"});
    timew({"annotate", "@1", "teething, woke twice"}); // @1: the latest interval, the one just tracked
    timew({"track", "2026-11-02T23:30", "-", "2026-11-03T00:45", "feed", "parent-b"}); // across midnight
    timew({"track", "2026-11-03T08:00", "-", "2026-11-03T08:40", "school", "parent-a", "work"}); // "work" names nothing
    timew({"track", "2026-11-04T18:00", "-", "2026-11-04T19:00", "cooking"}); // no member
    timew({"track", "2026-11-05T21:00", "-", "2026-11-05T21:30", "night-feed", "sam"}); // fairly's own names
    timew({"start", "2026-11-06T07:00", "school", "parent-b"}); // still running
    export_history();
    // In the export, intervals count from the earliest (1) and timew's ids
    // from the latest (@1): the one without a member is interval 5 (timew @3),
    // the running one interval 7 (timew @1).
    const std::string no_member = "interval 5 (timew @3)";
    const std::string running = "interval 7 (timew @1)";

    SECTION("with a refused interval and no --skip-bad, nothing is imported") {
        auto refused = cli(import_args(export_file, with_mappings({})));
        CHECK(refused.exit_code == 65);
        CHECK_THAT(refused.out, Catch::Contains("2 of 7 records") && Catch::Contains(no_member + ": no tag names a member (tags: cooking)") &&
                                    Catch::Contains(running + ": is still being tracked"));
        CHECK_THAT(refused.err, Catch::Contains("nothing was imported") && Catch::Contains("--skip-bad"));
        CHECK(events().empty());

        // Without the mappings most intervals name no member; still nothing.
        auto unmapped = cli(import_args(export_file, {}));
        CHECK(unmapped.exit_code == 65);
        CHECK_THAT(unmapped.out, Catch::Contains("6 of 7 records") && Catch::Contains("--member-tag TAG=MEMBER"));
        CHECK(events().empty());
    }

    SECTION("a dry run counts, names the refused intervals and writes nothing") {
        // It exits as the import would: 65, since two intervals are refused.
        auto dry = cli(import_args(export_file, with_mappings({"--dry-run"})));
        CHECK(dry.exit_code == 65);
        CHECK_THAT(dry.err, Catch::Contains("--skip-bad"));
        CHECK_THAT(dry.out, Catch::Contains("7 records; would add 5, skip 0 already recorded, refuse 2.") &&
                                Catch::Contains("tag \"work\" (1 interval) names no member or kind") &&
                                Catch::Contains(no_member + ": no tag names a member") && Catch::Contains(running + ": is still being tracked") &&
                                Catch::Contains("Nothing was written."));

        // With --skip-bad the import would go ahead with the rest: exit 0.
        auto dry_json = cli(import_args(export_file, with_mappings({"--dry-run", "--skip-bad", "--json"})));
        INFO(dry_json.err);
        REQUIRE(dry_json.exit_code == 0);
        json summary = dry_json.out_json();
        CHECK(summary["would_add"] == 5);
        CHECK(summary["would_skip"] == 0);
        REQUIRE(summary["refused"].size() == 2);
        CHECK(summary["refused"][0]["where"] == no_member);
        CHECK(summary["refused"][1]["where"] == running);
        CHECK(events().empty());
    }

    SECTION("with --skip-bad the mapped intervals become events, once") {
        auto imported = cli(import_args(export_file, with_mappings({"--skip-bad", "--json"})));
        INFO(imported.err);
        REQUIRE(imported.exit_code == 0);
        json summary = imported.out_json();
        CHECK(summary["added"] == 5);
        CHECK(summary["skipped"] == 0);
        REQUIRE(summary["refused"].size() == 2);
        CHECK(summary["refused"][0]["where"] == no_member);
        CHECK(summary["refused"][1]["where"] == running);
        REQUIRE(summary["notes"].size() == 1);
        CHECK_THAT(summary["notes"][0].get<std::string>(), Catch::StartsWith("tag \"work\" (1 interval) names no member or kind"));

        json events = this->events();
        REQUIRE(events.size() == 5);
        for (const json& event : events) {
            CHECK(event["source"] == "timewarrior");
            CHECK(event["status"] == "active");
        }

        const json* clocks_back = event_starting(events, "2026-10-25T00:30:00+01:00");
        REQUIRE(clocks_back);
        CHECK((*clocks_back)["start_utc"] == "2026-10-24T23:30:00Z");
        CHECK((*clocks_back)["end"] == "2026-10-25T03:00:00+00:00");
        CHECK((*clocks_back)["minutes"] == 210.0);
        CHECK((*clocks_back)["member"] == "sam");
        CHECK((*clocks_back)["kind"] == "night-feed");

        const json* annotated = event_starting(events, "2026-11-01T22:00:00+00:00");
        REQUIRE(annotated);
        CHECK((*annotated)["end"] == "2026-11-01T23:00:00+00:00");
        CHECK((*annotated)["member"] == "alex");
        CHECK((*annotated)["kind"] == "night-feed");
        CHECK((*annotated)["note"] == "teething, woke twice");

        const json* past_midnight = event_starting(events, "2026-11-02T23:30:00+00:00");
        REQUIRE(past_midnight);
        CHECK((*past_midnight)["end"] == "2026-11-03T00:45:00+00:00");
        CHECK((*past_midnight)["minutes"] == 75.0);
        CHECK((*past_midnight)["member"] == "sam");
        CHECK((*past_midnight)["note"] == "");

        const json* school = event_starting(events, "2026-11-03T08:00:00+00:00");
        REQUIRE(school);
        CHECK((*school)["end"] == "2026-11-03T08:40:00+00:00");
        CHECK((*school)["member"] == "alex");
        CHECK((*school)["kind"] == "school-run");

        const json* named = event_starting(events, "2026-11-05T21:00:00+00:00");
        REQUIRE(named);
        CHECK((*named)["member"] == "sam");
        CHECK((*named)["kind"] == "night-feed");
        CHECK((*named)["minutes"] == 30.0);

        // Neither the interval without a member nor the running one came in.
        CHECK_FALSE(event_starting(events, "2026-11-04T18:00:00+00:00"));
        CHECK_FALSE(event_starting(events, "2026-11-06T07:00:00+00:00"));

        // Again: everything is already recorded.
        auto again = cli(import_args(export_file, with_mappings({"--skip-bad"})));
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.out, Catch::Contains("Imported 0 of 7 records") && Catch::Contains("5 already recorded, 2 refused"));
        json after = this->events();
        CHECK(after.size() == 5);
        std::set<std::string> before_uuids, after_uuids;
        for (const json& event : events) before_uuids.insert(event["uuid"].get<std::string>());
        for (const json& event : after) after_uuids.insert(event["uuid"].get<std::string>());
        CHECK(before_uuids == after_uuids);

        // --member gives the interval without one its member; the rest is not added twice.
        auto with_member = cli(import_args(export_file, with_mappings({"--skip-bad", "--member", "alex", "--json"})));
        INFO(with_member.err);
        REQUIRE(with_member.exit_code == 0);
        CHECK(with_member.out_json()["added"] == 1);
        CHECK(with_member.out_json()["skipped"] == 5);
        json last = this->events();
        CHECK(last.size() == 6);
        const json* cooking = event_starting(last, "2026-11-04T18:00:00+00:00");
        REQUIRE(cooking);
        CHECK((*cooking)["member"] == "alex");
        CHECK((*cooking)["kind"] == "cooking");
    }
}

// A file named last, after the mappings, is the file: each --member-tag or
// --kind-map takes one value (CLI11 would otherwise let a list option take
// every following word).
TEST_CASE_METHOD(timewarrior_household, "a file named after --kind-map is read, not taken for a mapping",
                 "[e2e][timewarrior]") {
    timew({"track", "2026-11-01T22:00", "-", "2026-11-01T23:00", "feed", "parent-a"});
    export_history();
    auto imported = cli({"import", "--format", "timewarrior", "--member-tag", "parent-a=alex", "--kind-map", "feed=night-feed",
                         export_file.string()});
    INFO(imported.out << imported.err);
    CHECK(imported.exit_code == 0);
    CHECK(events().size() == 1);
}
