// End to end: the drift alert, calibrated to the household's own weeks,
// through the real CLI and daemon (docs/fairness.md, "Drift").
#include "household.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

using namespace fairly::test;

namespace {

/// Monday of week `n` after Monday 2026-05-04, as "YYYY-MM-DD".
std::string monday(int n) {
    const std::chrono::year_month_day day{std::chrono::sys_days{std::chrono::year{2026} / 5 / 4} + std::chrono::days{7 * n}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                  static_cast<unsigned>(day.day()));
    return text;
}

/// The Monday 07:00 UTC after week `n`, when its report is read.
std::string monday_morning_after(int n) { return monday(n + 1) + "T07:00:00Z"; }

/// A household of alex and sam, agreed 50/50, whose chore is worth 1 point an
/// hour, so a week's minutes are its shares. The daemon's clock is at the end.
struct drift_household : household {
    drift_household() : household(monday_morning_after(40)) {
        ok({"init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"});
        ok({"kind", "add", "chore", "--category", "household", "--per-hour", "1"});
    }
    /// Week `n`: sam did `sam_share` percent of 100 minutes of chores.
    void week(int n, int sam_share) {
        ok({"log", "chore", "--member", "alex", "--at", monday(n) + " 18:00", "--for", std::to_string(100 - sam_share) + "m"});
        ok({"log", "chore", "--member", "sam", "--at", monday(n) + " 19:00", "--for", std::to_string(sam_share) + "m"});
    }
    /// The report of week `n`, read the Monday morning after it.
    json report_of(int n) {
        return ok({"report", "--week", monday(n), "--format", "json"}, {{"FAIRLY_NOW", monday_morning_after(n)}}).out_json();
    }
};

} // namespace

TEST_CASE("a steady household logged for half a year is never told it is drifting", "[e2e][drift]") {
    // Agreed 50/50 and kept to it, with weeks that wobble the way real weeks
    // do: 5 points of noise (a fixed draw, seed 14).
    drift_household home;
    std::mt19937_64 random(14);
    std::normal_distribution<double> wobble(0.0, 5.0);
    for (int n = 0; n < 26; ++n) home.week(n, static_cast<int>(std::lround(std::clamp(50.0 + wobble(random), 20.0, 80.0))));
    for (int n = 0; n < 26; ++n) {
        const json drift = home.report_of(n)["drift"];
        INFO("week " << n << ": " << drift.dump());
        CHECK(drift["alert"] == false);
        CHECK(drift["learning"] == (n < 5)); // six weeks seen by the end of week 5
    }
    const json last = home.report_of(25)["drift"];
    CHECK(last["weeks_learned"] == 26);
    // sigma is near the noise the weeks were drawn with.
    CHECK(last["sigma"].get<double>() > 0.03);
    CHECK(last["sigma"].get<double>() < 0.09);
}

TEST_CASE("a real slow drift is found weeks before any single week looks bad", "[e2e][drift]") {
    // Twelve ordinary weeks that wobble by a few points (0, +3, -2, +1, -1, +2,
    // -3, 0, again and again), then sam takes a point more each week, still wobbling.
    drift_household home;
    const int wobble[] = {0, 3, -2, 1, -1, 2, -3, 0};
    std::vector<int> shares;
    for (int n = 0; n < 30; ++n) {
        const int creep = n >= 12 ? n - 11 : 0;
        shares.push_back(50 + wobble[n % 8] + creep);
        home.week(n, shares.back());
    }
    std::optional<int> found;
    for (int n = 12; n < 30 && !found; ++n) {
        if (home.report_of(n)["drift"]["alert"] == true) found = n;
    }
    REQUIRE(found);
    const json drift = home.report_of(*found)["drift"];
    CHECK(drift["member"] == "sam");
    CHECK(drift["direction"] == "above");
    // The first week more than 15 points off: the alert came before it.
    int first_bad = 30;
    for (int n = 0; n < 30; ++n) {
        if (std::abs(shares[static_cast<std::size_t>(n)] - 50) > 15) {
            first_bad = n;
            break;
        }
    }
    INFO("found in week " << *found << ", first week more than 15 points off: " << first_bad);
    CHECK(*found + 2 <= first_bad);
    CHECK(*found - 12 < 12); // within twelve weeks of the creep's start
    // And the report says it in words, with the household's own figures.
    const std::string text = home.ok({"report", "--week", monday(*found)}, {{"FAIRLY_NOW", monday_morning_after(*found)}}).out;
    CHECK_THAT(text, Catch::Contains("the load has been ") && Catch::Contains(" (alex/sam) on average against your agreed 50/50"));
}

TEST_CASE("until six weeks are over the detector says it is still learning, however far off they are", "[e2e][drift]") {
    drift_household home;
    for (int n = 0; n < 3; ++n) home.week(n, 85);
    const json report = home.report_of(2);
    CHECK(report["drift"]["learning"] == true);
    CHECK(report["drift"]["alert"] == false);
    CHECK(report["drift"]["weeks_learned"] == 3);
    CHECK(report["drift"]["sigma"].is_null());
    CHECK(report["band_alerts"].empty());
    const std::string text = home.ok({"report", "--week", monday(2)}, {{"FAIRLY_NOW", monday_morning_after(2)}}).out;
    CHECK_THAT(text, Catch::Contains("still learning how much your weeks vary (3 of 6 weeks so far)"));
    const std::string drift = home.ok({"drift"}, {{"FAIRLY_NOW", monday_morning_after(2)}}).out;
    CHECK_THAT(drift, Catch::Contains("3 of 6 weeks with load so far"));
}

TEST_CASE("fairly drift shows sigma and what the settings mean, and a talk restarts the chart", "[e2e][drift]") {
    drift_household home;
    const int steady[] = {50, 53, 48, 51, 49, 52, 47, 50};
    for (int n = 0; n < 8; ++n) home.week(n, steady[n]);
    for (int n = 8; n < 14; ++n) home.week(n, 50 + 3 * (n - 7)); // 53, 56, ... 68
    const std::string now = monday_morning_after(13);
    const std::string shown = home.ok({"drift"}, {{"FAIRLY_NOW", now}}).out;
    CHECK_THAT(shown, Catch::Contains("This household's weekly shares vary by about"));
    CHECK_THAT(shown, Catch::Contains("Slack 0.5 sigma, threshold 4 sigma: in a steady household a false alert about once in 3 years"));
    CHECK_THAT(shown, Catch::Contains("a steady change of 5 points found in about"));
    json drift = home.ok({"drift", "--json"}, {{"FAIRLY_NOW", now}}).out_json();
    CHECK(drift["weeks_between_false_alerts"].get<double>() == Approx(168).epsilon(0.05));

    // Settings in sigma, kept in the record of changes.
    home.ok({"drift", "--threshold", "5"}, {{"FAIRLY_NOW", now}});
    CHECK(home.ok({"drift", "--json"}, {{"FAIRLY_NOW", now}}).out_json()["threshold"] == 5.0);
    CHECK_THAT(home.ok({"drift", "--threshold", "4"}, {{"FAIRLY_NOW", now}}).out, Catch::Contains("once in 3 years"));
    CHECK(home.fairly({"drift", "--threshold", "0"}).exit_code == 64);

    // The alert stands until the household has talked about it.
    const std::string tuesday = monday(14) + "T19:00:00Z";
    REQUIRE(home.ok({"report", "--format", "json"}, {{"FAIRLY_NOW", tuesday}}).out_json()["drift"]["alert"] == true);
    auto talked = home.ok({"drift", "--talked", "--note", "we swap the Tuesday chores"}, {{"FAIRLY_NOW", tuesday}, {"FAIRLY_MEMBER", "alex"}});
    CHECK_THAT(talked.out, Catch::Contains("starts again from this week"));
    CHECK_THAT(talked.out, Catch::Contains("Last talked about"));
    home.week(14, 52);
    const json after = home.report_of(14);
    CHECK(after["drift"]["alert"] == false);
    CHECK(after["drift"]["talked"]["note"] == "we swap the Tuesday chores");
    CHECK(after["drift"]["talked"]["by"] == "alex");
    // The weeks before the talk still read as they did.
    CHECK(home.report_of(13)["drift"]["alert"] == true);
    const std::string text = home.ok({"report", "--week", monday(14)}, {{"FAIRLY_NOW", monday_morning_after(14)}}).out;
    CHECK_THAT(text, Catch::Contains("You last talked about the drift in") && Catch::Contains("we swap the Tuesday chores"));
    // Kept in the record of changes, with who said so.
    const std::string changes = home.ok({"kind", "history"}).out;
    CHECK_THAT(changes, Catch::Contains("talked"));
    // With no alert standing, there is nothing to have talked about.
    auto nothing = home.fairly({"drift", "--talked"}, {{"FAIRLY_NOW", monday_morning_after(14)}});
    CHECK(nothing.exit_code == 65);
    CHECK_THAT(nothing.err, Catch::Contains("no drift alert"));
}
