#pragma once
/// Protected time: weekly goals, recurring slots (and their iCalendar
/// export), and the reminders cron asks for with `fairly remind`.
#include "record.hpp"
#include "report_service.hpp"

namespace fairly::daemon {

class protected_service {
public:
    protected_service(household_record& record, report_service& reports) : record_(record), reports_(reports) {}

    json protect_set(const json& params, const request_context& ctx);
    json protect_list(const json& params, const request_context& ctx);
    json slot_add(const json& params, const request_context& ctx);
    json slot_list(const json& params, const request_context& ctx);
    json slot_remove(const json& params, const request_context& ctx);
    json slots_ics(const json& params, const request_context& ctx);
    json remind_check(const json& params, const request_context& ctx);
    json remind_mark(const json& params, const request_context& ctx);

private:
    /// Each goal with the time kept so far in the week of `now`.
    json goals(std::chrono::sys_seconds now);
    /// The slots, each with its next occurrence that has not ended.
    json slots(std::chrono::sys_seconds now);
    household_record& record_;
    report_service& reports_;
};

} // namespace fairly::daemon
