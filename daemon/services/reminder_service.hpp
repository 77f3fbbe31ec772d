#pragma once
/// The reminders cron asks for with `fairly remind`. Each is about
/// something (a slot, a goal, the couple's week, the drift alert, an entry
/// logged for someone, a forgotten timer, a proposal waiting for an answer) and is addressed to each member it
/// concerns, worded for them; each is given once per addressee, and marked
/// as given to that addressee only.
#include "protected_service.hpp"
#include "record.hpp"
#include "report_service.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fairly::daemon {

/// `fairly remind [--within LENGTH] [--member NAME | --all]`.
struct remind_request {
    std::chrono::seconds within{std::chrono::hours{2}};
    std::optional<std::string> member; ///< whose reminders (the caller's binding if not given)
    bool all = false;                  ///< every member's (root or fairlyd's user)
};

/// A reminder the CLI delivered to `to`, to be given to them no more.
struct delivered_reminder {
    std::string key, to, text;
};

class reminder_service {
public:
    reminder_service(household_record& record, report_service& reports, protected_service& protected_time)
        : record_(record), reports_(reports), protected_(protected_time) {}

    /// The reminders due now for the addressees asked for, not given to them yet.
    json check(const remind_request& request, const request_context& ctx);
    /// Records reminders as given to their addressees.
    json mark(const std::vector<delivered_reminder>& delivered, const request_context& ctx);

    /// Something to remind of, with its words for each addressee.
    struct notice {
        std::string key, type, about; ///< about: the member it concerns, or "couple"
        std::chrono::sys_seconds at{};
        std::vector<std::pair<std::int64_t, std::string>> texts; ///< addressee member id -> the words for them
    };

private:
    /// The members whose reminders the caller may ask for, as asked.
    std::vector<std::int64_t> addressees(const remind_request& request, const request_context& ctx);
    void slot_notices(std::chrono::seconds within, std::chrono::sys_seconds now, std::vector<notice>& out);
    void goal_notices(std::chrono::sys_seconds now, std::vector<notice>& out);
    void drift_notices(std::chrono::sys_seconds now, std::vector<notice>& out);
    void pending_notices(const std::vector<std::int64_t>& to, std::chrono::sys_seconds now, std::vector<notice>& out);
    void timer_notices(std::chrono::sys_seconds now, std::vector<notice>& out);
    void change_notices(std::chrono::sys_seconds now, std::vector<notice>& out);
    void proposal_notices(const std::vector<std::int64_t>& to, std::chrono::sys_seconds now, std::vector<notice>& out);
    bool given(const std::string& key, std::int64_t member);

    household_record& record_;
    report_service& reports_;
    protected_service& protected_;
};

} // namespace fairly::daemon
