// End to end: the agreed split over time, changed only by consent
// (docs/fairness.md, "The agreed split"), through the real CLI and daemon.
#include "household.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

using namespace fairly::test;

namespace {

/// Monday of week `n` after Monday 2026-08-03 (and `plus` days), as "YYYY-MM-DD".
std::string monday(int n, int plus = 0) {
    const std::chrono::year_month_day day{std::chrono::sys_days{std::chrono::year{2026} / 8 / 3} + std::chrono::days{7 * n + plus}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                  static_cast<unsigned>(day.day()));
    return text;
}

/// alex and sam, agreed 50/50 at first, with a chore worth a point an hour:
/// twelve weeks of 100 minutes, alex doing half until week 8, then 60.
struct changing_household : household {
    changing_household() : household(monday(12) + "T07:00:00Z") {
        ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
        ok({"kind", "add", "chore", "--category", "household", "--per-hour", "1"});
        for (int n = 0; n < 12; ++n) {
            const int alex = n < 8 ? 50 : 60;
            ok({"log", "chore", "--member", "alex", "--at", monday(n) + " 18:00", "--for", std::to_string(alex) + "m"});
            ok({"log", "chore", "--member", "sam", "--at", monday(n) + " 19:00", "--for", std::to_string(100 - alex) + "m"});
        }
    }
    json week(int n) { return report({"--week", monday(n)}); }
    double balance(const json& report, const std::string& name) { return member(report, name)["balance_hours"].get<double>(); }
};

} // namespace

TEST_CASE("a split proposed changes nothing until accepted, then applies from its week and leaves earlier weeks as they were",
          "[e2e][agreements]") {
    changing_household home;
    const json early = home.week(5), late = home.week(11), span = home.report({"--last", "6w"});
    CHECK(home.balance(late, "alex") == Approx(0.17).margin(0.01)); // 60 of 100 minutes against 50%
    CHECK(home.balance(early, "alex") == Approx(0.0).margin(0.001));

    // alex proposes 60/40 from week 8: alex's consent is the proposal; sam has not answered.
    auto proposed = home.ok({"agree", "alex=60,sam=40", "--from", monday(8)}, {{"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(proposed.out, Catch::Contains("Proposed the split alex 60%, sam 40%, from the week of 28 Sep") &&
                                 Catch::Contains("when sam accepts"));
    CHECK(home.week(11)["members"] == late["members"]);
    CHECK(home.week(11)["drift"] == late["drift"]);
    CHECK_THAT(home.ok({"agree"}).out, Catch::Contains("waiting for sam"));

    // sam accepts: from week 8 the split is 60/40 and the load meets it.
    CHECK_THAT(home.ok({"agree", "--accept"}, {{"FAIRLY_MEMBER", "sam"}}).out,
               Catch::StartsWith("Agreed: the split is alex 60%, sam 40%, from the week of 28 Sep"));
    const json after = home.week(11);
    CHECK(home.member(after, "alex")["agreed_share"] == 0.6);
    CHECK(home.balance(after, "alex") == Approx(0.0).margin(0.001));
    CHECK(after["drift"]["alert"] == false);
    CHECK(after["band_alerts"].empty());
    // Earlier weeks keep the split they had, in their own report and in the trend.
    CHECK(home.week(5)["members"] == early["members"]);
    for (const json& row : after["trend"]) {
        const bool changed = row["from"].get<std::string>() >= monday(8);
        CHECK(row["agreed"]["alex"] == (changed ? 0.6 : 0.5));
        CHECK(row["balance_hours"]["alex"].get<double>() == Approx(0.0).margin(0.001));
    }
    // Six weeks across the change: each week its own split; the period says so.
    const json across = home.report({"--last", "6w"});
    REQUIRE(across["period"]["agreements"].size() == 2);
    CHECK(across["period"]["agreements"][0]["from"].is_null());
    CHECK(across["period"]["agreements"][1]["from"] == monday(8));
    // Weeks 7 to 12 (the last still empty): weighted by their load, 0.5 once and 0.6 four times.
    CHECK(home.member(across, "alex")["agreed_share"].get<double>() == Approx((0.5 + 4 * 0.6) / 5).margin(0.0001));
    CHECK(home.balance(across, "alex") == Approx(0.0).margin(0.001));
    CHECK(home.balance(span, "alex") == Approx(4 * 0.17).margin(0.02)); // before, against 50/50 all along
    CHECK_THAT(home.ok({"report", "--last", "6w"}).out, Catch::Contains("Your agreed split changed in this time (50/50, then 60/40 from the week of ") &&
                                                           !Catch::Contains(monday(8)));
    auto balance = home.ok({"balance", "--last", "6w", "--format", "json"}).out_json();
    CHECK(home.balance(balance, "alex") == Approx(0.0).margin(0.001));
}

TEST_CASE("a split is refused with the numbers, declined changes nothing, and history is not rewritten", "[e2e][agreements]") {
    household home("2026-11-25T12:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=50,sam=50"});
    auto short_of = home.fairly({"agree", "alex=70,sam=20", "--member", "alex"});
    CHECK(short_of.exit_code == 65);
    CHECK_THAT(short_of.err, Catch::Contains("the shares add up to 90 (alex 70 + sam 20), not 100"));
    auto missing = home.fairly({"agree", "alex=100", "--member", "alex"});
    CHECK(missing.exit_code == 65);
    CHECK_THAT(missing.err, Catch::Contains("missing: sam"));
    CHECK(home.fairly({"agree", "alex=60,kim=40"}).exit_code == 65);
    CHECK(home.fairly({"agree", "alex=60,sam=40", "--accept"}).exit_code == 64);

    home.ok({"agree", "alex=60,sam=40"}, {{"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(home.ok({"agree", "--decline"}, {{"FAIRLY_MEMBER", "sam"}}).out, Catch::StartsWith("Declined"));
    CHECK(home.ok({"agree"}).out == "The agreed split: alex 50%, sam 50% (the household's first agreement)\n");
    auto nothing = home.fairly({"agree", "--accept"}, {{"FAIRLY_MEMBER", "sam"}});
    CHECK(nothing.exit_code == 65);
    CHECK_THAT(nothing.err, Catch::Contains("no proposal is waiting"));

    // Agreed from this week, a later split cannot start before it.
    home.ok({"agree", "alex=60,sam=40"}, {{"FAIRLY_MEMBER", "alex"}});
    home.ok({"agree", "--accept"}, {{"FAIRLY_MEMBER", "sam"}});
    auto backdated = home.fairly({"agree", "alex=40,sam=60", "--from", "2026-11-01"}, {{"FAIRLY_MEMBER", "sam"}});
    CHECK(backdated.exit_code == 65);
    CHECK_THAT(backdated.err, Catch::Contains("the last agreement is in force from the week of 2026-11-23"));
    // Every proposal and answer is kept.
    const json shown = home.ok({"agree", "--json"}).out_json();
    REQUIRE(shown["history"].size() == 2);
    CHECK(shown["history"][0]["state"] == "agreed");
    CHECK(shown["history"][1]["state"] == "declined");
    CHECK(shown["in_force"]["shares"]["alex"] == 0.6);
}

TEST_CASE("turns follow a thing's own split, and are shared equally until one is agreed", "[e2e][agreements][turns]") {
    household home("2026-11-25T12:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=70,sam=30"});
    home.ok({"turn", "lie-in", "--member", "alex", "--at", "mon 08:00"});
    home.ok({"turn", "lie-in", "--member", "sam", "--at", "tue 08:00"});
    home.ok({"turn", "lie-in", "--member", "alex", "--at", "wed 08:00"});
    // 2 of 3 for alex: above an equal share, whatever the 70/30 of the load.
    json whose = home.ok({"whose-turn", "lie-in", "--json"}).out_json();
    CHECK(whose["next"] == "sam");
    CHECK(whose["members"][0]["agreed_share"] == 0.5);
    home.ok({"agree", "--thing", "lie-in", "alex=75,sam=25"}, {{"FAIRLY_MEMBER", "alex"}});
    home.ok({"agree", "--thing", "lie-in", "--accept"}, {{"FAIRLY_MEMBER", "sam"}});
    whose = home.ok({"whose-turn", "lie-in", "--json"}).out_json();
    CHECK(whose["next"] == "alex"); // 67% of turns against an agreed 75%
    CHECK(whose["members"][0]["agreed_share"] == 0.75);
    CHECK_THAT(home.ok({"agree", "--thing", "lie-in"}).out, Catch::StartsWith("The lie-in split: alex 75%, sam 25%"));
    // The load's split is its own.
    CHECK_THAT(home.ok({"agree"}).out, Catch::StartsWith("The agreed split: alex 70%, sam 30%"));
}

TEST_CASE("a week away raises no drift or band alert, and the report says who was away", "[e2e][agreements][away]") {
    household home(monday(14) + "T07:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    home.ok({"kind", "add", "chore", "--category", "household", "--per-hour", "1"});
    // Thirteen weeks of 50/50 with a little wobble, then a week sam was away and alex did it all.
    for (int n = 0; n < 14; ++n) {
        const int alex = n == 13 ? 100 : 50 + (n % 3) - 1;
        home.ok({"log", "chore", "--member", "alex", "--at", monday(n) + " 18:00", "--for", std::to_string(alex) + "m"});
        if (alex < 100) home.ok({"log", "chore", "--member", "sam", "--at", monday(n) + " 19:00", "--for", std::to_string(100 - alex) + "m"});
    }
    const json before = home.report({"--week", monday(13)});
    REQUIRE_FALSE(before["band_alerts"].empty()); // without the record, the week stands out
    CHECK(home.member(before, "alex")["balance_hours"].get<double>() == Approx(0.83).margin(0.01));

    auto recorded = home.ok({"away", "sam", "--from", monday(13), "--to", monday(13, 6), "--note", "work trip"}, {{"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(recorded.out, Catch::StartsWith("Recorded: sam away Mon 2 Nov to Sun 8 Nov (7 days): work trip"));
    const json after = home.report({"--week", monday(13)});
    CHECK(after["band_alerts"].empty());
    CHECK(after["drift"]["alert"] == false);
    CHECK(home.member(after, "alex")["agreed_share"] == 1.0);
    CHECK(home.member(after, "alex")["balance_hours"].get<double>() == Approx(0.0).margin(0.001));
    CHECK(home.member(after, "sam")["away_days"] == 7);
    CHECK_THAT(home.ok({"report", "--week", monday(13)}).out, Catch::Contains("Sam was away 7 days (work trip)"));
    // The weeks before are as they were; the split itself did not change.
    CHECK(home.report({"--week", monday(12)})["members"] == home.report({"--week", monday(12)})["members"]);
    CHECK_THAT(home.ok({"agree"}).out, Catch::StartsWith("The agreed split: alex 50%, sam 50%"));
    // Part of a week: three days away leave sam 4/7 of their half.
    home.ok({"away", "alex", "--from", monday(12), "--to", monday(12, 2)});
    const json partial = home.report({"--week", monday(12)});
    CHECK(home.member(partial, "alex")["agreed_share"].get<double>() == Approx(0.5 * 4 / 7 / (0.5 * 4 / 7 + 0.5)).margin(0.0001));
    CHECK(home.member(partial, "alex")["away_days"] == 3);
    auto backwards = home.fairly({"away", "sam", "--from", monday(13, 3), "--to", monday(13)});
    CHECK(backwards.exit_code == 65);
    CHECK_THAT(backwards.err, Catch::Contains("is before the first"));
}

TEST_CASE("fairly changes lists every kind of change, with who made it", "[e2e][agreements][changes]") {
    household home("2026-11-25T12:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
    const std::map<std::string, std::string> as_alex{{"FAIRLY_MEMBER", "alex"}}, as_sam{{"FAIRLY_MEMBER", "sam"}};
    home.ok({"kind", "edit", "night-feed", "--per-hour", "3"}, as_alex);
    home.ok({"agree", "--kind", "night-feed", "--accept"}, as_sam);
    home.ok({"night", "--from", "21:30", "--to", "05:30"}, as_sam);
    home.ok({"agree", "--night", "--accept"}, as_alex);
    home.ok({"drift", "--slack", "0.75"}, as_alex);
    home.ok({"protect", "sam", "--weekly", "3h"}, as_sam);
    home.ok({"slot", "add", "sam", "sat 09:00", "2h", "long run"}, as_sam);
    home.ok({"slot", "remove", "1"}, as_alex);
    home.ok({"member", "add", "sam", "--unix-user", "nobody"});
    home.ok({"agree", "alex=60,sam=40"}, as_alex);
    home.ok({"agree", "--accept"}, as_sam);
    home.ok({"away", "sam", "--from", "mon", "--to", "tue", "--note", "ill"}, as_alex);
    home.ok({"start", "cooking", "--member", "alex"});
    home.ok({"cancel", "--member", "alex"}, as_alex);
    const json changes = home.ok({"changes", "--json"}).out_json();
    std::vector<std::string> seen;
    for (const json& change : changes) seen.push_back(change["subject"].get<std::string>() + " " + change["name"].get<std::string>() + " by " +
                                                      (change["by"].is_string() ? change["by"].get<std::string>() : "root"));
    // A change by consent is one entry, by the one whose answer put it in force, naming who proposed it.
    const std::vector<std::string> expected{"kind night-feed by sam", "night night by alex", "drift settings by alex", "goal sam by sam",
                                            "slot #1 by sam",         "slot #1 by alex",     "binding sam by root",    "agreement load by sam",
                                            "away sam by alex",       "timer cooking by alex"};
    CHECK(seen == expected);
    const std::string text = home.ok({"changes"}).out;
    CHECK_THAT(text, Catch::Contains("alex  kind night-feed: points per hour 2 -> 3"));
    CHECK_THAT(text, Catch::Contains("alex  slot #1: removed (was long run, 2h, 09:00, Saturday, sam)"));
    CHECK_THAT(text, Catch::Contains("alex  kind night-feed: points per hour 2 -> 3 (proposed by alex, accepted by sam)\n"));
    CHECK_THAT(text, Catch::Contains("sam  night night: ") && Catch::Contains("(proposed by sam, accepted by alex)\n"));
    CHECK_THAT(text, Catch::Contains("alex  agreement load: ") && Catch::Contains("state agreed (proposed by alex, accepted by sam)\n"));
    CHECK(home.ok({"changes", "--since", "2030-01-01"}).out == "No changes to the household's settings since 2030-01-01.\n");
    // The week's report lists them.
    CHECK(home.report()["period"]["changes"].size() == changes.size());
}

TEST_CASE("a guess is hidden from the partner until the week ends, and shown beside the share after", "[e2e][agreements][guess][identity]") {
    require_root("create two Unix users");
    two_users home;
    const std::string wednesday = "2026-11-25T20:00:00Z";
    REQUIRE(home.alex(wednesday, {"log", "cooking", "--at", "18:00", "--for", "1h"}).exit_code == 0);
    REQUIRE(home.sam(wednesday, {"log", "night-feed", "--at", "2026-11-24 03:00", "--for", "30m"}).exit_code == 0);
    REQUIRE(home.alex(wednesday, {"guess", "70", "--night", "20"}).exit_code == 0);
    REQUIRE(home.sam(wednesday, {"guess", "50"}).exit_code == 0);
    CHECK_THAT(home.alex(wednesday, {"guess"}).out, Catch::StartsWith("alex's guess for the week of 23 Nov: 70% of the load, 20% of the nights"));
    // sam sees only sam's own; naming alex changes nothing for a bound user.
    const json theirs = home.sam(wednesday, {"guess", "--member", "alex", "--json"}).out_json();
    CHECK(theirs["member"] == "sam");
    CHECK(theirs["guesses"][0]["guess"] == 0.5);
    // While the week runs, no report shows a guess, to either partner.
    const json running = home.sam(wednesday, {"report", "--format", "json"}).out_json();
    for (const json& member : running["members"]) CHECK(member["guess"].is_null());
    CHECK_THAT(home.alex(wednesday, {"report"}).out, !Catch::Contains("guessed"));
    // Once it is over, the week's report shows each guess beside the record.
    const std::string monday = "2026-11-30T08:00:00Z";
    const json report = home.sam(monday, {"report", "--week", "2026-11-23", "--format", "json"}).out_json();
    for (const json& member : report["members"]) {
        if (member["name"] == "alex") {
            CHECK(member["guess"] == 0.7);
            CHECK(member["night_guess"] == 0.2);
            CHECK(member["night_share"] == 0.0);
        } else {
            CHECK(member["guess"] == 0.5);
            CHECK(member["night_guess"].is_null());
        }
    }
    const std::string text = home.alex(monday, {"report", "--week", "2026-11-23"}).out;
    CHECK_THAT(text, Catch::Contains("Of their own share, alex guessed 70% (the record shows ") && Catch::Contains("sam guessed 50%"));
    // The trend shows the guesses of the weeks that are over.
    const json trend = home.sam(monday, {"report", "--format", "json"}).out_json()["trend"];
    CHECK(trend.back()["guesses"].empty()); // this week: running
    CHECK(trend[trend.size() - 2]["guesses"]["alex"] == 0.7);
    CHECK_THAT(home.sam(monday, {"report"}).out, Catch::Contains("(guessed: alex 70% and sam 50%)"));
    CHECK(home.alex(monday, {"guess", "120"}).exit_code == 65);
}

TEST_CASE("rename and retire keep the history intact, and a goal can be removed", "[e2e][agreements][members]") {
    household home("2026-11-25T20:00:00Z");
    home.ok({"init", "--member", "alex", "--member", "sam", "--member", "jose", "--tz", "Europe/London", "--split", "alex=40,sam=40,jose=20"});
    home.ok({"log", "cooking", "--member", "alex", "--at", "mon 18:00", "--for", "1h"});
    home.ok({"log", "school-run", "--member", "sam", "--at", "tue 08:00", "--for", "40m"});
    home.ok({"log", "laundry", "--member", "jose", "--at", "wed 10:00", "--for", "30m"});
    home.ok({"protect", "sam", "--weekly", "2h"});
    const json before = home.report();

    CHECK_THAT(home.ok({"member", "rename", "sam", "samira"}).out, Catch::StartsWith("Renamed sam to samira"));
    const json renamed = home.report();
    CHECK(home.member(renamed, "samira")["points"] == home.member(before, "sam")["points"]);
    CHECK(home.member(renamed, "samira")["balance_hours"] == home.member(before, "sam")["balance_hours"]);
    CHECK(home.ok({"events", "--member", "samira", "--json"}).out_json().size() == 1);
    CHECK(home.fairly({"member", "rename", "alex", "jose"}).exit_code == 65);
    CHECK_THAT(home.ok({"protect"}).out, Catch::Contains("samira: none yet of 2h kept this week"));

    auto retired = home.ok({"member", "retire", "jose"});
    CHECK_THAT(retired.out, Catch::Contains("jose has left the household") && Catch::Contains("Proposed the split alex 50%, samira 50%"));
    // Their past stays: this week's figures are as they were.
    const json after = home.report();
    CHECK(home.member(after, "jose")["points"] == home.member(before, "jose")["points"]);
    CHECK(home.member(after, "jose")["agreed_share"] == 0.2); // the proposal is not in force yet
    auto refused = home.fairly({"log", "cooking", "--member", "jose"});
    CHECK(refused.exit_code == 65);
    CHECK_THAT(refused.err, Catch::Contains("jose has left the household"));
    // The split without them needs only those who stay.
    home.ok({"agree", "--accept"}, {{"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(home.ok({"agree", "--accept"}, {{"FAIRLY_MEMBER", "samira"}}).out, Catch::StartsWith("Agreed: the split is alex 50%, jose 0%, samira 50%"));
    CHECK(home.fairly({"agree", "alex=40,samira=40,jose=20"}, {{"FAIRLY_MEMBER", "alex"}}).exit_code == 65);

    CHECK_THAT(home.ok({"protect", "samira", "--off"}).out, Catch::StartsWith("Removed samira's protected-time goal"));
    CHECK(home.ok({"protect", "--json"}).out_json().empty());
    CHECK(home.fairly({"protect", "samira", "--off"}).exit_code == 65);
    std::vector<std::string> members_changed;
    for (const json& change : home.ok({"changes", "--json"}).out_json()) {
        if (change["subject"] == "member" || change["subject"] == "goal") members_changed.push_back(change["subject"].get<std::string>() + " " + change["name"].get<std::string>());
    }
    CHECK(members_changed == std::vector<std::string>{"goal sam", "member samira", "member jose", "goal samira"});
}

TEST_CASE("an export carries the agreements, time away, guesses and who left to a new household", "[e2e][agreements][transfer]") {
    household first("2026-11-30T08:00:00Z");
    first.ok({"init", "--member", "alex", "--member", "sam", "--member", "jose", "--tz", "Europe/London"});
    first.ok({"log", "cooking", "--member", "alex", "--at", "2026-11-24 18:00", "--for", "1h"});
    first.ok({"log", "laundry", "--member", "sam", "--at", "2026-11-25 18:00", "--for", "30m"});
    first.ok({"agree", "alex=50,sam=30,jose=20", "--from", "2026-11-23"}, {{"FAIRLY_MEMBER", "alex"}});
    for (const char* who : {"sam", "jose"}) first.ok({"agree", "--accept"}, {{"FAIRLY_MEMBER", who}});
    first.ok({"agree", "alex=40,sam=40,jose=20"}, {{"FAIRLY_MEMBER", "sam"}}); // still waiting
    first.ok({"away", "sam", "--from", "2026-11-26", "--to", "2026-11-27", "--note", "conference"});
    first.ok({"guess", "70"}, {{"FAIRLY_MEMBER", "alex"}, {"FAIRLY_NOW", "2026-11-25T12:00:00Z"}});
    first.ok({"member", "retire", "jose"});
    const auto file = first.dir.path() / "household.json";
    first.ok({"export", "-o", file.string()});

    household second("2026-11-30T08:00:00Z");
    second.ok({"import", file.string()});
    for (const std::vector<std::string>& asked : {std::vector<std::string>{"--week", "2026-11-23"}, {"--last", "3w"}}) {
        CHECK(second.report(asked)["members"] == first.report(asked)["members"]);
        CHECK(second.report(asked)["period"]["agreements"] == first.report(asked)["period"]["agreements"]);
    }
    const json before = first.ok({"agree", "--json"}).out_json(), after = second.ok({"agree", "--json"}).out_json();
    REQUIRE(after["history"].size() == before["history"].size());
    for (std::size_t i = 0; i < before["history"].size(); ++i) {
        CHECK(after["history"][i]["state"] == before["history"][i]["state"]);
        CHECK(after["history"][i]["shares"] == before["history"][i]["shares"]);
        CHECK(after["history"][i]["from"] == before["history"][i]["from"]);
    }
    CHECK(second.ok({"away", "--json"}).out_json() == first.ok({"away", "--json"}).out_json());
    CHECK(second.fairly({"log", "cooking", "--member", "jose"}).exit_code == 65); // still gone
    CHECK(second.ok({"export", "--format", "json"}).out_json()["guesses"] == first.ok({"export", "--format", "json"}).out_json()["guesses"]);
}

// ---------------------------------------------------------------- issue 31: weights and the night by consent

namespace {

/// alex and sam bound to two real Unix users, as `two_users`, with fairlyd's
/// own clock set to the time of each call: the change log keeps fairlyd's
/// time, never the caller's, so a story over weeks restarts fairlyd at each
/// new time (the record stays).
struct two_users_in_time {
    temp_dir dir;
    unix_user alex_user{"ca"};
    unix_user sam_user{"cs"};
    std::optional<daemon_process> daemon;
    std::string clock;

    two_users_in_time() {
        at("2026-11-23T08:00:00Z");
        REQUIRE(root({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}).exit_code == 0);
        REQUIRE(root({"member", "add", "alex", "--unix-user", alex_user.name()}).exit_code == 0);
        REQUIRE(root({"member", "add", "sam", "--unix-user", sam_user.name()}).exit_code == 0);
    }
    void at(const std::string& now) {
        if (now == clock) return;
        daemon.reset();
        daemon.emplace(dir.path(), std::vector<std::string>{}, std::map<std::string, std::string>{{"FAIRLY_NOW", now}});
        clock = now;
        open_to_others(dir.path(), daemon->socket());
    }
    run_result root(const std::vector<std::string>& args) { return run_fairly(dir.path(), daemon->socket(), args, {{"FAIRLY_NOW", clock}}); }
    run_result as(const unix_user& user, const std::string& now, const std::vector<std::string>& args) {
        at(now);
        return run_as(user, dir.path(), daemon->socket(), now, args);
    }
    run_result alex(const std::string& now, const std::vector<std::string>& args) { return as(alex_user, now, args); }
    run_result sam(const std::string& now, const std::vector<std::string>& args) { return as(sam_user, now, args); }
};

/// Both partners' points this week, as sam's report shows them.
std::map<std::string, double> points_now(two_users_in_time& home, const std::string& now) {
    const json report = home.sam(now, {"report", "--format", "json"}).out_json();
    std::map<std::string, double> points;
    for (const json& member : report["members"]) points[member["name"].get<std::string>()] = member["points"].get<double>();
    return points;
}

/// The changes of what consent governs (the set-up's bindings left out).
json consented(const json& changes) {
    json kept = json::array();
    for (const json& change : changes) {
        if (change["subject"] == "kind" || change["subject"] == "night" || change["subject"] == "agreement") kept.push_back(change);
    }
    return kept;
}

/// alex's school runs and sam's night feeds, this week (from Monday 23 Nov).
void log_week(two_users_in_time& home, const std::string& now) {
    for (const char* day : {"2026-11-23", "2026-11-24"}) {
        REQUIRE(home.alex(now, {"log", "school-run", "--at", std::string(day) + " 08:30", "--for", "40m"}).exit_code == 0);
        REQUIRE(home.sam(now, {"log", "night-feed", "--at", std::string(day) + " 03:00", "--for", "30m"}).exit_code == 0);
        REQUIRE(home.sam(now, {"log", "cooking", "--at", std::string(day) + " 18:00", "--for", "1h"}).exit_code == 0);
    }
}

} // namespace

TEST_CASE("a kind's weights changed by alex alone move no share until sam accepts", "[e2e][agreements][consent]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string now = "2026-11-25T12:00:00Z";
    log_week(home, now);
    const auto before = points_now(home, now);

    auto proposed = home.alex(now, {"kind", "edit", "school-run", "--per-hour", "0"});
    REQUIRE(proposed.exit_code == 0);
    CHECK(proposed.out ==
          "Proposed a change to school-run; it takes effect when sam accepts (`fairly agree --kind school-run --accept` or `--decline`).\n"
          "  now:      logistics, 1 points + 1.5 per hour, usually 30m\n"
          "  proposed: logistics, 1 points + 0 per hour, usually 30m\n");
    // Nothing moved: not the figures, not the kind.
    CHECK(points_now(home, now) == before);
    for (const json& kind : home.sam(now, {"kinds", "--json"}).out_json()) {
        if (kind["name"] == "school-run") CHECK(kind["points_per_hour"] == 1.5);
    }
    CHECK(consented(home.sam(now, {"changes", "--json"}).out_json()).empty());
    // sam sees it waiting, with the command to answer; the night is not touched by it.
    CHECK_THAT(home.sam(now, {"agree"}).out,
               Catch::Contains("Proposed by alex: school-run logistics, 1 points + 0 per hour, usually 30m (now logistics, 1 points + 1.5 per hour, "
                               "usually 30m); waiting for sam (`fairly agree --kind school-run --accept` or `--decline`).\n"));
    // alex cannot accept for sam: an answer is one's own (refused, not taken as alex's again).
    const auto for_sam = home.alex(now, {"agree", "--kind", "school-run", "--accept", "--member", "sam"});
    CHECK(for_sam.exit_code == 77);
    CHECK(for_sam.out.empty());
    CHECK(points_now(home, now) == before);

    // sam accepts: in force for the whole history, and said so.
    CHECK(home.sam(now, {"agree", "--kind", "school-run", "--accept"}).out ==
          "Agreed: school-run is now logistics, 1 points + 0 per hour, usually 30m; every week's figures use it.\n");
    const auto after = points_now(home, now);
    CHECK(after.at("alex") == Approx(2.0));          // two runs, a point each, nothing per hour now
    CHECK(before.at("alex") == Approx(2.0 + 2 * 1.5 * 40 / 60.0));
    CHECK(after.at("sam") == Approx(before.at("sam")));
    // `fairly changes` names who proposed and who accepted, once.
    const json changes = consented(home.alex(now, {"changes", "--json"}).out_json());
    REQUIRE(changes.size() == 1);
    CHECK(changes[0]["name"] == "school-run");
    CHECK(changes[0]["proposed_by"] == "alex");
    CHECK(changes[0]["accepted_by"] == json::array({"sam"}));
    CHECK(changes[0]["by"] == "sam");
    CHECK_THAT(home.alex(now, {"changes"}).out,
               Catch::EndsWith("  alex  kind school-run: points per hour 1.5 -> 0 (proposed by alex, accepted by sam)\n"));
    const std::string report = home.alex(now, {"report"}).out;
    CHECK_THAT(report, Catch::Contains("Changed this week: the kind school-run (proposed by alex, accepted by sam). "));
    CHECK_THAT(report, Catch::Contains("(last change: school-run, proposed by alex and accepted by sam, 25 Nov)"));
    CHECK_THAT(home.sam(now, {"agree"}).out, !Catch::Contains("waiting"));
    // Nothing is left to answer; a category between load categories moves no share and needs nobody.
    CHECK(home.sam(now, {"agree", "--kind", "school-run", "--accept"}).exit_code != 0);
    CHECK_THAT(home.sam(now, {"kind", "edit", "school-run", "--category", "care"}).out, Catch::StartsWith("Changed school-run"));
    CHECK(points_now(home, now) == after);
    // A kind added needs no consent either.
    CHECK_THAT(home.alex(now, {"kind", "add", "swimming", "--category", "logistics", "--points", "1"}).out, Catch::StartsWith("Added swimming"));
}

TEST_CASE("a kind's weights declined by sam leave every figure as it was", "[e2e][agreements][consent]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string now = "2026-11-25T12:00:00Z";
    log_week(home, now);
    const auto before = points_now(home, now);
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--per-hour", "5", "--night", "true"}).exit_code == 0);
    CHECK(home.sam(now, {"agree", "--kind", "cooking", "--decline"}).out ==
          "Declined: cooking keeps its weights. `fairly agree` shows what is waiting.\n");
    CHECK(points_now(home, now) == before);
    auto nothing = home.sam(now, {"agree", "--kind", "cooking", "--accept"});
    CHECK(nothing.exit_code == 65);
    CHECK_THAT(nothing.err, Catch::Contains("no change to cooking is waiting; `fairly agree` shows what is"));
    // The proposer may withdraw their own; a new proposal replaces one waiting.
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--points", "3"}).exit_code == 0);
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--points", "4"}).exit_code == 0);
    const json waiting = home.sam(now, {"agree", "--json"}).out_json()["settings"];
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0]["after"]["points"] == 4.0);
    CHECK(home.alex(now, {"agree", "--kind", "cooking", "--decline"}).out == "Withdrawn: cooking keeps its weights.\n");
    CHECK(points_now(home, now) == before);
    CHECK(consented(home.sam(now, {"changes", "--json"}).out_json()).empty());
    CHECK_THAT(home.sam(now, {"report"}).out, !Catch::Contains("Changed this week"));
}

TEST_CASE("an answer to a proposal is one's own: alex cannot accept the split or a weight for sam", "[e2e][agreements][consent][identity]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string now = "2026-11-25T12:00:00Z";
    log_week(home, now);
    const auto before = points_now(home, now);
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--per-hour", "5"}).exit_code == 0);
    REQUIRE(home.alex(now, {"agree", "alex=60,sam=40"}).exit_code == 0);
    for (const std::vector<std::string>& as_sam : std::vector<std::vector<std::string>>{
             {"agree", "--kind", "cooking", "--accept", "--member", "sam"}, {"agree", "--accept", "--member", "sam"}}) {
        const auto refused = home.alex(now, as_sam);
        INFO(refused.err);
        CHECK(refused.exit_code == 77);
        CHECK_THAT(refused.err, Catch::Contains("an answer to a proposal is one's own: you are alex, so you cannot give one as sam"));
    }
    // Still waiting for sam, and nothing moved.
    const json waiting = home.sam(now, {"agree", "--json"}).out_json();
    REQUIRE(waiting["settings"].size() == 1);
    CHECK(waiting["settings"][0]["awaiting"] == json::array({"sam"}));
    CHECK(points_now(home, now) == before);
    CHECK_THAT(home.sam(now, {"agree"}).out, Catch::StartsWith("The agreed split: alex 50%, sam 50%") && Catch::Contains("waiting for sam"));
}

TEST_CASE("the night window changed by alex alone moves no share until sam accepts, and declined moves nothing", "[e2e][agreements][consent]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string now = "2026-11-25T12:00:00Z";
    log_week(home, now);
    const auto before = points_now(home, now);
    const json night_before = home.sam(now, {"report", "--format", "json"}).out_json()["members"];

    auto proposed = home.alex(now, {"night", "--from", "02:00", "--to", "03:15", "--multiplier", "3"});
    REQUIRE(proposed.exit_code == 0);
    CHECK(proposed.out == "Proposed the night 02:00 to 03:15, x3 (now 22:00 to 06:00, x1.5); it takes effect when sam accepts "
                          "(`fairly agree --night --accept` or `--decline`).\n");
    CHECK(home.sam(now, {"night", "--json"}).out_json() == json{{"from", "22:00"}, {"to", "06:00"}, {"multiplier", 1.5}});
    CHECK(home.sam(now, {"report", "--format", "json"}).out_json()["members"] == night_before);
    CHECK_THAT(home.sam(now, {"agree"}).out, Catch::Contains("Proposed by alex: the night 02:00 to 03:15, x3 (now 22:00 to 06:00, x1.5); waiting for "
                                                             "sam (`fairly agree --night --accept` or `--decline`).\n"));
    CHECK(home.sam(now, {"agree", "--night", "--decline"}).out == "Declined: the night stays as it is. `fairly agree` shows what is waiting.\n");
    CHECK(home.sam(now, {"report", "--format", "json"}).out_json()["members"] == night_before);

    REQUIRE(home.alex(now, {"night", "--from", "02:00", "--to", "03:15", "--multiplier", "3"}).exit_code == 0);
    CHECK(home.sam(now, {"agree", "--night", "--accept"}).out == "Agreed: the night is now 02:00 to 03:15, x3; every week's figures use it.\n");
    CHECK(home.sam(now, {"night", "--json"}).out_json()["from"] == "02:00");
    // sam's feeds at 03:00-03:30: 15 minutes each in the new window, at x3.
    const auto after = points_now(home, now);
    CHECK(after.at("alex") == Approx(before.at("alex")));
    CHECK(after.at("sam") == Approx(before.at("sam") - 2 * 2 * 0.5 * 1.5 + 2 * 2 * (0.25 * 3 + 0.25)));
    const json changes = consented(home.sam(now, {"changes", "--json"}).out_json());
    REQUIRE(changes.size() == 1);
    CHECK(changes[0]["subject"] == "night");
    CHECK(changes[0]["proposed_by"] == "alex");
    CHECK(changes[0]["accepted_by"] == json::array({"sam"}));
    CHECK_THAT(home.alex(now, {"report"}).out, Catch::Contains("Changed this week: the night window (proposed by alex, accepted by sam). "));
}

TEST_CASE("the change line names proposer and accepter once per change", "[e2e][agreements][consent][changes]") {
    require_root("create two Unix users");
    two_users_in_time home;
    // alex proposes in one week, proposes again the next (the first is withdrawn), sam accepts in the third.
    REQUIRE(home.alex("2026-11-25T12:00:00Z", {"agree", "alex=60,sam=40"}).exit_code == 0);
    REQUIRE(home.alex("2026-12-02T12:00:00Z", {"agree", "alex=55,sam=45"}).exit_code == 0);
    REQUIRE(home.sam("2026-12-09T12:00:00Z", {"agree", "--accept"}).exit_code == 0);
    const std::string now = "2026-12-10T12:00:00Z";
    const std::string report = home.alex(now, {"report", "--last", "3w"}).out;
    CHECK_THAT(report, Catch::Contains("the agreed split (proposed by alex, accepted by sam). `fairly changes` has who"));
    std::size_t lines = 0;
    for (std::size_t at = report.find("the agreed split ("); at != std::string::npos; at = report.find("the agreed split (", at + 1)) ++lines;
    CHECK(lines == 1);
    CHECK_THAT(report, !Catch::Contains("(by sam)") && !Catch::Contains("(by alex)"));
    const json period = consented(home.alex(now, {"report", "--last", "3w", "--format", "json"}).out_json()["period"]["changes"]);
    REQUIRE(period.size() == 1);
    CHECK(period[0]["proposed_by"] == "alex");
    CHECK(period[0]["accepted_by"] == json::array({"sam"}));
    // `fairly changes`: the change in force once, naming both; its own proposal is not a second line.
    const std::string changes = home.sam(now, {"changes"}).out;
    CHECK_THAT(changes, Catch::Contains("  alex  agreement load: from Mon 30 Nov 2026; shares alex 50%, sam 50% -> alex 55%, sam 45%; state agreed "
                                        "(proposed by alex, accepted by sam)\n"));
    CHECK_THAT(changes, !Catch::Contains("alex 55%, sam 45%; state proposed"));
    // Each week's report names only what came into force in it.
    CHECK_THAT(home.alex(now, {"report", "--week", "2026-11-30"}).out, !Catch::Contains("Changed this week"));
}

// ---------------------------------------------------------------- a proposal waits for an answer, told once, answered plainly

TEST_CASE("a proposal waiting for sam is a reminder to sam once, never to alex who proposed it, and none once it is decided",
          "[e2e][agreements][consent][remind]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string monday = "2026-11-23T10:00:00Z";
    REQUIRE(home.alex(monday, {"kind", "edit", "school-run", "--per-hour", "0"}).exit_code == 0);
    REQUIRE(home.alex(monday, {"agree", "alex=60,sam=40"}).exit_code == 0);
    const auto cron = [&](const unix_user& user) {
        auto result = home.as(user, monday, {"remind"});
        INFO("fairly remind as " << user.name() << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        return result.out;
    };
    CHECK(cron(home.alex_user).empty());
    CHECK(cron(home.sam_user) ==
          "alex proposed the split alex 60%, sam 40%, from the week of 23 Nov (today 10:00); it waits for your answer: "
          "`fairly agree --accept` or `--decline`.\n"
          "alex proposed a change to school-run (today 10:00); it waits for your answer: "
          "`fairly agree --kind school-run --accept` or `--decline`, and `fairly agree` shows it.\n");
    CHECK(cron(home.sam_user).empty()); // given once
    // The command it gives works as written.
    CHECK_THAT(home.sam(monday, {"agree", "--kind", "school-run", "--accept"}).out, Catch::StartsWith("Agreed: school-run is now"));

    // A new proposal of the night, withdrawn before sam's cron runs: nothing to say once it is decided.
    REQUIRE(home.alex(monday, {"night", "--from", "21:30"}).exit_code == 0);
    CHECK(home.alex(monday, {"agree", "--night", "--decline"}).out == "Withdrawn: the night stays as it is.\n");
    CHECK(cron(home.sam_user).empty());
    REQUIRE(home.sam(monday, {"night", "--to", "07:00"}).exit_code == 0);
    CHECK(cron(home.sam_user).empty());
    CHECK(cron(home.alex_user) == "sam proposed a change to the night (today 10:00); it waits for your answer: "
                                  "`fairly agree --night --accept` or `--decline`, and `fairly agree` shows it.\n");
    CHECK(cron(home.alex_user).empty());
}

TEST_CASE("a bare agree --accept answers the one change of weights or the night waiting, and names each when several wait",
          "[e2e][agreements][consent]") {
    require_root("create two Unix users");
    two_users_in_time home;
    const std::string now = "2026-11-25T12:00:00Z";
    auto nothing = home.sam(now, {"agree", "--accept"});
    CHECK(nothing.exit_code == 65);
    CHECK_THAT(nothing.err, Catch::Contains("no proposal is waiting for your answer; `fairly agree` shows the split in force and what is waiting"));

    REQUIRE(home.alex(now, {"kind", "edit", "school-run", "--per-hour", "0"}).exit_code == 0);
    REQUIRE(home.alex(now, {"night", "--from", "21:30"}).exit_code == 0);
    auto several = home.sam(now, {"agree", "--accept"});
    CHECK(several.exit_code == 65);
    CHECK_THAT(several.err, Catch::Contains("2 changes are waiting for your answer; answer one at a time: "
                                            "`fairly agree --kind school-run --accept` (school-run) or `fairly agree --night --accept` (the night)"));
    CHECK_THAT(home.sam(now, {"agree", "--decline"}).err, Catch::Contains("`fairly agree --night --decline` (the night)"));
    // Nothing moved; alex's own proposals wait for sam, not for alex.
    CHECK(home.sam(now, {"agree", "--json"}).out_json()["settings"].size() == 2);
    CHECK_THAT(home.alex(now, {"agree", "--accept"}).err, Catch::Contains("no proposal is waiting for your answer"));

    // One left: a bare answer is that one's, and says which.
    CHECK(home.sam(now, {"agree", "--night", "--accept"}).out == "Agreed: the night is now 21:30 to 06:00, x1.5; every week's figures use it.\n");
    CHECK(home.sam(now, {"agree", "--accept"}).out ==
          "Agreed: school-run is now logistics, 1 points + 0 per hour, usually 30m; every week's figures use it.\n");
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--points", "2"}).exit_code == 0);
    CHECK(home.sam(now, {"agree", "--decline"}).out == "Declined: cooking keeps its weights. `fairly agree` shows what is waiting.\n");

    // A split waiting comes first, as before.
    REQUIRE(home.alex(now, {"agree", "alex=60,sam=40"}).exit_code == 0);
    REQUIRE(home.alex(now, {"kind", "edit", "cooking", "--points", "3"}).exit_code == 0);
    CHECK_THAT(home.sam(now, {"agree", "--accept"}).out, Catch::StartsWith("Agreed: the split is alex 60%, sam 40%"));
    const json answered = home.sam(now, {"agree", "--accept", "--json"}).out_json();
    CHECK(answered["name"] == "cooking");
    CHECK(answered["state"] == "agreed");
}

namespace {

/// alex and sam bound to real Unix users, kim not bound (root answers for
/// kim), agreed 40/40/20; fairlyd's clock at each call's time, as above.
struct three_in_time {
    temp_dir dir;
    unix_user alex_user{"ka"};
    unix_user sam_user{"ks"};
    std::optional<daemon_process> daemon;
    const std::string clock = "2026-11-25T12:00:00Z";

    three_in_time() {
        daemon.emplace(dir.path(), std::vector<std::string>{}, std::map<std::string, std::string>{{"FAIRLY_NOW", clock}});
        open_to_others(dir.path(), daemon->socket());
        REQUIRE(root({"init", "--member", "alex", "--member", "sam", "--member", "kim", "--tz", "Europe/London", "--split",
                      "alex=40,sam=40,kim=20"}).exit_code == 0);
        REQUIRE(root({"member", "add", "alex", "--unix-user", alex_user.name()}).exit_code == 0);
        REQUIRE(root({"member", "add", "sam", "--unix-user", sam_user.name()}).exit_code == 0);
    }
    run_result root(const std::vector<std::string>& args) { return run_fairly(dir.path(), daemon->socket(), args, {{"FAIRLY_NOW", clock}}); }
    run_result as(const unix_user& user, const std::vector<std::string>& args) { return run_as(user, dir.path(), daemon->socket(), clock, args); }
    run_result alex(const std::vector<std::string>& args) { return as(alex_user, args); }
    run_result sam(const std::vector<std::string>& args) { return as(sam_user, args); }
};

} // namespace

TEST_CASE("a member who leaves while only their answer is missing is waited for no more, and what the others accepted comes into force",
          "[e2e][agreements][consent][members]") {
    require_root("create two Unix users");
    three_in_time home;
    // Each waits only for kim: sam has accepted what alex proposed.
    REQUIRE(home.alex({"agree", "--thing", "lie-in", "alex=50,sam=50,kim=0"}).exit_code == 0);
    REQUIRE(home.sam({"agree", "--thing", "lie-in", "--accept"}).exit_code == 0);
    REQUIRE(home.alex({"agree", "--thing", "gym-slot", "alex=30,sam=30,kim=40"}).exit_code == 0);
    REQUIRE(home.sam({"agree", "--thing", "gym-slot", "--accept"}).exit_code == 0);
    REQUIRE(home.alex({"kind", "edit", "school-run", "--per-hour", "0"}).exit_code == 0);
    CHECK(home.sam({"agree", "--accept"}).out == "Accepted the change to school-run; it takes effect when kim accepts.\n");
    // The night waits for sam too: it keeps waiting.
    REQUIRE(home.alex({"night", "--from", "21:30"}).exit_code == 0);

    auto retired = home.root({"member", "retire", "kim"});
    REQUIRE(retired.exit_code == 0);
    CHECK_THAT(retired.out, Catch::Contains("Everyone who stays had accepted the lie-in split alex 50%, sam 50%, from the week of 23 Nov; "
                                            "it is in force now.\n"));
    CHECK_THAT(retired.out, Catch::Contains("The proposed gym-slot split alex 30%, kim 40%, sam 30%, from the week of 23 Nov gave kim a share, "
                                            "so it is withdrawn; propose another with `fairly agree`.\n"));
    CHECK_THAT(retired.out, Catch::Contains("Everyone who stays had accepted the change to school-run; it is in force now.\n"));
    CHECK_THAT(retired.out, !Catch::Contains("the night"));

    CHECK(home.sam({"agree", "--thing", "lie-in", "--json"}).out_json()["in_force"]["shares"]["alex"] == 0.5);
    CHECK(home.sam({"agree", "--thing", "gym-slot", "--json"}).out_json()["proposal"].is_null());
    for (const json& kind : home.sam({"kinds", "--json"}).out_json()) {
        if (kind["name"] == "school-run") CHECK(kind["points_per_hour"] == 0.0);
    }
    CHECK_THAT(home.sam({"changes"}).out, Catch::Contains("kind school-run: points per hour 1.5 -> 0 (proposed by alex, accepted by sam)\n"));
    // What still waits for someone who stays keeps waiting, for them alone.
    const json settings = home.sam({"agree", "--json"}).out_json()["settings"];
    REQUIRE(settings.size() == 1);
    CHECK(settings[0]["subject"] == "night");
    CHECK(settings[0]["awaiting"] == json::array({"sam"}));
}
