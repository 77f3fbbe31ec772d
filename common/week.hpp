#pragma once
/// The household week as a value: its first day (the household's first day
/// of the week, Monday unless set otherwise), its label, the week an instant
/// falls in. The one home of the week's arithmetic (docs/fairness.md: "Weeks
/// begin at local midnight on the household's first day of the week"); the
/// daemon, its aggregates and its defaults all ask this type.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fairly {

class household_week {
public:
    /// The week of local date `date` (a local_date_of()-style day count) in a
    /// household whose weeks begin on `first_weekday`.
    static household_week containing(std::chrono::sys_days date, std::chrono::weekday first_weekday);
    /// The week the instant `t` falls in, by its local date in the zone.
    static household_week of(std::chrono::sys_seconds t, std::chrono::weekday first_weekday, std::string_view zone);
    /// The week whose first day is the local day numbered `day` (as the
    /// aggregates store it: days since 1970-01-01 in the household's calendar).
    static household_week starting(std::int64_t day) { return household_week{std::chrono::sys_days{std::chrono::days{day}}}; }

    /// Its first local date, and the first of the week after.
    std::chrono::sys_days first_day() const { return first_; }
    std::chrono::sys_days end_day() const { return first_ + std::chrono::days{7}; }
    /// Its first day as a number (days since 1970-01-01, local calendar).
    std::int64_t day_number() const { return first_.time_since_epoch().count(); }
    /// The instant it begins: local midnight of its first day (where the gap
    /// ends if that midnight never happened).
    std::chrono::sys_seconds begins(std::string_view zone) const;

    /// "2026-W46": the ISO week of its fourth day (for a week starting
    /// Monday, its own ISO week).
    std::string label() const;

    household_week operator+(int weeks) const { return household_week{first_ + std::chrono::days{7 * weeks}}; }
    household_week operator-(int weeks) const { return *this + -weeks; }
    friend bool operator==(household_week a, household_week b) { return a.first_ == b.first_; }

private:
    explicit household_week(std::chrono::sys_days first) : first_(first) {}
    std::chrono::sys_days first_;
};

} // namespace fairly
