// The fairness arithmetic, including the worked example of docs/fairness.md.
#include "fairness.hpp"

#include <catch2/catch.hpp>

using namespace fairly;

namespace {

/// Weeks W01.. with member 0 carrying `shares[i]` of 100 points.
std::vector<week_points> weeks_of(const std::vector<double>& shares) {
    std::vector<week_points> weeks;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const std::string number = std::to_string(i + 1);
        weeks.push_back({"2026-W" + std::string(number.size() < 2 ? "0" : "") + number, {100 * shares[i], 100 * (1 - shares[i])}});
    }
    return weeks;
}

} // namespace

TEST_CASE("shares are fractions that sum to 1, or all zero with no load", "[fairness]") {
    auto shares = shares_of({30, 10});
    CHECK(shares[0] == Approx(0.75));
    CHECK(shares[1] == Approx(0.25));
    CHECK(shares_of({0, 0}) == std::vector<double>{0, 0});
}

TEST_CASE("the balance is in hours at the period's own rate of points per hour", "[fairness]") {
    // 40 points in 20 hours (2 points an hour); agreed 50/50: alex 30 points is
    // 10 points = 5 hours above, sam 5 hours below.
    auto balance = balance_hours({30, 10}, {0.5, 0.5}, 20);
    CHECK(balance[0] == Approx(5.0));
    CHECK(balance[1] == Approx(-5.0));
    // Against an agreed 60/40 the same week is 1 hour off.
    auto agreed = balance_hours({30, 10}, {0.6, 0.4}, 20);
    CHECK(agreed[0] == Approx(3.0));
    CHECK(balance_hours({0, 0}, {0.5, 0.5}, 0) == std::vector<double>{0, 0});
}

TEST_CASE("a steady household inside its agreement raises nothing", "[fairness][drift]") {
    const auto weeks = weeks_of({0.50, 0.53, 0.48, 0.51, 0.49, 0.52, 0.47, 0.50, 0.53, 0.49});
    CHECK_FALSE(detect_drift(weeks, {0.5, 0.5}, {}).alert);
    CHECK(band_alerts(weeks, {0.5, 0.5}, {}).empty());
    // Agreed 60/40 and kept to it.
    const auto kept = weeks_of({0.61, 0.58, 0.60, 0.62, 0.59, 0.60, 0.57, 0.61});
    CHECK_FALSE(detect_drift(kept, {0.6, 0.4}, {}).alert);
}

TEST_CASE("worked example: a drift of 4 points a week is caught weeks before any week looks bad", "[fairness][drift]") {
    // docs/fairness.md: sam (member 1) takes 50%, then 4 points more each week.
    // week   share  d=share-0.5  S=max(0,S+d-0.02)
    // W01    0.50   0.00         0.00
    // W02    0.54   0.04         0.02   <- drift begins
    // W03    0.58   0.08         0.08   > h=0.06: alert
    // W04    0.62   0.12         0.18
    // W05    0.66   0.16         0.32   first week more than 15 points off
    std::vector<week_points> weeks;
    const double sam[] = {0.50, 0.54, 0.58, 0.62, 0.66};
    for (int i = 0; i < 5; ++i) weeks.push_back({"2026-W0" + std::to_string(i + 1), {100 * (1 - sam[i]), 100 * sam[i]}});
    const auto finding = detect_drift(weeks, {0.5, 0.5}, {});
    REQUIRE(finding.alert);
    CHECK(finding.member == 1u);
    CHECK(finding.direction == "above");
    CHECK(finding.since == "2026-W02");
    CHECK(finding.detected == "2026-W03");
    CHECK(finding.excess == Approx(0.32));
    const auto bands = band_alerts(weeks, {0.5, 0.5}, {});
    REQUIRE(bands.size() == 2); // both members, in W05 only
    CHECK(bands[0].week == "2026-W05");
    // The CUSUM alerted two weeks before the band did.
}

TEST_CASE("an alert ends when the household returns to its agreement", "[fairness][drift]") {
    // The excess of 0.26 built in three weeks drains by the slack (2 points)
    // for every week back at the agreed share: after 13 such weeks it is gone.
    std::vector<double> shares{0.60, 0.62, 0.60};
    for (int i = 0; i < 12; ++i) shares.push_back(0.50);
    REQUIRE(detect_drift(weeks_of(shares), {0.5, 0.5}, {}).alert);
    shares.push_back(0.50);
    CHECK_FALSE(detect_drift(weeks_of(shares), {0.5, 0.5}, {}).alert);
    // Stopping while still drifting keeps it.
    const auto still = weeks_of({0.60, 0.62, 0.60});
    auto finding = detect_drift(still, {0.5, 0.5}, {});
    REQUIRE(finding.alert);
    CHECK(finding.member == 0u);
    CHECK(finding.since == "2026-W01");
}

TEST_CASE("weeks without load are no evidence either way", "[fairness][drift]") {
    auto weeks = weeks_of({0.5, 0.5});
    weeks.push_back({"2026-W03", {0, 0}});
    CHECK_FALSE(detect_drift(weeks, {0.5, 0.5}, {}).alert);
    CHECK(band_alerts(weeks, {0.5, 0.5}, {}).empty());
}

TEST_CASE("slack and threshold are the household's to set", "[fairness][drift]") {
    const auto weeks = weeks_of({0.55, 0.55, 0.55, 0.55});
    CHECK(detect_drift(weeks, {0.5, 0.5}, {}).alert); // 3 points over slack a week adds up
    CHECK_FALSE(detect_drift(weeks, {0.5, 0.5}, {0.05, 0.06, 0.15}).alert);
}

TEST_CASE("three members: the one furthest above is named", "[fairness][drift]") {
    std::vector<week_points> weeks;
    for (int i = 1; i <= 4; ++i) weeks.push_back({"2026-W0" + std::to_string(i), {20, 30, 50}});
    const auto finding = detect_drift(weeks, {0.3, 0.3, 0.4}, {});
    REQUIRE(finding.alert);
    CHECK(finding.member == 2u);
    CHECK(finding.direction == "above");
}
