#include "fairness.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fairly {

std::vector<double> shares_of(const std::vector<double>& points) {
    const double total = std::accumulate(points.begin(), points.end(), 0.0);
    std::vector<double> shares(points.size(), 0.0);
    if (total <= 0) return shares;
    for (std::size_t i = 0; i < points.size(); ++i) shares[i] = points[i] / total;
    return shares;
}

std::vector<double> balance_hours(const std::vector<double>& points, const std::vector<double>& agreed_shares, double total_hours) {
    const double total = std::accumulate(points.begin(), points.end(), 0.0);
    std::vector<double> balance(points.size(), 0.0);
    if (total <= 0 || total_hours <= 0) return balance;
    const double hours_per_point = total_hours / total;
    for (std::size_t i = 0; i < points.size(); ++i) balance[i] = (points[i] - agreed_shares[i] * total) * hours_per_point;
    return balance;
}

drift_finding detect_drift(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                           const drift_settings& settings) {
    const std::size_t members = agreed_shares.size();
    struct side {
        double sum = 0;
        std::string since;
        std::string detected;
        bool alert = false;
    };
    std::vector<side> above(members), below(members);
    for (const week_points& week : weeks) {
        const std::vector<double> shares = shares_of(week.points);
        if (std::all_of(shares.begin(), shares.end(), [](double s) { return s == 0; })) continue; // no load: no evidence
        for (std::size_t m = 0; m < members; ++m) {
            const double deviation = shares[m] - agreed_shares[m];
            for (auto [cusum, d] : {std::pair<side*, double>{&above[m], deviation}, std::pair<side*, double>{&below[m], -deviation}}) {
                const double next = std::max(0.0, cusum->sum + d - settings.slack);
                if (cusum->sum == 0 && next > 0) cusum->since = week.week;
                cusum->sum = next;
                if (next == 0) {
                    cusum->alert = false;
                    cusum->since.clear();
                    cusum->detected.clear();
                } else if (next > settings.threshold && !cusum->alert) {
                    cusum->alert = true;
                    cusum->detected = week.week;
                }
            }
        }
    }
    drift_finding finding;
    for (std::size_t m = 0; m < members; ++m) {
        for (const auto& [cusum, direction] : {std::pair<const side*, const char*>{&above[m], "above"}, std::pair<const side*, const char*>{&below[m], "below"}}) {
            if (!cusum->alert) continue;
            // Prefer naming who carries more (with two members the same drift
            // shows as one above and one below).
            const bool better = !finding.alert || cusum->sum > finding.excess + 1e-12 ||
                                (std::fabs(cusum->sum - finding.excess) <= 1e-12 && std::string(direction) == "above" && finding.direction == "below");
            if (!better) continue;
            finding.alert = true;
            finding.member = m;
            finding.direction = direction;
            finding.since = cusum->since;
            finding.detected = cusum->detected;
            finding.excess = cusum->sum;
        }
    }
    return finding;
}

std::vector<band_finding> band_alerts(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                                      const drift_settings& settings) {
    std::vector<band_finding> found;
    for (const week_points& week : weeks) {
        const std::vector<double> shares = shares_of(week.points);
        if (std::all_of(shares.begin(), shares.end(), [](double s) { return s == 0; })) continue;
        for (std::size_t m = 0; m < agreed_shares.size(); ++m) {
            if (std::fabs(shares[m] - agreed_shares[m]) > settings.band + 1e-12) found.push_back({week.week, m, shares[m], agreed_shares[m]});
        }
    }
    return found;
}

} // namespace fairly
