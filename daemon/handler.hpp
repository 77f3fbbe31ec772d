#pragma once
/// The socket-free request handler: one JSON-RPC request line in, one reply
/// line out. It owns the meaning of every method; the session and server only
/// move bytes. Unit tests drive it on an in-memory database.
#include "fairness.hpp"
#include "load_book.hpp"
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fairly::daemon {

using json = nlohmann::json;

/// Who is on the other end of the socket, from SO_PEERCRED.
struct caller {
    std::int64_t uid = -1;
    std::int64_t pid = 0;
};

struct handler_settings {
    std::int64_t daemon_uid = 0;     ///< root and this uid may act for any member
    std::string version;             ///< reported by `status`
    std::function<std::chrono::sys_seconds()> clock; ///< FAIRLY_NOW or the system clock
};

class request_handler {
public:
    request_handler(store::database& db, handler_settings settings);

    /// Parses and answers one request line. Returns the reply line (with its
    /// newline), or an empty string for a notification (a request without id).
    /// Each request runs in its own savepoint: a failed one leaves no trace.
    std::string handle_line(std::string_view line, const caller& who);

    /// Answers a parsed request (see handle_line).
    json handle(const json& request, const caller& who);

    /// Writes what the round's requests changed in the report's aggregates;
    /// the commit queue calls it just before COMMIT.
    void before_commit();

    /// Drops what the handler remembers of the database (the household's
    /// zone, the names, pending aggregates): called when a request or a
    /// commit failed, so nothing uncommitted is trusted.
    void forget_cached_state() {
        household_.reset();
        directory_.reset();
    }
    void commit_failed() {
        forget_cached_state();
        book_.discard();
    }

private:
    struct household_info {
        std::string tz;
        int week_start = 1;
        load_settings load;          ///< tz, week start, night window
        drift_settings drift;
    };
    struct kind_entry {
        std::int64_t id = 0;
        std::string name;
        std::string category;
        std::int64_t default_seconds = 0;
    };
    /// Members, bindings and kinds: small, read by every request, changed
    /// rarely. Loaded from the database on first use and dropped whenever a
    /// request changes them or fails, so it never holds uncommitted names.
    struct directory {
        std::vector<std::pair<std::int64_t, std::string>> members; ///< id, name
        std::unordered_map<std::int64_t, std::int64_t> bindings;  ///< uid -> member id
        std::unordered_map<std::string, kind_entry> kinds;        ///< by name
    };
    const directory& names();
    const kind_entry& kind_named(std::string_view name);
    std::string member_list();

    using method_fn = json (request_handler::*)(const json&, const caller&);
    struct method_entry {
        method_fn run;
        bool writes_more_than_once; ///< runs in its own savepoint
    };
    static const method_entry* find_method(std::string_view method);
    static json error_reply(const json& id, const std::exception& failure);
    json status(const json& params, const caller& who);
    json init(const json& params, const caller& who);
    json member_add(const json& params, const caller& who);
    json event_log(const json& params, const caller& who);
    json timer_start(const json& params, const caller& who);
    json timer_stop(const json& params, const caller& who);
    json events_list(const json& params, const caller& who);
    json event_void(const json& params, const caller& who);
    json event_edit(const json& params, const caller& who);
    json kinds_list(const json& params, const caller& who);
    // The weekly report and the balance (report.cpp).
    json report(const json& params, const caller& who);
    json balance(const json& params, const caller& who);
    json drift_set(const json& params, const caller& who);
    // Protected time and reminders (protected.cpp).
    json protect_set(const json& params, const caller& who);
    json protect_list(const json& params, const caller& who);
    json slot_add(const json& params, const caller& who);
    json slot_list(const json& params, const caller& who);
    json slot_remove(const json& params, const caller& who);
    json slots_ics(const json& params, const caller& who);
    json remind_check(const json& params, const caller& who);
    json remind_mark(const json& params, const caller& who);
    json backup(const json& params, const caller& who);
    // Export and import (transfer.cpp).
    json export_household(const json& params, const caller& who);
    json export_records(const json& params, const caller& who);
    json import_household(const json& params, const caller& who);
    json import_records(const json& params, const caller& who);
    /// Sets up a new household from an export's household part, or merges it
    /// into this one (members, kinds, goals, slots, timers); returns what it did.
    json apply_household(const json& file, const caller& who);
    /// One imported row each: true when added, false when already recorded
    /// (same uuid); throws what is wrong with the row.
    bool import_event(const json& row, const caller& who, std::optional<std::int64_t> binding);
    /// An event already recorded, as an import finds it.
    struct recorded_event {
        std::int64_t id = 0;
        std::string status;
        std::size_t reviews = 0; ///< how many reviews it has here
    };
    /// An event already recorded: what happened to it since (a void, new
    /// reviews) is brought in. True when that changed something.
    bool catch_up_event(const recorded_event& event, const json& row, const caller& who);
    /// A review of an imported event, read and checked before anything is written.
    struct imported_review {
        std::int64_t member;
        std::string verdict, reason;
        std::int64_t uid, at;
    };
    /// The row's reviews after the first `skip`, checked.
    std::vector<imported_review> import_reviews(const json& row, std::size_t skip, const caller& who);
    void insert_reviews(std::int64_t event_id, const std::vector<imported_review>& reviews);
    /// A voided row's reason; refuses a void without one.
    std::string import_void_reason(const json& row);
    /// The change log as an export holds it.
    json change_log();
    bool import_turn(const json& row, const caller& who, std::optional<std::int64_t> binding);
    bool import_thanks(const json& row, const caller& who);
    bool import_moved(const json& row, const caller& who, std::optional<std::int64_t> binding);
    /// An imported row's time: ISO 8601 with an offset, or a local date and time.
    std::chrono::sys_seconds import_time(const json& row, const char* field, bool required);
    /// A row's creation time as recorded, or now.
    std::int64_t import_created(const json& row, const char* field);
    std::optional<std::int64_t> import_logger(const json& row, const caller& who, std::optional<std::int64_t> binding, std::int64_t fallback);
    std::int64_t import_uid(const json& row, const char* field, const caller& who);
    // The household's vocabulary (vocabulary.cpp).
    json kind_add(const json& params, const caller& who);
    json kind_edit(const json& params, const caller& who);
    json kind_history(const json& params, const caller& who);
    json night_get(const json& params, const caller& who);
    json night_set(const json& params, const caller& who);
    json moved_log(const json& params, const caller& who);
    json moved_list(const json& params, const caller& who);
    json turn_take(const json& params, const caller& who);
    json turn_whose(const json& params, const caller& who);
    json thanks_give(const json& params, const caller& who);
    json thanks_list(const json& params, const caller& who);
    json events_pending(const json& params, const caller& who);
    json event_review(const json& params, const caller& who, std::string_view verdict);
    json event_confirm(const json& params, const caller& who) { return event_review(params, who, "confirmed"); }
    json event_dispute(const json& params, const caller& who) { return event_review(params, who, "disputed"); }

    const household_info& household();
    /// True once the household is set up (init, or an import of an export).
    bool set_up();
    /// The member the caller's uid is bound to, if any.
    std::optional<std::int64_t> bound_member(const caller& who);
    bool privileged(const caller& who) const;
    /// Refuses uids that are neither bound nor privileged.
    std::optional<std::int64_t> require_access(const caller& who);
    /// The member an event is for: `member` > binding > `default_member` > sole member.
    std::int64_t subject_member(const json& params, std::optional<std::int64_t> binding);
    /// Who the caller is for actions that are theirs alone (confirming,
    /// thanking): binding > `member` > `default_member` > sole member.
    std::int64_t acting_member(const json& params, std::optional<std::int64_t> binding);
    std::string member_name(std::int64_t id);
    /// Records a change of a weight or setting in the change log.
    void log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                    const caller& who, std::optional<std::int64_t> binding);
    std::int64_t member_id(std::string_view name, std::string_view field);
    /// Who is recorded as having logged a write: the caller's binding, else
    /// FAIRLY_MEMBER (root or fairlyd's user acting for someone), else `fallback`.
    std::optional<std::int64_t> logger(const json& params, std::optional<std::int64_t> binding, std::optional<std::int64_t> fallback);
    std::int64_t kind_id(std::string_view name);
    std::chrono::sys_seconds reference_time(const json& params);
    /// The instant a time-expression param (`since`, `at`, ...) names in the household's zone, if given.
    std::optional<std::chrono::sys_seconds> time_param(const json& params, const char* field, std::chrono::sys_seconds reference);
    json event_by_id(std::int64_t event_id);
    json find_event_by_uuid(std::string_view uuid);

    /// The facts of event `id` if it counts (active, not disputed).
    std::optional<load_event> counted_event(std::int64_t id);
    const kind_entry& kind_by_id(std::int64_t id);
    static bool is_load_category(std::string_view category);

    store::database& db_;
    handler_settings settings_;
    load_book book_{db_};
    std::optional<household_info> household_;
    bool checking_import_ = false; ///< import.records with dry_run: rows may name originals earlier in the file
    std::int64_t import_updated_ = 0; ///< records of this batch already here, brought up to date
    std::optional<directory> directory_;
};

} // namespace fairly::daemon
