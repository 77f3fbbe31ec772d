#pragma once
/// Import: a household's export (its settings, members, kinds and history)
/// set up or merged by root or fairlyd's user (import.household), and
/// records brought in idempotently by uuid (import.records) through the
/// record's own writers and checks. A member's import adds only what that
/// member could add with the live commands, as that member.
#include "record.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fairly::daemon {

class import_service {
public:
    explicit import_service(household_record& record) : record_(record) {}

    json import_household(const json& params, const request_context& ctx);
    json import_records(const json& params, const request_context& ctx);

private:
    /// Sets up a new household from an export's household part, or merges it
    /// into this one (members, kinds, goals, slots, timers); returns what it did.
    json apply_household(const json& file, const request_context& ctx);
    /// One imported row each: true when added, false when already recorded
    /// (same uuid); throws what is wrong with the row.
    bool import_event(const json& row, const request_context& ctx);
    /// An event of a career kind in the file: recorded as the meeting moved it was.
    bool import_career_event(const json& row, const request_context& ctx, std::int64_t member, const kind_entry& kind,
                             std::chrono::sys_seconds start);
    /// An event already recorded: what happened to it since (a void, new
    /// reviews) is brought in. True when that changed something.
    bool catch_up_event(const recorded_event& event, const json& row, const request_context& ctx);
    struct imported_review {
        std::int64_t member;
        std::string verdict, reason;
        std::int64_t uid, at;
    };
    /// The row's reviews after the first `skip`, checked.
    std::vector<imported_review> import_reviews(const json& row, std::size_t skip, const request_context& ctx);
    /// A voided row's reason; refuses a void without one.
    std::string import_void_reason(const json& row);
    bool import_turn(const json& row, const request_context& ctx);
    bool import_thanks(const json& row, const request_context& ctx);
    bool import_moved(const json& row, const request_context& ctx);
    /// An imported row's time: ISO 8601 with an offset, or a local date and time.
    std::chrono::sys_seconds import_time(const json& row, const char* field, bool required);
    /// A row's creation time as recorded, or now.
    std::int64_t import_created(const json& row, const char* field);
    std::optional<std::int64_t> import_logger(const json& row, const request_context& ctx, std::int64_t fallback);
    std::int64_t import_uid(const json& row, const char* field, const request_context& ctx);

    household_record& record_;
    bool checking_import_ = false;    ///< import.records with dry_run: rows may name originals earlier in the file
    std::int64_t import_updated_ = 0; ///< records of this batch already here, brought up to date
    /// Why an event here was corrected, as a file says, until its correction's row arrives.
    std::unordered_map<std::int64_t, std::string> correction_reasons_;
};

} // namespace fairly::daemon
