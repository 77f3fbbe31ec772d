#pragma once
/// Events and their reviews: logging (now, at a time, for a length), timers,
/// voids, corrections, the list, and confirming or disputing what someone
/// else logged for you. Typed requests in, records out; the JSON edge is in
/// handler.cpp.
#include "record.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fairly::daemon {

/// When something happened, as typed: `--at`, `--for`, `--until`.
struct span_request {
    std::optional<std::string> at, length, until;
};

struct log_request {
    std::string uuid;
    std::optional<std::string> member;
    std::string kind;
    span_request span;
    std::string role = "did";
    std::string note;
    std::string source = "cli";
    bool brief = false; ///< bulk clients: the id and the acknowledgement only
    bool long_ok = false; ///< `--long`: a length beyond the kind's plausible one is meant
};

struct timer_start_request {
    std::string uuid;
    std::optional<std::string> member;
    std::string kind;
    std::optional<std::string> at;
    std::string role = "did";
    std::string note;
};

struct timer_stop_request {
    std::string uuid;
    std::optional<std::string> member, kind, at, note;
    std::string source = "cli";
    bool long_ok = false;
};

/// `fairly cancel [KIND] [--member NAME]`: a timer that should never have run.
struct timer_cancel_request {
    std::optional<std::string> member, kind;
};

struct void_request {
    std::int64_t id = 0;
    std::string reason;
};

struct edit_request {
    std::string uuid;
    std::int64_t id = 0;
    std::optional<std::string> member, kind, role, note;
    std::optional<std::string> reason; ///< why it is corrected, kept with the superseded event
    span_request span;
    std::string source = "cli";
    bool long_ok = false;
};

struct review_request {
    std::int64_t id = 0;
    std::string verdict;            ///< confirmed or disputed
    std::string reason;
    std::optional<std::string> member;
    bool change = false;            ///< the member changes an answer they gave before
};

struct events_query {
    std::optional<std::string> since, until, member, kind;
    bool all = false;
    std::int64_t limit = 10000;
};

/// An event written (or found again: `duplicate`).
struct event_outcome {
    event_record event;
    bool duplicate = false;
};

/// A logged event, and an entry like it (same member and kind, overlapping)
/// logged in the last few minutes: probably logged twice. It is logged all the same.
struct log_outcome {
    event_outcome logged;
    struct similar {
        std::int64_t id = 0;
        std::int64_t seconds_ago = 0;
    };
    std::optional<similar> looks_like;
};

/// How recent an overlapping entry must be to be mentioned as "looks like".
inline constexpr std::chrono::seconds twice_window{10 * 60};
/// How many of a member's newest entries of one kind the "looks like" check reads.
inline constexpr int recent_overlap_rows = 64;

struct timer_record {
    std::int64_t id = 0;
    std::string member, kind, note, role;
    std::int64_t start_utc = 0;
    std::int64_t usual_seconds = 0; ///< the kind's usual length
};

struct timer_outcome {
    timer_record timer;
    bool duplicate = false;
};

class event_service {
public:
    explicit event_service(household_record& record) : record_(record) {}

    log_outcome log(const log_request& request, const request_context& ctx);
    /// `brief`: the id only, for bulk clients.
    std::pair<std::int64_t, bool> log_brief(const log_request& request, const request_context& ctx);
    timer_outcome start(const timer_start_request& request, const request_context& ctx);
    event_outcome stop(const timer_stop_request& request, const request_context& ctx);
    /// Discards a running timer (no event is made); the change log keeps it.
    timer_record cancel(const timer_cancel_request& request, const request_context& ctx);
    /// The running timers, oldest first.
    std::vector<timer_record> timers(const request_context& ctx);
    event_outcome void_event(const void_request& request, const request_context& ctx);
    event_outcome edit(const edit_request& request, const request_context& ctx);
    event_outcome review(const review_request& request, const request_context& ctx);
    std::vector<event_record> list(const events_query& query, const request_context& ctx, std::chrono::sys_seconds& since);
    /// What others logged for the caller and they have not answered yet.
    std::vector<event_record> pending(const std::optional<std::string>& member, const request_context& ctx, std::int64_t& me);

private:
    /// The event a log request describes, checked, not yet written.
    event_record prepare(const log_request& request, const request_context& ctx, const kind_entry& kind);
    /// An active entry of the same member and kind overlapping `event`, entered within twice_window.
    std::optional<log_outcome::similar> recent_overlap(const event_record& event, const kind_entry& kind);
    /// The event that stands for `id` now, following its corrections, and its status.
    std::pair<std::int64_t, std::string> current_version(std::int64_t id);
    household_record& record_;
};

} // namespace fairly::daemon
