#include "night.hpp"
#include "zone_detail.hpp"

#include "errors.hpp"

#include <date/tz.h>

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>

// A night is a window of wall-clock time, resolved to real instants one local
// date at a time, and an event's night minutes are the real time it shares
// with those windows (Europe/London, window 22:00-06:00):
//
// An ordinary night crosses midnight; the window of local date D ends on D+1.
//
//   London      21:00   22:00   23:00   00:00   01:00    ...    05:00   06:00   07:00
//   --------------+-------+-------+-------+-------+----- ... -----+-------+-------+----
//   night                 [============================= ... =============)
//   23:00-01:00                   [===============)                                    120 night min
//   21:00-23:00   [-------========)                                                     60 night min
//   05:00-07:00                                                   [=======--------)     60 night min
//
// Clocks go back, Sun 2026-10-25 at 01:00 UTC: 01:00-01:59 local happens twice,
// so the night of Sat 24th lasts nine hours.
//
//   UTC      21:00   23:30   00:00   00:30   01:00   01:30  ...    03:30   06:00
//   ---------+-------+-------+-------+-------+-------+---- ... ----+-------+---
//   London   22:00   00:30   01:00   01:30 | 01:00   01:30  ...    03:30   06:00
//            <------- BST, +01:00 -------> | <---------- GMT, +00:00 ---------->
//   night    [=============================================================)  9 h
//   00:30-03:30      [=============================================)          4 h, all night
//
// Clocks go forward, Sun 2026-03-29 at 01:00 UTC: 01:00-01:59 local never
// happens, so the night of Sat 28th lasts seven hours.
//
//   UTC      22:00   00:30   01:00   01:30   02:30   05:00
//   ---------+-------+-------+-------+-------+-------+---
//   London   22:00   00:30 | 02:00   02:30   03:30   06:00
//            <--- GMT ---> | <------- BST, +01:00 ------->
//   night    [=======================================)  7 h
//   00:30-03:30      [=======================)          2 h, all night
//
// A window that does not cross midnight, 01:00-05:00: the window of date D
// ends on D itself, so the window of the day before an event can matter only
// for windows that do cross it.
//
//   London       22:00   00:00   01:00   03:00   05:00   06:00
//   -------------+-------+-------+-------+-------+-------+----
//   night                        [===============)
//   00:00-03:00          [-------========)                       120 min
//   22:00-02:00  [---------------====)                            60 min
//
// An event spanning two nights (GMT, so local = UTC) counts both:
//
//   Fri 20:00  22:00          Sat 06:00        22:00          Sun 06:00  08:00
//   [----------[==== 480 =====)----------------[==== 480 =====)----------)
//
// A 30-hour sick day from Mon 00:00 to Tue 06:00 cannot hold two whole nights
// (8 on + 16 off + 8 on is 32 hours): it holds the end of Sunday's and all of
// Monday's.
//
//   Sun 22:00   Mon 00:00     06:00                22:00          Tue 06:00
//   [===========[==== 360 ====)--------------------[==== 480 =====)
//
// Local ends are resolved as resolve_time() resolves any local time (zone.cpp):
// an ambiguous one is the earlier instant, a nonexistent one is moved forward
// by the gap. A window 22:00-01:30 on 2026-03-29 ends in the gap, so at 02:30 BST:
//
//   UTC      22:00   00:30   01:00   01:30
//   ---------+-------+-------+-------+----
//   London   22:00   00:30 | 02:00   02:30
//   night    [=======================)     3 h 30 min of real time
//
// Moving forward is the one rule that can make a window end after the next
// begins. Window 02:00-01:30 on 2026-03-29: the night of the 28th ends at
// 02:30 BST, the next would begin at 02:00 BST. So a window begins no earlier
// than the one before ended, and no minute is counted twice:
//
//   UTC      00:30   01:00   01:30   02:00
//   ---------+-------+-------+-------+----
//   London   00:30 | 02:00   02:30   03:00
//   28th     ================)                 ends at 02:30 BST (moved forward)
//   29th                     [=================  begins there, not at 02:00 BST
//
// The same rule can leave a window with nothing in it (01:30-02:00 on
// 2026-03-29): the wall clock never showed those times that day, so that day
// has no night.

namespace fairly {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

using namespace zone_detail;

void check_window(const night_window& window) {
    const auto in_a_day = [](minutes m) { return m >= minutes{0} && m < days{1}; };
    if (!in_a_day(window.start) || !in_a_day(window.end)) {
        throw input_error("night", "night: the night window's start and end must be times of day from 00:00 to "
                                   "23:59, e.g. 22:00 to 06:00");
    }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

} // namespace

std::vector<night_interval> night_intervals(sys_seconds from, sys_seconds to, const night_window& window,
                                            std::string_view zone_name) {
    // The zone is checked even when there is nothing to look for, so a wrong
    // household zone shows up at once.
    const date::time_zone& zone = find_zone(zone_name);
    check_window(window);
    std::vector<night_interval> nights;
    if (window.start == window.end || to <= from) return nights;

    const bool crosses_midnight = window.end < window.start;
    // The window of the day before `from`'s local date may still be running
    // at `from`; none after `to`'s local date can begin before `to`.
    const sys_days last = local_day_of(zone, to);
    std::optional<sys_seconds> previous_end;
    for (sys_days day = local_day_of(zone, from) - days{1}; day <= last; day += days{1}) {
        night_interval night{from_local(zone, local_at(day, window.start)),
                             from_local(zone, local_at(crosses_midnight ? day + days{1} : day, window.end))};
        if (previous_end) night.begin = std::max(night.begin, *previous_end);
        if (night.end <= night.begin) continue; // the wall clock skipped the whole window
        previous_end = night.end;
        if (night.begin < to && night.end > from) nights.push_back(night);
    }
    return nights;
}

seconds night_seconds(sys_seconds start, sys_seconds end, const night_window& window, std::string_view zone) {
    seconds total{0};
    // night_intervals() returns windows that do not overlap, so the shares add up.
    for (const night_interval& night : night_intervals(start, end, window, zone)) {
        total += std::min(end, night.end) - std::max(start, night.begin);
    }
    return total;
}

double event_points(double points, double points_per_hour, bool night_applies, seconds length, seconds night_length,
                    double multiplier) {
    // Weighted in seconds and divided once, so that 35 night minutes x 1.5 is
    // exactly 0.875 hours rather than 35/60 rounded and then multiplied.
    const double night = static_cast<double>(night_length.count());
    const double day = static_cast<double>((length - night_length).count());
    const double weighted_seconds = day + night * (night_applies ? multiplier : 1.0);
    return points + points_per_hour * (weighted_seconds / 3600.0);
}

minutes parse_time_of_day(std::string_view text, std::string_view field) {
    const std::string_view s = trim(text);
    // "H:MM" or "HH:MM": one or two digits, a colon, exactly two digits.
    const std::size_t colon = s.find(':');
    const bool shaped = (colon == 1 || colon == 2) && s.size() == colon + 3 &&
                        std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), is_digit) &&
                        is_digit(s[colon + 1]) && is_digit(s[colon + 2]);
    int hours = 0;
    int mins = 0;
    if (shaped) {
        for (std::size_t i = 0; i < colon; ++i) hours = hours * 10 + (s[i] - '0');
        mins = (s[colon + 1] - '0') * 10 + (s[colon + 2] - '0');
    }
    if (!shaped || hours > 23 || mins > 59) {
        std::string message{field};
        message += ": \"";
        message += text;
        message += "\" is not a time of day; write it as HH:MM from 00:00 to 23:59, e.g. 22:00";
        throw input_error(std::string(field), message);
    }
    return minutes{hours * 60 + mins};
}

rest_summary summarize_rest(std::vector<std::chrono::seconds> nights) {
    rest_summary summary;
    if (nights.empty()) return summary;
    std::sort(nights.begin(), nights.end());
    const std::size_t middle = nights.size() / 2;
    summary.typical = nights.size() % 2 == 1 ? nights[middle] : (nights[middle - 1] + nights[middle]) / 2;
    summary.shortest = nights.front();
    return summary;
}

void check_night_multiplier(double multiplier, std::string_view field) {
    if (!(multiplier >= least_night_multiplier && multiplier <= most_night_multiplier)) {
        throw input_error(std::string(field), std::string(field) + ": from 1 (no extra weight) to 10");
    }
}

} // namespace fairly
