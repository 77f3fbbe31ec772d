#pragma once
/// The words a household logs with: categories, roles, and the kinds a new
/// household starts with (`fairly init`). Households add their own later.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fairly {

/// care, household, logistics, thinking, career, protected.
const std::vector<std::string_view>& categories();
bool is_category(std::string_view name);

/// The categories whose events are the household's load: care, household,
/// logistics and thinking. Protected time and career costs are reported
/// beside the load, never in it. The one definition: the daemon's SQL view
/// of what counts is written from this list.
const std::vector<std::string_view>& load_categories();
bool is_load_category(std::string_view category);

/// Thinking work: a role other than `did`, or a kind in the thinking
/// category. Its points are filed under the category `thinking`.
bool is_thinking_work(std::string_view role, std::string_view category);

/// The category a load event's points are filed under: `thinking` for
/// thinking work, else its kind's category.
std::string_view filed_category(std::string_view role, std::string_view category);

/// Career costs (category career) are their own record (`fairly moved`),
/// kept beside the load: a kind of this category cannot be logged or timed
/// as an event, the phone does not offer it, and an import files such a row
/// as the meeting moved it was. The one rule: is_loggable_category().
inline constexpr std::string_view career_category = "career";
bool is_loggable_category(std::string_view category);

/// How long thinking work logged as an instant counts (docs/fairness.md,
/// "Lengths"): the thought, not the task it is about.
inline constexpr std::chrono::seconds thinking_instant_length{5 * 60};

/// The length an event logged as an instant (no end, no length) counts: its
/// kind's usual length when it was done (`did`); when it was noticed,
/// planned, decided or followed up, thinking_instant_length, or the usual
/// length if that is shorter. An instant's end is its start plus this.
std::chrono::seconds instant_length(std::chrono::seconds usual, std::string_view role);

/// The same end as an SQL expression over the named columns (an event's
/// start, end, role and its kind's usual length, all in seconds), for the
/// record's views and queries: its end, or start + instant_length().
std::string event_end_sql(std::string_view start, std::string_view end, std::string_view role, std::string_view usual);

/// What part of a task a member carried. Anything but `did` is thinking work
/// (noticing, planning, deciding, following up — the cognitive labour).
const std::vector<std::string_view>& roles();
bool is_role(std::string_view name);

struct kind_definition {
    std::string_view name;
    std::string_view category;
    double points;                     ///< per occurrence
    double points_per_hour;
    std::chrono::minutes default_length; ///< for an instant ("logged now")
    bool night_applies;                ///< the night multiplier counts for this kind
};

/// The couple's time together (category protected): counted for the
/// couple's goal, not either member's own, and an entry of it logged for both
/// is not waiting for the partner's confirmation.
inline constexpr std::string_view couple_time_kind = "couple-time";

/// The seed catalogue.
const std::vector<kind_definition>& default_kinds();

/// The longest a kind's event plausibly lasts: twelve times its usual
/// length, at least 4 h and at most 16 h (a night feed of 30 m: 6 h). A
/// longer length or a stopped timer is refused unless the member says it
/// really was that long (`--long`): a forgotten timer, not a night's work.
std::chrono::seconds plausible_length(std::chrono::seconds usual);

/// A running timer is probably forgotten once it runs past three times its
/// kind's usual length, and at least an hour past it (never later than the
/// plausible length): its member is reminded then, once.
std::chrono::seconds forgotten_after(std::chrono::seconds usual);

/// The longest name of a member, kind or contested thing, in characters.
inline constexpr std::size_t longest_name = 40;

/// Names for members and kinds: 1-40 characters (not bytes) of letters and
/// digits in any script (Zoë, José, zoë-swim), '.', '_' or '-', not starting
/// with '-' (so they never look like an option).
bool is_valid_name(std::string_view name);

/// The name of the two (or more) of you together, for protected time ("couple").
inline constexpr std::string_view couple_name = "couple";

/// True for a name no member may have because it names something else:
/// "couple" (the household together), whatever the case. The one rule for
/// init, member add and rename, and import; and how a goal's or slot's
/// owner is read as the couple.
bool is_reserved_name(std::string_view name);

/// The longest note (or reason) an entry keeps, in characters.
inline constexpr std::size_t longest_note_characters = 2000;

/// "note: a note holds up to 2000 characters; this one has 70000, so keep
/// the gist here" when `note` is longer (counted in characters), else "".
std::string note_too_long(std::string_view note, std::string_view field);

/// What a name may be, for messages: "1-40 letters (any alphabet), digits, '.', '_' or '-'".
inline constexpr std::string_view name_rule = "1-40 letters (in any alphabet), digits, '.', '_' or '-'";

} // namespace fairly
