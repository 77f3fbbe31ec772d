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
    std::chrono::sys_seconds created;  ///< the first week it applies (the week containing this instant)
};

/// A VCALENDAR with one weekly recurring VEVENT per slot: DTSTART with the
/// household's TZID (and its VTIMEZONE), RRULE:FREQ=WEEKLY, a UID stable
/// across exports (`uid_domain` keeps two households apart), SUMMARY and
/// DESCRIPTION escaped, lines folded at 75 octets, CRLF line ends.
/// `now` is DTSTAMP.
std::string slots_to_ics(const std::vector<protected_slot>& slots, std::string_view tz, std::string_view uid_domain,
                         std::chrono::sys_seconds now);

} // namespace fairly::daemon
