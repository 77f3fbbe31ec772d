#pragma once
/// The fairness arithmetic: shares against the agreed split, the balance in
/// hours, and the drift detector. Pure functions over numbers, so the worked
/// example in docs/fairness.md is a unit test.
#include <optional>
#include <string>
#include <vector>

namespace fairly {

/// A member's weighted points in one week (load categories only).
struct week_points {
    std::string week;              ///< ISO week label, "2026-W46"
    std::vector<double> points;    ///< per member, in member order
};

/// Each member's share of `points` (fractions summing to 1), or all zero when
/// nobody carried any load.
std::vector<double> shares_of(const std::vector<double>& points);

/// Hours-equivalent each member carried above (+) or below (-) the agreed
/// split: (points - agreed x total) converted at the period's own rate of
/// points per hour. Zero for everyone when there is no load.
std::vector<double> balance_hours(const std::vector<double>& points, const std::vector<double>& agreed_shares, double total_hours);

struct drift_settings {
    double slack = 0.02;      ///< k: weekly deviation (as a fraction) that is tolerated
    double threshold = 0.06;  ///< h: accumulated excess that raises the alert
    double band = 0.15;       ///< a single week this far off the agreed share is flagged at once
};

struct drift_finding {
    bool alert = false;
    std::optional<std::size_t> member;   ///< index of the member whose share drifted
    std::string direction;               ///< "above" or "below" the agreed share
    std::string since;                   ///< ISO week the drift began (the CUSUM left zero)
    std::string detected;                ///< ISO week the threshold was crossed
    double excess = 0;                   ///< the CUSUM value at the last week
};

struct band_finding {
    std::string week;
    std::size_t member = 0;
    double share = 0;
    double agreed = 0;
};

/// One-sided CUSUM per member and direction on the weekly deviation of the
/// member's share from the agreed share: S_t = max(0, S_{t-1} + d_t - k), with
/// d_t = share - agreed (above) or agreed - share (below). Weeks with no load
/// are skipped. An alert is raised when S_t > h and stays until S returns to
/// zero; the finding reported is the one still in alert at the last week, the
/// largest excess first. With two members, one's "above" is the other's
/// "below": the member above is named.
drift_finding detect_drift(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                           const drift_settings& settings);

/// Every week and member whose share was more than `band` off the agreed share, either way.
std::vector<band_finding> band_alerts(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                                      const drift_settings& settings);

} // namespace fairly
