#pragma once
/// An event as the record holds it, with the names it refers to, and as
/// replies show it (times in UTC and in the household's zone).
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fairly::daemon {

using json = nlohmann::json;

/// An event as the record holds it, with the names it refers to.
struct event_record {
    std::int64_t id = 0;
    std::string uuid;
    std::int64_t member_id = 0;
    std::string member;
    std::int64_t kind_id = 0;
    std::string kind;
    std::string category;
    std::int64_t start_utc = 0;
    std::optional<std::int64_t> end_utc;
    std::int64_t default_seconds = 0; ///< the kind's usual length, for an instant
    std::string role = "did";
    std::string note;
    std::string status = "active";
    std::optional<std::int64_t> supersedes;
    std::optional<std::int64_t> logged_by_member_id;
    std::optional<std::string> logged_by;
    std::int64_t logged_by_uid = 0;
    std::string source;
    std::int64_t created_at = 0;
    std::optional<std::string> void_reason;
    std::optional<std::int64_t> voided_by_uid, voided_at;
    std::optional<std::int64_t> superseded_by;
    std::optional<std::string> review;
    std::optional<std::string> review_reason;
};

/// The event as replies show it: times in UTC and in the household's zone.
json event_json(const event_record& event, std::string_view tz);

/// The columns event_row() reads, ending with the FROM clause; add WHERE ...
extern const std::string_view event_columns;
event_record event_from_row(const store::statement& row);

/// The one definition of an entry waiting for its member's answer (`fairly
/// pending`, the phone, the reminders), as a condition on event_columns' `e`
/// and `k` for the member bound to ?1: active, logged for ?1 by another
/// member, not yet confirmed or disputed, and not couple time logged for
/// both (its logger logged the same couple time, start and end, for
/// themselves: they were there, so there is nothing to confirm; it can still
/// be disputed).
extern const std::string awaiting_answer;
json event_row(const store::statement& row, std::string_view tz);

} // namespace fairly::daemon
