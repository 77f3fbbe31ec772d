#include "params.hpp"

#include "catalogue.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"
#include "zone.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <cmath>
#include <limits>
#include <vector>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;


[[noreturn]] void bad_param(std::string_view field, const std::string& message) {
    throw rpc_error(error_code::invalid_params, std::string(field) + ": " + message, json{{"field", field}});
}

const json* find(const json& params, const char* field) {
    auto it = params.find(field);
    if (it == params.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<std::string> optional_string(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (!value->is_string()) bad_param(field, "expected a string");
    return value->get<std::string>();
}

std::string required_string(const json& params, const char* field) {
    auto value = optional_string(params, field);
    if (!value || value->empty()) bad_param(field, "is required");
    return *value;
}

std::optional<std::int64_t> optional_integer(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (value->is_number_unsigned()) {
        if (value->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            bad_param(field, "number out of range");
        return static_cast<std::int64_t>(value->get<std::uint64_t>());
    }
    if (!value->is_number_integer()) bad_param(field, "expected an integer");
    return value->get<std::int64_t>();
}

std::optional<double> optional_number(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (!value->is_number() || !std::isfinite(value->get<double>())) bad_param(field, "expected a number");
    return value->get<double>();
}

bool optional_bool(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return false;
    if (!value->is_boolean()) bad_param(field, "expected true or false");
    return value->get<bool>();
}

std::string role_param(const json& params, std::string fallback) {
    auto role = optional_string(params, "role");
    if (!role) return fallback;
    std::vector<std::string> known;
    for (std::string_view name : roles()) {
        if (same_name(name, *role)) return std::string(name); // "Planned" is planned
        known.emplace_back(name);
    }
    const std::string near = did_you_mean(*role, known);
    bad_param("role", "no role " + *role + (near.empty() ? "; the roles are noticed, planned, decided, followed-up and did" : near));
}

void check_note(std::string_view note, std::string_view field) {
    if (const std::string message = note_too_long(note, field); !message.empty()) bad_param(field, message.substr(field.size() + 2));
}

std::optional<std::string> note_param(const json& params, const char* field) {
    auto note = optional_string(params, field);
    if (note) check_note(*note, field);
    return note;
}

std::string source_param(const json& params) {
    auto source = optional_string(params, "source");
    if (!source) return "cli";
    if (!is_valid_name(*source)) bad_param("source", "expected a short word such as cli, spool or import");
    return *source;
}

std::string uuid_param(const json& params) {
    auto uuid = optional_string(params, "uuid");
    if (!uuid) bad_param("uuid", "is required (the client makes one per event, so a retry is recognised)");
    if (!is_uuid(*uuid)) bad_param("uuid", "\"" + *uuid + "\" is not a UUID");
    std::string lower = *uuid;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

std::string clock_text(std::int64_t minutes) {
    const auto two_digits = [](std::int64_t n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    return two_digits(minutes / 60) + ":" + two_digits(minutes % 60);
}

std::string date_text(std::int64_t day) {
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()));
    return text;
}

std::string_view weekday_name(std::int64_t weekday) {
    static constexpr std::array<std::string_view, 7> names{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    return names[static_cast<std::size_t>(((weekday % 7) + 7) % 7)];
}

std::int64_t weekday_of(std::int64_t date_day) { return ((date_day % 7) + 7 + 4) % 7; }

std::chrono::sys_seconds local_at(std::int64_t date_day, std::int64_t minute, const std::string& tz) {
    return local_time_on(std::chrono::sys_days{std::chrono::days{date_day}}, std::chrono::minutes{minute}, tz);
}

} // namespace fairly::daemon
