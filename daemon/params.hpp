#pragma once
/// Reading request params with errors that name the field, and the shapes of
/// rows the handler returns. Shared by the handler's method files.
#include "errors.hpp"
#include "protocol.hpp"
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fairly::daemon {

using json = nlohmann::json;

/// A start may be a little ahead of the reference (clocks of two machines, a
/// typo of a minute); more than this is refused as "in the future".
inline constexpr std::chrono::seconds future_tolerance{5 * 60};
inline constexpr std::chrono::seconds longest_event{7 * 24 * 3600};
inline constexpr std::size_t longest_note = 2000;

/// Throws invalid_params "field: message" with {"field": field} as data.
[[noreturn]] void bad_param(std::string_view field, const std::string& message);

/// The value of `field`, or nullptr when absent or null.
const json* find(const json& params, const char* field);
std::optional<std::string> optional_string(const json& params, const char* field);
std::string required_string(const json& params, const char* field);
std::optional<std::int64_t> optional_integer(const json& params, const char* field);
std::optional<double> optional_number(const json& params, const char* field);
bool optional_bool(const json& params, const char* field);

/// Converts a parser's input_error into the JSON-RPC error naming the field.
template <typename F> auto checked_input(F&& parse) {
    try {
        return parse();
    } catch (const input_error& e) {
        throw rpc::rpc_error(rpc::error_code::invalid_params, e.what(), json{{"field", e.field}});
    }
}

std::string role_param(const json& params, std::string fallback);
std::optional<std::string> note_param(const json& params, const char* field = "note");
std::string source_param(const json& params);
/// The client-made UUID, lower-cased; required.
std::string uuid_param(const json& params);

/// 1320 -> "22:00".
std::string clock_text(std::int64_t minutes_of_day);

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
json event_row(const store::statement& row, std::string_view tz);

} // namespace fairly::daemon
