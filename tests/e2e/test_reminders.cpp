// End to end: reminders reach each member they concern, once each, with two
// real Unix users running `fairly remind` as their own cron would; timers
// that were forgotten are seen, stopped at the right time or cancelled.
#include "household.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <regex>

using namespace fairly::test;


TEST_CASE("each partner's own cron: every reminder reaches each member it concerns, once", "[e2e][remind][identity]") {
    require_root("create two Unix users");
    two_users home;
    const std::string monday = "2026-11-23T08:00:00Z";
    REQUIRE(home.root(monday, {"slot", "add", "sam", "wed 09:00", "2h", "long run"}).exit_code == 0);
    REQUIRE(home.root(monday, {"protect", "couple", "--weekly", "1h"}).exit_code == 0);
    CHECK(home.cron(home.alex_user, monday).empty());
    CHECK(home.cron(home.sam_user, monday).empty());

    // Wednesday 08:00: alex's cron runs first (the one that used to take sam's reminder), then sam's.
    const std::string wednesday = "2026-11-25T08:00:00Z";
    CHECK(home.cron(home.alex_user, wednesday) == "Sam's long run is at 09:00 (2h); keep it clear.\n");
    CHECK(home.cron(home.alex_user, "2026-11-25T08:10:00Z").empty());
    CHECK(home.cron(home.sam_user, "2026-11-25T08:10:00Z") == "Your long run is at 09:00 (2h).\n");
    CHECK(home.cron(home.sam_user, "2026-11-25T08:20:00Z").empty());

    // Wednesday 11:30: sam logged the run; alex logged last night's bath-time for sam.
    const std::string late_morning = "2026-11-25T11:30:00Z";
    REQUIRE(home.sam(late_morning, {"log", "gym", "--at", "09:00", "--for", "2h"}).exit_code == 0);
    auto logged = home.alex(late_morning, {"log", "bath-time", "--member", "sam", "--at", "yesterday 19:00", "--json"});
    REQUIRE(logged.exit_code == 0);
    const std::string id = std::to_string(logged.out_json()["id"].get<int>());
    CHECK(home.cron(home.alex_user, late_morning).empty());
    CHECK(home.cron(home.sam_user, late_morning) ==
          "alex logged bath-time for you yesterday 19:00: `fairly confirm " + id + "` or `fairly dispute " + id + " REASON`.\n");
    CHECK(home.cron(home.sam_user, "2026-11-25T11:40:00Z").empty());

    // Thursday: sam started a night feed at 02:10 and went back to sleep.
    REQUIRE(home.sam("2026-11-26T02:10:00Z", {"start", "night-feed"}).exit_code == 0);
    CHECK(home.cron(home.sam_user, "2026-11-26T02:40:00Z").empty()); // a feed's usual length: nothing to say
    const std::string morning = "2026-11-26T10:40:00Z";
    CHECK(home.cron(home.alex_user, morning).empty()); // not alex's timer
    const std::string forgotten = home.cron(home.sam_user, morning);
    CHECK(forgotten == "night-feed timer running 8h30m (since today 02:10): stop it with `fairly stop night-feed --at \"02:40\"`, "
                       "or `fairly cancel night-feed` if it should never have run.\n");
    CHECK(home.cron(home.sam_user, "2026-11-26T10:50:00Z").empty());
    CHECK_THAT(home.alex(morning, {"status"}).out, Catch::Contains("timers     1 running: sam's night-feed since Thu 26 Nov 02:10"));
    // The command it gives works as written.
    auto stopped = home.sam(morning, {"stop", "night-feed", "--at", "02:40", "--json"});
    REQUIRE(stopped.exit_code == 0);
    CHECK(stopped.out_json()["end"] == "2026-11-26T02:40:00+00:00");
    CHECK(home.sam(morning, {"timers"}).out == "No timers running.\n");

    // Thursday 18:30, the couple's check time, no couple time yet: both hear it once.
    const std::string evening = "2026-11-26T18:30:00Z";
    const std::string couple = "No couple time yet this week (the goal is 1h). Is there an evening for it before the week ends?\n";
    CHECK(home.cron(home.sam_user, evening) == couple);
    CHECK(home.cron(home.alex_user, "2026-11-26T18:40:00Z") == couple);
    CHECK(home.cron(home.alex_user, "2026-11-26T18:50:00Z").empty());
    CHECK(home.cron(home.sam_user, "2026-11-26T18:50:00Z").empty());

    // A member's run is theirs alone: not another's, not everyone's.
    auto other = home.alex(evening, {"remind", "--member", "sam"});
    CHECK(other.exit_code == 77);
    CHECK_THAT(other.err, Catch::Contains("sam's reminders go to sam"));
    CHECK(home.alex(evening, {"remind", "--all"}).exit_code == 77);
}

TEST_CASE("remind --all gives every member's reminders once each, and a member's own run then finds nothing", "[e2e][remind][identity]") {
    require_root("create two Unix users");
    two_users home;
    REQUIRE(home.root("2026-11-23T08:00:00Z", {"slot", "add", "alex", "sat 10:00", "1h", "swim"}).exit_code == 0);
    const std::string saturday = "2026-11-28T09:00:00Z";
    const auto delivered = home.dir.path() / "delivered.txt";
    auto all = home.root(saturday, {"remind", "--all", "--exec",
                                    "printf '%s|%s|%s\\n' \"$FAIRLY_REMINDER_TO\" \"$FAIRLY_REMINDER_USER\" \"$FAIRLY_REMINDER_TEXT\" >> '" +
                                        delivered.string() + "'"});
    REQUIRE(all.exit_code == 0);
    CHECK(all.out.empty());
    std::ifstream in(delivered);
    const std::string lines((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(lines == "alex|" + home.alex_user.name() + "|Your swim is at 10:00 (1h).\n" + "sam|" + home.sam_user.name() +
                       "|Alex's swim is at 10:00 (1h); keep it clear.\n");
    CHECK(home.cron(home.alex_user, saturday).empty());
    CHECK(home.cron(home.sam_user, saturday).empty());
    CHECK(home.root(saturday, {"remind", "--all"}).out.empty());

    // Something for sam alone, heard by sam's own run: --all then has nothing left.
    REQUIRE(home.alex(saturday, {"log", "cooking", "--member", "sam", "--at", "08:00"}).exit_code == 0);
    CHECK_THAT(home.cron(home.sam_user, saturday), Catch::StartsWith("alex logged cooking for you today 08:00"));
    CHECK(home.root(saturday, {"remind", "--all", "--json"}).out.empty());
}

TEST_CASE("many entries logged for someone at once are one reminder", "[e2e][remind]") {
    household home("2026-11-25T20:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    for (const char* at : {"mon 08:00", "mon 18:00", "tue 08:00", "tue 18:00", "wed 08:00"}) {
        home.ok({"log", "cooking", "--member", "sam", "--at", at}, {{"FAIRLY_MEMBER", "alex"}});
    }
    auto reminders = home.ok({"remind", "--member", "sam", "--json"}).out_json();
    REQUIRE(reminders.size() == 1);
    CHECK(reminders[0]["to"] == "sam");
    CHECK(reminders[0]["type"] == "pending");
    CHECK(reminders[0]["text"] == "alex logged 5 entries for you since Mon 08:00: `fairly pending` lists them to confirm or dispute.");
    CHECK(home.ok({"remind", "--member", "sam"}).out.empty());
    // A sixth is new, and said on its own.
    home.ok({"log", "cooking", "--member", "sam", "--at", "wed 18:00"}, {{"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(home.ok({"remind", "--member", "sam"}).out, Catch::StartsWith("alex logged cooking for you today 18:00"));
    CHECK(home.ok({"remind", "--member", "alex"}).out.empty());
}

TEST_CASE("a new drift alert reaches every member, once", "[e2e][remind][drift]") {
    household home("2026-11-23T07:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    home.ok({"kind", "add", "chore", "--category", "household", "--per-hour", "1"});
    // Ten weeks at 50/50, then eight with sam doing 75 of every 100 minutes.
    for (int week = 0; week < 18; ++week) {
        const int sam = week < 10 ? 50 : 75;
        const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::year{2026} / 7 / 20} + std::chrono::days{7 * week}};
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                      static_cast<unsigned>(date.day()));
        home.ok({"log", "chore", "--member", "alex", "--at", std::string(text) + " 18:00", "--for", std::to_string(100 - sam) + "m"});
        home.ok({"log", "chore", "--member", "sam", "--at", std::string(text) + " 19:00", "--for", std::to_string(sam) + "m"});
    }
    const json drift = home.report()["drift"];
    REQUIRE(drift["alert"] == true);
    auto reminders = home.ok({"remind", "--all", "--json"}).out_json();
    REQUIRE(reminders.size() == 2);
    CHECK(reminders[0]["to"] == "alex");
    CHECK(reminders[1]["to"] == "sam");
    for (const json& reminder : reminders) {
        CHECK(reminder["type"] == "drift");
        CHECK(reminder["who"] == drift["member"]);
        CHECK(reminder["text"] == reminders[0]["text"]);
    }
    CHECK(home.ok({"remind", "--all"}).out.empty());
}

TEST_CASE("the --exec example in remind's help works as written", "[e2e][remind]") {
    household home("2026-11-25T19:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    home.ok({"slot", "add", "couple", "wed 20:30", "45m", "walk, no phones"});
    const std::string help = home.ok({"remind", "--help"}).out;
    std::smatch found;
    REQUIRE(std::regex_search(help, found, std::regex("fairly remind --exec '([^']*notify-send[^']*)'")));
    const std::string example = found[1];
    // A notify-send that writes down the arguments it was given, one per line.
    const auto bin = home.dir.path() / "bin";
    std::filesystem::create_directories(bin);
    const auto got = home.dir.path() / "notified";
    std::ofstream(bin / "notify-send") << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" << got.string() << "'\n";
    std::filesystem::permissions(bin / "notify-send", std::filesystem::perms::owner_all);
    home.ok({"remind", "--exec", example},
            {{"FAIRLY_MEMBER", "sam"}, {"PATH", bin.string() + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")}});
    std::ifstream in(got);
    const std::string args((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(args == "fairly\nCouple time (walk, no phones) is at 20:30 (45m); keep it clear.\n");
}

TEST_CASE("implausible lengths are questioned with the fix, and --long says they were meant", "[e2e][timer]") {
    household home("2026-11-25T20:00:00Z");
    home.ok({"init", "--member", "alex", "--tz", "Europe/London"});
    // A night feed of 7 h is beyond 6 h (twelve times its usual 30 m).
    auto typo = home.fairly({"log", "night-feed", "--for", "7h"});
    CHECK(typo.exit_code == 65);
    CHECK_THAT(typo.err, Catch::Contains("7h of night-feed is far beyond its usual 30m (over 6h is unlikely)") &&
                             Catch::Contains("--for") && Catch::Contains("--long"));
    CHECK(home.ok({"log", "night-feed", "--for", "6h"}).exit_code == 0);
    CHECK(home.ok({"log", "night-feed", "--for", "7h", "--long"}).exit_code == 0);
    // Anything is unlikely past 16 h; a sick day of 10 h is not.
    CHECK(home.ok({"log", "sick-day", "--for", "10h"}).exit_code == 0);
    CHECK(home.fairly({"log", "sick-day", "--for", "17h"}).exit_code == 65);
    CHECK(home.fairly({"log", "sick-day", "--at", "yesterday 01:00", "--until", "19:30"}).exit_code == 65);
    // A correction that makes it long is questioned the same way.
    auto edited = home.ok({"log", "bath-time", "--for", "20m", "--json"}).out_json();
    CHECK(home.fairly({"edit", std::to_string(edited["id"].get<int>()), "--for", "20h"}).exit_code == 65);
    CHECK(home.ok({"edit", std::to_string(edited["id"].get<int>()), "--for", "20h", "--long"}).exit_code == 0);

    // A timer left running: stopping it now is refused with the time to give.
    home.ok({"start", "night-feed", "--at", "2026-11-25 02:10"});
    auto late = home.fairly({"stop"});
    CHECK(late.exit_code == 65);
    CHECK_THAT(late.err, Catch::Contains("17h50m of night-feed") && Catch::Contains("`fairly stop night-feed --at \"02:40\"`") &&
                             Catch::Contains("fairly cancel night-feed"));
    auto stopped = home.ok({"stop", "night-feed", "--at", "02:40", "--json"}).out_json();
    CHECK(stopped["minutes"] == 30);
    home.ok({"start", "sick-day", "--at", "2026-11-25 07:00"});
    CHECK(home.ok({"stop", "--long", "--json"}).out_json()["minutes"] == 13 * 60);
}

TEST_CASE("a cancelled timer leaves no event, only its trace in the record of changes", "[e2e][timer]") {
    household home("2026-11-25T20:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    CHECK(home.ok({"timers"}).out == "No timers running.\n");
    home.ok({"start", "night-feed", "--member", "sam", "--at", "19:10"});
    home.ok({"start", "cooking", "--member", "alex", "--at", "19:30"});
    CHECK(home.ok({"timers"}).out == "sam  night-feed  since Wed 25 Nov 19:10  (50m)\nalex  cooking  since Wed 25 Nov 19:30  (30m)\n");
    CHECK_THAT(home.ok({"status"}).out,
               Catch::Contains("timers     2 running: sam's night-feed since Wed 25 Nov 19:10; alex's cooking since Wed 25 Nov 19:30"));
    auto listed = home.ok({"timers", "--json"}).out_json();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0]["member"] == "sam");
    CHECK(listed[0]["running_minutes"] == 50);
    CHECK(listed[0]["forgotten"] == false);

    auto none = home.fairly({"cancel", "bedtime", "--member", "sam"});
    CHECK(none.exit_code == 65);
    CHECK_THAT(none.err, Catch::Contains("no bedtime timer is running (running: night-feed)"));
    CHECK_THAT(home.ok({"cancel", "--member", "sam"}).out, Catch::StartsWith("Cancelled sam's night-feed timer (started Wed 25 Nov 19:10)"));
    CHECK(home.ok({"timers"}).out == "alex  cooking  since Wed 25 Nov 19:30  (30m)\n");
    CHECK(home.ok({"events", "--since", "2026-01-01", "--all", "--json"}).out_json().empty());
    const json exported = home.ok({"export", "--format", "json"}).out_json();
    REQUIRE(exported["changes"].size() == 1);
    const json& change = exported["changes"][0];
    CHECK(change["subject"] == "timer");
    CHECK(change["name"] == "night-feed");
    CHECK(change["old"]["member"] == "sam");
    CHECK(change["old"]["start"] == "2026-11-25T19:10:00+00:00");
    CHECK(change["new"]["cancelled"] == true);
    // A cancelled timer is not mistaken for a change of weights in the report.
    CHECK(home.report()["weights"]["last_change"].is_null());
}

TEST_CASE("a change one member makes to another's goal, slot or time away is a reminder to them, once", "[e2e][remind][changes]") {
    household home("2026-11-25T12:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    const std::map<std::string, std::string> as_alex{{"FAIRLY_MEMBER", "alex"}}, as_sam{{"FAIRLY_MEMBER", "sam"}};
    home.ok({"protect", "sam", "--weekly", "3h"}, as_alex);
    home.ok({"slot", "add", "sam", "sat 09:00", "2h", "long run"}, as_alex);
    home.ok({"away", "sam", "--from", "mon", "--to", "tue", "--note", "ill"}, as_alex);
    home.ok({"protect", "alex", "--weekly", "2h"}, as_alex); // one's own: no news
    const std::string sam = home.ok({"remind", "--member", "sam"}).out;
    CHECK(sam == "alex set your protected-time goal to 3h a week (today 12:00); `fairly changes` has it.\n"
                 "alex added a slot for you: long run, Saturday 09:00 (today 12:00); `fairly changes` has it.\n"
                 "alex recorded you away from Mon 23 Nov to Tue 24 Nov (today 12:00); `fairly changes` has it.\n");
    CHECK(home.ok({"remind", "--member", "sam"}).out.empty());
    CHECK(home.ok({"remind", "--member", "alex"}).out.empty());
    home.ok({"slot", "remove", "1"}, as_sam);
    CHECK(home.ok({"remind", "--member", "alex"}).out.empty()); // sam's own slot
}
