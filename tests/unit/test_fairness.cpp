// The fairness arithmetic, including the worked example of docs/fairness.md.
#include "fairness.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <random>

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
    const auto weeks = weeks_of({0.50, 0.53, 0.48, 0.51, 0.49, 0.52, 0.47, 0.50, 0.53, 0.49, 0.51, 0.48});
    const auto finding = detect_drift(weeks, {0.5, 0.5}, {});
    CHECK_FALSE(finding.learning);
    CHECK_FALSE(finding.alert);
    CHECK(band_alerts(weeks, {0.5, 0.5}, {}, finding.sigma).empty());
    // Agreed 60/40 and kept to it.
    const auto kept = weeks_of({0.61, 0.58, 0.60, 0.62, 0.59, 0.60, 0.57, 0.61, 0.60});
    CHECK_FALSE(detect_drift(kept, {0.6, 0.4}, {}).alert);
}

TEST_CASE("until six weeks with load, the detector is still learning the household", "[fairness][drift]") {
    // Five weeks far off the agreement: nothing to measure them against yet.
    const auto five = weeks_of({0.80, 0.85, 0.90, 0.85, 0.80});
    const auto learning = detect_drift(five, {0.5, 0.5}, {});
    CHECK(learning.learning);
    CHECK_FALSE(learning.alert);
    CHECK(learning.weeks_with_load == 5);
    CHECK_FALSE(estimate_sigma(five, {0.5, 0.5}, {}));
    auto six = weeks_of({0.80, 0.85, 0.90, 0.85, 0.80, 0.85});
    six.insert(six.begin() + 2, {"2026-W00", {0, 0}}); // a week with no load does not count
    CHECK(detect_drift(six, {0.5, 0.5}, {}).weeks_with_load == 6);
    CHECK_FALSE(detect_drift(six, {0.5, 0.5}, {}).learning);
}

TEST_CASE("sigma: the mean moving range over 1.128, larger while it rests on few weeks, never below the floor", "[fairness][drift]") {
    // Deviations 0, +3, -2, +1, -1, +2 points: moving ranges 3, 5, 3, 2, 3, mean 3.2;
    // 3.2 / 1.128 = 2.84 points, from 5 ranges: x (1 + 1/sqrt(5)) = 4.11 points.
    const auto weeks = weeks_of({0.50, 0.53, 0.48, 0.51, 0.49, 0.52});
    CHECK(*estimate_sigma(weeks, {0.5, 0.5}, {}) == Approx(0.032 / 1.128 * (1 + 1 / std::sqrt(5.0))));
    // A household as regular as a clock is judged by the floor, 2 points.
    CHECK(*estimate_sigma(weeks_of({0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}), {0.5, 0.5}, {}) == Approx(0.02));
    // A slow drift hardly moves it: a steady 2 points a week adds 2 points to each range.
    const double steady = *estimate_sigma(weeks_of({0.50, 0.53, 0.48, 0.51, 0.49, 0.52, 0.47, 0.50}), {0.5, 0.5}, {});
    const double creeping = *estimate_sigma(weeks_of({0.50, 0.53, 0.48, 0.51, 0.49, 0.52, 0.47, 0.50, 0.53, 0.55, 0.57, 0.59}), {0.5, 0.5}, {});
    CHECK(creeping < steady);
}

TEST_CASE("worked example: a slow drift is caught before any single week stands out", "[fairness][drift]") {
    // docs/fairness.md, "Worked example". Sam (member 1) wobbles by a few
    // points for eight weeks, then takes 2 points more each week. Each week is
    // judged against the sigma known before it; z = d / sigma, S = max(0, S + z - 0.5).
    // week  share  d    sigma   z      S
    // W07   47     -3   4.11   -0.73   0.00
    // W08   50      0   4.37    0.00   0.00
    // W09   53     +3   4.19   +0.72   0.22   <- drift begins
    // W10   55     +5   4.05   +1.23   0.95
    // W11   57     +7   3.81   +1.84   2.29
    // W12   59     +9   3.62   +2.49   4.28   > h = 4: alert, since W09
    // W13   61    +11   3.46   +3.18   6.95   first week more than 3 sigma off: band
    const double sam[] = {0.50, 0.53, 0.48, 0.51, 0.49, 0.52, 0.47, 0.50, 0.53, 0.55, 0.57, 0.59, 0.61};
    std::vector<week_points> weeks;
    for (int i = 0; i < 13; ++i) {
        const std::string number = std::to_string(i + 1);
        weeks.push_back({"2026-W" + std::string(number.size() < 2 ? "0" : "") + number, {100 * (1 - sam[i]), 100 * sam[i]}});
    }
    const std::vector<week_points> before_w12(weeks.begin(), weeks.begin() + 11);
    CHECK_FALSE(detect_drift(before_w12, {0.5, 0.5}, {}).alert);
    const std::vector<week_points> to_w12(weeks.begin(), weeks.begin() + 12);
    const auto finding = detect_drift(to_w12, {0.5, 0.5}, {});
    REQUIRE(finding.alert);
    CHECK(finding.member == 1u);
    CHECK(finding.direction == "above");
    CHECK(finding.since == "2026-W09");
    CHECK(finding.detected == "2026-W12");
    CHECK(finding.excess == Approx(4.28).margin(0.01));
    CHECK(finding.first_alert == 11u);
    // The band (3 sigma) has nothing to say through W12 and speaks first in W13.
    for (std::size_t w = 6; w < 13; ++w) {
        const std::vector<week_points> before(weeks.begin(), weeks.begin() + static_cast<std::ptrdiff_t>(w));
        const double known = *estimate_sigma(before, {0.5, 0.5}, {});
        const auto bands = band_alerts({weeks[w]}, {0.5, 0.5}, {}, known);
        INFO("week " << weeks[w].week);
        CHECK(bands.empty() == (w < 12));
    }
}

TEST_CASE("an alert ends when the household returns to its agreement, and restarts after a talk", "[fairness][drift]") {
    // With a known sigma of 2 points: three weeks 5 points over (z = 2.5)
    // build S = 6 (> 4); each week back at the agreed share drains 0.5, so
    // it is still there after 11 such weeks (0.5 left) and gone after 13.
    std::vector<double> shares{0.55, 0.55, 0.55};
    for (int i = 0; i < 11; ++i) shares.push_back(0.50);
    REQUIRE(detect_drift(weeks_of(shares), {0.5, 0.5}, {}, 0.02).alert);
    shares.push_back(0.50);
    shares.push_back(0.50);
    CHECK_FALSE(detect_drift(weeks_of(shares), {0.5, 0.5}, {}, 0.02).alert);
    // Talked about in the fourth week: the chart starts again from there.
    const auto talked = detect_drift(weeks_of({0.55, 0.55, 0.55, 0.52, 0.52}), {0.5, 0.5}, {}, 0.02, 3);
    CHECK_FALSE(talked.alert);
    CHECK(detect_drift(weeks_of({0.55, 0.55, 0.55, 0.52, 0.52}), {0.5, 0.5}, {}, 0.02).alert);
}

TEST_CASE("weeks without load are no evidence either way", "[fairness][drift]") {
    auto weeks = weeks_of({0.5, 0.5});
    weeks.push_back({"2026-W03", {0, 0}});
    CHECK_FALSE(detect_drift(weeks, {0.5, 0.5}, {}, 0.02).alert);
    CHECK(band_alerts(weeks, {0.5, 0.5}, {}, 0.02).empty());
}

TEST_CASE("slack and threshold are the household's to set, in sigma", "[fairness][drift]") {
    const auto weeks = weeks_of({0.53, 0.53, 0.53, 0.53});
    CHECK(detect_drift(weeks, {0.5, 0.5}, {}, 0.02).alert); // z = 1.5: 1 sigma over the slack a week adds up
    drift_settings patient;
    patient.slack = 1.5;
    CHECK_FALSE(detect_drift(weeks, {0.5, 0.5}, patient, 0.02).alert);
}

TEST_CASE("three members: the one furthest above is named", "[fairness][drift]") {
    std::vector<week_points> weeks;
    for (int i = 1; i <= 4; ++i) weeks.push_back({"2026-W0" + std::to_string(i), {20, 30, 50}});
    const auto finding = detect_drift(weeks, {0.3, 0.3, 0.4}, {}, 0.02);
    REQUIRE(finding.alert);
    CHECK(finding.member == 2u);
    CHECK(finding.direction == "above");
}

namespace {

/// The average run length of the standardized detector (sigma known, 1 point
/// of share) over `runs` simulated households, with the share moved by `shift` sigma.
double simulated_run_length(double h, double shift, int runs, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<double> z(0.0, 1.0);
    drift_settings standard;
    standard.slack = 0.5;
    standard.threshold = h;
    const double sigma = 0.01;
    double total = 0;
    for (int run = 0; run < runs; ++run) {
        std::vector<week_points> weeks;
        std::optional<std::size_t> alert;
        while (!alert) {
            // Grow the history until the first alert: weeks are judged in order,
            // so a longer history never changes when the first one came.
            const std::size_t more = std::max<std::size_t>(256, weeks.size());
            for (std::size_t i = 0; i < more; ++i) {
                const double share = 0.5 + sigma * (shift + z(random));
                weeks.push_back({std::to_string(weeks.size()), {100 * share, 100 * (1 - share)}});
            }
            alert = detect_drift(weeks, {0.5, 0.5}, standard, sigma).first_alert;
        }
        total += static_cast<double>(*alert + 1);
    }
    return total / runs;
}

} // namespace

TEST_CASE("the standardized detector reproduces the published CUSUM average run lengths", "[fairness][drift][arl]") {
    // Two-sided CUSUM, k = 0.5: h = 4 gives about 168 weeks in control and 8.4
    // for a shift of one sigma; h = 5 about 465 and 10.4 (Montgomery,
    // Introduction to Statistical Quality Control, table of CUSUM ARLs).
    // Fixed seeds; 2,000 households each: the standard error is about 2%.
    CHECK(simulated_run_length(4, 0, 2000, 1) == Approx(168).epsilon(0.10));
    CHECK(simulated_run_length(4, 1, 2000, 2) == Approx(8.38).epsilon(0.10));
    CHECK(simulated_run_length(5, 0, 2000, 3) == Approx(465).epsilon(0.10));
    CHECK(simulated_run_length(5, 1, 2000, 4) == Approx(10.4).epsilon(0.10));
    // The plain words of `fairly drift` use Siegmund's approximation of the same.
    CHECK(cusum_run_length(0.5, 4, 0) == Approx(168).epsilon(0.05));
    CHECK(cusum_run_length(0.5, 4, 1) == Approx(8.38).epsilon(0.05));
    CHECK(cusum_run_length(0.5, 5, 0) == Approx(465).epsilon(0.05));
    CHECK(cusum_run_length(0.5, 5, 1) == Approx(10.4).epsilon(0.05));
}
