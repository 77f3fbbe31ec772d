#include "load_book.hpp"

#include "week.hpp"
#include "zone.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace fairly::daemon {

using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {


/// Counted events, through the one definition of what counts (the view
/// `counted_event`, see record.cpp).
constexpr std::string_view counted_events =
    "SELECT member_id, kind_id, role_thinking, is_load, start_utc, end_utc FROM counted_event WHERE 1 ";

std::int64_t local_day(sys_seconds t, const std::string& tz) { return local_date_of(t, tz).time_since_epoch().count(); }

} // namespace

household_week week_of(sys_seconds t, const load_settings& settings) {
    return household_week::of(t, std::chrono::weekday{static_cast<unsigned>(settings.week_start)}, settings.tz);
}

std::int64_t week_day_of(sys_seconds t, const load_settings& settings) { return week_of(t, settings).day_number(); }

std::int64_t longest_free(std::int64_t begin, std::int64_t end, std::vector<std::pair<std::int64_t, std::int64_t>> busy) {
    std::sort(busy.begin(), busy.end());
    std::int64_t longest = 0, free_from = begin;
    for (const auto& [from, to] : busy) {
        if (to <= free_from) continue;
        if (from >= end) break;
        longest = std::max(longest, std::max<std::int64_t>(from, free_from) - free_from);
        free_from = std::max(free_from, std::min(to, end));
    }
    return std::max(longest, end - free_from > 0 ? end - free_from : 0);
}

void load_book::add(const load_settings& settings, const load_event& event, int sign) {
    const sys_seconds start{seconds{event.start_utc}}, end{seconds{event.end_utc}};
    const std::int64_t night = night_seconds(start, end, settings.night, settings.tz).count();
    const bool wake_up = is_wake_up(event.load, seconds{night});
    changes_.push_back(change{week_day_of(start, settings), event.member_id, event.kind_id, event.thinking ? 1 : 0, sign,
                              sign * (event.end_utc - event.start_utc), sign * night, wake_up ? sign : 0});
    if (wake_up) {
        for (const night_interval& window : night_intervals(start, end, settings.night, settings.tz)) {
            change touched{};
            touched.member_id = event.member_id;
            touched.night_begin = window.begin.time_since_epoch().count();
            touched.night_end = window.end.time_since_epoch().count();
            changes_.push_back(touched);
        }
    }
}

void load_book::rollback_to(std::size_t mark) {
    if (mark < changes_.size()) changes_.resize(mark);
}

void load_book::discard() { changes_.clear(); }

void load_book::flush(const load_settings& settings) {
    if (changes_.empty()) return;
    std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, int>, change> weeks;
    std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, bool> nights; // member, begin, end
    for (const change& c : changes_) {
        if (c.night_begin != 0) {
            nights[{c.member_id, c.night_begin, c.night_end}] = true;
            continue;
        }
        change& merged = weeks.try_emplace({c.week_day, c.member_id, c.kind_id, c.thinking}, change{c.week_day, c.member_id, c.kind_id, c.thinking, 0, 0, 0, 0}).first->second;
        merged.events += c.events;
        merged.seconds += c.seconds;
        merged.night_seconds += c.night_seconds;
        merged.wakeups += c.wakeups;
    }
    changes_.clear();
    store::statement_use upsert(db_.cached(
        "INSERT INTO load_week (week_day, member_id, kind_id, thinking, events, seconds, night_seconds, wakeups) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (week_day, member_id, kind_id, thinking) DO UPDATE SET events = events + ?5, seconds = seconds + ?6, "
        "night_seconds = night_seconds + ?7, wakeups = wakeups + ?8"));
    for (const auto& [key, c] : weeks) {
        if (c.events == 0 && c.seconds == 0 && c.night_seconds == 0 && c.wakeups == 0) continue;
        upsert->bind(1, c.week_day).bind(2, c.member_id).bind(3, c.kind_id).bind(4, c.thinking).bind(5, c.events).bind(6, c.seconds)
            .bind(7, c.night_seconds).bind(8, c.wakeups);
        upsert->step();
        upsert->reset();
        if (c.events < 0) {
            // A week and kind with nothing left counted goes, as if it had
            // never been counted: the report then reads the same as one made
            // from a fresh count (after an import, or a restart's rebuild).
            store::statement_use emptied(db_.cached(
                "DELETE FROM load_week WHERE week_day = ? AND member_id = ? AND kind_id = ? AND thinking = ? AND events = 0"));
            emptied->bind(1, c.week_day).bind(2, c.member_id).bind(3, c.kind_id).bind(4, c.thinking).step();
        }
    }
    for (const auto& [key, unused] : nights) {
        refresh_rest(settings, std::get<0>(key), night_interval{sys_seconds{seconds{std::get<1>(key)}}, sys_seconds{seconds{std::get<2>(key)}}});
    }
}

void load_book::refresh_rest(const load_settings& settings, std::int64_t member_id, const night_interval& night) {
    const std::int64_t begin = night.begin.time_since_epoch().count(), end = night.end.time_since_epoch().count();
    std::vector<std::pair<std::int64_t, std::int64_t>> busy;
    // What reaches into the night started at most a day before it (instants
    // and ordinary events), or is one of the rare longer events, found through
    // their own partial index; events last at most 7 days.
    for (const char* started :
         {"AND member_id = ?1 AND start_utc < ?3 AND start_utc >= ?2 - 86400",
          "AND id IN (SELECT e.id FROM event e WHERE e.member_id = ?1 AND e.end_utc IS NOT NULL AND e.end_utc - e.start_utc > 86400 "
          "AND e.start_utc < ?2 - 86400 AND e.start_utc < ?3 AND e.start_utc >= ?2 - 604800)"}) {
        store::statement_use query(db_.cached(std::string(counted_events) + "AND is_load " + started));
        query->bind(1, member_id).bind(2, begin).bind(3, end);
        while (query->step()) {
            if (query->int64(5) > begin) busy.emplace_back(query->int64(4), query->int64(5));
        }
    }
    const std::int64_t night_day = local_day(night.begin, settings.tz);
    if (busy.empty()) {
        store::statement_use remove(db_.cached("DELETE FROM rest_night WHERE night_day = ? AND member_id = ?"));
        remove->bind(1, night_day).bind(2, member_id).step();
        return;
    }
    store::statement_use upsert(db_.cached(
        "INSERT INTO rest_night (night_day, member_id, longest_seconds) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (night_day, member_id) DO UPDATE SET longest_seconds = ?3"));
    upsert->bind(1, night_day).bind(2, member_id).bind(3, longest_free(begin, end, std::move(busy))).step();
}

void load_book::rebuild(const load_settings& settings) {
    changes_.clear(); // the events already hold what was pending
    db_.exec("DELETE FROM load_week; DELETE FROM rest_night;");
    struct totals {
        std::int64_t events = 0, seconds = 0, night = 0, wakeups = 0;
    };
    std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, int>, totals> weeks;
    // (member, night begin) -> night end and the load that touched it
    std::map<std::pair<std::int64_t, std::int64_t>, std::pair<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>>> nights;
    {
        store::statement query(db_.handle(), std::string(counted_events) + "ORDER BY start_utc");
        while (query.step()) {
            const load_event event{query.int64(0), query.int64(1), query.int64(2) != 0, query.int64(3) != 0, query.int64(4), query.int64(5)};
            const sys_seconds start{seconds{event.start_utc}}, end{seconds{event.end_utc}};
            const std::int64_t night = night_seconds(start, end, settings.night, settings.tz).count();
            totals& row = weeks[{week_day_of(start, settings), event.member_id, event.kind_id, event.thinking ? 1 : 0}];
            row.events += 1;
            row.seconds += event.end_utc - event.start_utc;
            row.night += night;
            const bool wake_up = is_wake_up(event.load, seconds{night});
            row.wakeups += wake_up ? 1 : 0;
            if (wake_up) {
                for (const night_interval& window : night_intervals(start, end, settings.night, settings.tz)) {
                    auto& entry = nights[{event.member_id, window.begin.time_since_epoch().count()}];
                    entry.first = window.end.time_since_epoch().count();
                    entry.second.emplace_back(event.start_utc, event.end_utc);
                }
            }
        }
    }
    {
        store::statement insert(db_.handle(),
                                "INSERT INTO load_week (week_day, member_id, kind_id, thinking, events, seconds, night_seconds, wakeups) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& [key, row] : weeks) {
            insert.bind(1, std::get<0>(key)).bind(2, std::get<1>(key)).bind(3, std::get<2>(key)).bind(4, std::get<3>(key))
                .bind(5, row.events).bind(6, row.seconds).bind(7, row.night).bind(8, row.wakeups);
            insert.step();
            insert.reset();
        }
    }
    store::statement insert(db_.handle(), "INSERT INTO rest_night (night_day, member_id, longest_seconds) VALUES (?, ?, ?)");
    for (auto& [key, entry] : nights) {
        insert.bind(1, local_day(sys_seconds{seconds{key.second}}, settings.tz)).bind(2, key.first)
            .bind(3, longest_free(key.second, entry.first, std::move(entry.second)));
        insert.step();
        insert.reset();
    }
}

} // namespace fairly::daemon
