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
    std::string logged_by; ///< empty: logged by its member; else the partner who logged it for them
    std::string review;    ///< for one logged by a partner: "confirmed", "disputed" (by its member), or empty (still pending)
    std::string review_reason; ///< why it is disputed, in its member's words
};

/// Thanks from one member to another, in their own words (thanks.give).
struct planned_thanks {
    std::string from;
    std::string to;
    std::chrono::sys_seconds at;
    std::string note;
};

/// A turn taken at a contested thing, such as a lie-in (turn.take).
struct planned_turn {
    std::string thing;
    std::string member;
    std::chrono::sys_seconds at;
    std::string note;
};

/// A weekly goal of protected time (protect.set): `who` is a member or "couple".
struct planned_goal {
    std::string who;
    std::string weekly; ///< "3h"
};

/// A weekly protected slot (slot.add), as `fairly slot add WHO WHEN FOR LABEL`.
struct planned_slot {
    std::string who;
    std::string when;   ///< "sat 09:00"
    std::string length; ///< "2h"
    std::string label;
};

/// Everything the story has a household do: the settings its members chose
/// (goals and slots, set before anything is logged), then what happened.
struct household_story {
    std::vector<planned_goal> goals;
    std::vector<planned_slot> slots;
    std::vector<planned_event> events;  ///< sorted by start
    std::vector<planned_turn> turns;    ///< sorted by time
    std::vector<planned_thanks> thanks; ///< sorted by time
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
/// other, thinking work, sick days, meetings moved for care, protected time
/// with goals and weekly slots (the first member's gym tailing off, the
/// second's Saturday long run kept less often, couple time getting rarer),
/// lie-ins taken in turns at weekends, thanks both ways in their own words,
/// and entries one partner logged for the other, mostly confirmed, one of
/// them disputed. The week so far (from Monday) gets one of each thing the
/// report speaks of, where there is time for it, so a first report has no
/// zeros where the point is. The same settings give the same story.
/// Throws fairly::input_error("tz") for an unknown zone.
household_story tell_household_story(const history_settings& settings);

/// The events of tell_household_story() alone.
std::vector<planned_event> household_history(const history_settings& settings);

/// Exactly `count` events of mixed kinds and members, spread evenly at random
/// over the `weeks` before `end` and sorted by start: load for the
/// benchmark, not a story.
std::vector<planned_event> synthetic_load(const history_settings& settings, std::size_t count);

} // namespace fairly::bench
