#include "history.hpp"

#include "errors.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <random>
#include <string_view>

namespace fairly::bench {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::weekday;

/// Draws from a seeded mt19937. The engine's output is fixed by the standard
/// but the std:: distributions are not (libraries differ), so the few draws
/// the story needs are made here: a seed is the same history everywhere.
class dice {
public:
    explicit dice(std::uint32_t seed) : engine_(seed) {}

    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(engine_()) / 4294967296.0; }

    /// Uniform integer in [low, high].
    int between(int low, int high) { return low + static_cast<int>(unit() * static_cast<double>(high - low + 1)); }

    bool chance(double probability) { return unit() < probability; }

    /// A clock time `centre` give or take up to `spread` minutes.
    minutes around(minutes centre, int spread) { return centre + minutes{between(-spread, spread)}; }

    template <typename Items> const auto& pick(const Items& items) {
        return items[static_cast<std::size_t>(unit() * static_cast<double>(std::size(items)))];
    }

private:
    std::mt19937 engine_;
};

/// Who does the next occurrence of a task, so that the share done by the
/// second member follows the story's curve: the share owed carries over from
/// one occurrence to the next (error diffusion), with some chance mixed in.
/// Coin flips alone would bury an 18-point drift in the noise of fourteen
/// night feeds a week.
class share_keeper {
public:
    bool second_does_next(double share, dice& roll) {
        owed_ += share;
        const bool second = owed_ + 0.5 * (roll.unit() - 0.5) >= 0.5;
        if (second) owed_ -= 1.0;
        return second;
    }

private:
    double owed_ = 0.0;
};

/// Wall-clock times in the household's zone. A time past midnight counts on
/// from the evening's day ("26:30" is 02:30 the next morning), so a night is
/// one span. Where the clocks go back, the earlier of the two 01:30s is
/// meant; a time the spring-forward gap skips becomes the instant the gap
/// ends (date's choose::earliest does both).
class household_clock {
public:
    explicit household_clock(const std::string& tz) : zone_(find_zone(tz)) {}

    sys_seconds at(sys_days local_day, minutes since_midnight) const {
        const date::local_seconds local{std::chrono::duration_cast<seconds>((local_day + since_midnight).time_since_epoch())};
        return zone_->to_sys(local, date::choose::earliest);
    }

    sys_days day_of(sys_seconds t) const {
        return sys_days{date::floor<date::days>(zone_->to_local(t)).time_since_epoch()};
    }

private:
    static const date::time_zone* find_zone(const std::string& tz) {
        try {
            return date::locate_zone(tz);
        } catch (const std::exception&) {
            throw input_error("tz", "tz: \"" + tz + "\" is not a time zone of the system tz database (e.g. Europe/London)");
        }
    }

    const date::time_zone* zone_;
};

bool is_weekend(sys_days day) {
    const weekday wd{day};
    return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

const std::vector<std::string_view> night_notes{"fever", "growth spurt", "wouldn't settle", "bad dream", "nappy leak",
                                                "just a dream feed", "cluster feeding"};
const std::vector<std::string_view> cooking_notes{"batch cooked for the week", "pasta again", "tried a new recipe",
                                                  "leftovers", "fish fingers, no shame"};
const std::vector<std::string_view> bedtime_notes{"two stories", "took ages to settle", "asked for water three times",
                                                  "fell asleep in the bath"};
const std::vector<std::string_view> planning_notes{"nursery forms", "birthday present for a party on Saturday",
                                                   "holiday childcare", "meal plan", "swimming lessons", "school photos money",
                                                   "grandparents' visit", "new shoes, feet grew again", "vaccination booking"};
const std::vector<std::string_view> appointment_notes{"GP check-up", "dentist", "health visitor", "vaccinations",
                                                      "hearing test", "parents' evening"};
const std::vector<std::string_view> sick_notes{"fever", "chickenpox", "stomach bug", "ear infection", "conjunctivitis"};
const std::vector<std::string_view> moved_notes{"moved 1:1 for school pick-up", "left planning meeting early for pick-up",
                                                "moved client call for nursery run", "skipped team stand-up for the school run",
                                                "shortened review to get to homework"};
const std::vector<std::string_view> couple_notes{"film night", "dinner out", "takeaway and a board game",
                                                 "walk along the river"};
const std::vector<std::string_view> roles_of_thinking{"noticed", "planned", "decided"};

// Thanks, in the members' own words: for a hard night, a sick day, a meeting
// moved, a lie-in, and the small things of any week.
const std::vector<std::string_view> night_thanks{"got up twice so I could sleep", "did all the feeds last night, thank you",
                                                 "took the 3am one even though it was my turn", "let me sleep through, I feel human again",
                                                 "stayed up with her when she wouldn't settle"};
const std::vector<std::string_view> sick_thanks{"stayed home with her when she was poorly", "took the sick day so I could get to my presentation",
                                                "sorted the GP and the Calpol while I was at work"};
const std::vector<std::string_view> moved_thanks{"moved your meeting so I didn't have to", "did pick-up when your day was already full",
                                                 "rearranged your afternoon for the school run"};
const std::vector<std::string_view> lie_in_thanks{"let me have the lie-in", "took the kids out so I could sleep in",
                                                  "kept them quiet all morning so I could rest"};
const std::vector<std::string_view> small_thanks{"sorted the nursery forms without being asked", "cooked when I was shattered",
                                                 "remembered the birthday present for Saturday",
                                                 "noticed we were out of nappies before we ran out", "did the big shop in the rain",
                                                 "listened when I needed to talk about work", "kept the morning calm when I was running late",
                                                 "booked the dentist before I'd even thought of it", "cleaned the kitchen after the party"};
const std::vector<std::string_view> lie_in_notes{"till nine", "till half nine", "slept through the cartoons", "a proper one"};

/// The household's weeks, told one day at a time. See household_history().
class story {
public:
    explicit story(const history_settings& settings)
        : settings_(settings), clock_(settings.tz), roll_(settings.seed), first_(settings.members.at(0)),
          second_(settings.members.size() > 1 ? settings.members[1] : settings.members[0]) {
        // Two teething weeks somewhere in the middle, where night-feed notes cluster.
        teething_week_ = roll_.between(1, std::max(1, settings_.weeks - 2));
    }

    household_story tell() {
        const int total_days = settings_.weeks * 7;
        const sys_days last_day = clock_.day_of(settings_.end);
        const sys_days first_day = last_day - days{total_days - 1};
        first_day_ = first_day;
        const bool couple = first_ != second_;
        // What the household set up on its first evening: goals and slots.
        story_.goals.push_back({first_, "2h"});
        story_.slots.push_back({first_, "tue 06:30", "1h", "gym"});
        if (couple) {
            story_.goals.push_back({second_, "3h"});
            story_.goals.push_back({"couple", "1h"});
            story_.slots.push_back({second_, "sat 09:00", "2h", "long run"});
            story_.slots.push_back({"couple", "fri 20:30", "2h", "film night"});
            // One entry logged by a partner, disputed, in the middle of the history.
            disputed_bedtime_ = first_day + days{7 * (settings_.weeks / 2) + 2};
        }
        // Weekly things first: a sick day decides the school runs of its day.
        for (int week = 0; week < settings_.weeks; ++week) {
            plan_week(first_day + days{7 * week}, week, progress(7 * week + 3, total_days));
        }
        for (int index = 0; index < total_days; ++index) {
            plan_day(first_day + days{index}, index / 7, progress(index, total_days));
        }
        // Nothing in the future: something still going on at `end` has not been logged yet.
        const sys_seconds history_start = clock_.at(first_day, 0min);
        std::erase_if(events_, [&](const planned_event& e) {
            return e.start < history_start || e.start + e.length > settings_.end;
        });
        std::erase_if(story_.thanks, [&](const planned_thanks& t) { return t.at < history_start || t.at > settings_.end; });
        std::erase_if(story_.turns, [&](const planned_turn& t) { return t.at < history_start || t.at > settings_.end; });
        if (couple) week_so_far(history_start);
        std::stable_sort(events_.begin(), events_.end(),
                         [](const planned_event& a, const planned_event& b) { return a.start < b.start; });
        std::stable_sort(story_.thanks.begin(), story_.thanks.end(),
                         [](const planned_thanks& a, const planned_thanks& b) { return a.at < b.at; });
        std::stable_sort(story_.turns.begin(), story_.turns.end(), [](const planned_turn& a, const planned_turn& b) { return a.at < b.at; });
        story_.events = std::move(events_);
        return std::move(story_);
    }

private:
    /// 0 on the first day of the history, 1 on the last.
    static double progress(int day_index, int total_days) {
        if (total_days <= 1) return 1.0;
        return std::clamp(static_cast<double>(day_index) / (total_days - 1), 0.0, 1.0);
    }

    const std::string& who(share_keeper& keeper, double second_share) {
        return keeper.second_does_next(second_share, roll_) ? second_ : first_;
    }

    /// As who(), but a third (or later) member sometimes does a chore.
    const std::string& chore_doer(share_keeper& keeper, double second_share) {
        const auto& members = settings_.members;
        if (members.size() > 2 && roll_.chance(0.1)) {
            return members[static_cast<std::size_t>(roll_.between(2, static_cast<int>(members.size()) - 1))];
        }
        return who(keeper, second_share);
    }

    std::string maybe_note(double probability, const std::vector<std::string_view>& notes) {
        return roll_.chance(probability) ? std::string(roll_.pick(notes)) : std::string();
    }

    void add(std::string_view kind, const std::string& member, sys_days day, minutes clock_time, minutes length,
             std::string note = {}, std::string role = {}) {
        events_.push_back(planned_event{std::string(kind), member, clock_.at(day, clock_time), length, std::move(role),
                                        std::move(note), {}, {}, {}});
    }

    const std::string& partner_of(const std::string& member) const { return member == first_ ? second_ : first_; }

    void thank(const std::string& from, const std::string& to, sys_days day, minutes clock_time, const std::vector<std::string_view>& notes) {
        if (from == to) return;
        story_.thanks.push_back(planned_thanks{from, to, clock_.at(day, clock_time), std::string(roll_.pick(notes))});
    }

    /// The event just added was logged by the partner of its member, who
    /// then mostly confirms it and sometimes leaves it pending.
    void logged_by_partner() {
        planned_event& event = events_.back();
        if (partner_of(event.member) == event.member) return;
        event.logged_by = partner_of(event.member);
        if (roll_.chance(0.75)) event.review = "confirmed";
    }

    /// `count` different days out of `from`, in order.
    std::vector<sys_days> some_days(std::vector<sys_days> from, int count) {
        count = std::clamp(count, 0, static_cast<int>(from.size()));
        for (int i = 0; i < count; ++i) {
            std::swap(from[static_cast<std::size_t>(i)], from[static_cast<std::size_t>(roll_.between(i, static_cast<int>(from.size()) - 1))]);
        }
        from.resize(static_cast<std::size_t>(count));
        std::sort(from.begin(), from.end());
        return from;
    }

    void plan_day(sys_days day, int week, double p) {
        night_feeds(day, week, p);
        const bool sick_day = std::find(sick_days_.begin(), sick_days_.end(), day) != sick_days_.end();
        if (!is_weekend(day) && !sick_day) {
            add("school-run", who(morning_runs_, 0.20 + 0.10 * p), day, roll_.around(8h + 20min, 8), minutes{roll_.between(20, 30)});
            add("school-run", who(afternoon_runs_, 0.60 + 0.22 * p), day, roll_.around(15h + 15min, 8),
                minutes{roll_.between(20, 30)});
            // "Your phone was flat, so I put your pick-up in."
            if (roll_.chance(0.07)) logged_by_partner();
            add("homework", who(homework_, 0.45 + 0.15 * p), day, roll_.around(16h + 45min, 20), minutes{roll_.between(20, 40)});
        }
        add("cooking", chore_doer(cooking_, 0.50 + 0.04 * p), day, roll_.around(17h + 30min, 15), minutes{roll_.between(45, 75)},
            maybe_note(0.10, cooking_notes));
        if (roll_.chance(0.5)) {
            add("bath-time", who(baths_, 0.5), day, roll_.around(18h + 35min, 5), minutes{roll_.between(15, 25)});
            if (roll_.chance(0.06)) logged_by_partner();
        }
        if (day == disputed_bedtime_) {
            // The first member credits the second with a bedtime that was not theirs.
            add("bedtime", second_, day, roll_.around(19h, 10), minutes{45});
            events_.back().logged_by = first_;
            events_.back().review = "disputed";
            events_.back().review_reason = "Mum did bedtime that night, not me";
        } else {
            add("bedtime", who(bedtimes_, 0.50 + 0.10 * p), day, roll_.around(19h, 20), minutes{roll_.between(30, 60)},
                maybe_note(0.08, bedtime_notes));
        }
    }

    /// The night that begins this evening: 22:00 to 05:30, one to three feeds,
    /// one per equal slot so they do not overlap.
    void night_feeds(sys_days day, int week, double p) {
        constexpr int window_start = 22 * 60, window_end = 29 * 60 + 30;
        const int feeds = roll_.between(1, 3);
        const int slot = (window_end - window_start) / feeds;
        const bool teething = week == teething_week_ || week == teething_week_ + 1;
        int by_second = 0;
        for (int i = 0; i < feeds; ++i) {
            const int length = roll_.between(15, 45);
            const int start = window_start + i * slot + roll_.between(0, slot - length);
            std::string note = teething && roll_.chance(0.5) ? std::string("teething") : maybe_note(0.12, night_notes);
            const std::string& feeder = who(night_feeds_, 0.50 + 0.18 * p);
            add("night-feed", feeder, day, minutes{start}, minutes{length}, std::move(note));
            if (feeder == second_) ++by_second;
        }
        // A night one of them carried alone is sometimes thanked for in the morning.
        const int by_first = first_ == second_ ? 0 : feeds - by_second;
        if (feeds >= 2 && (by_second == feeds || by_first == feeds) && roll_.chance(0.3)) {
            const std::string& carried = by_second == feeds ? second_ : first_;
            thank(partner_of(carried), carried, day + days{1}, roll_.around(7h + 30min, 15), night_thanks);
        }
    }

    void plan_week(sys_days first, int week, double p) {
        std::vector<sys_days> all, weekdays;
        sys_days saturday{}, sunday{}, friday{};
        for (int offset = 0; offset < 7; ++offset) {
            const sys_days day = first + days{offset};
            all.push_back(day);
            if (!is_weekend(day)) weekdays.push_back(day);
            const weekday wd{day};
            if (wd == std::chrono::Saturday) saturday = day;
            if (wd == std::chrono::Sunday) sunday = day;
            if (wd == std::chrono::Friday) friday = day;
        }

        for (sys_days day : some_days(all, roll_.between(3, 4))) {
            add("laundry", chore_doer(laundry_, 0.55 + 0.05 * p), day, minutes{roll_.between(7 * 60 + 30, 20 * 60 + 30)},
                minutes{roll_.between(20, 40)});
        }
        add("cleaning", chore_doer(cleaning_, 0.45), saturday, roll_.around(10h, 60), minutes{roll_.between(60, 120)});
        add("shopping", chore_doer(shopping_, 0.40), roll_.chance(0.3) ? saturday : sunday, roll_.around(11h, 60),
            minutes{roll_.between(60, 90)});

        if (week % 2 == 1) appointment(roll_.pick(weekdays));

        for (sys_days day : some_days(all, roll_.between(3, 5))) {
            const minutes at = roll_.chance(0.4) ? roll_.around(12h + 30min, 15) : roll_.around(21h, 30);
            add("planning", who(thinking_, 0.60 + 0.15 * p), day, at, minutes{roll_.between(10, 30)},
                maybe_note(0.7, planning_notes), std::string(roll_.pick(roles_of_thinking)));
        }
        for (sys_days day : some_days(weekdays, roll_.between(0, 2))) {
            const minutes at = roll_.chance(0.5) ? roll_.around(8h, 5) : roll_.around(17h + 30min, 10);
            add("nursery-run", who(nursery_runs_, 0.50 + 0.20 * p), day, at, minutes{roll_.between(20, 30)});
        }

        if (roll_.chance(0.35)) {
            const sys_days day = roll_.pick(weekdays);
            sick_days_.push_back(day);
            const std::string& carer = who(sick_carers_, 0.65);
            add("sick-day", carer, day, 8h + 30min, minutes{60 * roll_.between(4, 8)}, std::string(roll_.pick(sick_notes)));
            if (roll_.chance(0.7)) add("meeting-moved", carer, day, 9h + 30min, minutes{roll_.between(30, 60)}, "cancelled 1:1 for a sick day");
            if (roll_.chance(0.6)) thank(partner_of(carer), carer, day, roll_.around(21h, 20), sick_thanks);
        }
        if (roll_.chance(0.55)) {
            const std::string& mover = who(meetings_moved_, 0.8);
            const sys_days day = roll_.pick(weekdays);
            add("meeting-moved", mover, day, roll_.around(14h + 30min, 15), minutes{roll_.between(30, 60)}, std::string(roll_.pick(moved_notes)));
            if (roll_.chance(0.4)) thank(partner_of(mover), mover, day, roll_.around(21h + 15min, 20), moved_thanks);
        }
        // Weekend lie-ins, taken in turns; the one up with the children
        // since 7 is sometimes thanked. The second member's lie-ins thin out
        // as their nights grow: a turn `whose-turn` can answer from the record.
        if (first_ != second_) {
            for (sys_days day : {saturday, sunday}) {
                if (!roll_.chance(0.85)) continue;
                const std::string& sleeper = who(lie_ins_, 0.5 - 0.2 * p);
                story_.turns.push_back(planned_turn{"lie-in", sleeper, clock_.at(day, roll_.around(7h, 10)), maybe_note(0.3, lie_in_notes)});
                if (roll_.chance(0.35)) thank(sleeper, partner_of(sleeper), day, roll_.around(10h + 30min, 20), lie_in_thanks);
            }
            // And the small things of any week, either way.
            for (int i = roll_.between(0, 2); i > 0; --i) {
                const std::string& thanked = roll_.chance(0.5) ? first_ : second_;
                thank(partner_of(thanked), thanked, roll_.pick(all), roll_.around(21h + 30min, 30), small_thanks);
            }
        }

        // The first member's gym: about two sessions a week, tailing off.
        const double sessions = 2.2 * (1.0 - p) + 0.3;
        const int gym_count = static_cast<int>(sessions) + (roll_.chance(sessions - std::floor(sessions)) ? 1 : 0);
        for (sys_days day : some_days(all, gym_count)) {
            add("gym", first_, day, is_weekend(day) ? roll_.around(9h, 10) : roll_.around(6h + 30min, 10), minutes{roll_.between(45, 70)});
        }
        // The second member's Saturday long run, in its slot, kept less often as the nights grow.
        if (roll_.chance(0.9 - 0.45 * p)) {
            add("me-time", second_, saturday, 9h + minutes{roll_.between(0, 10)}, minutes{roll_.between(85, 110)}, "long run");
        } else if (roll_.chance(0.2)) {
            add("me-time", second_, sunday, roll_.around(14h, 30), minutes{roll_.between(45, 90)});
        }
        // Couple time: mostly the Friday film-night slot, getting rarer.
        if (roll_.chance(0.95 - 0.7 * p)) {
            const bool friday_slot = roll_.chance(0.7);
            add("couple-time", roll_.chance(0.5) ? first_ : second_, friday_slot ? friday : saturday,
                friday_slot ? 20h + 30min + minutes{roll_.between(0, 10)} : roll_.around(20h + 15min, 15), minutes{roll_.between(60, 110)},
                friday_slot ? std::string("film night") : maybe_note(0.6, couple_notes));
        }
    }

    /// The week so far (from Monday, local) gets one of each thing a report
    /// speaks of, where there is time for it before the end: thanks both
    /// ways, a meeting moved, protected time, and an entry logged by a
    /// partner and disputed. What does not fit in this week goes in the
    /// seven days before the end, where the trend and `--last` see it.
    void week_so_far(sys_seconds history_start) {
        const sys_seconds end = settings_.end;
        const sys_days today = clock_.day_of(end);
        const sys_days monday = today - (weekday{today} - std::chrono::Monday);
        const sys_seconds week_start = std::max(history_start, clock_.at(monday, 0min));
        const sys_seconds week_before = std::max(history_start, end - days{7});
        auto in_week = [&](sys_seconds t) { return t >= week_start && t <= end; };
        // The latest start at `clock_time` on a day from today back that ends by `end`.
        auto latest = [&](minutes clock_time, minutes length, bool or_before) -> std::optional<sys_seconds> {
            for (const sys_seconds not_before : {week_start, week_before}) {
                if (not_before == week_before && !or_before) break;
                for (sys_days day = today; day >= clock_.day_of(not_before); day -= days{1}) {
                    const sys_seconds start = clock_.at(day, clock_time);
                    if (start >= not_before && start + length <= end) return start;
                }
            }
            return std::nullopt;
        };
        auto event_at = [&](std::string_view kind, const std::string& member, sys_seconds start, minutes length, std::string note) {
            events_.push_back(planned_event{std::string(kind), member, start, length, {}, std::move(note), {}, {}, {}});
        };

        for (const auto& [from, notes] : {std::pair{&first_, &night_thanks}, std::pair{&second_, &small_thanks}}) {
            const bool said = std::any_of(story_.thanks.begin(), story_.thanks.end(),
                                          [&](const planned_thanks& t) { return t.from == *from && in_week(t.at); });
            if (said) continue;
            // An evening if there was one this week, else just before the end.
            std::optional<sys_seconds> at = latest(21h + 40min, 0min, false);
            if (!at && end - (*from == first_ ? 10min : 25min) >= week_start) at = end - (*from == first_ ? 10min : 25min);
            if (at) story_.thanks.push_back(planned_thanks{*from, partner_of(*from), *at, std::string(roll_.pick(*notes))});
        }
        if (std::none_of(events_.begin(), events_.end(), [&](const planned_event& e) { return e.kind == "meeting-moved" && in_week(e.start); })) {
            if (auto at = latest(10h + 30min, 30min, true)) event_at("meeting-moved", second_, *at, 30min, std::string(roll_.pick(moved_notes)));
        }
        static const std::vector<std::string_view> protected_kinds{"gym", "me-time", "couple-time"};
        if (std::none_of(events_.begin(), events_.end(), [&](const planned_event& e) {
                return std::find(protected_kinds.begin(), protected_kinds.end(), e.kind) != protected_kinds.end() && in_week(e.start);
            })) {
            if (auto at = latest(12h + 30min, 45min, true)) event_at("me-time", second_, *at, 45min, "walk at lunch, phone off");
        }
        if (std::none_of(events_.begin(), events_.end(), [&](const planned_event& e) { return e.review == "disputed" && in_week(e.start); })) {
            if (auto at = latest(2h + 40min, 40min, true)) {
                event_at("night-feed", second_, *at, 40min, {});
                events_.back().logged_by = first_;
                events_.back().review = "disputed";
                events_.back().review_reason = "a ten-minute dream feed, not forty";
            }
        }
    }

    /// Planned by one (mostly the second member, a few evenings before, but
    /// not before the history starts), taken by the other.
    void appointment(sys_days day) {
        const bool second_plans = planners_.second_does_next(0.75, roll_);
        const std::string& planner = second_plans ? second_ : first_;
        const std::string& taker = second_plans ? first_ : second_;
        const std::string note(roll_.pick(appointment_notes));
        const int days_ahead = std::min<int>(roll_.between(2, 5), static_cast<int>((day - first_day_).count()));
        if (days_ahead > 0) {
            add("appointment", planner, day - days{days_ahead}, roll_.around(21h, 30), minutes{roll_.between(10, 20)}, note, "planned");
        } else {
            add("appointment", planner, day, roll_.around(7h + 30min, 10), minutes{roll_.between(10, 20)}, note, "planned");
        }
        add("appointment", taker, day, minutes{15 * roll_.between(40, 60)}, minutes{roll_.between(45, 90)}, note);
    }

    const history_settings& settings_;
    household_clock clock_;
    dice roll_;
    const std::string& first_;
    const std::string& second_;
    int teething_week_ = 0;
    sys_days first_day_{};
    std::vector<sys_days> sick_days_;
    sys_days disputed_bedtime_{};
    std::vector<planned_event> events_;
    household_story story_;
    share_keeper night_feeds_, morning_runs_, afternoon_runs_, homework_, cooking_, baths_, bedtimes_, laundry_, cleaning_,
        shopping_, thinking_, nursery_runs_, sick_carers_, meetings_moved_, planners_, lie_ins_;
};

} // namespace

household_story tell_household_story(const history_settings& settings) {
    if (settings.members.empty()) throw input_error("members", "members: name at least one member");
    if (settings.weeks < 1) throw input_error("weeks", "weeks: at least 1");
    return story(settings).tell();
}

std::vector<planned_event> household_history(const history_settings& settings) { return tell_household_story(settings).events; }

std::vector<planned_event> synthetic_load(const history_settings& settings, std::size_t count) {
    if (settings.members.empty()) throw input_error("members", "members: name at least one member");
    struct load_kind {
        std::string_view name;
        int shortest, longest; // minutes
    };
    static const std::vector<load_kind> kinds{
        {"night-feed", 15, 45}, {"bedtime", 30, 60},     {"bath-time", 15, 30},  {"sick-day", 240, 480},
        {"homework", 20, 40},   {"school-run", 20, 30},  {"nursery-run", 20, 30}, {"appointment", 30, 90},
        {"shopping", 45, 90},   {"cooking", 45, 75},     {"laundry", 20, 40},    {"cleaning", 45, 120},
        {"planning", 10, 30},   {"gym", 45, 70},         {"couple-time", 60, 150},
        {"me-time", 60, 120},
    };
    static const std::vector<std::string_view> notes{"teething", "fever", "pasta again", "took ages to settle",
                                                     "moved 1:1 for school pick-up", "dentist"};
    dice roll(settings.seed);
    const int span_minutes = std::max(1, settings.weeks) * 7 * 24 * 60;
    const sys_seconds window_start = settings.end - minutes{span_minutes};
    std::vector<planned_event> events;
    events.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const load_kind& kind = roll.pick(kinds);
        const int length = roll.between(kind.shortest, kind.longest);
        std::string role;
        if (kind.name == "planning") role = roll.pick(roles_of_thinking);
        else if (kind.name == "appointment" && roll.chance(0.3)) role = "planned";
        std::string note = roll.chance(0.1) ? std::string(roll.pick(notes)) : std::string();
        events.push_back(planned_event{std::string(kind.name), roll.pick(settings.members),
                                       window_start + minutes{roll.between(0, span_minutes - length)}, minutes{length},
                                       std::move(role), std::move(note), {}, {}, {}});
    }
    // In time order, as a household logs (and a spool or an import replays).
    std::stable_sort(events.begin(), events.end(), [](const planned_event& a, const planned_event& b) { return a.start < b.start; });
    return events;
}

} // namespace fairly::bench
