// End to end: the demo's first impression (issue 17). The installed
// fairly-sample writes its household story into a real fairlyd, and the
// first reports a newcomer reads have the whole picture in them: thanks in
// their own words, meetings moved, protected time kept, a disputed entry to
// talk about, turns at a lie-in, and entries logged by one partner for the other.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace fairly::test;

namespace {

#define FAIRLY_SAMPLE fairly::test::binary("fairly-sample", FAIRLY_SAMPLE_BIN)

/// A household of alex and sam with `weeks` of fairly-sample's story ending at `now`.
struct sample_household {
    std::string now; // first: the daemon's clock is set from it
    temp_dir dir;
    daemon_process daemon{dir.path(), {}, {{"FAIRLY_NOW", now}}};

    sample_household(std::string at, int weeks) : now(std::move(at)) {
        REQUIRE(cli({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London", "--split", "alex=50,sam=50"}).exit_code == 0);
        run_options options;
        options.env = cli_env(dir.path(), daemon.socket());
        options.env["FAIRLY_NOW"] = now;
        options.timeout = std::chrono::seconds(90);
        const run_result sampled = run(FAIRLY_SAMPLE, {"--weeks", std::to_string(weeks)}, options);
        INFO(sampled.out << sampled.err);
        REQUIRE(sampled.exit_code == 0);
        CHECK_THAT(sampled.out, Catch::Contains("thanks"));
    }
    run_result cli(const std::vector<std::string>& args) { return run_fairly(dir.path(), daemon.socket(), args, {{"FAIRLY_NOW", now}}); }
    json report(const std::vector<std::string>& args) {
        std::vector<std::string> command{"report", "--format", "json"};
        command.insert(command.end(), args.begin(), args.end());
        const run_result reported = cli(command);
        INFO(reported.err);
        REQUIRE(reported.exit_code == 0);
        return reported.out_json();
    }
};

/// What a report says about the parts of the picture the product is for.
struct picture {
    std::size_t thanks_notes = 0;
    std::size_t thanks_from_alex = 0, thanks_from_sam = 0;
    std::int64_t meetings_moved = 0;
    double protected_hours = 0;
    std::size_t disputed = 0;
};

picture seen_in(const json& report) {
    picture seen;
    for (const json& member : report.at("members")) {
        for (const json& note : member.at("thanks_notes")) {
            CHECK_FALSE(note.value("note", "").empty()); // in their own words
            ++seen.thanks_notes;
            (note.value("from", "") == "alex" ? seen.thanks_from_alex : seen.thanks_from_sam) += 1;
        }
        seen.meetings_moved += member.value("meetings_moved", 0);
        seen.protected_hours += member.value("protected_hours", 0.0);
    }
    for (const json& event : report.at("to_talk_about")) {
        CHECK_FALSE(event.value("dispute_reason", "").empty());
        ++seen.disputed;
    }
    return seen;
}

void check_whole_picture(const picture& seen) {
    CHECK(seen.thanks_from_alex > 0);
    CHECK(seen.thanks_from_sam > 0);
    CHECK(seen.meetings_moved > 0);
    CHECK(seen.protected_hours > 0);
    CHECK(seen.disputed > 0);
}

} // namespace

TEST_CASE("the sample household's first reports show the whole picture, this week and over eight weeks", "[e2e][sample]") {
    // A Saturday evening in London and a Wednesday evening: a week with room for everything.
    const std::string now = GENERATE(std::string("2026-11-14T18:30:00Z"), std::string("2026-11-11T20:00:00Z"));
    INFO("FAIRLY_NOW=" << now);
    sample_household home(now, 16);

    const picture this_week = seen_in(home.report({}));
    check_whole_picture(this_week);
    const picture eight_weeks = seen_in(home.report({"--last", "8w"}));
    check_whole_picture(eight_weeks);
    CHECK(eight_weeks.thanks_notes >= this_week.thanks_notes);

    // Turns at a lie-in, answered from the record.
    const run_result whose = home.cli({"whose-turn", "lie-in", "--json"});
    INFO(whose.out << whose.err);
    REQUIRE(whose.exit_code == 0);
    const json turns = whose.out_json();
    CHECK(turns.value("turns", 0) > 0);
    CHECK(turns["next"].is_string());

    // Entries one partner logged for the other: most confirmed, one disputed.
    const run_result listed = home.cli({"events", "--since", "2026-08-01", "--json"});
    REQUIRE(listed.exit_code == 0);
    const json events = listed.out_json();
    const json& list = events.is_array() ? events : events.at("events");
    const auto logged_for_partner = std::count_if(list.begin(), list.end(), [](const json& event) {
        return event.value("logged_for_other", false) && event["logged_by"].is_string() && event["logged_by"] != event["member"];
    });
    CHECK(logged_for_partner > 0);
}

TEST_CASE("on a Monday morning the week so far still has thanks and something to talk about", "[e2e][sample]") {
    // Monday 07:50 in London: too early for a meeting or a lunchtime walk,
    // which the last seven days then carry, but the night and the morning's
    // thanks are this week's.
    sample_household home("2026-11-16T07:50:00Z", 8);
    const picture this_week = seen_in(home.report({}));
    CHECK(this_week.thanks_from_alex > 0);
    CHECK(this_week.thanks_from_sam > 0);
    CHECK(this_week.disputed > 0);
    check_whole_picture(seen_in(home.report({"--last", "8w"})));
}
