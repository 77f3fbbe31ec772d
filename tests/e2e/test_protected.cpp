// End to end: protected time and `fairly remind`, driven by FAIRLY_NOW.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace fairly::test;

namespace {

struct protected_household {
    temp_dir dir;
    daemon_process daemon{dir.path()};

    protected_household() {
        REQUIRE(at("2026-10-01T12:00:00Z", {"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
    }
    /// Runs fairly with the clock at `now`.
    run_result at(const std::string& now, const std::vector<std::string>& args) {
        return run_fairly(dir.path(), daemon.socket(), args, {{"FAIRLY_NOW", now}});
    }
};

} // namespace

TEST_CASE("remind is silent with nothing to say, in every mode", "[e2e][remind]") {
    protected_household home;
    const auto marker = home.dir.path() / "ran";
    for (const std::vector<std::string>& mode :
         {std::vector<std::string>{"remind", "--all"}, {"remind", "--all", "--json"}, {"remind", "--member", "sam"},
          {"remind", "--member", "alex", "--json"}, {"remind", "--all", "--dry-run", "--json"},
          {"remind", "--all", "--exec", "touch '" + marker.string() + "'"}}) {
        auto quiet = home.at("2026-11-23T10:00:00Z", mode);
        INFO(mode.back());
        CHECK(quiet.exit_code == 0);
        CHECK(quiet.out.empty());
        CHECK(quiet.err.empty());
    }
    CHECK_FALSE(std::filesystem::exists(marker));
    // Root with two members and no FAIRLY_MEMBER must say whose.
    auto whose = home.at("2026-11-23T10:00:00Z", {"remind"});
    CHECK(whose.exit_code == 65);
    CHECK_THAT(whose.err, Catch::Contains("--member NAME, or --all"));
    CHECK(home.at("2026-11-23T10:00:00Z", {"remind", "--all", "--member", "sam"}).exit_code == 64);
}

TEST_CASE("a slot keeps its local time across the clock change, and is reminded of once", "[e2e][remind][dst]") {
    protected_household home;
    REQUIRE(home.at("2026-10-20T12:00:00Z", {"slot", "add", "sam", "sat 09:00", "2h", "long run"}).exit_code == 0);
    // Saturday 24 October, 08:30 BST (07:30Z): the run is at 09:00 BST.
    auto before = home.at("2026-10-24T07:30:00Z", {"remind", "--all", "--json"});
    REQUIRE(before.exit_code == 0);
    json reminders = before.out_json();
    REQUIRE(reminders.size() == 2); // one for sam, one for alex, each in their words
    for (const json& reminder : reminders) {
        CHECK(reminder["type"] == "slot");
        CHECK(reminder["who"] == "sam");
        CHECK(reminder["at"] == "2026-10-24T09:00:00+01:00");
    }
    CHECK(reminders[0]["to"] == "alex");
    CHECK(reminders[0]["text"] == "Sam's long run is at 09:00 (2h); keep it clear.");
    CHECK(reminders[1]["to"] == "sam");
    CHECK(reminders[1]["text"] == "Your long run is at 09:00 (2h).");
    // The next run, ten minutes later, says nothing more about it.
    CHECK(home.at("2026-10-24T07:40:00Z", {"remind", "--all"}).out.empty());
    REQUIRE(home.at("2026-10-24T12:00:00Z", {"log", "gym", "--member", "sam", "--at", "2026-10-24 09:00", "--for", "2h"}).exit_code == 0);
    // Saturday 31 October, after the clocks went back: 09:00 GMT, still 09:00 local.
    auto after = home.at("2026-10-31T08:30:00Z", {"remind", "--member", "sam"});
    CHECK(after.out == "Your long run is at 09:00 (2h).\n");
    // Friday evening: the run is tomorrow.
    CHECK(home.at("2026-11-06T20:00:00Z", {"remind", "--member", "alex", "--within", "14h"}).out ==
          "Sam's long run is tomorrow at 09:00 (2h); keep it clear.\n");
    auto listed = home.at("2026-10-31T08:30:00Z", {"slots", "--json"}).out_json();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["next"] == "2026-10-31T09:00:00+00:00");
}

TEST_CASE("a weekly goal is at risk on Friday but not on Monday", "[e2e][remind]") {
    protected_household home;
    REQUIRE(home.at("2026-11-23T08:00:00Z", {"protect", "sam", "--weekly", "3h"}).exit_code == 0);
    CHECK(home.at("2026-11-23T10:00:00Z", {"remind", "--all"}).out.empty()); // Monday
    auto friday = home.at("2026-11-27T12:00:00Z", {"remind", "--all"});
    CHECK(friday.out == "For alex: Sam's protected time is at risk this week: none of its 3h so far, 2 days left. "
                        "Is there something you could take on so Sam gets it?\n"
                        "For sam: Your protected time is at risk this week: none of its 3h so far, 2 days left.\n");
    // With time kept it is not at risk.
    protected_household kept;
    REQUIRE(kept.at("2026-11-23T08:00:00Z", {"protect", "sam", "--weekly", "3h"}).exit_code == 0);
    REQUIRE(kept.at("2026-11-26T20:00:00Z", {"log", "gym", "--member", "sam", "--at", "2026-11-26 18:00", "--for", "2h30m"}).exit_code == 0);
    CHECK(kept.at("2026-11-27T12:00:00Z", {"remind", "--all"}).out.empty());
    CHECK_THAT(kept.at("2026-11-27T12:00:00Z", {"protect"}).out, Catch::Contains("sam: 2h30m of 3h kept this week"));
}

TEST_CASE("a slot load took over is named once to each, one kept is not", "[e2e][remind]") {
    protected_household home;
    REQUIRE(home.at("2026-11-20T12:00:00Z", {"slot", "add", "sam", "sat 09:00", "2h", "long run"}).exit_code == 0);
    REQUIRE(home.at("2026-11-20T12:00:00Z", {"slot", "add", "alex", "sat 14:00", "1h", "climbing"}).exit_code == 0);
    REQUIRE(home.at("2026-11-21T11:00:00Z", {"log", "cooking", "--member", "sam", "--at", "2026-11-21 09:30", "--for", "45m"}).exit_code == 0);
    REQUIRE(home.at("2026-11-21T16:00:00Z", {"log", "gym", "--member", "alex", "--at", "2026-11-21 14:00", "--for", "1h"}).exit_code == 0);
    auto evening = home.at("2026-11-21T18:00:00Z", {"remind", "--all"});
    CHECK(evening.out == "For alex: Load took over Sam's long run on Saturday 09:00 (cooking). "
                         "Is there a part of it you could take next time, so the slot stays Sam's?\n"
                         "For sam: Load took over your long run on Saturday 09:00 (cooking).\n");
    CHECK(home.at("2026-11-21T18:10:00Z", {"remind", "--all"}).out.empty());
    // A slot with nothing logged in it is its member's to fill in, nobody else's.
    REQUIRE(home.at("2026-11-27T12:00:00Z", {"slot", "add", "alex", "fri 18:00", "1h", "swim"}).exit_code == 0);
    CHECK(home.at("2026-11-27T20:00:00Z", {"remind", "--all"}).out ==
          "For alex: Your swim on Friday 18:00 has no protected time logged in it; if you had it, log it "
          "(`fairly log KIND --at TIME --for LENGTH`).\n");
}

TEST_CASE("couple time not had by Thursday evening", "[e2e][remind]") {
    protected_household home;
    REQUIRE(home.at("2026-11-23T08:00:00Z", {"protect", "couple", "--weekly", "1h"}).exit_code == 0);
    CHECK(home.at("2026-11-25T19:00:00Z", {"remind", "--all"}).out.empty()); // Wednesday
    auto thursday = home.at("2026-11-26T18:30:00Z", {"remind", "--all", "--json"}).out_json();
    REQUIRE(thursday.size() == 2);
    CHECK(thursday[0]["to"] == "alex");
    CHECK(thursday[1]["to"] == "sam");
    for (const json& reminder : thursday) CHECK_THAT(reminder["text"].get<std::string>(), Catch::StartsWith("No couple time yet this week"));
    // Logged for both, it counts once.
    protected_household together;
    REQUIRE(together.at("2026-11-23T08:00:00Z", {"protect", "couple", "--weekly", "1h"}).exit_code == 0);
    REQUIRE(together.at("2026-11-24T21:00:00Z", {"log", "couple-time", "--for", "45m", "--member", "alex", "--member", "sam"}).exit_code == 0);
    CHECK(together.at("2026-11-26T18:30:00Z", {"remind", "--all"}).out.empty());
    CHECK_THAT(together.at("2026-11-26T18:30:00Z", {"protect"}).out, Catch::Contains("couple: 45m of 1h kept this week"));
}

TEST_CASE("a dry run shows without recording, and an exec command hands over or retries", "[e2e][remind]") {
    protected_household home;
    REQUIRE(home.at("2026-11-23T08:00:00Z", {"slot", "add", "couple", "wed 20:30", "45m", "walk, no phones"}).exit_code == 0);
    const std::string now = "2026-11-25T19:00:00Z"; // Wednesday 19:00
    auto dry = home.at(now, {"remind", "--all", "--dry-run"});
    CHECK(dry.out == "For alex: Couple time (walk, no phones) is at 20:30 (45m); keep it clear.\n"
                     "For sam: Couple time (walk, no phones) is at 20:30 (45m); keep it clear.\n");
    CHECK(home.at(now, {"remind", "--all", "--dry-run"}).out == dry.out); // still there: nothing recorded

    // One addressee's command fails: theirs is tried again, the other's is given.
    auto failing = home.at(now, {"remind", "--all", "--exec", "[ \"$FAIRLY_REMINDER_TO\" = alex ]"});
    CHECK(failing.exit_code == 75);
    CHECK_THAT(failing.err, Catch::Contains("--exec failed (exit 1) for sam") && Catch::Contains("tries again"));
    CHECK(home.at(now, {"remind", "--member", "alex", "--dry-run"}).out.empty());

    const auto delivered = home.dir.path() / "delivered.txt";
    auto handed = home.at(now, {"remind", "--all", "--exec", "cat > '" + delivered.string() +
                                                                  "'; echo \"$FAIRLY_REMINDER_TYPE $FAIRLY_REMINDER_WHO $FAIRLY_REMINDER_TO\" >> '" +
                                                                  delivered.string() + "'"});
    CHECK(handed.exit_code == 0);
    std::ifstream in(delivered);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "Couple time (walk, no phones) is at 20:30 (45m); keep it clear.\nslot couple sam\n");
    CHECK(home.at(now, {"remind", "--all"}).out.empty()); // given once to each
}

TEST_CASE("the iCalendar export reads back in an independent parser, across the clock change", "[e2e][ics]") {
    if (!std::filesystem::exists("/usr/bin/python3")) {
        skip_test("no /usr/bin/python3 with python3-icalendar");
    }
    protected_household home;
    REQUIRE(home.at("2026-10-20T12:00:00Z", {"slot", "add", "sam", "sat 09:00", "2h", "long run"}).exit_code == 0);
    REQUIRE(home.at("2026-10-20T12:00:00Z", {"slot", "add", "couple", "wed 20:30", "45m", "walk, no phones"}).exit_code == 0);
    const auto ics = home.dir.path() / "protected.ics";
    auto exported = home.at("2026-10-21T12:00:00Z", {"export-ics", "-o", ics.string()});
    REQUIRE(exported.exit_code == 0);
    // The same slots, the same UIDs, on a later export.
    auto again = home.at("2026-11-21T12:00:00Z", {"slots", "--ics"});
    std::ifstream in(ics);
    const std::string first((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* uid : {"UID:slot-1@", "UID:slot-2@"}) {
        CHECK_THAT(first, Catch::Contains(uid));
        CHECK_THAT(again.out, Catch::Contains(uid));
    }
    const std::string domain = first.substr(first.find("UID:slot-1@") + 11, first.find("\r\n", first.find("UID:slot-1@")) - first.find("UID:slot-1@") - 11);
    const json expectations{
        {"after", "2026-10-20T00:00:00+01:00"},
        {"slots",
         {{{"uid", "slot-1@" + domain}, {"summary", "sam: long run"},
           {"next", {"2026-10-24T09:00:00+01:00", "2026-10-31T09:00:00+00:00", "2026-11-07T09:00:00+00:00"}}},
          {{"uid", "slot-2@" + domain}, {"summary", "couple: walk, no phones"},
           {"next", {"2026-10-21T20:30:00+01:00", "2026-10-28T20:30:00+00:00"}}}}},
    };
    const auto expected = home.dir.path() / "expect.json";
    std::ofstream(expected) << expectations.dump();
    auto checked = run("/usr/bin/python3", {FAIRLY_SOURCE_DIR "/tests/ics_check.py", ics.string(), expected.string()});
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 0);
}

TEST_CASE("the couple's reminder time is the household's to choose", "[e2e][remind]") {
    protected_household home;
    REQUIRE(home.at("2026-11-23T08:00:00Z", {"protect", "couple", "--weekly", "1h", "--remind-by", "tue 20:00"}).exit_code == 0);
    CHECK(home.at("2026-11-24T19:00:00Z", {"remind", "--all"}).out.empty());
    CHECK_THAT(home.at("2026-11-24T20:30:00Z", {"remind", "--member", "sam"}).out, Catch::StartsWith("No couple time yet this week"));
    CHECK(home.at("2026-11-23T08:00:00Z", {"protect", "sam", "--weekly", "1h", "--remind-by", "tue 20:00"}).exit_code == 65);
}
