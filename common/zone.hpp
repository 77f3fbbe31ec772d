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
/// the zone named `zone`. DST rules, decided on purpose:
///  - a local time that happens twice (the hour the clocks go back): the earlier
///    one, except for a bare clock time ("01:30"), which picks the latest instant
///    not after the reference;
///  - a local time that does not exist (the hour the clocks go forward) is moved
///    forward by the gap: 01:30 on the spring-forward night in London is 02:30 BST.
/// Throws input_error (field `field`) for an unknown zone.
std::chrono::sys_seconds resolve_time(const time_expr& expr, std::chrono::sys_seconds reference,
                                      std::string_view zone, std::string_view field = "at");

/// "2026-11-23 09:00" in the zone.
std::string format_local(std::chrono::sys_seconds t, std::string_view zone);

/// "2026-11-23T09:00:00+00:00" in the zone (ISO 8601 with the local offset).
std::string format_local_iso(std::chrono::sys_seconds t, std::string_view zone);

/// The instant the local day containing `t` begins.
std::chrono::sys_seconds local_day_start(std::chrono::sys_seconds t, std::string_view zone);

} // namespace fairly
