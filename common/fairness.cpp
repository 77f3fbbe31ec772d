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

namespace {

bool has_load(const std::vector<double>& shares) {
    return std::any_of(shares.begin(), shares.end(), [](double s) { return s != 0; });
}

} // namespace

namespace {

/// The running moving-range estimate of sigma: weeks are added in order.
class sigma_estimate {
public:
    sigma_estimate(std::size_t members, const drift_settings& settings) : members_(members), settings_(settings) {}

    /// The estimate from the weeks added so far; empty while still learning.
    std::optional<double> value() const {
        if (weeks_ < std::max<std::size_t>(settings_.learning_weeks, 2) || ranges_ == 0) return std::nullopt;
        const double per_member = static_cast<double>(ranges_) / static_cast<double>(std::max<std::size_t>(1, members_));
        const double estimate = range_sum_ / static_cast<double>(ranges_) / 1.128;
        return std::max(settings_.sigma_floor, estimate * (1.0 + settings_.small_sample / std::sqrt(per_member)));
    }
    /// A week with load: its shares and the agreement in force that week.
    void add(const std::vector<double>& shares, const std::vector<double>& agreed) {
        std::vector<double> deviation(members_);
        for (std::size_t m = 0; m < members_; ++m) deviation[m] = shares[m] - agreed[m];
        if (!previous_.empty()) {
            for (std::size_t m = 0; m < deviation.size(); ++m) {
                range_sum_ += std::fabs(deviation[m] - previous_[m]);
                ++ranges_;
            }
        }
        previous_ = std::move(deviation);
        ++weeks_;
    }
    std::size_t weeks() const { return weeks_; }

private:
    std::size_t members_;
    const drift_settings& settings_;
    std::vector<double> previous_;
    double range_sum_ = 0;
    std::size_t ranges_ = 0, weeks_ = 0;
};

} // namespace

const std::vector<double>& agreed_in(const week_points& week, const std::vector<double>& fallback) {
    return week.agreed.empty() ? fallback : week.agreed;
}

std::optional<double> estimate_sigma(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                                     const drift_settings& settings) {
    sigma_estimate estimate(agreed_shares.size(), settings);
    for (const week_points& week : weeks) {
        const std::vector<double> shares = shares_of(week.points);
        if (has_load(shares)) estimate.add(shares, agreed_in(week, agreed_shares));
    }
    return estimate.value();
}

drift_finding detect_drift(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                           const drift_settings& settings, std::optional<double> sigma, std::size_t from) {
    drift_finding finding;
    const std::size_t members = agreed_shares.size();
    struct side {
        double sum = 0;
        std::string since;
        std::string detected;
        bool alert = false;
    };
    std::vector<side> above(members), below(members);
    sigma_estimate estimate(members, settings);
    for (std::size_t w = 0; w < weeks.size(); ++w) {
        const week_points& week = weeks[w];
        const std::vector<double> shares = shares_of(week.points);
        if (!has_load(shares)) continue; // no load: no evidence
        const std::vector<double>& agreed = agreed_in(week, agreed_shares);
        // Each week is judged against the variation known before it, so one
        // unusual week neither hides itself nor rewrites the weeks before it.
        const std::optional<double> known = sigma ? sigma : estimate.value();
        estimate.add(shares, agreed);
        if (w < from || !known || *known <= 0) continue;
        for (std::size_t m = 0; m < members; ++m) {
            const double z = (shares[m] - agreed[m]) / *known;
            for (auto [cusum, d] : {std::pair<side*, double>{&above[m], z}, std::pair<side*, double>{&below[m], -z}}) {
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
                    if (!finding.first_alert) finding.first_alert = w;
                }
            }
        }
    }
    finding.weeks_with_load = estimate.weeks();
    const std::optional<double> now = sigma ? sigma : estimate.value();
    finding.sigma = now.value_or(0);
    finding.learning = !now;
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
                                      const drift_settings& settings, double sigma) {
    std::vector<band_finding> found;
    if (sigma <= 0) return found;
    for (const week_points& week : weeks) {
        const std::vector<double> shares = shares_of(week.points);
        if (!has_load(shares)) continue;
        const std::vector<double>& agreed = agreed_in(week, agreed_shares);
        for (std::size_t m = 0; m < agreed.size(); ++m) {
            if (std::fabs(shares[m] - agreed[m]) > settings.band * sigma + 1e-12) found.push_back({week.week, m, shares[m], agreed[m]});
        }
    }
    return found;
}

double cusum_run_length(double k, double h, double shift) {
    // Siegmund: ARL(delta) = (exp(-2 delta b) + 2 delta b - 1) / (2 delta^2), b = h + 1.166,
    // delta = shift - k; b^2 when delta = 0. The two sides combine as 1/ARL = 1/ARL+ + 1/ARL-.
    const double b = h + 1.166;
    auto one_sided = [b](double delta) {
        if (std::fabs(delta) < 1e-9) return b * b;
        return (std::exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta);
    };
    return 1.0 / (1.0 / one_sided(shift - k) + 1.0 / one_sided(-shift - k));
}

} // namespace fairly
