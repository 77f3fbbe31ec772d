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
    /// The agreement in force that week (shares, member order), when it is
    /// not the one the functions below are given: the split changed over time,
    /// or a member was away part of the week.
    std::vector<double> agreed = {};
};

/// The agreed shares a week is judged against: its own, else `fallback`.
const std::vector<double>& agreed_in(const week_points& week, const std::vector<double>& fallback);

/// Each member's share of `points` (fractions summing to 1), or all zero when
/// nobody carried any load.
std::vector<double> shares_of(const std::vector<double>& points);

/// Hours-equivalent each member carried above (+) or below (-) the agreed
/// split: (points - agreed x total) converted at the period's own rate of
/// points per hour. Zero for everyone when there is no load.
std::vector<double> balance_hours(const std::vector<double>& points, const std::vector<double>& agreed_shares, double total_hours);

/// How the drift detector is calibrated: in units of the household's own
/// week-to-week variation of the shares (sigma), as a control chart is.
struct drift_settings {
    double slack = 0.5;              ///< k, in sigma: weekly deviation tolerated as noise
    double threshold = 4.0;          ///< h, in sigma: accumulated excess that raises the alert
    double band = 3.0;               ///< a single week this many sigma off the agreed share is flagged at once
    double sigma_floor = 0.02;       ///< the least sigma assumed (2 points), so a very regular household is not judged by nearly zero
    std::size_t learning_weeks = 6;  ///< weeks with load needed before sigma is estimated
    /// An estimate from few weeks is uncertain, and one that comes out low
    /// would raise false alerts: sigma is taken this much larger, shrinking
    /// as 1/sqrt of the weeks it rests on (x1.45 after 6 weeks, x1.14 after a year).
    double small_sample = 1.0;
};

struct drift_finding {
    bool alert = false;
    std::optional<std::size_t> member;   ///< index of the member whose share drifted
    std::string direction;               ///< "above" or "below" the agreed share
    std::string since;                   ///< week the drift began (the CUSUM left zero)
    std::string detected;                ///< week the threshold was crossed
    double excess = 0;                   ///< the CUSUM value at the last week, in sigma
    bool learning = false;               ///< too few weeks with load to know the household's variation yet
    std::size_t weeks_with_load = 0;     ///< weeks the estimate of sigma read
    double sigma = 0;                    ///< the variation now, as a fraction of share (0 while learning)
    /// Index of the week in which an alert was first raised (from `from` on),
    /// whether or not it still stands: weeks are judged in order, each against
    /// what was known before it, so this is when a report would first have said so.
    std::optional<std::size_t> first_alert;
};

struct band_finding {
    std::string week;
    std::size_t member = 0;
    double share = 0;
    double agreed = 0;
};

/// The household's week-to-week variation of the shares: the mean moving
/// range of each member's deviation from the agreed share between
/// consecutive weeks with load, pooled over the members, divided by 1.128
/// (the moving-range estimate of statistical process control, which a slow
/// drift hardly inflates), and at least `sigma_floor`. Empty with fewer than
/// `learning_weeks` weeks with load.
std::optional<double> estimate_sigma(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                                     const drift_settings& settings);

/// One-sided CUSUM per member and direction on the weekly deviation of the
/// member's share from the agreed share, in units of sigma: with
/// z = (share - agreed) / sigma (above) or (agreed - share) / sigma (below),
/// S_t = max(0, S_{t-1} + z_t - k). Weeks with no load are skipped. An alert
/// is raised when S_t > h and stays until S returns to zero; the finding
/// reported is the one still in alert at the last week, the largest excess
/// first. With two members, one's "above" is the other's "below": the member
/// above is named. `sigma` given: used as it is (a known variation, as in the
/// standardized tables); empty: estimated from `weeks` (estimate_sigma), and
/// while it cannot be, the finding says it is still learning. The CUSUM reads
/// the weeks from index `from` (the household talked about an alert in that
/// week: the chart starts again); sigma is estimated from all of them. Each
/// week is judged against the sigma estimated from the weeks with load before
/// it (a self-starting chart): a week never hides itself by widening its own
/// yardstick, and a later week never changes what an earlier one showed.
drift_finding detect_drift(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                           const drift_settings& settings, std::optional<double> sigma = std::nullopt, std::size_t from = 0);

/// Every week (with load) and member whose share was more than `band` sigma
/// off the agreed share, either way.
std::vector<band_finding> band_alerts(const std::vector<week_points>& weeks, const std::vector<double>& agreed_shares,
                                      const drift_settings& settings, double sigma);

/// The average run length, in weeks, of the two-sided CUSUM with slack `k`
/// and threshold `h` (in sigma) when the share has moved by `shift` sigma
/// (0: a steady household, the time between false alerts), by Siegmund's
/// approximation. For the plain words of `fairly drift`.
double cusum_run_length(double k, double h, double shift);

} // namespace fairly
