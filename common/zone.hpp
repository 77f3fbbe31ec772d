#pragma once
/// The household's time zone, applied to time expressions and to output.
/// Links date-tz (the system tz database); the CLI does not use this.
#include "time_expr.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace fairly {

/// True when `name` is a zone of the system tz database ("Europe/London").
bool is_known_zone(std::string_view name);

/// Resolves `expr` against `reference` (the instant the command was typed) in
/// the zone named `zone`. DST rules, decided on purpose (drawn in zone.cpp):
///  - a local time that happens twice (the hour the clocks go back): the earlier
///    one, except for a bare clock time ("01:30"), which picks the latest instant
///    not after the reference (so the second 01:30 once it has passed);
///  - a local time that does not exist (the hour the clocks go forward) is moved
///    forward by the gap: 01:30 on the spring-forward night in London is 02:30 BST.
///    A bare clock time follows the same rule and then, like any bare clock
///    time, must not be after the reference, or else it is the day before's;
///  - a day ("today", "mon", "2026-10-25") starts at its local midnight, or where
///    the gap ends if midnight itself never happened;
///  - a weekday is the latest local date with that weekday, today included, even
///    if "mon 09:00" on a Monday morning is still to come (refusing future times
///    is the caller's job).
/// Throws input_error with field "tz" for an unknown zone (the household's
/// setting is at fault, not the typed time), and with field `field` for a
/// hand-built expression whose date or time of day cannot be.
std::chrono::sys_seconds resolve_time(const time_expr& expr, std::chrono::sys_seconds reference,
                                      std::string_view zone, std::string_view field = "at");

/// A time of something that has happened, as typed for every command that
/// takes one: resolve_time(), then check_has_happened(). A bare clock time
/// between future_tolerance and an hour ahead is already refused by
/// resolve_time() with the way to say yesterday's; one further ahead is
/// yesterday's, so it has happened.
std::chrono::sys_seconds resolve_past_time(const time_expr& expr, std::chrono::sys_seconds reference,
                                           std::string_view zone, std::string_view field = "at");

/// Refuses `t` when it is future_tolerance or more ahead of `reference`,
/// with input_error(field): "2026-12-08 09:00 is 50 minutes from now; ...".
/// The same rule for a time already resolved (an imported row's start).
void check_has_happened(std::chrono::sys_seconds t, std::chrono::sys_seconds reference, std::string_view zone,
                        std::string_view field = "at");

/// "2026-11-23 09:00" in the zone (seconds dropped). Throws input_error("tz")
/// for an unknown zone, as do the two functions below.
std::string format_local(std::chrono::sys_seconds t, std::string_view zone);

/// "2026-11-23T09:00:00+00:00" in the zone (ISO 8601 with the local offset).
std::string format_local_iso(std::chrono::sys_seconds t, std::string_view zone);

/// `t` as people say it, from `now`: "today 19:00", "yesterday 19:00",
/// "Thu 19:00" within the last week, else "Thu 22 Oct 19:00".
std::string spoken_time(std::chrono::sys_seconds t, std::chrono::sys_seconds now, std::string_view zone);

/// `t` as a calendar line says it: "Thu 22 Oct 18:00". On the night the
/// clocks go back the repeated hour names its zone: "Sun 25 Oct 01:30 BST",
/// "Sun 25 Oct 01:30 GMT" (spoken_time() does the same).
std::string calendar_time(std::chrono::sys_seconds t, std::string_view zone);

/// `t` (not after `now`) as one would type it back to fairly so it resolves
/// to the same minute: "03:40", "yesterday 03:40", "2026-11-20 03:40".
std::string typed_time(std::chrono::sys_seconds t, std::chrono::sys_seconds now, std::string_view zone);

/// The local calendar date of `t` in the zone, carried as a sys_days (days
/// since 1970-01-01 counted in the local calendar, not an instant).
std::chrono::sys_days local_date_of(std::chrono::sys_seconds t, std::string_view zone);

/// The instant the local date `date` (a local_date_of()-style day count) reads
/// `time_of_day` on the wall clock, by resolve_time()'s DST rules.
std::chrono::sys_seconds local_time_on(std::chrono::sys_days date, std::chrono::minutes time_of_day, std::string_view zone);

/// The instant the local day containing `t` begins.
std::chrono::sys_seconds local_day_start(std::chrono::sys_seconds t, std::string_view zone);

} // namespace fairly
