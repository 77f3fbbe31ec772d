#pragma once
/// Protected-time slots as iCalendar (RFC 5545), for the household's calendars.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fairly::daemon {

/// A weekly protected slot, in the household's local time.
struct protected_slot {
    std::int64_t id = 0;
    std::string owner;                 ///< a member's name, or "couple"
    std::string label;                 ///< "long run", "walk, no phones"
    unsigned weekday = 6;              ///< 0 = Sunday .. 6 = Saturday
    std::chrono::minutes start{9 * 60}; ///< local time of day
    std::chrono::seconds length{3600};
    std::chrono::sys_seconds created;  ///< when it was agreed: the export starts it on the first local
                                       ///< date on or after this instant's with its weekday
};

/// A VCALENDAR with one weekly recurring VEVENT per slot: DTSTART with the
/// household's TZID (and its VTIMEZONE), RRULE:FREQ=WEEKLY, a UID stable
/// across exports (`uid_domain` keeps two households apart), SUMMARY and
/// DESCRIPTION escaped, lines folded at 75 octets, CRLF line ends.
/// `now` is DTSTAMP.
///
/// Each slot is one VEVENT: UID "slot-<id>@<uid_domain>"; DTSTART;TZID=<tz>
/// at the slot's local time on the first date, in `tz`, on or after the
/// local date of `created` that has the slot's weekday, even when that time
/// of day had already passed at `created` (the first occurrence of the
/// recurrence may be in the past); DURATION exact, in hours, minutes and
/// seconds (PT2H, PT45M, never days); RRULE:FREQ=WEEKLY;BYDAY=<weekday>;
/// SUMMARY "<owner>: <label>"; DESCRIPTION "Protected time for <owner>, kept
/// by fairly"; CATEGORIES:protected time. Owner and label are cleaned before
/// escaping: CR and CRLF become LF, other control characters but tab are
/// dropped, bytes that are not UTF-8 become U+FFFD. The VTIMEZONE comes from
/// the system tz database, with TZID exactly `tz`, and is always there (with
/// no slot it is the calendar's only component). Two exports of the same
/// slots differ only in DTSTAMP.
///
/// Throws input_error with field "tz" for a zone the tz database does not
/// know, "uid_domain" when it is empty, and "weekday" (over 6), "start"
/// (outside 00:00-23:59) or "length" (not positive) for a slot that cannot
/// be; fairly::error if libical fails or cannot read the zone from
/// /usr/share/zoneinfo. Not for concurrent calls from several threads:
/// libical keeps some state (its zone directory, a UTC zone) process-wide.
std::string slots_to_ics(const std::vector<protected_slot>& slots, std::string_view tz, std::string_view uid_domain,
                         std::chrono::sys_seconds now);

} // namespace fairly::daemon
