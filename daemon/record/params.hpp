#pragma once
/// Reading request params with errors that name the field, at the edge of
/// the handler and for the rows an import brings.
#include "catalogue.hpp"
#include "errors.hpp"
#include "protocol.hpp"
#include "store.hpp"
#include "time_expr.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fairly::daemon {

using json = nlohmann::json;

/// How far ahead a time of something that happened may be: one rule, in
/// common/time_expr.hpp (applied by resolve_past_time() in zone.hpp).
using fairly::future_tolerance;
inline constexpr std::chrono::seconds longest_event{7 * 24 * 3600};
inline constexpr std::size_t longest_note = longest_note_characters;

/// Refuses a note (or reason) longer than longest_note characters, with the
/// note-length message.
void check_note(std::string_view note, std::string_view field);

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

/// "2026-11-23": a local date counted in days since 1970-01-01.
std::string date_text(std::int64_t day);

/// "Sunday" .. "Saturday" (0 = Sunday, as the slots store it).
std::string_view weekday_name(std::int64_t weekday);
/// The weekday (0 = Sunday) of a local date counted in days since 1970-01-01.
std::int64_t weekday_of(std::int64_t date_day);
/// The instant the local date `date_day` reads `minute` past midnight in `tz`.
std::chrono::sys_seconds local_at(std::int64_t date_day, std::int64_t minute, const std::string& tz);

} // namespace fairly::daemon
