#pragma once
/// The weekly report and the balance: validate the period, read the
/// aggregates (and the counted events of weeks a period cuts), build the one
/// report object every renderer reads (text, JSON, CSV, Markdown, HTML).
#include "record.hpp"

namespace fairly::daemon {

class report_service {
public:
    explicit report_service(household_record& record) : record_(record) {}

    json report(const json& params, const request_context& ctx);
    /// The report over the last four weeks unless told otherwise.
    json balance(const json& params, const request_context& ctx);
    json drift_set(const json& params, const request_context& ctx);
    /// This week's report at `reference`, for the reminders' drift alert.
    json weekly(std::chrono::sys_seconds reference);

private:
    json build(const json& period, std::chrono::sys_seconds reference);
    household_record& record_;
};

} // namespace fairly::daemon
