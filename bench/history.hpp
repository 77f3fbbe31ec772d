#pragma once
/// A made-up but believable household history for the demo and the benchmark:
/// which events fairly-sample sends, computed without a socket so the story
/// can be read (and checked) apart from the sending.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fairly::bench {

/// One event to log, as event.log will receive it.
struct planned_event {
    std::string kind;
    std::string member;
    std::chrono::sys_seconds start;
    std::chrono::seconds length;
    std::string role; ///< empty: the daemon's default ("did")
    std::string note; ///< empty: no note
};

struct history_settings {
    /// The first two play the story's alex and sam (one member plays both);
    /// any further members lend a hand with the chores now and then.
    std::vector<std::string> members{"alex", "sam"};
    int weeks = 8;
    std::chrono::sys_seconds end{}; ///< nothing starts (or runs on) after this instant
    std::uint32_t seed = 1;
    std::string tz = "Europe/London";
};

/// The story, local days in `tz`: night feeds whose share done by the second
/// member drifts from about 50% in the first week to about 68% in the last,
/// school runs whose afternoons slide the same way, daily cooking and
/// bedtime, weekly chores, appointments planned by one and taken by the
/// other, thinking work, sick days, meetings moved, gym tailing off, couple
/// time getting rarer. Sorted by start; the same settings give the same
/// events. Throws fairly::input_error("tz") for an unknown zone.
std::vector<planned_event> household_history(const history_settings& settings);

/// Exactly `count` events of mixed kinds and members, spread evenly at random
/// over the `weeks` before `end` and sorted by start: load for the
/// benchmark, not a story.
std::vector<planned_event> synthetic_load(const history_settings& settings, std::size_t count);

} // namespace fairly::bench
