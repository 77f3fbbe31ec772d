#include "errors.hpp"
#include "time_expr.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace std::chrono_literals;
using fairly::format_iso_utc;
using fairly::parse_iso_instant;
using fairly::parse_time_expr;
using fairly::time_expr;
using form = fairly::time_expr::form;

namespace {

/// A fixed UTC instant, built without the code under test.
std::chrono::sys_seconds utc(int y, int m, int d, int hh, int mm, int ss = 0) {
    return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

/// The error `parse` throws, or nothing when it accepts the text.
template <class Parse>
std::optional<fairly::input_error> rejection(Parse parse) {
    try {
        parse();
    } catch (const fairly::input_error& e) {
        return e;
    }
    return std::nullopt;
}

std::optional<fairly::input_error> time_rejection(std::string_view text, std::string_view field = "at") {
    return rejection([&] { parse_time_expr(text, field); });
}

bool mentions(const fairly::input_error& e, std::string_view words) {
    return std::string(e.what()).find(words) != std::string::npos;
}

const std::string accepted_forms =
    "use now, 03:10, 3:10am, 9pm, \"yesterday 22:40\", \"yesterday 3am\", \"mon 09:00\", \"sat 9am\", -40m, \"in 10m\", "
    "2026-10-25, \"2026-10-25 00:30\" or ISO 8601 with an offset (2026-10-25T00:30:00+01:00)";

} // namespace

TEST_CASE("parse_time_expr reads now, in any case and with spaces around", "[time_expr]") {
    CHECK(parse_time_expr("now").kind == form::now);
    CHECK(parse_time_expr("  NOW ").kind == form::now);
}

TEST_CASE("parse_time_expr reads a length before now with the duration rules", "[time_expr]") {
    auto e = parse_time_expr("-40m");
    CHECK(e.kind == form::relative);
    CHECK(e.offset == 40min);
    CHECK(parse_time_expr("-1h20m").offset == 80min);
    CHECK(parse_time_expr("-1.5h").offset == 90min);
    CHECK(parse_time_expr("-45").offset == 45min);
}

TEST_CASE("parse_time_expr reads a clock time with one or two hour digits", "[time_expr]") {
    auto e = parse_time_expr("03:10");
    CHECK(e.kind == form::clock);
    CHECK(e.time_of_day == 3h + 10min);
    CHECK(parse_time_expr("3:10").time_of_day == 3h + 10min);
    CHECK(parse_time_expr("00:00").time_of_day == 0min);
    CHECK(parse_time_expr("23:59").time_of_day == 23h + 59min);
}

TEST_CASE("parse_time_expr reads a 12-hour clock as people type it at 3 a.m.", "[time_expr]") {
    CHECK(parse_time_expr("3:10am").kind == form::clock);
    CHECK(parse_time_expr("3:10am").time_of_day == 3h + 10min);
    CHECK(parse_time_expr("3am").time_of_day == 3h);
    CHECK(parse_time_expr("9pm").time_of_day == 21h);
    CHECK(parse_time_expr("9 PM").time_of_day == 21h);
    CHECK(parse_time_expr("9:45 p.m.").time_of_day == 21h + 45min);
    CHECK(parse_time_expr("12am").time_of_day == 0min);
    CHECK(parse_time_expr("12:30pm").time_of_day == 12h + 30min);
    const auto yesterday = parse_time_expr("yesterday 3am");
    CHECK(yesterday.kind == form::day_clock);
    CHECK(yesterday.days_back == 1);
    CHECK(yesterday.time_of_day == 3h);
    const auto saturday = parse_time_expr("sat 9am");
    CHECK(saturday.kind == form::day_clock);
    CHECK(saturday.weekday == std::chrono::Saturday);
    CHECK(saturday.time_of_day == 9h);
    for (const char* bad : {"13pm", "0am", "13:10am"}) {
        INFO("input: " << bad);
        const auto e = time_rejection(bad);
        REQUIRE(e);
        CHECK(mentions(*e, "has no such time of day"));
    }
}

TEST_CASE("parse_time_expr reads a time ahead, \"in 10m\"", "[time_expr]") {
    const auto e = parse_time_expr("in 10m");
    CHECK(e.kind == form::ahead);
    CHECK(e.offset == 10min);
    CHECK(parse_time_expr("In 1h30m").offset == 90min);
    const auto bad = time_rejection("in a bit");
    REQUIRE(bad);
    CHECK(mentions(*bad, "is not a time ahead"));
}

TEST_CASE("parse_time_expr reads day words", "[time_expr]") {
    auto e = parse_time_expr("today");
    CHECK(e.kind == form::day);
    CHECK(e.days_back == 0);
    CHECK_FALSE(e.weekday);

    e = parse_time_expr("Yesterday");
    CHECK(e.kind == form::day);
    CHECK(e.days_back == 1);
    CHECK_FALSE(e.weekday);

    for (const char* monday : {"mon", "monday", "MON", "Monday"}) {
        INFO("input: " << monday);
        e = parse_time_expr(monday);
        CHECK(e.kind == form::day);
        CHECK(e.weekday == std::chrono::Monday);
    }
    CHECK(parse_time_expr("sun").weekday == std::chrono::Sunday);
    CHECK(parse_time_expr("thurs").weekday == std::chrono::Thursday);
    CHECK(parse_time_expr("saturday").weekday == std::chrono::Saturday);
}

TEST_CASE("parse_time_expr reads a day word with a clock time", "[time_expr]") {
    auto e = parse_time_expr("yesterday 22:40");
    CHECK(e.kind == form::day_clock);
    CHECK(e.days_back == 1);
    CHECK(e.time_of_day == 22h + 40min);

    e = parse_time_expr("mon 09:00");
    CHECK(e.kind == form::day_clock);
    CHECK(e.weekday == std::chrono::Monday);
    CHECK(e.time_of_day == 9h);

    e = parse_time_expr(" Today   7:00 ");
    CHECK(e.kind == form::day_clock);
    CHECK(e.days_back == 0);
    CHECK(e.time_of_day == 7h);
}

TEST_CASE("parse_time_expr reads a local date and a local date with a time", "[time_expr]") {
    auto e = parse_time_expr("2026-10-25");
    CHECK(e.kind == form::local_date);
    CHECK(e.date == std::chrono::year_month_day{2026y / std::chrono::October / 25d});

    for (const char* text : {"2026-10-25 00:30", "2026-10-25T00:30", "2026-10-25t00:30", "2026-10-25   00:30"}) {
        INFO("input: " << text);
        e = parse_time_expr(text);
        CHECK(e.kind == form::local_date_time);
        CHECK(e.date == std::chrono::year_month_day{2026y / std::chrono::October / 25d});
        CHECK(e.time_of_day == 30min);
        CHECK(e.seconds_past_minute == 0s);
    }

    e = parse_time_expr("2026-10-25 00:30:15");
    CHECK(e.kind == form::local_date_time);
    CHECK(e.time_of_day == 30min);
    CHECK(e.seconds_past_minute == 15s);

    CHECK(parse_time_expr("2028-02-29").kind == form::local_date); // a leap day
}

TEST_CASE("parse_time_expr reads an ISO 8601 instant with Z or an offset", "[time_expr]") {
    auto e = parse_time_expr("2026-10-25T00:30:00+01:00");
    CHECK(e.kind == form::instant);
    CHECK(e.at == utc(2026, 10, 24, 23, 30));

    CHECK(parse_time_expr("2026-10-25T00:30Z").at == utc(2026, 10, 25, 0, 30));
    CHECK(parse_time_expr("2026-10-25T00:30:00z").at == utc(2026, 10, 25, 0, 30));
    CHECK(parse_time_expr("2026-10-25T00:30+0100").at == utc(2026, 10, 24, 23, 30));
    CHECK(parse_time_expr("2026-10-25T00:30-05:00").at == utc(2026, 10, 25, 5, 30));
    CHECK(parse_time_expr("2026-10-25T00:30+10:30").at == utc(2026, 10, 24, 14, 0));
    CHECK(parse_time_expr("2026-10-25 00:30:00 +01:00").at == utc(2026, 10, 24, 23, 30));
    CHECK(parse_time_expr("2026-11-23T09:00:00.750Z").at == utc(2026, 11, 23, 9, 0));
}

TEST_CASE("parse_time_expr refuses what it cannot read, listing the forms it can", "[time_expr]") {
    for (const char* bad : {"later", "tomorrow", "3", "0310", "3:1", "03:10:00", "3xm", "3 pmx", "+40m", "mon 9",
                            "yesterday 22", "yesterday 22:40 x", "monday yesterday", "2026-10", "2026/10/25",
                            "2026-10-25 00", "2026-10-25T", "2026-10-25T00:30+1", "2026-10-25T00:30 CET",
                            "2026-10-25T00:30:00.Z", "12-25"}) {
        INFO("input: " << bad);
        const auto e = time_rejection(bad, "when");
        REQUIRE(e);
        CHECK(e->field == "when");
        CHECK(std::string(e->what()) == "when: \"" + std::string(bad) + "\" is not a time; " + accepted_forms);
    }
}

TEST_CASE("parse_time_expr says when a time is needed", "[time_expr]") {
    const auto e = time_rejection("  ");
    REQUIRE(e);
    CHECK(e->field == "at");
    CHECK(std::string(e->what()) == "at: a time is needed; " + accepted_forms);
}

TEST_CASE("parse_time_expr refuses clock times that are not on a clock", "[time_expr]") {
    for (const char* bad : {"24:00", "25:00", "3:60", "yesterday 24:10", "2026-10-25 24:00", "2026-10-25 23:60"}) {
        INFO("input: " << bad);
        const auto e = time_rejection(bad);
        REQUIRE(e);
        CHECK(e->field == "at");
        CHECK(std::string(e->what()) ==
              "at: \"" + std::string(bad) + "\" has no such time of day; hours go 0-23 and minutes 0-59");
    }
    const auto e = time_rejection("2026-10-25 23:59:60");
    REQUIRE(e);
    CHECK(mentions(*e, "seconds go 0-59"));
}

TEST_CASE("parse_time_expr refuses dates that are not on the calendar or out of range", "[time_expr]") {
    for (const char* bad : {"2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31 10:00"}) {
        INFO("input: " << bad);
        const auto e = time_rejection(bad);
        REQUIRE(e);
        CHECK(e->field == "at");
        CHECK(mentions(*e, "is not a date on the calendar; write dates as YYYY-MM-DD"));
    }
    auto e = time_rejection("0001-01-01");
    REQUIRE(e);
    CHECK(std::string(e->what()) == "at: \"0001-01-01\" has year 1; years go from 1970 to 9999");
    e = time_rejection("1969-12-31 23:00");
    REQUIRE(e);
    CHECK(mentions(*e, "has year 1969"));
    e = time_rejection("10000-01-01");
    REQUIRE(e);
    CHECK(mentions(*e, "has year 10000"));
    e = time_rejection("2026-10-25T00:30+24:00");
    REQUIRE(e);
    CHECK(mentions(*e, "offset from UTC"));
}

TEST_CASE("parse_time_expr explains a bad length after a minus sign", "[time_expr]") {
    for (const char* bad : {"-5x", "-", "-0m", "-8d", "--40m", "-1h20"}) {
        INFO("input: " << bad);
        const auto e = time_rejection(bad, "since");
        REQUIRE(e);
        CHECK(e->field == "since");
        CHECK(std::string(e->what()) ==
              "since: \"" + std::string(bad) +
                  "\" is not a time before now; after the minus sign write a length of at most 7 days, "
                  "e.g. -40m, -1h20m or -1.5h");
    }
}

TEST_CASE("parse_iso_instant reads only instants with Z or an offset", "[time_expr]") {
    CHECK(parse_iso_instant("2026-11-23T09:00:00Z") == utc(2026, 11, 23, 9, 0));
    CHECK(parse_iso_instant("2026-11-23T09:00+01:00") == utc(2026, 11, 23, 8, 0));
    CHECK(parse_iso_instant("2026-11-23T09:00:05.123456789Z") == utc(2026, 11, 23, 9, 0, 5));
    CHECK(parse_iso_instant("2026-11-23T09:00:05,5+0000") == utc(2026, 11, 23, 9, 0, 5));
    CHECK(parse_iso_instant(" 2026-11-23T04:00:00-05:00 ") == utc(2026, 11, 23, 9, 0));

    for (const char* bad : {"2026-11-23T09:00", "2026-11-23", "now", "-40m", "03:10", "", "1763888400"}) {
        INFO("input: " << bad);
        const auto e = rejection([&] { parse_iso_instant(bad); });
        REQUIRE(e);
        CHECK(e->field == "time");
        CHECK(std::string(e->what()) == "time: \"" + std::string(bad) +
                                            "\" is not an ISO 8601 instant; write it with Z or an offset, e.g. "
                                            "2026-11-23T09:00:00Z or 2026-11-23T09:00+01:00");
    }
    const auto e = rejection([] { parse_iso_instant("2026-02-30T09:00Z", "FAIRLY_NOW"); });
    REQUIRE(e);
    CHECK(e->field == "FAIRLY_NOW");
    CHECK(mentions(*e, "not a date on the calendar"));
}

TEST_CASE("format_iso_utc writes UTC with a Z", "[time_expr]") {
    CHECK(format_iso_utc(utc(2026, 11, 23, 9, 0)) == "2026-11-23T09:00:00Z");
    CHECK(format_iso_utc(utc(2026, 3, 29, 1, 30, 7)) == "2026-03-29T01:30:07Z");
    CHECK(format_iso_utc(std::chrono::sys_seconds{0s}) == "1970-01-01T00:00:00Z");
    CHECK(format_iso_utc(utc(9999, 12, 31, 23, 59, 59)) == "9999-12-31T23:59:59Z");
}

TEST_CASE("format_iso_utc and parse_iso_instant agree", "[time_expr]") {
    for (const auto t : {utc(2026, 11, 23, 9, 0), utc(2026, 10, 25, 1, 30, 59), utc(2000, 2, 29, 0, 0)}) {
        CHECK(parse_iso_instant(format_iso_utc(t)) == t);
    }
}
