// The household row's writers after it is set up: the night window, the
// drift detector, the couple's weekly check; each checked as at init.
#include "record.hpp"

#include "night.hpp"

namespace fairly::daemon {

namespace {

void check_night(std::int64_t start, std::int64_t end, double multiplier) {
    if (start < 0 || start >= 1440) bad_param("from", "a time of day, 00:00 to 23:59");
    if (end < 0 || end >= 1440) bad_param("to", "a time of day, 00:00 to 23:59");
    if (start == end) bad_param("to", "the night needs a length: --from and --to are the same time");
    checked_input([&] { check_night_multiplier(multiplier); });
}

void check_couple_check(std::int64_t weekday, std::int64_t minute) {
    if (weekday < 0 || weekday > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
    if (minute < 0 || minute >= 1440) bad_param("time", "a time of day, 00:00 to 23:59");
}

} // namespace

void household_record::check_household(const household_row& row) {
    check_night(row.night_start, row.night_end, row.multiplier);
    check_couple_check(row.couple_weekday, row.couple_minute);
    check_drift(row.slack, row.threshold);
}

void household_record::set_night(std::int64_t start_minute, std::int64_t end_minute, double multiplier) {
    check_night(start_minute, end_minute, multiplier);
    store::statement_use update(db_.cached("UPDATE household SET night_start_minute = ?, night_end_minute = ?, night_multiplier = ? WHERE id = 1"));
    update->bind(1, start_minute).bind(2, end_minute).bind(3, multiplier).step();
    forget();
    book().rebuild(household().load); // night minutes are counted anew with the new window
}

void household_record::set_drift(std::optional<double> slack, std::optional<double> threshold) {
    const household_info& before = household();
    check_drift(slack.value_or(before.drift.slack), threshold.value_or(before.drift.threshold));
    store::statement_use update(db_.cached("UPDATE household SET drift_k = coalesce(?, drift_k), drift_h = coalesce(?, drift_h) WHERE id = 1"));
    update->bind(1, slack).bind(2, threshold).step();
    forget();
}

void household_record::set_couple_check(std::int64_t weekday, std::int64_t minute) {
    check_couple_check(weekday, minute);
    store::statement_use update(db_.cached("UPDATE household SET couple_check_weekday = ?, couple_check_minute = ? WHERE id = 1"));
    update->bind(1, weekday).bind(2, minute).step();
    forget();
}

} // namespace fairly::daemon
