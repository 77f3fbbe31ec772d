#include "errors.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

// Every reference instant below is fixed; nothing reads the real clock or the
// machine's zone (run these with TZ=Pacific/Auckland to prove it).
//
// Europe/London in 2026, as drawn in zone.cpp:
//
// Clocks go back, Sun 2026-10-25 at 01:00 UTC: 01:00-01:59 local happens twice.
//
//   UTC      23:30   00:00   00:30   01:00   01:30   02:00   02:30   03:30
//   ---------+-------+-------+-------+-------+-------+-------+-------+----
//   London   00:30   01:00   01:30 | 01:00   01:30   02:00   02:30   03:30
//            <--- BST, +01:00 ---> | <---------- GMT, +00:00 ----------->
//                            ^first          ^second
//   "2026-10-25 01:30"             -> 00:30Z, the earlier (first) 01:30
//   "01:30" typed at 00:45Z (01:45 BST) -> 00:30Z, the only 01:30 passed yet
//   "01:30" typed at 01:45Z (01:45 GMT) -> 01:30Z, the latest 01:30 passed
//   00:30 local to 03:30 local that day is 23:30Z to 03:30Z: four hours.
//
// Clocks go forward, Sun 2026-03-29 at 01:00 UTC: 01:00-01:59 local never happens.
//
//   UTC      00:00   00:30   01:00   01:30   02:00
//   ---------+-------+-------+-------+-------+----
//   London   00:00   00:30 | 02:00   02:30   03:00
//            <-- GMT ----> | <--- BST, +01:00 --->
//   "2026-03-29 01:30" -> moved forward by the one-hour gap: 02:30 BST = 01:30Z.

using fairly::format_iso_utc;
using fairly::format_local;
using fairly::format_local_iso;
using fairly::is_known_zone;
using fairly::local_day_start;
using fairly::parse_iso_instant;
using fairly::parse_time_expr;
using fairly::resolve_time;

namespace {

constexpr std::string_view london = "Europe/London";

/// `text` typed at `reference` (ISO 8601) in `zone`, as an ISO 8601 UTC
/// string so that a failure shows both instants readably.
std::string resolved(std::string_view text, std::string_view reference, std::string_view zone = london) {
    return format_iso_utc(resolve_time(parse_time_expr(text), parse_iso_instant(reference), zone));
}

std::string day_start(std::string_view instant, std::string_view zone = london) {
    return format_iso_utc(local_day_start(parse_iso_instant(instant), zone));
}

/// The length of the interval between two typed times, in hours.
double hours_between(std::string_view from, std::string_view to, std::string_view zone = london) {
    const auto reference = parse_iso_instant("2026-12-01T00:00:00Z");
    const auto start = resolve_time(parse_time_expr(from), reference, zone);
    const auto end = resolve_time(parse_time_expr(to), reference, zone);
    return std::chrono::duration<double, std::ratio<3600>>(end - start).count();
}

template <class Call>
std::optional<fairly::input_error> rejection(Call call) {
    try {
        call();
    } catch (const fairly::input_error& e) {
        return e;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("a local date-time that happens twice is the earlier one", "[zone][dst]") {
    CHECK(resolved("2026-10-25 01:30", "2026-12-01T00:00:00Z") == "2026-10-25T00:30:00Z");
    CHECK(resolved("2026-10-25 01:00", "2026-12-01T00:00:00Z") == "2026-10-25T00:00:00Z");
    CHECK(resolved("2026-10-25 01:59:59", "2026-12-01T00:00:00Z") == "2026-10-25T00:59:59Z");
    // Either side of the doubled hour, each wall time is unique.
    CHECK(resolved("2026-10-25 00:59", "2026-12-01T00:00:00Z") == "2026-10-24T23:59:00Z");
    CHECK(resolved("2026-10-25 02:00", "2026-12-01T00:00:00Z") == "2026-10-25T02:00:00Z");
}

TEST_CASE("a bare clock time on the night the clocks go back is the latest one passed", "[zone][dst]") {
    // Second pass: both 01:30s have happened; the later one is meant.
    CHECK(resolved("01:30", "2026-10-25T01:45:00Z") == "2026-10-25T01:30:00Z");
    CHECK(resolved("01:30", "2026-10-25T01:30:00Z") == "2026-10-25T01:30:00Z");
    // First pass: only 01:30 BST has happened.
    CHECK(resolved("01:30", "2026-10-25T00:45:00Z") == "2026-10-25T00:30:00Z");
    CHECK(resolved("01:30", "2026-10-25T01:29:00Z") == "2026-10-25T00:30:00Z");
    // Before either, by more than an hour: yesterday's 01:30 BST. Within the
    // hour before, it is asked about (a clock time a few minutes ahead).
    CHECK(resolved("01:30", "2026-10-24T23:15:00Z") == "2026-10-24T00:30:00Z");
    CHECK_THROWS_WITH(resolved("01:30", "2026-10-25T00:15:00Z"), "01:30 is 15 minutes from now; for last night use --at 'yesterday 01:30'");
}

TEST_CASE("a local time in the spring-forward gap is moved forward by the gap", "[zone][dst]") {
    CHECK(resolved("2026-03-29 01:30", "2026-12-01T00:00:00Z") == "2026-03-29T01:30:00Z"); // 02:30 BST
    CHECK(resolved("2026-03-29 01:00", "2026-03-29T12:00:00Z") == "2026-03-29T01:00:00Z"); // 02:00 BST
    CHECK(resolved("2026-03-29 00:59", "2026-03-29T12:00:00Z") == "2026-03-29T00:59:00Z"); // still GMT
    CHECK(resolved("2026-03-29 02:00", "2026-03-29T12:00:00Z") == "2026-03-29T01:00:00Z"); // real 02:00 BST
    CHECK(resolved("today 01:30", "2026-03-29T12:00:00Z") == "2026-03-29T01:30:00Z");
    CHECK(format_local(resolve_time(parse_time_expr("2026-03-29 01:30"), parse_iso_instant("2026-12-01T00:00Z"),
                                    london),
                       london) == "2026-03-29 02:30");
}

TEST_CASE("a bare clock time in the spring-forward gap is moved forward, then must not be after the reference",
          "[zone][dst]") {
    // At 03:00 BST, 01:30 moved forward (02:30 BST) has passed.
    CHECK(resolved("01:30", "2026-03-29T02:00:00Z") == "2026-03-29T01:30:00Z");
    // At 00:15 GMT it has not, by more than an hour: yesterday's 01:30 GMT;
    // at 02:15 BST it is 15 minutes ahead, and asked about.
    CHECK(resolved("01:30", "2026-03-29T00:15:00Z") == "2026-03-28T01:30:00Z");
    CHECK_THROWS_WITH(resolved("01:30", "2026-03-29T01:15:00Z"), "01:30 is 15 minutes from now; for last night use --at 'yesterday 01:30'");
}

TEST_CASE("a clock time is the latest such time not after the reference, unless a few minutes ahead", "[zone]") {
    CHECK(resolved("03:10", "2026-11-23T02:00:00Z") == "2026-11-22T03:10:00Z"); // before 03:10: yesterday's
    CHECK(resolved("03:10", "2026-11-23T03:09:59Z") == "2026-11-23T03:10:00Z"); // within a minute ahead: now
    // A few minutes ahead is far likelier a slip than last night: asked, with the way to say last night.
    CHECK_THROWS_WITH(resolved("03:10", "2026-11-23T03:05:00Z"), "03:10 is 5 minutes from now; for last night use --at 'yesterday 03:10'");
    CHECK_THROWS_WITH(resolved("15:10", "2026-11-23T14:12:00Z"), "15:10 is 58 minutes from now; for yesterday use --at 'yesterday 15:10'");
    CHECK(resolved("15:10", "2026-11-23T14:09:00Z") == "2026-11-22T15:10:00Z"); // over an hour ahead: yesterday's
    CHECK(resolved("03:10", "2026-11-23T03:10:00Z") == "2026-11-23T03:10:00Z"); // exactly 03:10: today's
    CHECK(resolved("03:10", "2026-11-23T09:00:00Z") == "2026-11-23T03:10:00Z");
    CHECK(resolved("03:10", "2026-07-01T12:00:00Z") == "2026-07-01T02:10:00Z"); // 03:10 BST
    CHECK(resolved("00:00", "2026-11-23T00:00:00Z") == "2026-11-23T00:00:00Z");
    CHECK(resolved("23:59", "2026-11-23T00:00:00Z") == "2026-11-22T23:59:00Z");
}

TEST_CASE("yesterday is the day before the reference's local date", "[zone]") {
    CHECK(resolved("yesterday 22:40", "2026-11-23T00:20:00Z") == "2026-11-22T22:40:00Z"); // just past midnight
    CHECK(resolved("yesterday 22:40", "2026-11-22T23:50:00Z") == "2026-11-21T22:40:00Z"); // just before it
    // 23:30Z on 1 July is already 00:30 BST on 2 July: yesterday is 1 July.
    CHECK(resolved("yesterday 22:40", "2026-07-01T23:30:00Z") == "2026-07-01T21:40:00Z");
    CHECK(resolved("today 07:00", "2026-11-23T12:00:00Z") == "2026-11-23T07:00:00Z");
    // The day after the clocks went back: yesterday's doubled 01:30 is the earlier.
    CHECK(resolved("yesterday 01:30", "2026-10-26T12:00:00Z") == "2026-10-25T00:30:00Z");
}

TEST_CASE("a weekday names the latest local date with that weekday, today included", "[zone]") {
    // 2026-11-23 is a Monday.
    CHECK(resolved("mon 09:00", "2026-11-23T12:00:00Z") == "2026-11-23T09:00:00Z");
    // Today even when 09:00 is still to come: refusing future times is the daemon's job.
    CHECK(resolved("mon 09:00", "2026-11-23T08:00:00Z") == "2026-11-23T09:00:00Z");
    CHECK(resolved("mon 09:00", "2026-11-25T12:00:00Z") == "2026-11-23T09:00:00Z"); // Wednesday
    CHECK(resolved("monday 09:00", "2026-11-22T12:00:00Z") == "2026-11-16T09:00:00Z"); // Sunday
    CHECK(resolved("tue 09:00", "2026-11-23T12:00:00Z") == "2026-11-17T09:00:00Z");
    // 23:30Z on Sunday 5 July is 00:30 BST on Monday 6 July: that Monday.
    CHECK(resolved("mon 09:00", "2026-07-05T23:30:00Z") == "2026-07-06T08:00:00Z");
    CHECK(resolved("mon", "2026-11-25T12:00:00Z") == "2026-11-23T00:00:00Z");
}

TEST_CASE("now, a length before now and an instant do not depend on the zone", "[zone]") {
    CHECK(resolved("now", "2026-10-25T01:20:00Z") == "2026-10-25T01:20:00Z");
    CHECK(resolved("-40m", "2026-10-25T01:20:00Z") == "2026-10-25T00:40:00Z");
    // Elapsed time, not wall time: 80 minutes before 01:10 GMT is 00:50 BST.
    CHECK(resolved("-1h20m", "2026-10-25T01:10:00Z") == "2026-10-24T23:50:00Z");
    CHECK(resolved("2026-10-25T00:30:00+01:00", "2026-12-01T00:00:00Z", "America/New_York") ==
          "2026-10-24T23:30:00Z");
}

TEST_CASE("a day starts at local midnight", "[zone][dst]") {
    CHECK(resolved("2026-10-25", "2026-12-01T00:00:00Z") == "2026-10-24T23:00:00Z"); // 00:00 BST
    CHECK(resolved("2026-03-29", "2026-12-01T00:00:00Z") == "2026-03-29T00:00:00Z"); // 00:00 GMT
    CHECK(resolved("2026-03-30", "2026-12-01T00:00:00Z") == "2026-03-29T23:00:00Z"); // 00:00 BST
    CHECK(resolved("today", "2026-10-25T12:00:00Z") == "2026-10-24T23:00:00Z");
    CHECK(resolved("sun", "2026-10-25T12:00:00Z") == "2026-10-24T23:00:00Z");
    CHECK(resolved("yesterday", "2026-10-26T12:00:00Z") == "2026-10-24T23:00:00Z");

    CHECK(day_start("2026-10-25T12:00:00Z") == "2026-10-24T23:00:00Z");
    CHECK(day_start("2026-10-24T23:00:00Z") == "2026-10-24T23:00:00Z");
    CHECK(day_start("2026-10-24T22:59:59Z") == "2026-10-23T23:00:00Z");
    CHECK(day_start("2026-10-25T23:59:59Z") == "2026-10-24T23:00:00Z");
    CHECK(day_start("2026-03-29T12:00:00Z") == "2026-03-29T00:00:00Z");

    // So the day the clocks go back has 25 hours, the day they go forward 23.
    CHECK(hours_between("2026-10-25", "2026-10-26") == 25.0);
    CHECK(hours_between("2026-03-29", "2026-03-30") == 23.0);
}

TEST_CASE("an event from 00:30 to 03:30 local lasts four hours when the clocks go back", "[zone][dst]") {
    CHECK(hours_between("2026-10-25 00:30", "2026-10-25 03:30") == 4.0);
    // ...and two hours when they go forward.
    CHECK(hours_between("2026-03-29 00:30", "2026-03-29 03:30") == 2.0);
}

TEST_CASE("when midnight never happens, the day starts as the gap ends", "[zone][dst]") {
    // America/Santiago, Sun 2026-09-06: 23:59:59 -04 is followed by 01:00 -03.
    //   UTC       03:59:59 | 04:00
    //   Santiago  23:59:59 | 01:00   (Sat 5th -> Sun 6th; no 00:00-00:59)
    CHECK(resolved("2026-09-06", "2026-12-01T00:00:00Z", "America/Santiago") == "2026-09-06T04:00:00Z");
    CHECK(day_start("2026-09-06T12:00:00Z", "America/Santiago") == "2026-09-06T04:00:00Z");
    CHECK(resolved("2026-09-05", "2026-12-01T00:00:00Z", "America/Santiago") == "2026-09-05T04:00:00Z");
}

TEST_CASE("the zone parameter is honoured: America/New_York", "[zone][dst]") {
    // The same words at the same instant name different instants in different zones.
    CHECK(resolved("03:10", "2026-11-23T09:00:00Z", "America/New_York") == "2026-11-23T08:10:00Z");
    CHECK(resolved("03:10", "2026-11-23T09:00:00Z", london) == "2026-11-23T03:10:00Z");
    // 03:00Z on 23 November is 22:00 EST on the 22nd: yesterday is the 21st.
    CHECK(resolved("yesterday 22:40", "2026-11-23T03:00:00Z", "America/New_York") == "2026-11-22T03:40:00Z");
    // New York's own changes: back on 1 November, forward on 8 March.
    CHECK(resolved("2026-11-01 01:30", "2026-12-01T00:00:00Z", "America/New_York") == "2026-11-01T05:30:00Z");
    CHECK(resolved("2026-03-08 02:30", "2026-12-01T00:00:00Z", "America/New_York") == "2026-03-08T07:30:00Z");
    CHECK(format_local_iso(parse_iso_instant("2026-07-01T14:00:00Z"), "America/New_York") ==
          "2026-07-01T10:00:00-04:00");
    CHECK(format_local_iso(parse_iso_instant("2026-11-23T14:00:00Z"), "America/New_York") ==
          "2026-11-23T09:00:00-05:00");
}

TEST_CASE("a half-hour change is honoured: Australia/Lord_Howe", "[zone][dst]") {
    // Forward, Sun 2026-10-04: 02:00 +10:30 becomes 02:30 +11:00; the gap is 30 minutes.
    CHECK(resolved("2026-10-04 02:15", "2026-12-01T00:00:00Z", "Australia/Lord_Howe") ==
          "2026-10-03T15:45:00Z"); // 02:45 +11:00
    // Back, Sun 2026-04-05: 02:00 +11:00 becomes 01:30 +10:30; 01:30-01:59 happens twice.
    CHECK(resolved("2026-04-05 01:45", "2026-12-01T00:00:00Z", "Australia/Lord_Howe") ==
          "2026-04-04T14:45:00Z"); // the earlier, +11:00
    CHECK(resolved("01:45", "2026-04-04T15:20:00Z", "Australia/Lord_Howe") == "2026-04-04T15:15:00Z");
    CHECK(resolved("01:45", "2026-04-04T14:50:00Z", "Australia/Lord_Howe") == "2026-04-04T14:45:00Z");
    CHECK(format_local_iso(parse_iso_instant("2026-07-01T00:00:00Z"), "Australia/Lord_Howe") ==
          "2026-07-01T10:30:00+10:30");
    CHECK(format_local_iso(parse_iso_instant("2026-01-15T00:00:00Z"), "Australia/Lord_Howe") ==
          "2026-01-15T11:00:00+11:00");
}

TEST_CASE("format_local writes the household's wall clock to the minute", "[zone]") {
    CHECK(format_local(parse_iso_instant("2026-11-23T09:00:00Z"), london) == "2026-11-23 09:00");
    CHECK(format_local(parse_iso_instant("2026-07-01T09:00:59Z"), london) == "2026-07-01 10:00");
    CHECK(format_local(parse_iso_instant("2026-07-01T23:30:00Z"), london) == "2026-07-02 00:30");
}

TEST_CASE("format_local_iso tells the two 01:30s of the fall-back night apart", "[zone][dst]") {
    const auto first = parse_iso_instant("2026-10-25T00:30:00Z");
    const auto second = parse_iso_instant("2026-10-25T01:30:00Z");
    CHECK(format_local(first, london) == format_local(second, london));
    CHECK(format_local_iso(first, london) == "2026-10-25T01:30:00+01:00");
    CHECK(format_local_iso(second, london) == "2026-10-25T01:30:00+00:00");
    CHECK(format_local_iso(parse_iso_instant("2026-11-23T09:00:00Z"), london) == "2026-11-23T09:00:00+00:00");
    CHECK(format_local_iso(parse_iso_instant("2026-07-01T09:00:00Z"), london) == "2026-07-01T10:00:00+01:00");
    // What format_local_iso writes, parse_iso_instant reads back to the same instant.
    CHECK(parse_iso_instant(format_local_iso(first, london)) == first);
    CHECK(parse_iso_instant(format_local_iso(second, london)) == second);
}

TEST_CASE("is_known_zone knows the system tz database and nothing else", "[zone]") {
    CHECK(is_known_zone("Europe/London"));
    CHECK(is_known_zone("America/New_York"));
    CHECK(is_known_zone("Australia/Lord_Howe"));
    CHECK(is_known_zone("UTC"));
    CHECK_FALSE(is_known_zone("Mars/Olympus_Mons"));
    CHECK_FALSE(is_known_zone(""));
    CHECK_FALSE(is_known_zone("Europe/London "));
    CHECK_FALSE(is_known_zone("../../etc/passwd"));
}

TEST_CASE("an unknown zone is refused with the field tz", "[zone]") {
    const auto reference = parse_iso_instant("2026-11-23T09:00:00Z");
    auto e = rejection([&] { resolve_time(parse_time_expr("03:10"), reference, "Mars/Olympus_Mons", "at"); });
    REQUIRE(e);
    CHECK(e->field == "tz");
    CHECK(std::string(e->what()) ==
          "tz: \"Mars/Olympus_Mons\" is not a time zone of the system tz database; use a name like "
          "Europe/London or America/New_York (`timedatectl list-timezones` lists them)");
    // Even for forms that would not need the zone.
    e = rejection([&] { resolve_time(parse_time_expr("now"), reference, ""); });
    REQUIRE(e);
    CHECK(e->field == "tz");
    e = rejection([&] { format_local(reference, "Nowhere"); });
    REQUIRE(e);
    CHECK(e->field == "tz");
    e = rejection([&] { format_local_iso(reference, "Nowhere"); });
    REQUIRE(e);
    CHECK(e->field == "tz");
    e = rejection([&] { local_day_start(reference, "Nowhere"); });
    REQUIRE(e);
    CHECK(e->field == "tz");
}

TEST_CASE("resolve_time refuses a hand-built expression that is not a time, naming the field", "[zone]") {
    const auto reference = parse_iso_instant("2026-11-23T09:00:00Z");
    fairly::time_expr bad_date;
    bad_date.kind = fairly::time_expr::form::local_date;
    bad_date.date = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{2}, std::chrono::day{30}};
    auto e = rejection([&] { resolve_time(bad_date, reference, london, "from"); });
    REQUIRE(e);
    CHECK(e->field == "from");

    fairly::time_expr bad_clock;
    bad_clock.kind = fairly::time_expr::form::clock;
    bad_clock.time_of_day = std::chrono::hours{24};
    e = rejection([&] { resolve_time(bad_clock, reference, london, "to"); });
    REQUIRE(e);
    CHECK(e->field == "to");
}

TEST_CASE("times as people say them, from the moment they are read", "[zone]") {
    using fairly::parse_iso_instant;
    using fairly::spoken_time;
    const auto now = parse_iso_instant("2026-11-26T10:40:00Z"); // Thursday
    CHECK(spoken_time(parse_iso_instant("2026-11-26T02:10:00Z"), now, "Europe/London") == "today 02:10");
    CHECK(spoken_time(parse_iso_instant("2026-11-25T19:00:00Z"), now, "Europe/London") == "yesterday 19:00");
    CHECK(spoken_time(parse_iso_instant("2026-11-23T08:00:00Z"), now, "Europe/London") == "Mon 08:00");
    CHECK(spoken_time(parse_iso_instant("2026-11-19T08:00:00Z"), now, "Europe/London") == "Thu 19 Nov 08:00");
    // The local day, not the UTC one: 23:30Z on the 25th is the 26th in Auckland.
    CHECK(spoken_time(parse_iso_instant("2026-11-25T23:30:00Z"), now, "Pacific/Auckland") == "today 12:30");
}

TEST_CASE("a time to type back resolves to the same minute, on the night the clocks go back too", "[zone][dst]") {
    using fairly::parse_iso_instant;
    using fairly::typed_time;
    const auto typed_back = [](const std::string& instant, const std::string& now) {
        const auto t = parse_iso_instant(instant), reference = parse_iso_instant(now);
        const std::string text = typed_time(t, reference, "Europe/London");
        CHECK(fairly::resolve_time(fairly::parse_time_expr(text), reference, "Europe/London") == t);
        return text;
    };
    CHECK(typed_back("2026-11-26T02:40:00Z", "2026-11-26T10:40:00Z") == "02:40");
    CHECK(typed_back("2026-11-25T23:40:00Z", "2026-11-26T10:40:00Z") == "yesterday 23:40");
    CHECK(typed_back("2026-11-20T02:40:00Z", "2026-11-26T10:40:00Z") == "2026-11-20 02:40");
    // 01:20 BST (00:20Z) read after both 01:20s have passed: "01:20" would be the GMT one.
    CHECK(typed_back("2026-10-25T00:20:00Z", "2026-10-25T09:00:00Z") == "2026-10-25T01:20:00+01:00");
    CHECK(typed_back("2026-10-25T01:20:00Z", "2026-10-25T09:00:00Z") == "01:20");
}

TEST_CASE("a time of something that happened: less than 5 minutes ahead taken as typed, further refused, in every form", "[zone]") {
    // Tuesday 8 Dec 2026, 08:10 in London (GMT).
    const auto past = [](std::string_view text) {
        return format_iso_utc(fairly::resolve_past_time(parse_time_expr(text), parse_iso_instant("2026-12-08T08:10:00Z"), london));
    };
    CHECK(past("tue 08:14") == "2026-12-08T08:14:00Z");
    CHECK(past("08:14") == "2026-12-08T08:14:00Z");
    CHECK(past("in 4m") == "2026-12-08T08:14:00Z");
    CHECK_THROWS_WITH(past("tue 08:15"), "2026-12-08 08:15 is 5 minutes from now; fairly keeps what has happened: give a time that has passed");
    CHECK_THROWS_WITH(past("08:15"), "08:15 is 5 minutes from now; for yesterday use --at 'yesterday 08:15'");
    CHECK_THROWS_WITH(past("2026-12-08 09:00"), "2026-12-08 09:00 is 50 minutes from now; fairly keeps what has happened: give a time that has passed");
    CHECK_THROWS_WITH(past("in 3h"), "2026-12-08 11:10 is in the future; fairly keeps what has happened: give a time that has passed");
    CHECK(past("10:00") == "2026-12-07T10:00:00Z"); // over an hour ahead: yesterday's, which has happened
}
