#include "zone.hpp"
#include "zone_detail.hpp"

#include "errors.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <type_traits>

// How wall-clock times map to instants on the two nights a year the clocks
// change (Europe/London, 2026; the same rules hold in every zone):
//
// Clocks go back, Sun 2026-10-25 at 01:00 UTC: 01:00-01:59 local happens twice.
//
//   UTC      23:30   00:00   00:30   01:00   01:30   02:00   02:30   03:30
//   ---------+-------+-------+-------+-------+-------+-------+-------+----
//   London   00:30   01:00   01:30 | 01:00   01:30   02:00   02:30   03:30
//            <--- BST, +01:00 ---> | <---------- GMT, +00:00 ----------->
//                            ^first          ^second
//   "2026-10-25 01:30"             -> 00:30Z, the earlier (first) 01:30
//   "01:30" typed at 00:45Z (01:45 BST) -> 00:30Z, the only 01:30 passed yet
//   "01:30" typed at 01:45Z (01:45 GMT) -> 01:30Z, the latest 01:30 passed
//   00:30 local to 03:30 local that day is 23:30Z to 03:30Z: four hours.
//
// Clocks go forward, Sun 2026-03-29 at 01:00 UTC: 01:00-01:59 local never happens.
//
//   UTC      00:00   00:30   01:00   01:30   02:00
//   ---------+-------+-------+-------+-------+----
//   London   00:00   00:30 | 02:00   02:30   03:00
//            <-- GMT ----> | <--- BST, +01:00 --->
//   "2026-03-29 01:30" -> moved forward by the one-hour gap: 02:30 BST = 01:30Z.
//   A bare "01:30" follows the same rule, then must not be after the reference.
//
// Moving a missing time forward by the gap is the same as reading it with the
// offset in force just before the gap, which is what local_info.first holds.

namespace fairly {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

using namespace zone_detail;

/// The first instant of a local day: midnight, or the end of the gap when the
/// clocks went forward across midnight (midnight itself never happened). Every
/// such gap in the tz database since 1970 begins exactly at midnight, where
/// this equals moving midnight forward; the rule is spelled out so a gap that
/// began before midnight would still not start the day late.
sys_seconds start_of_local_day(const date::time_zone& zone, sys_days local_day) {
    const date::local_seconds midnight = local_at(local_day, seconds{0});
    const date::local_info info = zone.get_info(midnight);
    if (info.result == date::local_info::nonexistent) return info.first.end;
    return from_local(zone, midnight);
}

/// The latest instant not after `reference` whose wall clock reads
/// `time_of_day`. On the night the clocks go back both 01:30s count; a
/// missing time counts as moved forward by the gap.
sys_seconds latest_clock_time(const date::time_zone& zone, seconds time_of_day, sys_seconds reference) {
    const sys_days today = local_day_of(zone, reference);
    // Yesterday's reading is always in the past; the third day is a safety net
    // for zones that once skipped a whole day (Pacific/Apia, 2011-12-30).
    for (int back = 0; back < 3; ++back) {
        const date::local_seconds local = local_at(today - days{back}, time_of_day);
        const date::local_info info = zone.get_info(local);
        if (info.result == date::local_info::ambiguous) {
            const sys_seconds later{local.time_since_epoch() - info.second.offset};
            if (later <= reference) return later;
        }
        const sys_seconds candidate = from_local(zone, local);
        if (candidate <= reference) return candidate;
    }
    return from_local(zone, local_at(today - days{3}, time_of_day));
}

void check_time_of_day(seconds time_of_day, std::string_view field) {
    if (time_of_day < seconds{0} || time_of_day >= days{1}) {
        std::string message{field};
        message += ": the time of day must be from 00:00 to 23:59";
        throw input_error(std::string(field), message);
    }
}

void append_clock(std::string& out, long long hh, long long mm) {
    out += static_cast<char>('0' + hh / 10);
    out += static_cast<char>('0' + hh % 10);
    out += ':';
    out += static_cast<char>('0' + mm / 10);
    out += static_cast<char>('0' + mm % 10);
}

/// "03:10 is 5 minutes from now; for last night use --at 'yesterday 03:10'".
[[noreturn]] void refuse_near_future(seconds ahead, seconds time_of_day, std::string_view field) {
    const long long hh = std::chrono::duration_cast<hours>(time_of_day).count();
    const long long mm = std::chrono::duration_cast<minutes>(time_of_day).count() % 60;
    std::string clock;
    append_clock(clock, hh, mm);
    const long long away = std::max<long long>(1, (ahead.count() + 30) / 60);
    const bool night = hh < 6 || hh >= 21;
    std::string message = clock + " is " + std::to_string(away) + (away == 1 ? " minute" : " minutes") + " from now; for " +
                          (night ? "last night" : "yesterday") + " use --" + std::string(field) + " 'yesterday " + clock + "'";
    throw input_error(std::string(field), message);
}

void check_date(std::chrono::year_month_day date, std::string_view field) {
    if (!date.ok()) {
        std::string message{field};
        message += ": not a date on the calendar; write dates as YYYY-MM-DD, e.g. 2026-10-25";
        throw input_error(std::string(field), message);
    }
}

void append_padded(std::string& out, long long value, int width) {
    const std::string digits = std::to_string(value < 0 ? -value : value);
    if (value < 0) out += '-';
    for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
    out += digits;
}

/// "2026-11-23" + separator + "09:00" (+ ":SS" when asked) for a local time.
std::string format_wall_time(date::local_seconds local, char separator, bool with_seconds) {
    const sys_days day{date::floor<date::days>(local).time_since_epoch()};
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss<seconds> time{local.time_since_epoch() - day.time_since_epoch()};
    std::string out;
    append_padded(out, static_cast<int>(ymd.year()), 4);
    out += '-';
    append_padded(out, static_cast<unsigned>(ymd.month()), 2);
    out += '-';
    append_padded(out, static_cast<unsigned>(ymd.day()), 2);
    out += separator;
    append_padded(out, time.hours().count(), 2);
    out += ':';
    append_padded(out, time.minutes().count(), 2);
    if (with_seconds) {
        out += ':';
        append_padded(out, time.seconds().count(), 2);
    }
    return out;
}

} // namespace

bool is_known_zone(std::string_view name) { return lookup_zone(name) != nullptr; }

sys_seconds resolve_time(const time_expr& expr, sys_seconds reference, std::string_view zone_name,
                         std::string_view field) {
    // The zone is checked even for forms that do not need it, so a wrong
    // household zone shows up at once rather than on the first "03:10".
    const date::time_zone& zone = find_zone(zone_name);
    const sys_days today = local_day_of(zone, reference);

    auto named_day = [&]() -> sys_days {
        if (expr.weekday) {
            // weekday - weekday counts days back in [0, 6]: today is included.
            return today - (std::chrono::weekday{today} - *expr.weekday);
        }
        return today - days{expr.days_back};
    };

    switch (expr.kind) {
    case time_expr::form::now:
        return reference;
    case time_expr::form::relative:
        return reference - expr.offset;
    case time_expr::form::instant:
        return expr.at;
    case time_expr::form::ahead:
        return reference + expr.offset;
    case time_expr::form::clock: {
        check_time_of_day(expr.time_of_day, field);
        // A bare clock time is the latest that has passed. One a little
        // ahead (03:10 typed at 03:05) is more likely a slip than last night,
        // so it is refused with the way to say last night; less than
        // future_tolerance ahead it is taken as typed, as any form is.
        const sys_seconds today_at = from_local(zone, local_at(today, expr.time_of_day));
        if (today_at > reference && today_at - reference < future_tolerance) return today_at;
        if (today_at > reference && today_at - reference <= hours{1}) refuse_near_future(today_at - reference, expr.time_of_day, field);
        return latest_clock_time(zone, expr.time_of_day, reference);
    }
    case time_expr::form::day_clock:
        check_time_of_day(expr.time_of_day, field);
        return from_local(zone, local_at(named_day(), expr.time_of_day));
    case time_expr::form::day:
        return start_of_local_day(zone, named_day());
    case time_expr::form::local_date:
        check_date(expr.date, field);
        return start_of_local_day(zone, sys_days{expr.date});
    case time_expr::form::local_date_time:
        check_date(expr.date, field);
        check_time_of_day(expr.time_of_day + expr.seconds_past_minute, field);
        return from_local(zone, local_at(sys_days{expr.date}, expr.time_of_day + expr.seconds_past_minute));
    }
    return reference;
}

sys_seconds resolve_past_time(const time_expr& expr, sys_seconds reference, std::string_view zone_name, std::string_view field) {
    const sys_seconds t = resolve_time(expr, reference, zone_name, field);
    check_has_happened(t, reference, zone_name, field);
    return t;
}

void check_has_happened(sys_seconds t, sys_seconds reference, std::string_view zone_name, std::string_view field) {
    if (t - reference < future_tolerance) return;
    const long long away = (std::chrono::duration_cast<seconds>(t - reference).count() + 30) / 60;
    const std::string ahead = away < 120 ? std::to_string(away) + " minutes from now" : "in the future";
    throw input_error(std::string(field), format_local(t, zone_name) + " is " + ahead +
                                              "; fairly keeps what has happened: give a time that has passed");
}

std::string format_local(sys_seconds t, std::string_view zone_name) {
    return format_wall_time(find_zone(zone_name).to_local(t), ' ', false);
}

std::string format_local_iso(sys_seconds t, std::string_view zone_name) {
    const date::time_zone& zone = find_zone(zone_name);
    std::string out = format_wall_time(zone.to_local(t), 'T', true);
    const seconds offset = zone.get_info(t).offset;
    const long long offset_minutes = std::chrono::duration_cast<minutes>(offset < seconds{0} ? -offset : offset).count();
    out += offset < seconds{0} ? '-' : '+';
    append_padded(out, offset_minutes / 60, 2);
    out += ':';
    append_padded(out, offset_minutes % 60, 2);
    return out;
}

sys_seconds local_time_on(sys_days date, minutes time_of_day, std::string_view zone_name) {
    time_expr at;
    at.kind = time_expr::form::local_date_time;
    at.date = std::chrono::year_month_day{date};
    at.time_of_day = time_of_day;
    return resolve_time(at, sys_seconds{}, zone_name);
}

sys_days local_date_of(sys_seconds t, std::string_view zone_name) { return local_day_of(find_zone(zone_name), t); }

namespace {

constexpr std::array<const char*, 7> short_weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/// "19:00" on the local wall clock.
std::string wall_clock(const date::time_zone& zone, sys_seconds t) {
    const auto local = zone.to_local(t);
    const auto since_midnight = std::chrono::floor<minutes>(local - std::chrono::floor<std::chrono::days>(local));
    std::string out;
    append_padded(out, since_midnight.count() / 60, 2);
    out += ':';
    append_padded(out, since_midnight.count() % 60, 2);
    return out;
}

/// The wall clock as people say it: on the night the clocks go back, the
/// repeated hour names its zone ("01:30 BST", "01:30 GMT").
std::string spoken_clock(const date::time_zone& zone, sys_seconds t) {
    std::string clock = wall_clock(zone, t);
    const auto local = zone.to_local(t);
    if (zone.get_info(date::local_seconds{local.time_since_epoch()}).result == date::local_info::ambiguous) {
        clock += " " + zone.get_info(t).abbrev;
    }
    return clock;
}

} // namespace

std::string calendar_time(sys_seconds t, std::string_view zone_name) {
    const date::time_zone& zone = find_zone(zone_name);
    return date_as_said(local_day_of(zone, t), true) + " " + spoken_clock(zone, t);
}

std::string spoken_time(sys_seconds t, sys_seconds now, std::string_view zone_name) {
    const date::time_zone& zone = find_zone(zone_name);
    const sys_days day = local_day_of(zone, t);
    const auto days_back = (local_day_of(zone, now) - day).count();
    const std::string clock = spoken_clock(zone, t);
    if (days_back == 0) return "today " + clock;
    if (days_back == 1) return "yesterday " + clock;
    const std::string weekday = short_weekdays[std::chrono::weekday{day}.c_encoding()];
    if (days_back > 1 && days_back < 7) return weekday + " " + clock;
    return date_as_said(day, true) + " " + clock;
}

std::string typed_time(sys_seconds t, sys_seconds now, std::string_view zone_name) {
    const date::time_zone& zone = find_zone(zone_name);
    const auto days_back = (local_day_of(zone, now) - local_day_of(zone, t)).count();
    const std::string typed = days_back == 0   ? wall_clock(zone, t)
                              : days_back == 1 ? "yesterday " + wall_clock(zone, t)
                                               : format_wall_time(zone.to_local(t), ' ', false);
    // The hour the clocks go back happens twice: when the short form would
    // name the other one, give the instant with its offset.
    if (resolve_time(parse_time_expr(typed), now, zone_name) == std::chrono::floor<minutes>(t)) return typed;
    return format_local_iso(std::chrono::floor<minutes>(t), zone_name);
}

sys_seconds local_day_start(sys_seconds t, std::string_view zone_name) {
    const date::time_zone& zone = find_zone(zone_name);
    return start_of_local_day(zone, local_day_of(zone, t));
}


namespace zone_detail {

using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

const date::time_zone* lookup_zone(std::string_view name) noexcept {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

const date::time_zone& find_zone(std::string_view name) {
    const date::time_zone* zone = lookup_zone(name);
    if (zone == nullptr) {
        std::string message = "tz: \"";
        message += name;
        message += "\" is not a time zone of the system tz database; use a name like Europe/London "
                   "or America/New_York (`timedatectl list-timezones` lists them)";
        throw input_error("tz", message);
    }
    return *zone;
}

// A local calendar day is carried as a sys_days counting days in the local
// calendar; only local_at() turns it into a date::local_seconds.
date::local_seconds local_at(sys_days local_day, seconds since_midnight) {
    return date::local_seconds{(local_day + since_midnight).time_since_epoch()};
}

sys_days local_day_of(const date::time_zone& zone, sys_seconds t) {
    const auto local = zone.to_local(t);
    return sys_days{date::floor<date::days>(local).time_since_epoch()};
}

/// The instant a local wall time names: the earlier of two when the clocks
/// went back, moved forward by the gap when the clocks went forward.
sys_seconds from_local(const date::time_zone& zone, date::local_seconds local) {
    // local_info.first is the period in force up to this wall time, which gives
    // all three answers with one subtraction:
    //  - unique: the only period;
    //  - ambiguous: the period before the clocks went back; its larger offset
    //    gives the earlier instant (what date::choose::earliest would pick);
    //  - nonexistent: the period before the gap; its smaller offset moves the
    //    time forward by the gap (date::zoned_time would throw instead).
    const date::local_info info = zone.get_info(local);
    return sys_seconds{local.time_since_epoch() - info.first.offset};
}

} // namespace zone_detail

} // namespace fairly
