// End to end: a CLI that forgives a tired parent at 3 a.m. (issue 17). Slips
// answered with the nearest thing, times as people type them, an entry logged
// twice noticed, one word for one thing, names in any letters; each through
// the real fairly and a real fairlyd on a temporary socket.
#include "household.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace fairly::test;

namespace {

// Wednesday 25 November 2026, 03:05 in London (UTC in winter): a night feed's hour.
const std::string three_am = "2026-11-25T03:05:00Z";

/// alex and sam, agreed 50/50, in London; the clock at 03:05.
struct night_household : household {
    night_household() : household(three_am) {
        ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=50,sam=50"});
    }
    run_result as_alex(std::vector<std::string> args) { return fairly(args, {{"FAIRLY_MEMBER", "alex"}}); }
};

} // namespace

TEST_CASE("an unknown kind, member or role answers with the nearest, and names match whatever the case", "[e2e][forgiving]") {
    night_household home;
    auto kind = home.as_alex({"log", "nightfeed", "--for", "20m"});
    CHECK(kind.exit_code == 65);
    CHECK(kind.err == "fairly: no kind nightfeed; did you mean night-feed?\n");
    CHECK(kind.out.empty());

    auto far = home.as_alex({"log", "gardening"});
    CHECK(far.exit_code == 65);
    CHECK(far.err == "fairly: no kind gardening; `fairly kinds` lists the catalogue\n");

    auto member = home.fairly({"log", "cooking", "--member", "smа"}); // a Cyrillic а, as a phone keyboard may give
    CHECK(member.exit_code == 65);
    CHECK_THAT(member.err, Catch::StartsWith("fairly: no member smа"));
    auto near_member = home.fairly({"log", "cooking", "--member", "sma"});
    CHECK(near_member.exit_code == 65);
    CHECK(near_member.err == "fairly: no member sma; did you mean sam?\n");

    auto role = home.as_alex({"log", "planning", "--role", "plannd"});
    CHECK(role.exit_code == 65);
    CHECK(role.err == "fairly: role: no role plannd; did you mean planned?\n");

    // Case does not matter for kinds, members and roles: the record keeps the household's spelling.
    json logged = home.ok({"log", "Night-Feed", "--member", "SAM", "--role", "Did", "--at", "02:10", "--for", "20m", "--json"}).out_json();
    CHECK(logged["kind"] == "night-feed");
    CHECK(logged["member"] == "sam");
    CHECK(logged["role"] == "did");

    // The same in every command that names a kind or a member.
    home.ok({"kind", "edit", "Night-Feed", "--per-hour", "3"}, {{"FAIRLY_MEMBER", "alex"}});
    home.ok({"agree", "--kind", "NIGHT-feed", "--accept"}, {{"FAIRLY_MEMBER", "sam"}});
    CHECK_THAT(home.ok({"kind", "history", "NIGHT-FEED"}).out, Catch::Contains("night-feed"));
    CHECK_THAT(home.ok({"away", "Sam", "--from", "mon", "--to", "tue"}, {{"FAIRLY_MEMBER", "alex"}}).out, Catch::StartsWith("Recorded: sam away"));
    home.ok({"start", "Night-Feed"}, {{"FAIRLY_MEMBER", "alex"}});
    auto stop = home.as_alex({"stop", "nightfed"});
    CHECK(stop.exit_code == 65);
    CHECK(stop.err == "fairly: no nightfed timer is running; did you mean night-feed?\n");
    CHECK(home.as_alex({"cancel", "NIGHT-FEED"}).exit_code == 0);
}

TEST_CASE("an unknown command or option answers with the nearest one", "[e2e][forgiving]") {
    night_household home;
    auto command = home.fairly({"lgo", "night-feed"});
    CHECK(command.exit_code == 64);
    CHECK(command.err == "fairly: unknown command lgo; did you mean log?\n");
    CHECK(command.out.empty());

    auto nothing_near = home.fairly({"xyzzy"});
    CHECK(nothing_near.exit_code == 64);
    CHECK(nothing_near.err == "fairly: unknown command xyzzy; `fairly --help` lists the commands\n");

    auto sub = home.fairly({"kind", "ad", "swimming"});
    CHECK(sub.exit_code == 64);
    CHECK(sub.err == "fairly: unknown command kind ad; did you mean kind add?\n");

    auto option = home.as_alex({"log", "night-feed", "--att", "02:00"});
    CHECK(option.exit_code == 64);
    CHECK(option.err == "fairly: unknown option --att for log; did you mean --at?\n");

    // A command in capitals is the command.
    CHECK(home.as_alex({"LOG", "cooking"}).exit_code == 0);
}

TEST_CASE("whose-turn of a thing nobody took a turn at says so, with the nearest thing, and no standing", "[e2e][forgiving]") {
    night_household home;
    home.ok({"turn", "lie-in", "--member", "alex", "--at", "mon 08:00"});
    auto typo = home.fairly({"whose-turn", "liein"});
    CHECK(typo.exit_code == 65);
    CHECK(typo.err == "fairly: no turns at liein yet; did you mean lie-in?\n");
    CHECK(typo.out.empty()); // not "0 of the last 0"

    auto unknown = home.fairly({"whose-turn", "gym-slot"});
    CHECK(unknown.exit_code == 65);
    CHECK(unknown.err == "fairly: no turns at gym-slot yet; `fairly turn gym-slot` records the first\n");

    // The known thing, whatever the case, has its standing.
    auto known = home.ok({"whose-turn", "Lie-In"});
    CHECK_THAT(known.out, Catch::Contains("sam's turn"));
}

TEST_CASE("times as people type them, and a clock time a few minutes ahead is asked about", "[e2e][forgiving]") {
    night_household home;
    json three = home.as_alex({"log", "night-feed", "--at", "3am", "--for", "5m", "--json"}).out_json();
    CHECK(three["start"] == "2026-11-25T03:00:00+00:00");
    json ten_past = home.fairly({"log", "night-feed", "--member", "sam", "--at", "2:10am", "--for", "5m", "--json"}).out_json();
    CHECK(ten_past["start"] == "2026-11-25T02:10:00+00:00");
    json evening = home.as_alex({"log", "bedtime", "--at", "yesterday 7pm", "--json"}).out_json();
    CHECK(evening["start"] == "2026-11-24T19:00:00+00:00");
    json nine_pm = home.as_alex({"log", "cooking", "--at", "9pm", "--json"}).out_json();
    CHECK(nine_pm["start"] == "2026-11-24T21:00:00+00:00"); // the latest 9 pm that has passed

    // 03:10 at 03:05 is far likelier a slip than last night: asked, not guessed.
    auto ahead = home.as_alex({"log", "night-feed", "--at", "03:10", "--for", "20m"});
    CHECK(ahead.exit_code == 65);
    CHECK(ahead.err == "fairly: 03:10 is 5 minutes from now; for last night use --at 'yesterday 03:10'\n");
    json last_night = home.as_alex({"log", "night-feed", "--at", "yesterday 03:10", "--for", "20m", "--json"}).out_json();
    CHECK(last_night["start"] == "2026-11-24T03:10:00+00:00");

    // Not a time at all: the forms that are.
    auto bad = home.as_alex({"log", "night-feed", "--at", "half three"});
    CHECK(bad.exit_code == 64);
    CHECK_THAT(bad.err, Catch::Contains("\"half three\" is not a time; use now, 03:10, 3:10am, 9pm"));

    // "in 10m" where a time ahead makes sense, and only those forms in a slot's error.
    auto slot = home.ok({"slot", "add", "sam", "sat 9am", "2h", "long run", "--json"}).out_json();
    CHECK(slot["time"] == "09:00");
    CHECK(slot["weekday"] == "Saturday");
    auto soon = home.ok({"slot", "add", "alex", "in 10m", "30m", "nap", "--json"}).out_json();
    CHECK(soon["time"] == "03:15");
    auto bad_slot = home.fairly({"slot", "add", "sam", "yesterday 9am", "2h", "long run"});
    CHECK(bad_slot.exit_code == 65);
    CHECK(bad_slot.err == "fairly: when: \"yesterday 9am\" is not a weekly time; use a weekday and a time, e.g. \"sat 09:00\", \"sat 9am\" or \"in 10m\"\n");
    auto reminders = home.fairly({"remind", "--member", "alex", "--within", "in 15m", "--dry-run"});
    CHECK(reminders.exit_code == 0);
    CHECK_THAT(reminders.out, Catch::Contains("nap"));
}

TEST_CASE("a split is read with percent signs", "[e2e][forgiving]") {
    household home(three_am);
    home.ok({"init", "--member", "zoe", "--member", "sam", "--tz", "Europe/London", "--split", "zoe=60%,sam=40%"});
    json agreed = home.ok({"agree", "--json"}).out_json();
    CHECK(agreed["in_force"]["shares"]["zoe"] == 0.6);
    home.ok({"guess", "65%", "--night", "40%"}, {{"FAIRLY_MEMBER", "zoe"}});
    json proposed = home.ok({"member", "add", "kim", "--share", "20%", "--json"}).out_json();
    CHECK(proposed.dump().find("0.2") != std::string::npos);
    auto bad = home.fairly({"agree", "zoe=sixty,sam=40"}, {{"FAIRLY_MEMBER", "zoe"}});
    CHECK(bad.exit_code == 64);
    CHECK(bad.err == "fairly: split: \"sixty\" is not a percentage; write it as 60 or 60%, e.g. zoe=60\n");
}

TEST_CASE("the same entry logged twice in a few minutes is logged, and noticed", "[e2e][forgiving]") {
    night_household home;
    json first = home.as_alex({"log", "night-feed", "--at", "02:30", "--for", "30m", "--json"}).out_json();
    auto second = home.as_alex({"log", "night-feed", "--at", "02:40", "--for", "20m"});
    REQUIRE(second.exit_code == 0);
    const std::string first_id = std::to_string(first["id"].get<int>());
    const std::string second_id = std::to_string(first["id"].get<int>() + 1);
    CHECK_THAT(second.out, Catch::StartsWith("Logged #" + second_id + " night-feed for alex"));
    CHECK_THAT(second.out, Catch::Contains("looks like #" + first_id + ", logged just now; `fairly void " + second_id +
                                           " --reason 'logged twice'` if so"));
    CHECK(home.ok({"events", "--json"}).out_json().size() == 2); // both kept: it may really have been two

    // Not the same: another member, another kind, or a time apart.
    CHECK_THAT(home.fairly({"log", "night-feed", "--member", "sam", "--at", "02:30", "--for", "30m"}).out, !Catch::Contains("looks like"));
    CHECK_THAT(home.as_alex({"log", "bedtime", "--at", "02:30", "--for", "30m"}).out, !Catch::Contains("looks like"));
    CHECK_THAT(home.as_alex({"log", "night-feed", "--at", "01:00", "--for", "20m"}).out, !Catch::Contains("looks like"));
}

TEST_CASE("the entry a log looks like is the newest that overlaps it, past newer ones that do not, never a voided one",
          "[e2e][forgiving]") {
    night_household home;
    const auto id_of = [](const json& event) { return std::to_string(event["id"].get<int>()); };
    const std::string feed = id_of(home.as_alex({"log", "night-feed", "--at", "02:30", "--for", "30m", "--json"}).out_json());
    const std::string earlier = id_of(home.as_alex({"log", "night-feed", "--at", "01:00", "--for", "20m", "--json"}).out_json());
    // The newest entry (01:00-01:20) does not overlap 02:40; the one before it does.
    auto again = home.as_alex({"log", "night-feed", "--at", "02:40", "--for", "20m"});
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("looks like #" + feed + ", logged just now"));
    const std::string again_id = std::to_string(std::stoi(earlier) + 1);
    // Voided entries are not what a new one looks like, however close.
    home.ok({"void", feed, "--reason", "logged twice"});
    home.ok({"void", again_id, "--reason", "logged twice"});
    CHECK_THAT(home.as_alex({"log", "night-feed", "--at", "02:50", "--for", "5m"}).out, !Catch::Contains("looks like"));
}

TEST_CASE("who acts is --member in every command, a thanks needs no note, edit takes --reason", "[e2e][forgiving]") {
    night_household home;
    auto thanks = home.ok({"thanks", "sam", "--member", "alex"});
    CHECK(thanks.out == "Thanks from alex to sam noted.\n");
    auto with_note = home.ok({"thanks", "alex", "got up twice so I could sleep", "--from", "sam"}); // --from stays an alias
    CHECK(with_note.out == "Thanks from sam to alex noted: got up twice so I could sleep\n");
    json listed = home.ok({"thanks", "--json"}).out_json();
    CHECK(listed.size() == 2);

    json logged = home.as_alex({"log", "night-feed", "--at", "02:00", "--for", "20m", "--json"}).out_json();
    const std::string id = std::to_string(logged["id"].get<int>());
    auto edited = home.as_alex({"edit", id, "--for", "35m", "--reason", "it ran longer"});
    REQUIRE(edited.exit_code == 0);
    CHECK_THAT(edited.out, Catch::StartsWith("Corrected #" + id + " (it ran longer; kept in the history as superseded): now #"));
    json all = home.ok({"events", "--all", "--json"}).out_json();
    REQUIRE(all.size() == 2);
    CHECK(all[0]["status"] == "superseded");
    CHECK(all[0]["void_reason"] == "it ran longer");
    const std::string current = std::to_string(all[1]["id"].get<int>());

    // Editing or voiding the superseded one names the one that counts now.
    auto again = home.as_alex({"edit", id, "--for", "40m"});
    CHECK(again.exit_code == 65);
    CHECK(again.err == "fairly: event #" + id + " was corrected already; #" + current + " is the current one: correct that one with `fairly edit " +
                           current + " …`\n");
    auto void_old = home.as_alex({"void", id, "--reason", "logged twice"});
    CHECK(void_old.exit_code == 65);
    CHECK(void_old.err == "fairly: event #" + id + " was corrected; #" + current + " is the current one: `fairly void " + current +
                              " --reason \"logged twice\"`\n");
}

TEST_CASE("members and kinds may use any letters, limited in characters", "[e2e][forgiving]") {
    household home(three_am);
    home.ok({"init", "--member", "Zoë", "--member", "José", "--tz", "Europe/London"});
    json logged = home.ok({"log", "cooking", "--member", "zoë", "--json"}).out_json();
    CHECK(logged["member"] == "Zoë");
    home.ok({"kind", "add", "zoë-swim", "--category", "logistics", "--points", "1"});
    json swim = home.ok({"log", "Zoë-Swim", "--member", "josé", "--json"}).out_json();
    CHECK(swim["kind"] == "zoë-swim");
    CHECK(swim["member"] == "José");
    auto near = home.fairly({"log", "cooking", "--member", "zoe"});
    CHECK(near.err == "fairly: no member zoe; did you mean Zoë?\n");

    std::string forty;
    for (int i = 0; i < 40; ++i) forty += "ë";
    home.ok({"kind", "add", forty, "--category", "household"});
    auto long_name = home.fairly({"kind", "add", forty + "ë", "--category", "household"});
    CHECK(long_name.exit_code == 65);
    CHECK_THAT(long_name.err, Catch::Contains("1-40 letters (in any alphabet)"));
    auto same_but_case = home.fairly({"member", "add", "zoë"});
    CHECK(same_but_case.exit_code == 65);
    CHECK_THAT(same_but_case.err, Catch::Contains("differ only in case"));
}

TEST_CASE("small consistencies: exit codes in --help, what -o wrote and why it could not, a long note", "[e2e][forgiving]") {
    night_household home;
    auto help = home.ok({"--help"});
    for (const char* code : {"0 ok", "64 usage", "65 refused input", "69 fairlyd not running", "74 not stored", "75 busy", "77 not allowed"}) {
        CHECK_THAT(help.out, Catch::Contains(code));
    }

    const auto dir = home.dir.path();
    auto exported = home.ok({"export", "-o", (dir / "household.json").string()});
    CHECK(exported.err == "fairly: wrote " + (dir / "household.json").string() + "\n");
    auto nowhere = home.fairly({"report", "-o", (dir / "no-such-dir" / "r.html").string(), "--format", "html"});
    CHECK(nowhere.exit_code == 74);
    CHECK(nowhere.err == "fairly: cannot write " + (dir / "no-such-dir" / "r.html").string() +
                             ": No such file or directory (make the folder first, or choose another path)\n");
    auto export_nowhere = home.fairly({"export", "-o", (dir / "no-such-dir" / "h.json").string()});
    CHECK(export_nowhere.exit_code == 74);
    CHECK_THAT(export_nowhere.err, Catch::Contains("No such file or directory"));

    // A note far over the request limit gets the note-length message.
    auto long_note = home.as_alex({"log", "cooking", "--note", std::string(70000, 'x')});
    CHECK(long_note.exit_code == 65);
    CHECK(long_note.err == "fairly: note: a note holds up to 2000 characters; this one has 70000, so keep the gist here\n");
    auto long_thanks = home.fairly({"thanks", "sam", std::string(2001, 'x'), "--member", "alex"});
    CHECK(long_thanks.exit_code == 65);
    CHECK_THAT(long_thanks.err, Catch::Contains("a note holds up to 2000 characters"));
}

TEST_CASE("`--week last` is answered with how to ask for last week, and that way works", "[e2e][forgiving]") {
    night_household home; // Wednesday 25 November 2026
    for (const std::string typed : {"last", "last week"}) {
        auto refused = home.fairly({"report", "--week", typed});
        CHECK(refused.exit_code == 64);
        CHECK(refused.err == "fairly: week: \"" + typed + "\" is not a day; name a day in the week you mean: -7d for last week, "
                             "yesterday, mon or 2026-10-25 (without --week: this week)\n");
    }
    auto last_week = home.ok({"report", "--week", "-7d"});
    CHECK_THAT(last_week.out, Catch::StartsWith("fairly: the week of 16 Nov 2026 (Mon 16 Nov to Sun 22 Nov)"));
    // The other time options keep their own list.
    CHECK_THAT(home.fairly({"events", "--since", "last"}).err, Catch::Contains("\"last\" is not a time; use now, 03:10"));
}
