#pragma once
/// The few date-tz steps zone.cpp and night.cpp share. Internal to fairly_zone:
/// it exposes <date/tz.h>, which the public headers keep out.
#include <date/tz.h>

#include <chrono>
#include <string_view>

namespace fairly::zone_detail {

// date 3.0 is built on std::chrono::system_clock, so its instants are ours and
// pass between the two libraries without conversion.
static_assert(std::is_same_v<date::sys_seconds, std::chrono::sys_seconds>);

/// The zone named `name`, or nullptr.
const date::time_zone* lookup_zone(std::string_view name) noexcept;

/// The zone named `name`; throws input_error("tz", ...) naming what to use.
const date::time_zone& find_zone(std::string_view name);

/// A local calendar day is carried as a sys_days counting days in the local
/// calendar; only local_at() turns it into a date::local_seconds.
date::local_seconds local_at(std::chrono::sys_days local_day, std::chrono::seconds since_midnight);

/// The local calendar day containing `t`.
std::chrono::sys_days local_day_of(const date::time_zone& zone, std::chrono::sys_seconds t);

/// The instant a local wall time names: the earlier of two when the clocks
/// went back, moved forward by the gap when the clocks went forward.
std::chrono::sys_seconds from_local(const date::time_zone& zone, date::local_seconds local);

} // namespace fairly::zone_detail
