#pragma once
/// Meetings moved for care, turns at contested things, and thanks.
#include "record.hpp"

namespace fairly::daemon {

/// `fairly moved WHAT`: whose work was moved, for which task, how much it mattered.
struct moved_request {
    std::string uuid;
    std::optional<std::string> member;
    std::string what;
    std::optional<std::string> for_kind;
    std::optional<std::int64_t> for_event;
    std::string impact = "minor";
    std::optional<std::string> at;
    std::string note;
};

/// `fairly turn THING`: a member takes their turn.
struct turn_request {
    std::string uuid, thing;
    std::optional<std::string> member, at;
    std::string note;
};

/// `fairly thanks MEMBER "for what"`.
struct thanks_request {
    std::string uuid, to;
    std::optional<std::string> member;
    std::string note;
};

class turns_thanks_moved_service {
public:
    explicit turns_thanks_moved_service(household_record& record) : record_(record) {}

    json moved_log(const moved_request& request, const request_context& ctx);
    json moved_list(const json& params, const request_context& ctx);
    json turn_take(const turn_request& request, const request_context& ctx);
    json turn_whose(const json& params, const request_context& ctx);
    json thanks_give(const thanks_request& request, const request_context& ctx);
    json thanks_list(const json& params, const request_context& ctx);

private:
    /// Whose turn it is at `thing`, over its last `window` turns.
    json standing(const std::string& thing, std::int64_t window, std::chrono::sys_seconds reference);
    household_record& record_;
};

} // namespace fairly::daemon
