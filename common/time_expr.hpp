#pragma once
/// Time expressions as people type them, parsed without a time zone. The zone
/// (the household's) is applied by resolve_time() in zone.hpp, in the daemon.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fairly {

/// A time typed for something that has happened (an event's start or end, a
/// timer's start or stop, a meeting moved, a turn, an imported row) may be a
/// little ahead of the reference, a slow clock or the minute being typed: less
/// than this ahead it is taken as typed; this far ahead or more it is refused,
/// whatever form it was typed in (docs/fairness.md, "Times ahead"). The one
/// rule: resolve_past_time() and check_has_happened() in zone.hpp apply it.
inline constexpr std::chrono::seconds future_tolerance{5 * 60};

struct time_expr {
    enum class form {
        now,            ///< "now"
        relative,       ///< "-40m": offset before the reference instant
        clock,          ///< "03:10", "3:10am", "9pm": the latest past instant whose local clock reads it
        day_clock,      ///< "yesterday 22:40", "mon 09:00", "today 07:00", "sat 9am"
        day,            ///< "yesterday", "today", "monday": start of that local day
        local_date,     ///< "2026-10-25": start of that local day
        local_date_time,///< "2026-10-25 00:30" or "2026-10-25T00:30"
        instant,        ///< ISO 8601 with offset or Z: "2026-10-25T00:30:00+01:00"
        ahead,          ///< "in 10m": offset after the reference instant
    };
    form kind = form::now;
    std::chrono::seconds offset{0};          ///< relative: seconds before the reference; ahead: after it (positive)
    std::chrono::minutes time_of_day{0};     ///< clock, day_clock, local_date_time
    std::chrono::seconds seconds_past_minute{0}; ///< local_date_time typed with ":SS" (0-59)
    int days_back = 0;                       ///< day/day_clock with "today"(0) or "yesterday"(1)
    std::optional<std::chrono::weekday> weekday; ///< day/day_clock naming a weekday (latest such day, today included)
    std::chrono::year_month_day date{};      ///< local_date, local_date_time
    std::chrono::sys_seconds at{};           ///< instant
};

/// Parses `text` (case and surrounding spaces do not matter); throws
/// input_error naming `field` with a message that shows the accepted forms.
/// Dates must be real calendar dates in the years 1970 to 9999.
time_expr parse_time_expr(std::string_view text, std::string_view field = "at");

/// Parses an ISO 8601 instant with an offset or Z ("2026-11-23T09:00:00Z",
/// "2026-11-23T09:00+01:00", "2026-11-23T09:00:00.250Z": fractions of a second
/// are dropped); used for FAIRLY_NOW and for wire timestamps.
std::chrono::sys_seconds parse_iso_instant(std::string_view text, std::string_view field = "time");

/// Formats an instant as ISO 8601 UTC: "2026-11-23T09:00:00Z".
std::string format_iso_utc(std::chrono::sys_seconds t);

/// A calendar date as people say it (docs/wording.md): "23 Nov", with
/// `weekday` "Mon 23 Nov". The one place fairly words a date.
std::string date_as_said(std::chrono::sys_days date, bool weekday = false);

/// The same for a date written "2026-11-23"; any other text comes back as it is.
std::string date_as_said(std::string_view iso_date, bool weekday = false);

} // namespace fairly
