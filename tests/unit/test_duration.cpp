#include "duration.hpp"
#include "errors.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace std::chrono_literals;
using fairly::format_duration;
using fairly::parse_duration;

namespace {

/// The error parse_duration throws for `text`, or nothing when it accepts it.
std::optional<fairly::input_error> rejection(std::string_view text, std::string_view field = "for") {
    try {
        parse_duration(text, field);
    } catch (const fairly::input_error& e) {
        return e;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("parse_duration reads lengths as people type them", "[duration]") {
    CHECK(parse_duration("35m") == 35min);
    CHECK(parse_duration("1h20m") == 80min);
    CHECK(parse_duration("1h 20m") == 80min);
    CHECK(parse_duration("1.5h") == 90min);
    CHECK(parse_duration("2h") == 2h);
    CHECK(parse_duration("90s") == 90s);
    CHECK(parse_duration("1d") == 24h);
    CHECK(parse_duration("1h20m30s") == 1h + 20min + 30s);
    CHECK(parse_duration("0.5m") == 30s);
}

TEST_CASE("parse_duration takes a bare number as minutes", "[duration]") {
    CHECK(parse_duration("45") == 45min);
    CHECK(parse_duration("1.5") == 90s);
}

TEST_CASE("parse_duration ignores case, outer spaces and spaces before a unit", "[duration]") {
    CHECK(parse_duration("  35m  ") == 35min);
    CHECK(parse_duration("1H20M") == 80min);
    CHECK(parse_duration("35 min") == 35min);
    CHECK(parse_duration("2 hours 5 minutes") == 2h + 5min);
}

TEST_CASE("parse_duration accepts exactly seven days and nothing longer", "[duration]") {
    CHECK(parse_duration("7d") == 168h);
    CHECK(parse_duration("168h") == 168h);
    const auto e = rejection("7d1s");
    REQUIRE(e);
    CHECK(std::string(e->what()) == "for: \"7d1s\" is longer than 7 days, the longest length one entry can have");
    CHECK(rejection("8d"));
    CHECK(rejection("169h"));
}

TEST_CASE("parse_duration refuses what is not a positive length, naming the field", "[duration]") {
    for (const char* bad : {"abc", "5x", "1h20", "m", "h1", "1h1h", "20m1h", "1..5h", "1.h", ".h", "+5m",
                            "5 6", "1h,20m", "35m!", "1e3m"}) {
        INFO("input: " << bad);
        const auto e = rejection(bad);
        REQUIRE(e);
        CHECK(e->field == "for");
        CHECK(std::string(e->what()) ==
              "for: \"" + std::string(bad) + "\" is not a length of time (try 35m, 1h20m or 1.5h)");
    }
}

TEST_CASE("parse_duration explains empty, zero and negative lengths", "[duration]") {
    auto e = rejection("", "length");
    REQUIRE(e);
    CHECK(e->field == "length");
    CHECK(std::string(e->what()) == "length: a length of time is needed (try 35m, 1h20m or 1.5h)");

    CHECK(rejection("   "));

    for (const char* zero : {"0", "0m", "0h0m", "0.1s"}) {
        INFO("input: " << zero);
        e = rejection(zero);
        REQUIRE(e);
        CHECK(std::string(e->what()).find("is no time at all") != std::string::npos);
    }

    e = rejection("-5m");
    REQUIRE(e);
    CHECK(std::string(e->what()) ==
          "for: \"-5m\" is negative; a length is written without a sign (try 35m, 1h20m or 1.5h)");
}

TEST_CASE("parse_duration refuses huge numbers instead of overflowing", "[duration]") {
    for (const char* huge : {"99999999999999999999999h", "9223372036854775807s", "18446744073709551617m",
                             "99999999999999999999", "604801"}) {
        INFO("input: " << huge);
        const auto e = rejection(huge);
        REQUIRE(e);
        CHECK(std::string(e->what()).find("longer than 7 days") != std::string::npos);
    }
    // Many fraction digits are fine as long as the length is.
    CHECK(parse_duration("1.50000000000000000000001h") == 90min);
}

TEST_CASE("format_duration writes lengths as people read them", "[duration]") {
    CHECK(format_duration(35min) == "35m");
    CHECK(format_duration(80min) == "1h20m");
    CHECK(format_duration(2h) == "2h");
    CHECK(format_duration(0s) == "0m");
    CHECK(format_duration(50h) == "50h");
    CHECK(format_duration(168h + 5min) == "168h5m");
}

TEST_CASE("format_duration rounds seconds to the nearest minute, but shows under a minute in seconds",
          "[duration]") {
    CHECK(format_duration(45s) == "45s");
    CHECK(format_duration(1s) == "1s");
    CHECK(format_duration(59s) == "59s");
    CHECK(format_duration(60s) == "1m");
    CHECK(format_duration(89s) == "1m");
    CHECK(format_duration(90s) == "2m");
    CHECK(format_duration(59min + 31s) == "1h");
    CHECK(format_duration(3h + 29s) == "3h");
}

TEST_CASE("format_duration shows a negative length with a sign and never overflows", "[duration]") {
    CHECK(format_duration(-35min) == "-35m");
    CHECK(format_duration(-45s) == "-45s");
    CHECK_FALSE(format_duration(std::chrono::seconds::min()).empty());
}

TEST_CASE("format_duration and parse_duration agree", "[duration]") {
    for (const char* text : {"35m", "1h20m", "2h", "45s", "50h", "1m"}) {
        INFO("text: " << text);
        CHECK(format_duration(parse_duration(text)) == text);
    }
}
