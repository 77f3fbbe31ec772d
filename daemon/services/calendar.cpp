#include "calendar.hpp"

#include "spelling.hpp"

#include "errors.hpp"
#include "zone.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <memory>

// Where a slot's first occurrence falls, and what the calendar does with the
// clock changes (Europe/London, 2026; "sat 09:00", created Tue 2026-10-20):
//
//   local date  Tue 20  ...  Sat 24 | Sun 25 ...  Sat 31
//   ------------+-------------------+---------------------------
//   slot                09:00 BST   |             09:00 GMT
//   UTC                 08:00Z      |             09:00Z
//               <-- BST, +01:00 --> | <-- GMT, +00:00 -->
//                                   ^ 01:00Z: clocks go back
//
//   DTSTART;TZID=Europe/London:20261024T090000 with RRULE:FREQ=WEEKLY;BYDAY=SA
//   keeps 09:00 on the wall clock; the UTC instant moves by the hour.
//
// The first occurrence is the first local date on or after the local date of
// `created` with the slot's weekday, whatever the time of day: a "tue 07:00"
// slot created at Tue 18:00 starts that same Tuesday, in the past. The export
// is a recurrence, so a first occurrence in the past only shows the slot from
// the week it was agreed.
//
// A slot whose time does not exist on a given day (01:30 on the night the
// clocks go forward) or happens twice (01:30 on the night they go back) is
// written as wall time all the same; RFC 5545 3.3.5 makes calendars read the
// first as moved forward by the gap and the second as the earlier 01:30, the
// same rules zone.hpp applies to typed times.

namespace fairly::daemon {
namespace {

using std::chrono::days;
using std::chrono::hh_mm_ss;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::weekday;
using std::chrono::year_month_day;

constexpr const char* product_id = "-//fairly//protected time//EN";

struct component_free {
    void operator()(icalcomponent* component) const noexcept { icalcomponent_free(component); }
};
using component_ptr = std::unique_ptr<icalcomponent, component_free>;

/// Frees, on scope exit, the strings libical parks in this thread's ring of
/// temporary buffers while it works (truncating a VTIMEZONE leaves dozens),
/// so an export leaves nothing behind. Nothing else in fairly holds libical
/// temporaries across a call.
struct temporaries_freed {
    temporaries_freed() = default;
    temporaries_freed(const temporaries_freed&) = delete;
    temporaries_freed& operator=(const temporaries_freed&) = delete;
    ~temporaries_freed() { icalmemory_free_ring(); }
};

struct buffer_free {
    void operator()(char* buffer) const noexcept { icalmemory_free_buffer(buffer); }
};
using buffer_ptr = std::unique_ptr<char, buffer_free>;

[[noreturn]] void libical_failed(std::string_view what) {
    std::string message = "could not write the calendar (";
    message += what;
    message += "): libical says ";
    message += icalerror_strerror(icalerrno);
    throw error(message);
}

/// Adds `property` to `component`, which then owns it.
void add(icalcomponent* component, icalproperty* property, std::string_view what) {
    if (property == nullptr) libical_failed(what);
    icalcomponent_add_property(component, property);
}


/// `text` made fit for an iCalendar TEXT value before libical escapes it.
/// libical escapes , ; \ and newlines, but passes other control characters
/// through (RFC 5545 allows none but HTAB) and silently drops CR, and its
/// folding finds UTF-8 boundaries only in valid UTF-8. So: CRLF and lone CR
/// become LF, other controls are dropped, and bytes that are not UTF-8
/// become U+FFFD.
std::string text_value(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            if (lead == '\r') {
                out += '\n';
                if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            } else if (lead == '\n' || lead == '\t' || (lead >= 0x20 && lead != 0x7F)) {
                out += static_cast<char>(lead);
            }
            ++i;
            continue;
        }
        // The lengths and first-continuation ranges of RFC 3629, which rule out
        // overlong forms, surrogates and code points past U+10FFFF.
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        }
        std::size_t valid = length == 0 ? 0 : 1;
        while (valid > 0 && valid < length && i + valid < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + valid]);
            const unsigned char from = valid == 1 ? low : 0x80, to = valid == 1 ? high : 0xBF;
            if (next < from || next > to) break;
            ++valid;
        }
        if (length != 0 && valid == length) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            append_utf8(out, U'\uFFFD');
            i += std::max<std::size_t>(valid, 1);
        }
    }
    return out;
}

/// `t` as a UTC DATE-TIME (written with a trailing Z).
icaltimetype utc_time(sys_seconds t) {
    const sys_days day = std::chrono::floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss<seconds> time{t - day};
    icaltimetype result = icaltime_null_time();
    result.year = static_cast<int>(date.year());
    result.month = static_cast<int>(static_cast<unsigned>(date.month()));
    result.day = static_cast<int>(static_cast<unsigned>(date.day()));
    result.hour = static_cast<int>(time.hours().count());
    result.minute = static_cast<int>(time.minutes().count());
    result.second = static_cast<int>(time.seconds().count());
    result.zone = icaltimezone_get_utc_timezone();
    return result;
}

/// The wall time `since_midnight` on the local calendar day `local_day`, with
/// no zone: the TZID parameter beside it names the zone.
icaltimetype wall_time(sys_days local_day, seconds since_midnight) {
    icaltimetype result = utc_time(sys_seconds{local_day} + since_midnight);
    result.zone = nullptr;
    return result;
}

/// The VTIMEZONE of `tz`, read by libical from the system tz database
/// (/usr/share/zoneinfo) and cut down to the rules in force from `from` on.
/// Cut the way Outlook expects: a yearly rule in force keeps the DTSTART of
/// the year it began (1981 for London's), where the other way would add a
/// made-up STANDARD observance at `from` that still carries the summer offset.
/// libical names built-in zones "/freeassociation.sourceforge.net/<tz>" and
/// cannot be told to use no prefix (an empty prefix means its default), so
/// TZID is set to the plain name here, which calendars match against their
/// own tz database.
component_ptr household_timezone(std::string_view tz, sys_seconds from) {
    const std::string name{tz};
    component_ptr zone{icaltzutil_fetch_timezone(name.c_str())};
    if (!zone) {
        throw error("tz \"" + name + "\" is in the tz database but libical cannot read /usr/share/zoneinfo/" +
                    name + "; reinstall the tzdata package (apt-get install --reinstall tzdata)");
    }
    icaltimezone_truncate_vtimezone(zone.get(), utc_time(from), icaltime_null_time(), 1 /* ms_compatible */);
    icalproperty* tzid = icalcomponent_get_first_property(zone.get(), ICAL_TZID_PROPERTY);
    if (tzid == nullptr) libical_failed("TZID of " + name);
    icalproperty_set_tzid(tzid, name.c_str());
    return zone;
}

void check_slot(const protected_slot& slot) {
    const std::string which = "slot " + std::to_string(slot.id);
    if (slot.weekday > 6) {
        throw input_error("weekday", which + ": weekday " + std::to_string(slot.weekday) +
                                         " is not a day; use 0 (Sunday) to 6 (Saturday)");
    }
    if (slot.start < std::chrono::minutes{0} || slot.start >= std::chrono::hours{24}) {
        throw input_error("start", which + ": starts at minute " + std::to_string(slot.start.count()) +
                                       " of the day; use a time of day from 00:00 to 23:59");
    }
    if (slot.length <= seconds{0}) {
        throw input_error("length", which + ": lasts " + std::to_string(slot.length.count()) +
                                        " seconds; give it a length, e.g. 45m or 2h");
    }
}

/// The local calendar day of the slot's first occurrence: the first day with
/// its weekday on or after the local day `created` falls on.
sys_days first_day(const protected_slot& slot, std::string_view tz) {
    const sys_days created_day = local_date_of(slot.created, tz);
    return created_day + (weekday{slot.weekday} - weekday{created_day});
}

/// The exact length, in hours, minutes and seconds (PT2H, PT45M, PT48H):
/// never in days, which RFC 5545 counts as calendar days that stretch and
/// shrink across a clock change.
icaldurationtype exact_duration(seconds length) {
    const hh_mm_ss<seconds> parts{length};
    icaldurationtype result = icaldurationtype_null_duration();
    result.hours = static_cast<unsigned>(parts.hours().count());
    result.minutes = static_cast<unsigned>(parts.minutes().count());
    result.seconds = static_cast<unsigned>(parts.seconds().count());
    return result;
}

icalrecurrencetype weekly_on(unsigned day) {
    icalrecurrencetype rule;
    icalrecurrencetype_clear(&rule);
    rule.freq = ICAL_WEEKLY_RECURRENCE;
    rule.by_day[0] = static_cast<short>(ICAL_SUNDAY_WEEKDAY + day); // SUNDAY = 1 .. SATURDAY = 7
    return rule;
}

component_ptr slot_event(const protected_slot& slot, std::string_view tz, std::string_view uid_domain,
                         sys_seconds now) {
    component_ptr event{icalcomponent_new_vevent()};
    if (!event) libical_failed("VEVENT");
    icalcomponent* e = event.get();
    const std::string uid = "slot-" + std::to_string(slot.id) + "@" + std::string{uid_domain};
    add(e, icalproperty_new_uid(uid.c_str()), "UID");
    add(e, icalproperty_new_dtstamp(utc_time(now)), "DTSTAMP");

    icalproperty* start = icalproperty_new_dtstart(wall_time(first_day(slot, tz), slot.start));
    add(e, start, "DTSTART");
    const std::string tz_name{tz};
    icalparameter* tzid = icalparameter_new_tzid(tz_name.c_str());
    if (tzid == nullptr) libical_failed("DTSTART TZID");
    icalproperty_add_parameter(start, tzid);

    add(e, icalproperty_new_duration(exact_duration(slot.length)), "DURATION");
    add(e, icalproperty_new_rrule(weekly_on(slot.weekday)), "RRULE");
    const std::string owner = text_value(slot.owner);
    add(e, icalproperty_new_summary((owner + ": " + text_value(slot.label)).c_str()), "SUMMARY");
    add(e, icalproperty_new_description(("Protected time for " + owner + ", kept by fairly").c_str()),
        "DESCRIPTION");
    add(e, icalproperty_new_categories("protected time"), "CATEGORIES");
    return event;
}

} // namespace

std::string slots_to_ics(const std::vector<protected_slot>& slots, std::string_view tz, std::string_view uid_domain,
                         sys_seconds now) {
    if (!is_known_zone(tz)) (void)local_date_of(now, tz); // throws the tz database's input_error("tz")
    if (uid_domain.empty()) throw input_error("uid_domain", "uid_domain: name the household, e.g. smith.fairly");
    for (const protected_slot& slot : slots) check_slot(slot);

    const temporaries_freed temporaries;
    component_ptr calendar{icalcomponent_new_vcalendar()};
    if (!calendar) libical_failed("VCALENDAR");
    add(calendar.get(), icalproperty_new_version("2.0"), "VERSION");
    add(calendar.get(), icalproperty_new_prodid(product_id), "PRODID");
    add(calendar.get(), icalproperty_new_calscale("GREGORIAN"), "CALSCALE");

    // Every first occurrence is on or after the local day of its slot's
    // `created`, so the zone's rules are needed from a day before the earliest
    // (no zone is more than a day from UTC); `now` does not move them, so two
    // exports differ only in DTSTAMP. With no slot the VTIMEZONE is the
    // calendar's only component (RFC 5545 wants at least one).
    sys_seconds zone_from = slots.empty() ? now : slots.front().created;
    for (const protected_slot& slot : slots) zone_from = std::min(zone_from, slot.created);
    icalcomponent_add_component(calendar.get(), household_timezone(tz, zone_from - days{1}).release());

    for (const protected_slot& slot : slots) {
        icalcomponent_add_component(calendar.get(), slot_event(slot, tz, uid_domain, now).release());
    }

    const buffer_ptr text{icalcomponent_as_ical_string_r(calendar.get())};
    if (!text) libical_failed("text");
    return std::string{text.get()};
}

} // namespace fairly::daemon
