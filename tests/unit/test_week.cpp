// The household week as a value (common/week.hpp) and the rules that live
// beside it in common/: an instant's length, the change log's subjects.
#include "catalogue.hpp"
#include "change_log.hpp"
#include "week.hpp"
#include "time_expr.hpp"

#include <catch2/catch.hpp>

using namespace fairly;
using namespace std::chrono;

namespace {
sys_days date_of(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }
} // namespace

TEST_CASE("a household week begins on its first weekday, at local midnight", "[week]") {
    // Wednesday 25 Nov 2026: the week of Monday 23 Nov, or of Sunday 22 Nov.
    CHECK(household_week::containing(date_of(2026, 11, 25), Monday).first_day() == date_of(2026, 11, 23));
    CHECK(household_week::containing(date_of(2026, 11, 25), Sunday).first_day() == date_of(2026, 11, 22));
    CHECK(household_week::containing(date_of(2026, 11, 23), Monday).first_day() == date_of(2026, 11, 23)); // the first day itself
    CHECK(household_week::containing(date_of(2026, 11, 22), Monday).first_day() == date_of(2026, 11, 16));
    CHECK(household_week::containing(date_of(2026, 11, 25), Monday).end_day() == date_of(2026, 11, 30));
    // Sunday 23:30 in London is Sunday's week; 00:30 on Monday the next.
    CHECK(household_week::of(parse_iso_instant("2026-11-29T23:30:00Z"), Monday, "Europe/London").first_day() == date_of(2026, 11, 23));
    CHECK(household_week::of(parse_iso_instant("2026-11-30T00:30:00Z"), Monday, "Europe/London").first_day() == date_of(2026, 11, 30));
    // Local, not UTC: 23:30 UTC on Sunday is already Monday in Berlin.
    CHECK(household_week::of(parse_iso_instant("2026-11-29T23:30:00Z"), Monday, "Europe/Berlin").first_day() == date_of(2026, 11, 30));
    const household_week week = household_week::containing(date_of(2026, 11, 25), Monday);
    CHECK(week.begins("Europe/London") == parse_iso_instant("2026-11-23T00:00:00Z"));
    CHECK((week + 1).first_day() == date_of(2026, 11, 30));
    CHECK((week - 1).first_day() == date_of(2026, 11, 16));
    CHECK(household_week::starting(week.day_number()) == week);
}

TEST_CASE("a household week is labelled by the ISO week of its fourth day", "[week]") {
    CHECK(household_week::containing(date_of(2026, 11, 25), Monday).label() == "2026-W48");
    CHECK(household_week::containing(date_of(2026, 11, 25), Sunday).label() == "2026-W48"); // Sun 22 - Sat 28: Wed 25
    CHECK(household_week::containing(date_of(2027, 1, 1), Monday).label() == "2026-W53");    // Mon 28 Dec 2026
    CHECK(household_week::containing(date_of(2026, 1, 1), Monday).label() == "2026-W01");    // Mon 29 Dec 2025
}

TEST_CASE("an instant lasts its kind's usual length when done, five minutes when thought", "[catalogue]") {
    CHECK(instant_length(hours{1}, "did") == hours{1});
    for (const char* role : {"noticed", "planned", "decided", "followed-up"}) {
        CHECK(instant_length(hours{1}, role) == minutes{5});
        CHECK(instant_length(minutes{2}, role) == minutes{2}); // never longer than doing it
    }
    CHECK(event_end_sql("s", "e", "r", "u") == "coalesce(e, s + CASE WHEN r = 'did' THEN u ELSE min(u, 300) END)");
}

TEST_CASE("the changes that move a figure are worded once", "[change_log]") {
    CHECK(change_label("kind", "cooking") == "the kind cooking");
    CHECK(change_label("night", "night") == "the night window");
    CHECK(change_label("agreement", "load") == "the agreed split");
    CHECK(change_label("agreement", "thing lie-in") == "the split of lie-in");
    CHECK(change_label("away", "sam") == "time away for sam");
    CHECK(change_label("drift", "talked").empty()); // said on its own
    CHECK(change_label("goal", "alex").empty());    // moves no figure
    CHECK(change_label("nonsense", "x").empty());
    CHECK(find_change_subject("slot") != nullptr);
    CHECK(find_change_subject("nonsense") == nullptr);
    CHECK(change_subjects_sql(&change_subject::reweighs_history) == "('kind', 'night')");
    CHECK(change_subjects_sql(&change_subject::told_to_whom_it_concerns) == "('binding', 'goal', 'slot', 'away')");
    CHECK(change_subjects_sql(&change_subject::is_weight_setting) == "('kind', 'night', 'drift')"); // `fairly kind history`
}
