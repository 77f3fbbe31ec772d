#pragma once
/// The weekly report and the balance: validate the period, read the
/// aggregates (and the counted events of weeks a period cuts), build the one
/// report object every renderer reads (text, JSON, CSV, Markdown, HTML).
#include "record.hpp"

namespace fairly::daemon {

/// Which period a report covers: one of a week (the one containing a day),
/// the last N weeks, or a range of days; by default this week.
struct report_request {
    std::optional<std::string> week, last, from, to;
    std::optional<std::int64_t> trend_weeks; ///< weeks of trend before a week's report (default 8)
};

/// `fairly drift`: the detector's settings in sigma, and that the household talked about the alert.
struct drift_request {
    std::optional<double> slack, threshold;
    bool talked = false;
    std::string note;
};

class report_service {
public:
    explicit report_service(household_record& record) : record_(record) {}

    json report(const report_request& request, const request_context& ctx);
    /// The report over the last four weeks unless told otherwise.
    json balance(report_request request, const request_context& ctx);
    json drift_set(const drift_request& request, const request_context& ctx);
    /// This week's report at `reference`, for the reminders' drift alert.
    json weekly(std::chrono::sys_seconds reference);

private:
    json build(const report_request& asked, std::chrono::sys_seconds reference);
    household_record& record_;
};

} // namespace fairly::daemon
