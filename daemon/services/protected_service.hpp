#pragma once
/// Protected time: weekly goals and recurring slots (and their iCalendar
/// export). The reminders about them: reminder_service.
#include "record.hpp"

namespace fairly::daemon {

/// `fairly protect WHO --weekly LENGTH [--remind-by "thu 18:00"]`.
struct goal_request {
    std::string who, weekly;
    std::optional<std::string> remind_by;
};

/// `fairly slot add WHO WHEN LENGTH [LABEL]`.
struct slot_request {
    std::string who, when, length;
    std::string label = "protected time";
};

class protected_service {
public:
    explicit protected_service(household_record& record) : record_(record) {}

    json protect_set(const goal_request& request, const request_context& ctx);
    json protect_list(const json& params, const request_context& ctx);
    /// `fairly protect WHO --off`: the goal goes; the change log keeps it.
    json protect_off(const std::string& who, const request_context& ctx);
    json slot_add(const slot_request& request, const request_context& ctx);
    json slot_list(const json& params, const request_context& ctx);
    json slot_remove(std::int64_t id, const request_context& ctx);
    json slots_ics(const json& params, const request_context& ctx);
    /// Each goal with the time kept so far in the week of `now`.
    json goals(std::chrono::sys_seconds now);

private:
    /// The slots, each with its next occurrence that has not ended.
    json slots(std::chrono::sys_seconds now);
    household_record& record_;
};

} // namespace fairly::daemon
