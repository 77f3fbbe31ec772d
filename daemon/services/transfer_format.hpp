#pragma once
/// What export and import share: the file's version, times as written in
/// it, and the fields every row has (a uuid, uids).
#include "params.hpp"
#include "time_expr.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace fairly::daemon::transfer {

inline constexpr int export_version = 1;

inline json utc_text(std::int64_t t) { return format_iso_utc(std::chrono::sys_seconds{std::chrono::seconds{t}}); }
inline json optional_utc_text(std::optional<std::int64_t> t) { return t ? utc_text(*t) : json(nullptr); }
inline json optional_json(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }
inline json optional_json(std::optional<std::int64_t> value) { return value ? json(*value) : json(nullptr); }

/// A uid from the file, or nullopt when absent; refuses what is not a uid.
inline std::optional<std::int64_t> uid_field(const json& row, const char* field) {
    auto uid = optional_integer(row, field);
    if (uid && (*uid < 0 || *uid > std::numeric_limits<std::uint32_t>::max())) bad_param(field, "not a Unix uid");
    return uid;
}

/// A row's uuid, lower-cased; required (the CLI derives one for rows without).
inline std::string row_uuid(const json& row) { return uuid_param(row); }

} // namespace fairly::daemon::transfer
