#include "errors.hpp"
#include "night.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

// Every instant below is fixed; nothing reads the real clock or the machine's
// zone (run these with TZ=Pacific/Auckland to prove it). The household zone is
// Europe/London and the night 22:00-06:00 unless a test says otherwise. In
// November London is on GMT, so a "Z" instant there is also its local time.

using fairly::event_points;
using fairly::format_iso_utc;
using fairly::format_local;
using fairly::night_interval;
using fairly::night_intervals;
using fairly::night_seconds;
using fairly::night_window;
using fairly::parse_iso_instant;
using fairly::parse_time_of_day;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view london = "Europe/London";

/// Minutes of [from, to) (ISO 8601 instants) inside the night windows.
long long night_minutes(std::string_view from, std::string_view to, const night_window& window = {},
                        std::string_view zone = london) {
    const auto length = night_seconds(parse_iso_instant(from), parse_iso_instant(to), window, zone);
    return std::chrono::duration_cast<std::chrono::minutes>(length).count();
}

/// Real hours between two ISO 8601 instants.
double hours_between(std::string_view from, std::string_view to) {
    return std::chrono::duration<double, std::ratio<3600>>(parse_iso_instant(to) - parse_iso_instant(from)).count();
}

/// The windows overlapping [from, to) as "begin/end" in ISO 8601 UTC, so that a
/// failure shows every instant readably.
std::vector<std::string> nights(std::string_view from, std::string_view to, const night_window& window = {},
                                std::string_view zone = london) {
    std::vector<std::string> out;
    for (const night_interval& night : night_intervals(parse_iso_instant(from), parse_iso_instant(to), window, zone)) {
        out.push_back(format_iso_utc(night.begin) + "/" + format_iso_utc(night.end));
    }
    return out;
}

double hours_of(const night_interval& night) {
    return std::chrono::duration<double, std::ratio<3600>>(night.end - night.begin).count();
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

// An ordinary night crosses midnight; the window of local date D ends on D+1.
//
//   London      21:00   22:00   23:00   00:00   01:00    ...    05:00   06:00   07:00
//   --------------+-------+-------+-------+-------+----- ... -----+-------+-------+----
//   night                 [============================= ... =============)
//   23:00-01:00                   [===============)                                    120 night min
//   21:00-23:00   [-------========)                                                     60 night min
//   05:00-07:00                                                   [=======--------)     60 night min
TEST_CASE("an event crossing midnight counts the night minutes on both sides", "[night]") {
    CHECK(night_minutes("2026-11-23T23:00:00Z", "2026-11-24T01:00:00Z") == 120);
}

TEST_CASE("an event that starts before the night counts only its night part", "[night]") {
    CHECK(night_minutes("2026-11-23T21:00:00Z", "2026-11-23T23:00:00Z") == 60);
}

TEST_CASE("an event that runs past the end of the night counts only its night part", "[night]") {
    CHECK(night_minutes("2026-11-24T05:00:00Z", "2026-11-24T07:00:00Z") == 60);
}

TEST_CASE("the night's edges: 22:00 is night, 06:00 is day", "[night]") {
    CHECK(night_minutes("2026-11-23T22:00:00Z", "2026-11-24T06:00:00Z") == 480);
    CHECK(night_minutes("2026-11-23T21:00:00Z", "2026-11-23T22:00:00Z") == 0);
    CHECK(night_minutes("2026-11-24T06:00:00Z", "2026-11-24T07:00:00Z") == 0);
    CHECK(night_minutes("2026-11-24T09:00:00Z", "2026-11-24T17:00:00Z") == 0);
    // The window of the day before `start` is still running at 03:10.
    CHECK(night_minutes("2026-11-24T03:10:00Z", "2026-11-24T03:45:00Z") == 35);
}

// Two nights inside one event (GMT, so local = UTC):
//
//   Fri 20:00  22:00          Sat 06:00        22:00          Sun 06:00  08:00
//   [----------[==== 480 =====)----------------[==== 480 =====)----------)
//
// A 30-hour sick day from Mon 00:00 to Tue 06:00 cannot hold two whole nights
// (8 on + 16 off + 8 on is 32 hours): it holds the end of Sunday's and all of
// Monday's.
//
//   Sun 22:00   Mon 00:00     06:00                22:00          Tue 06:00
//   [===========[==== 360 ====)--------------------[==== 480 =====)
TEST_CASE("an event spanning two nights counts both", "[night]") {
    CHECK(night_minutes("2026-11-20T20:00:00Z", "2026-11-22T08:00:00Z") == 2 * 480); // Fri to Sun
    CHECK(night_minutes("2026-11-23T00:00:00Z", "2026-11-24T06:00:00Z") == 360 + 480);
}

// Clocks go back, Sun 2026-10-25 at 01:00 UTC: 01:00-01:59 local happens twice,
// so the night of Sat 24th lasts nine hours.
//
//   UTC      21:00   23:30   00:00   00:30   01:00   01:30  ...    03:30   06:00
//   ---------+-------+-------+-------+-------+-------+---- ... ----+-------+---
//   London   22:00   00:30   01:00   01:30 | 01:00   01:30  ...    03:30   06:00
//            <------- BST, +01:00 -------> | <---------- GMT, +00:00 ---------->
//   night    [=============================================================)  9 h
//   00:30-03:30      [=============================================)          4 h, all night
TEST_CASE("on the night the clocks go back, an event from 00:30 to 03:30 is four night hours", "[night][dst]") {
    const std::string_view from = "2026-10-25T00:30:00+01:00"; // 00:30 BST
    const std::string_view to = "2026-10-25T03:30:00+00:00";   // 03:30 GMT
    CHECK(hours_between(from, to) == 4.0);
    CHECK(night_minutes(from, to) == 240);
    CHECK(format_local(parse_iso_instant(from), london) == "2026-10-25 00:30");
    CHECK(format_local(parse_iso_instant(to), london) == "2026-10-25 03:30");
}

TEST_CASE("the night the clocks go back lasts nine hours", "[night][dst]") {
    const auto windows = night_intervals(parse_iso_instant("2026-10-25T00:30:00+01:00"),
                                         parse_iso_instant("2026-10-25T03:30:00Z"), night_window{}, london);
    REQUIRE(windows.size() == 1);
    CHECK(format_iso_utc(windows[0].begin) == "2026-10-24T21:00:00Z"); // Sat 22:00 BST
    CHECK(format_iso_utc(windows[0].end) == "2026-10-25T06:00:00Z");   // Sun 06:00 GMT
    CHECK(hours_of(windows[0]) == 9.0);
    CHECK(night_minutes("2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z") == 9 * 60);
}

// Clocks go forward, Sun 2026-03-29 at 01:00 UTC: 01:00-01:59 local never
// happens, so the night of Sat 28th lasts seven hours.
//
//   UTC      22:00   00:30   01:00   01:30   02:30   05:00
//   ---------+-------+-------+-------+-------+-------+---
//   London   22:00   00:30 | 02:00   02:30   03:30   06:00
//            <--- GMT ---> | <------- BST, +01:00 ------->
//   night    [=======================================)  7 h
//   00:30-03:30      [=======================)          2 h, all night
TEST_CASE("on the night the clocks go forward, an event from 00:30 to 03:30 is two night hours", "[night][dst]") {
    const std::string_view from = "2026-03-29T00:30:00+00:00"; // 00:30 GMT
    const std::string_view to = "2026-03-29T03:30:00+01:00";   // 03:30 BST
    CHECK(hours_between(from, to) == 2.0);
    CHECK(night_minutes(from, to) == 120);
    CHECK(format_local(parse_iso_instant(to), london) == "2026-03-29 03:30");
}

TEST_CASE("the night the clocks go forward lasts seven hours", "[night][dst]") {
    const auto windows = night_intervals(parse_iso_instant("2026-03-29T00:30:00Z"),
                                         parse_iso_instant("2026-03-29T03:30:00+01:00"), night_window{}, london);
    REQUIRE(windows.size() == 1);
    CHECK(format_iso_utc(windows[0].begin) == "2026-03-28T22:00:00Z"); // Sat 22:00 GMT
    CHECK(format_iso_utc(windows[0].end) == "2026-03-29T05:00:00Z");   // Sun 06:00 BST
    CHECK(hours_of(windows[0]) == 7.0);
    CHECK(night_minutes("2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z") == 7 * 60);
}

// A window that does not cross midnight, 01:00-05:00: the window of date D
// ends on D itself.
//
//   London       22:00   00:00   01:00   03:00   05:00   06:00
//   -------------+-------+-------+-------+-------+-------+----
//   night                        [===============)
//   00:00-03:00          [-------========)                       120 min
//   22:00-02:00  [---------------====)                            60 min
TEST_CASE("a window that does not cross midnight", "[night]") {
    const night_window small_hours{.start = 1h, .end = 5h};
    CHECK(night_minutes("2026-11-24T00:00:00Z", "2026-11-24T03:00:00Z", small_hours) == 120);
    CHECK(night_minutes("2026-11-23T22:00:00Z", "2026-11-24T02:00:00Z", small_hours) == 60);
    CHECK(night_minutes("2026-11-24T04:00:00Z", "2026-11-24T23:00:00Z", small_hours) == 60);
    CHECK(nights("2026-11-23T12:00:00Z", "2026-11-25T12:00:00Z", small_hours) ==
          std::vector<std::string>{"2026-11-24T01:00:00Z/2026-11-24T05:00:00Z",
                                   "2026-11-25T01:00:00Z/2026-11-25T05:00:00Z"});
}

TEST_CASE("a window whose start and end are equal is no night at all", "[night]") {
    const night_window none{.start = 22h, .end = 22h};
    CHECK(night_minutes("2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z", none) == 0);
    CHECK(nights("2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z", none).empty());
}

TEST_CASE("night_intervals lists each night overlapping the span, unclipped, in order", "[night]") {
    // From noon to noon: three nights.
    CHECK(nights("2026-11-23T12:00:00Z", "2026-11-26T12:00:00Z") ==
          std::vector<std::string>{"2026-11-23T22:00:00Z/2026-11-24T06:00:00Z",
                                   "2026-11-24T22:00:00Z/2026-11-25T06:00:00Z",
                                   "2026-11-25T22:00:00Z/2026-11-26T06:00:00Z"});
    // From 03:00 to 03:00: the night already running at the start makes four.
    CHECK(nights("2026-11-23T03:00:00Z", "2026-11-26T03:00:00Z") ==
          std::vector<std::string>{"2026-11-22T22:00:00Z/2026-11-23T06:00:00Z",
                                   "2026-11-23T22:00:00Z/2026-11-24T06:00:00Z",
                                   "2026-11-24T22:00:00Z/2026-11-25T06:00:00Z",
                                   "2026-11-25T22:00:00Z/2026-11-26T06:00:00Z"});
    // A night that ends exactly at the start, or begins exactly at the end, does not overlap.
    CHECK(nights("2026-11-23T06:00:00Z", "2026-11-23T22:00:00Z").empty());
    CHECK(nights("2026-11-23T05:59:59Z", "2026-11-23T22:00:01Z") ==
          std::vector<std::string>{"2026-11-22T22:00:00Z/2026-11-23T06:00:00Z",
                                   "2026-11-23T22:00:00Z/2026-11-24T06:00:00Z"});
    // An empty or backward span overlaps nothing.
    CHECK(nights("2026-11-23T23:00:00Z", "2026-11-23T23:00:00Z").empty());
    CHECK(nights("2026-11-24T01:00:00Z", "2026-11-23T23:00:00Z").empty());
}

TEST_CASE("night_intervals across the change to GMT keeps each night at 22:00-06:00 local", "[night][dst]") {
    CHECK(nights("2026-10-24T12:00:00Z", "2026-10-27T12:00:00Z") ==
          std::vector<std::string>{"2026-10-24T21:00:00Z/2026-10-25T06:00:00Z",  // 22:00 BST - 06:00 GMT
                                   "2026-10-25T22:00:00Z/2026-10-26T06:00:00Z",  // GMT
                                   "2026-10-26T22:00:00Z/2026-10-27T06:00:00Z"});
}

// A window 22:00-01:30 on the spring-forward night ends in the gap, and is
// moved forward by it, as resolve_time() moves "2026-03-29 01:30":
//
//   UTC      22:00   00:30   01:00   01:30
//   ---------+-------+-------+-------+----
//   London   22:00   00:30 | 02:00   02:30
//   night    [=======================)     3 h 30 min of real time
TEST_CASE("a window ending in the spring-forward gap ends where the gap moves it", "[night][dst]") {
    const night_window late{.start = 22h, .end = 1h + 30min};
    const auto windows = night_intervals(parse_iso_instant("2026-03-28T12:00:00Z"),
                                         parse_iso_instant("2026-03-29T12:00:00Z"), late, london);
    REQUIRE(windows.size() == 1);
    CHECK(format_iso_utc(windows[0].begin) == "2026-03-28T22:00:00Z");
    CHECK(format_iso_utc(windows[0].end) == "2026-03-29T01:30:00Z");
    CHECK(format_local(windows[0].end, london) == "2026-03-29 02:30");
}

TEST_CASE("a window's local ends resolve exactly as resolve_time resolves them", "[night][dst]") {
    const auto resolved = [](std::string_view local) {
        return fairly::resolve_time(fairly::parse_time_expr(local), parse_iso_instant("2026-12-01T00:00:00Z"), london);
    };
    const night_window late{.start = 22h, .end = 1h + 30min};
    // Ambiguous (clocks back): the earlier 01:30, 00:30Z.
    const auto back = night_intervals(parse_iso_instant("2026-10-24T12:00:00Z"),
                                      parse_iso_instant("2026-10-25T12:00:00Z"), late, london);
    REQUIRE(back.size() == 1);
    CHECK(back[0].begin == resolved("2026-10-24 22:00"));
    CHECK(back[0].end == resolved("2026-10-25 01:30"));
    CHECK(format_iso_utc(back[0].end) == "2026-10-25T00:30:00Z");
    // Nonexistent (clocks forward): moved forward by the gap.
    const auto forward = night_intervals(parse_iso_instant("2026-03-28T12:00:00Z"),
                                         parse_iso_instant("2026-03-29T12:00:00Z"), late, london);
    REQUIRE(forward.size() == 1);
    CHECK(forward[0].end == resolved("2026-03-29 01:30"));
}

// A night that begins at 02:00 and ends at 01:30 leaves a day of half an hour.
// On the spring-forward night the 01:30 end is moved forward to 02:30 BST, past
// the 02:00 BST start of the next night; the next night begins where the last
// ended, so no minute is counted twice.
//
//   UTC      00:30   01:00   01:30   02:00
//   ---------+-------+-------+-------+----
//   London   00:30 | 02:00   02:30   03:00
//   28th     ================)                 ends at 02:30 BST (moved forward)
//   29th                     [=================  begins there, not at 02:00 BST
TEST_CASE("a night moved forward into the next one is not counted twice", "[night][dst]") {
    const night_window long_night{.start = 2h, .end = 1h + 30min};
    CHECK(night_minutes("2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z", long_night) == 24 * 60);
    CHECK(nights("2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", long_night) ==
          std::vector<std::string>{"2026-03-28T02:00:00Z/2026-03-29T01:30:00Z",
                                   "2026-03-29T01:30:00Z/2026-03-30T00:30:00Z"});
}

// The converse: a window of 01:30-02:00 local never shows on the wall clock on
// 2026-03-29 (00:59:59 GMT is followed by 02:00 BST), so that day has no night.
TEST_CASE("a window the clocks skip entirely is no night that day", "[night][dst]") {
    const night_window skipped{.start = 1h + 30min, .end = 2h};
    CHECK(nights("2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z", skipped) ==
          std::vector<std::string>{"2026-03-28T01:30:00Z/2026-03-28T02:00:00Z",   // GMT
                                   "2026-03-30T00:30:00Z/2026-03-30T01:00:00Z"}); // BST
}

TEST_CASE("the household zone is honoured: America/New_York", "[night]") {
    // 22:00 EST is 03:00Z the next day.
    CHECK(nights("2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z", night_window{}, "America/New_York") ==
          std::vector<std::string>{"2026-11-24T03:00:00Z/2026-11-24T11:00:00Z"});
    CHECK(night_minutes("2026-11-23T23:00:00Z", "2026-11-24T01:00:00Z", night_window{}, "America/New_York") == 0);
}

TEST_CASE("an event that ends before it starts has no night minutes", "[night]") {
    CHECK(night_minutes("2026-11-24T01:00:00Z", "2026-11-24T01:00:00Z") == 0);
    CHECK(night_minutes("2026-11-24T03:00:00Z", "2026-11-24T01:00:00Z") == 0);
}

TEST_CASE("an unknown household zone is the tz setting's fault", "[night]") {
    const auto from = parse_iso_instant("2026-11-23T23:00:00Z");
    const auto to = parse_iso_instant("2026-11-24T01:00:00Z");
    const auto listing = rejection([&] { night_intervals(from, to, night_window{}, "Mars/Olympus_Mons"); });
    REQUIRE(listing);
    CHECK(listing->field == "tz");
    CHECK(std::string(listing->what()).find("Mars/Olympus_Mons") != std::string::npos);
    const auto counting = rejection([&] { night_seconds(from, to, night_window{}, "Mars/Olympus_Mons"); });
    REQUIRE(counting);
    CHECK(counting->field == "tz");
}

TEST_CASE("a window outside 00:00-23:59 is refused", "[night]") {
    const auto from = parse_iso_instant("2026-11-23T23:00:00Z");
    const auto to = parse_iso_instant("2026-11-24T01:00:00Z");
    const auto late = rejection([&] { night_seconds(from, to, night_window{.start = 24h, .end = 6h}, london); });
    REQUIRE(late);
    CHECK(late->field == "night");
    CHECK(rejection([&] { night_seconds(from, to, night_window{.start = 22h, .end = -1min}, london); }));
}

TEST_CASE("event_points weighs night minutes by the multiplier when the kind's night rule applies", "[night]") {
    // A 35-minute night-feed at 03:10: 1 point + 2 per hour, all 35 minutes at night.
    CHECK(event_points(1.0, 2.0, true, 35min, 35min, 1.5) == 2.75); // 1 + 2 x (35/60 x 1.5)
    CHECK(event_points(1.0, 2.0, false, 35min, 35min, 1.5) == Approx(1.0 + 2.0 * 35.0 / 60.0));
    // Half day, half night: 1 + 2 x (1 + 1 x 1.5).
    CHECK(event_points(1.0, 2.0, true, 2h, 1h, 1.5) == 6.0);
    CHECK(event_points(1.0, 2.0, false, 2h, 1h, 1.5) == 5.0);
    // No night minutes: the multiplier does nothing.
    CHECK(event_points(1.0, 2.0, true, 90min, 0s, 1.5) == 4.0);
    // Per occurrence only.
    CHECK(event_points(3.0, 0.0, true, 35min, 35min, 1.5) == 3.0);
}

TEST_CASE("parse_time_of_day accepts H:MM and HH:MM from 00:00 to 23:59", "[night]") {
    CHECK(parse_time_of_day("22:00", "night-start") == 1320min);
    CHECK(parse_time_of_day("06:00", "night-end") == 360min);
    CHECK(parse_time_of_day("6:00", "night-end") == 360min);
    CHECK(parse_time_of_day("7:05", "night-end") == 425min);
    CHECK(parse_time_of_day("00:00", "night-end") == 0min);
    CHECK(parse_time_of_day("23:59", "night-end") == 1439min);
    CHECK(parse_time_of_day(" 22:30 ", "night-start") == 1350min);
}

TEST_CASE("parse_time_of_day refuses anything else, naming the field and the text", "[night]") {
    for (const std::string_view text :
         {"24:00", "7", "7pm", "", " ", "22:60", "22:0", "122:00", "22:00:00", "-1:00", "22h00", "ab:cd", "7:00pm",
          ":30", "22:", "22.00", "2 2:00"}) {
        INFO("text: \"" << text << '"');
        const auto refused = rejection([&] { parse_time_of_day(text, "night-start"); });
        REQUIRE(refused);
        CHECK(refused->field == "night-start");
        const std::string message = refused->what();
        CHECK(message.find("night-start") != std::string::npos);
        CHECK(message.find('"' + std::string(text) + '"') != std::string::npos);
        CHECK(message.find("22:00") != std::string::npos);
    }
}

TEST_CASE("a typical night is the median of the nights that are over; with an even count, the mean of the middle two", "[night][rest]") {
    using std::chrono::seconds;
    using namespace std::chrono_literals;
    CHECK_FALSE(fairly::summarize_rest({}).typical);
    CHECK_FALSE(fairly::summarize_rest({}).shortest);
    const auto odd = fairly::summarize_rest({seconds{8h}, seconds{3h}, seconds{4h}});
    CHECK(*odd.typical == seconds{4h});
    CHECK(*odd.shortest == seconds{3h});
    // 3h00 and 4h00: the typical night is 3h30, not the better of the two.
    const auto even = fairly::summarize_rest({seconds{4h}, seconds{3h}});
    CHECK(*even.typical == seconds{3h + 30min});
    CHECK(*even.shortest == seconds{3h});
}
