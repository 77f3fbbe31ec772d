// Protected time: weekly goals, recurring slots, and the reminders that cron
// asks for with `fairly remind`. Each reminder has a key; once the CLI has
// delivered it, remind.mark stores the key and it is never given again.
#include "protected_service.hpp"

#include "calendar.hpp"
#include "duration.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

namespace {

constexpr std::int64_t day = 24 * 3600;
constexpr std::array<const char*, 7> weekday_names{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string hours_text(std::int64_t secs) { return format_duration(seconds{secs}); }

sys_seconds local_at(std::int64_t date_day, std::int64_t minute, const std::string& tz) {
    return local_time_on(sys_days{std::chrono::days{date_day}}, std::chrono::minutes{minute}, tz);
}

std::int64_t weekday_of(std::int64_t date_day) { return ((date_day % 7) + 7 + 4) % 7; }

struct slot_row {
    protected_slot slot;
    std::optional<std::int64_t> member_id;
};

std::string possessive(const std::string& owner) {
    if (owner == "couple") return "Your couple time";
    std::string name = owner;
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name + "'s";
}

} // namespace

// ---------------------------------------------------------------- goals and slots

namespace {

/// "couple" or a member: the owner of a goal or slot.
struct owner_ref {
    std::optional<std::int64_t> member_id;
    std::string name;
};

} // namespace

json protected_service::protect_set(const goal_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::string& owner = request.who;
    std::optional<std::int64_t> member;
    if (owner != "couple") member = record_.member_id(owner, "who");
    if (const auto& check = request.remind_by) {
        if (owner != "couple") bad_param("remind_by", "only the couple's goal has a reminder time");
        const time_expr at = checked_input([&] { return parse_time_expr(*check, "remind_by"); });
        if (at.kind != time_expr::form::day_clock || !at.weekday) bad_param("remind_by", "a weekday and a time, e.g. \"thu 18:00\"");
        store::statement_use update(record_.db().cached("UPDATE household SET couple_check_weekday = ?, couple_check_minute = ? WHERE id = 1"));
        update->bind(1, static_cast<std::int64_t>(at.weekday->c_encoding())).bind(2, at.time_of_day.count()).step();
    }
    const seconds weekly = checked_input([&] { return parse_duration(request.weekly, "weekly"); });
    record_.set_goal(member, static_cast<std::int64_t>(weekly.count()), ctx.who.uid, record_.now_utc());
    return json{{"goals", goals(ctx.reference)}};
}

json protected_service::protect_list(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    return json{{"goals", goals(ctx.reference)}};
}

json protected_service::goals(const sys_seconds now) {
    const household_info& house = record_.household();
    const std::int64_t week = week_day_of(now, house.load);
    const sys_seconds week_start = local_at(week, 0, house.tz), week_end = local_at(week + 7, 0, house.tz);
    json list = json::array();
    store::statement_use query(record_.db().cached(
        "SELECT g.member_id, m.name, g.weekly_seconds FROM protected_goal g LEFT JOIN member m ON m.id = g.member_id ORDER BY g.id"));
    std::vector<std::tuple<std::optional<std::int64_t>, std::string, std::int64_t>> rows;
    while (query->step()) rows.emplace_back(query->optional_int64(0), query->optional_text(1).value_or("couple"), query->int64(2));
    for (const auto& [member, name, goal] : rows) {
        // Kept so far this week: a member's own protected time (not couple
        // time), or the couple's time together, an overlap counted once.
        std::vector<std::pair<std::int64_t, std::int64_t>> spans;
        store::statement_use kept(record_.db().cached(
            "SELECT start_utc, end_utc, kind, member_id FROM counted_event WHERE category = 'protected' AND start_utc >= ? AND start_utc < ?"));
        kept->bind(1, week_start.time_since_epoch().count()).bind(2, now.time_since_epoch().count() + 1);
        while (kept->step()) {
            const bool couple_time = kept->text(2) == "couple-time";
            if (member ? (!couple_time && kept->int64(3) == *member) : couple_time) spans.emplace_back(kept->int64(0), kept->int64(1));
        }
        std::sort(spans.begin(), spans.end());
        std::int64_t total = 0, covered_to = 0;
        for (const auto& [from, to] : spans) {
            const std::int64_t start = std::max(from, covered_to);
            if (to > start) total += to - start;
            covered_to = std::max(covered_to, to);
        }
        list.push_back({{"who", name}, {"weekly_minutes", goal / 60}, {"kept_minutes", total / 60},
                         {"week_from", format_local_iso(week_start, house.tz)}, {"week_to", format_local_iso(week_end, house.tz)}});
    }
    return list;
}

json protected_service::slot_add(const slot_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::string& owner = request.who;
    std::optional<std::int64_t> member;
    if (owner != "couple") member = record_.member_id(owner, "who");
    const std::string& when = request.when;
    const time_expr at = checked_input([&] { return parse_time_expr(when, "when"); });
    if (at.kind != time_expr::form::day_clock || !at.weekday) bad_param("when", "a weekday and a time, e.g. \"sat 09:00\"");
    const seconds length = checked_input([&] { return parse_duration(request.length, "for"); });
    if (length > seconds{day}) bad_param("for", "a slot lasts at most a day");
    const std::string& label = request.label;
    record_.insert_slot(member, label, static_cast<std::int64_t>(at.weekday->c_encoding()), at.time_of_day.count(),
                        static_cast<std::int64_t>(length.count()), ctx.who.uid, ctx.reference.time_since_epoch().count(), std::nullopt);
    (void)house;
    return json{{"slot", slots(ctx.reference).back()}};
}

json protected_service::slot_list(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    return json{{"slots", slots(ctx.reference)}};
}

json protected_service::slots(const sys_seconds now) {
    const household_info& house = record_.household();
    const std::int64_t today = local_date_of(now, house.tz).time_since_epoch().count();
    store::statement_use query(record_.db().cached(
        "SELECT s.id, coalesce(m.name, 'couple'), s.label, s.weekday, s.start_minute, s.length_seconds, s.created_at FROM protected_slot s "
        "LEFT JOIN member m ON m.id = s.member_id WHERE s.removed_at IS NULL ORDER BY s.id"));
    json list = json::array();
    while (query->step()) {
        const std::int64_t weekday = query->int64(3), minute = query->int64(4), length = query->int64(5);
        // The next occurrence that has not ended.
        std::int64_t date = today + ((weekday - weekday_of(today) + 7) % 7);
        sys_seconds start = local_at(date, minute, house.tz);
        if (start + seconds{length} <= now) start = local_at(date += 7, minute, house.tz);
        list.push_back({{"id", query->int64(0)}, {"who", query->text(1)}, {"label", query->text(2)}, {"weekday", weekday_names[static_cast<std::size_t>(weekday)]},
                         {"time", clock_text(minute)}, {"minutes", length / 60}, {"next", format_local_iso(start, house.tz)}});
    }
    return list;
}

json protected_service::slot_remove(const std::int64_t slot, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::optional<std::int64_t> id = slot;
    store::statement_use update(record_.db().cached("UPDATE protected_slot SET removed_at = ? WHERE id = ? AND removed_at IS NULL"));
    update->bind(1, ctx.reference.time_since_epoch().count()).bind(2, *id).step();
    if (record_.db().changes() == 0) throw rpc_error(error_code::not_found, "id: no slot #" + std::to_string(*id), json{{"field", "id"}});
    return json{{"removed", *id}};
}

json protected_service::slots_ics(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    std::vector<protected_slot> listed;
    store::statement_use query(record_.db().cached(
        "SELECT s.id, coalesce(m.name, 'couple'), s.label, s.weekday, s.start_minute, s.length_seconds, s.created_at FROM protected_slot s "
        "LEFT JOIN member m ON m.id = s.member_id WHERE s.removed_at IS NULL ORDER BY s.id"));
    while (query->step()) {
        listed.push_back(protected_slot{query->int64(0), query->text(1), query->text(2), static_cast<unsigned>(query->int64(3)),
                                       std::chrono::minutes{query->int64(4)}, seconds{query->int64(5)}, sys_seconds{seconds{query->int64(6)}}});
    }
    std::int64_t created = 0;
    {
        store::statement_use household_row(record_.db().cached("SELECT created_at FROM household WHERE id = 1"));
        household_row->step();
        created = household_row->int64(0);
    }
    // The household's creation time keeps two households' UIDs apart.
    const std::string domain = "household-" + std::to_string(created) + ".fairly";
    return json{{"ics", slots_to_ics(listed, house.tz, domain, ctx.reference)}, {"slots", listed.size()}};
}

// ---------------------------------------------------------------- reminders

json protected_service::remind_check(const seconds within, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::string& tz = house.tz;
    const sys_seconds now = ctx.reference;
    const std::int64_t today = local_date_of(now, tz).time_since_epoch().count();
    const std::int64_t week = week_day_of(now, house.load);
    const sys_seconds week_end = local_at(week + 7, 0, tz);
    const std::int64_t now_utc = now.time_since_epoch().count();
    json reminders = json::array();
    auto add = [&](const std::string& key, const std::string& type, const std::string& owner, sys_seconds at, const std::string& text) {
        store::statement_use sent(record_.db().cached("SELECT 1 FROM reminder_sent WHERE key = ?"));
        sent->bind(1, key);
        if (sent->step()) return;
        reminders.push_back({{"key", key}, {"type", type}, {"who", owner}, {"at", format_local_iso(at, tz)}, {"text", text}});
    };

    // Slots: coming up within the window, or passed and eaten by load.
    std::vector<slot_row> slot_rows;
    {
        store::statement_use query(record_.db().cached(
            "SELECT s.id, coalesce(m.name, 'couple'), s.label, s.weekday, s.start_minute, s.length_seconds, s.created_at, s.member_id "
            "FROM protected_slot s LEFT JOIN member m ON m.id = s.member_id WHERE s.removed_at IS NULL ORDER BY s.id"));
        while (query->step()) {
            slot_rows.push_back({protected_slot{query->int64(0), query->text(1), query->text(2), static_cast<unsigned>(query->int64(3)),
                                            std::chrono::minutes{query->int64(4)}, seconds{query->int64(5)}, sys_seconds{seconds{query->int64(6)}}},
                             query->optional_int64(7)});
        }
    }
    std::map<std::int64_t, std::int64_t> slot_seconds_left; // owner (0: couple) -> slot time still to come this week
    for (const slot_row& row : slot_rows) {
        const protected_slot& slot = row.slot;
        // Occurrences from a week ago to a week ahead, in local time.
        for (std::int64_t date = today - 7; date <= today + 7; ++date) {
            if (weekday_of(date) != slot.weekday) continue;
            const sys_seconds start = local_at(date, slot.start.count(), tz), end = start + slot.length;
            const std::string when = std::string(weekday_names[slot.weekday]) + " " + clock_text(slot.start.count());
            const std::string occurrence = std::to_string(slot.id) + ":" + format_local_iso(start, tz).substr(0, 10);
            if (start > now && start <= week_end) slot_seconds_left[row.member_id.value_or(0)] += slot.length.count();
            if (start > now && start - now <= within) {
                add("slot:" + occurrence, "slot", slot.owner, start,
                    possessive(slot.owner) + " " + slot.label + ", " + when + " - keep it clear.");
            }
            if (end <= now && end > now - seconds{7 * day} && start >= sys_seconds{seconds{slot.created.time_since_epoch()}}) {
                // Eaten: its owner logged load over it, or no protected time in it.
                std::vector<std::string> load_kinds;
                bool protected_kept = false;
                store::statement_use query(record_.db().cached(
                    "SELECT kind, category, member_id, is_load FROM counted_event "
                    "WHERE start_utc < ?2 AND end_utc > ?1 AND start_utc >= ?1 - 86400"));
                query->bind(1, start.time_since_epoch().count()).bind(2, end.time_since_epoch().count());
                while (query->step()) {
                    const bool mine = !row.member_id || query->int64(2) == *row.member_id;
                    if (!mine) continue;
                    const std::string category = query->text(1);
                    if (category == "protected") {
                        // A member's slot is kept by any protected time of theirs; the couple's by couple time.
                        if (row.member_id || query->text(0) == "couple-time") protected_kept = true;
                    }
                    else if (query->int64(3) != 0 && std::find(load_kinds.begin(), load_kinds.end(), query->text(0)) == load_kinds.end())
                        load_kinds.push_back(query->text(0));
                }
                if (!load_kinds.empty() || !protected_kept) {
                    std::string because;
                    if (!load_kinds.empty()) {
                        for (const auto& kind : load_kinds) because += (because.empty() ? "" : ", ") + kind;
                        because = (slot.owner == "couple" ? "load was logged during it: " : slot.owner + " logged ") + because +
                                  (slot.owner == "couple" ? "" : " during it");
                    } else {
                        because = "no protected time was logged in it";
                    }
                    add("eaten:" + occurrence, "eaten", slot.owner, start,
                        possessive(slot.owner) + " " + slot.label + " (" + when + ") was eaten: " + because + ".");
                }
            }
        }
    }

    // Goals at risk: what is still to do needs more than twice the even pace
    // over the days left, and the week's remaining slots do not cover it.
    const double days_left = static_cast<double>((week_end - now).count()) / day;
    const std::string week_label = format_local_iso(local_at(week, 0, tz), tz).substr(0, 10);
    const json goal_list = goals(now);
    for (const json& goal : goal_list) {
        const std::string owner = goal["who"];
        const double target = goal["weekly_minutes"].get<double>() * 60, kept = goal["kept_minutes"].get<double>() * 60;
        const double remaining = target - kept;
        std::int64_t owner_key = 0;
        if (owner != "couple") owner_key = record_.member_id(owner, "who");
        const double planned = static_cast<double>(slot_seconds_left[owner_key]);
        if (remaining > 0 && planned < remaining && remaining > 2 * days_left * target / 7) {
            const int whole_days = static_cast<int>(std::floor(days_left));
            add("goal:" + owner + ":" + week_label, "goal", owner, now,
                possessive(owner) + " protected time is at risk this week: " + hours_text(static_cast<std::int64_t>(kept)) + " of " +
                    hours_text(static_cast<std::int64_t>(target)) + " so far, " +
                    (whole_days >= 1 ? std::to_string(whole_days) + (whole_days == 1 ? " day" : " days") : std::string("less than a day")) + " left.");
        }
    }

    // Couple time not had yet this week, by the household's check time.
    {
        store::statement_use setting(record_.db().cached("SELECT couple_check_weekday, couple_check_minute FROM household WHERE id = 1"));
        setting->step();
        const std::int64_t check_weekday = setting->int64(0), check_minute = setting->int64(1);
        const std::int64_t check_date = week + ((check_weekday - weekday_of(week) + 7) % 7);
        const sys_seconds check_at = local_at(check_date, check_minute, tz);
        bool couple_goal = false;
        for (const json& goal : goal_list) {
            if (goal["who"] == "couple") {
                couple_goal = true;
                if (now >= check_at && goal["kept_minutes"].get<std::int64_t>() == 0) {
                    add("couple:" + week_label, "couple", "couple", check_at,
                        "No couple time yet this week (the goal is " + hours_text(goal["weekly_minutes"].get<std::int64_t>() * 60) +
                            "). Is there an evening for it before the week ends?");
                }
            }
        }
        (void)couple_goal;
    }

    // A drift alert from the report arithmetic, once per drift.
    {
        const json weekly = reports_.weekly(now);
        const json& drift = weekly["drift"];
        if (drift.value("alert", false)) {
            const std::string member = drift["member"];
            add("drift:" + member + ":" + drift.value("direction", "") + ":" + drift.value("since", ""), "drift", member, now,
                "Since " + drift.value("since", "") + ", " + member + "'s share of the load has been " + drift.value("direction", "") +
                    " the agreed split. `fairly report` has the weeks; it might be worth talking about.");
        }
    }
    (void)now_utc;
    return json{{"reminders", std::move(reminders)}};
}

json protected_service::remind_mark(const std::vector<delivered_reminder>& delivered, const request_context& ctx) {
    record_.require_access(ctx);
    std::int64_t marked = 0;
    for (const delivered_reminder& item : delivered) {
        store::statement_use insert(record_.db().cached("INSERT OR IGNORE INTO reminder_sent (key, text, sent_at) VALUES (?, ?, ?)"));
        insert->bind(1, item.key).bind(2, item.text).bind(3, ctx.reference.time_since_epoch().count());
        insert->step();
        marked += record_.db().changes();
    }
    return json{{"marked", marked}};
}

} // namespace fairly::daemon
