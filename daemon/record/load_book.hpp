#pragma once
/// Keeps the report's aggregates (load_week, rest_night; schema 4) in step
/// with the events that count: active and not disputed. Every write that
/// changes what counts goes through here, in the same transaction.
#include "night.hpp"
#include "store.hpp"
#include "week.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fairly::daemon {

/// The household settings the aggregates depend on.
struct load_settings {
    std::string tz;
    int week_start = 1;  ///< 0 = Sunday
    night_window night;
};

/// What the aggregates need to know of one event.
struct load_event {
    std::int64_t member_id = 0;
    std::int64_t kind_id = 0;
    bool thinking = false;        ///< role other than `did`
    bool load = true;             ///< its kind's category is load (care, household, logistics, thinking)
    std::int64_t start_utc = 0;
    std::int64_t end_utc = 0;     ///< an instant: start + its kind's usual length
};

/// The household week containing `t` (common/week.hpp has the arithmetic).
household_week week_of(std::chrono::sys_seconds t, const load_settings& settings);
/// Its first day's number (days since 1970-01-01 in the household's
/// calendar), as the aggregates key their rows.
std::int64_t week_day_of(std::chrono::sys_seconds t, const load_settings& settings);

/// The longest stretch of [begin, end) not covered by `busy` (any order, may overlap or stick out).
std::int64_t longest_free(std::int64_t begin, std::int64_t end, std::vector<std::pair<std::int64_t, std::int64_t>> busy);

/// Changes are gathered in memory as requests run and written once per group
/// commit (flush), merged: a round of hundreds of events then costs one
/// upsert per week and kind it touched, and one look at each night.
class load_book {
public:
    explicit load_book(store::database& db) : db_(db) {}

    /// Counts (sign +1) or uncounts (-1) one event.
    void add(const load_settings& settings, const load_event& event, int sign);

    /// Where the pending changes stand, to undo a failed request's part.
    std::size_t mark() const { return changes_.size(); }
    void rollback_to(std::size_t mark);

    /// Writes the pending changes: before a commit, and before anything
    /// reads the tables.
    void flush(const load_settings& settings);

    bool pending() const { return !changes_.empty(); }

    /// Forgets pending changes (their transaction failed).
    void discard();

    /// Recomputes both tables from the events (after a change of the night
    /// window, a kind's usual length or category).
    void rebuild(const load_settings& settings);

private:
    struct change {
        std::int64_t week_day, member_id, kind_id;
        int thinking;
        std::int64_t events, seconds, night_seconds, wakeups;
        std::int64_t night_begin = 0, night_end = 0; ///< nights whose rest must be looked at again (0: none)
    };
    void refresh_rest(const load_settings& settings, std::int64_t member_id, const night_interval& night);
    store::database& db_;
    std::vector<change> changes_;
};

} // namespace fairly::daemon
