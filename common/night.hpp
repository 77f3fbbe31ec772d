#pragma once
/// The household's night: a window of local wall-clock time (default
/// 22:00-06:00) in which care counts extra and sleep is lost. The minutes of
/// an event inside the window are counted in real elapsed time, so an event
/// on a DST change night is measured as it was lived.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace fairly {

struct night_window {
    std::chrono::minutes start{22 * 60}; ///< local time of day the night begins (0..1439)
    std::chrono::minutes end{6 * 60};    ///< local time of day it ends; before start = crosses midnight
    double multiplier = 1.5;             ///< weight of a night minute for kinds it applies to
};

/// The night multiplier's range: 1 (no extra weight) to 10. Throws
/// input_error(field), "multiplier: from 1 (no extra weight) to 10", outside
/// it: `fairly night`, `fairly init` and an import alike.
inline constexpr double least_night_multiplier = 1, most_night_multiplier = 10;
void check_night_multiplier(double multiplier, std::string_view field = "multiplier");

/// One night's window in real time: [begin, end).
struct night_interval {
    std::chrono::sys_seconds begin;
    std::chrono::sys_seconds end;
};

/// The night windows (in the household zone `zone`) that overlap [from, to),
/// in order. A window's local ends are resolved like any local time: an
/// ambiguous one (clocks back) is the earlier instant, a nonexistent one
/// (clocks forward) is moved forward by the gap. The windows do not overlap:
/// one whose end was moved forward past the next one's start is followed by a
/// window beginning where it ended, and a window the clocks skip entirely is
/// left out. A window with start == end is no night: nothing is returned.
/// Throws input_error("tz") for an unknown zone and input_error("night") for a
/// window whose start or end is not a time of day from 00:00 to 23:59.
std::vector<night_interval> night_intervals(std::chrono::sys_seconds from, std::chrono::sys_seconds to, const night_window& window,
                                            std::string_view zone);

/// Seconds of [start, end) that fall inside the household's night windows
/// (0 when end <= start); throws as night_intervals() does.
std::chrono::seconds night_seconds(std::chrono::sys_seconds start, std::chrono::sys_seconds end, const night_window& window,
                                   std::string_view zone);

/// A wake-up: a load event with any time inside a night window, one per
/// event however many nights it touches (docs/fairness.md, "Sleep"). The
/// same events are the ones that break a night's rest.
inline bool is_wake_up(bool load, std::chrono::seconds night_length) { return load && night_length > std::chrono::seconds{0}; }

/// Points of one event: per occurrence + hours x per hour, where the hours
/// inside the night window count `window.multiplier` times when the kind's
/// night rule applies.
double event_points(double points, double points_per_hour, bool night_applies, std::chrono::seconds length,
                    std::chrono::seconds night_length, double multiplier);

/// A member's rest over the nights that are over: the median of each
/// night's longest undisturbed stretch ("a typical night"; with an even
/// number of nights, the mean of the middle two) and the shortest. Both
/// empty when no night is over yet.
struct rest_summary {
    std::optional<std::chrono::seconds> typical;
    std::optional<std::chrono::seconds> shortest;
};
rest_summary summarize_rest(std::vector<std::chrono::seconds> longest_per_night);

/// "22:00" -> 1320 minutes; throws input_error(field) on anything else.
std::chrono::minutes parse_time_of_day(std::string_view text, std::string_view field);

} // namespace fairly
