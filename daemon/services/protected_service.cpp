// Protected time: weekly goals and recurring slots (and their iCalendar
// export). The reminders about them are reminder_service's.
#include "protected_service.hpp"

#include "calendar.hpp"
#include "catalogue.hpp"
#include "duration.hpp"
#include "params.hpp"
#include "spelling.hpp"
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

// ---------------------------------------------------------------- goals and slots

namespace {

/// "couple" or a member: the owner of a goal or slot.
struct owner_ref {
    std::optional<std::int64_t> member_id;
    std::string name;
};

} // namespace

namespace {

struct weekly_time {
    std::chrono::weekday weekday;
    std::chrono::minutes time_of_day;
};

/// When a weekly slot (or check) recurs: a weekday and a time ("sat 09:00",
/// "sat 9am"), or "in 10m" (the weekday and time that will be then). The
/// error lists only these forms: a slot has no "yesterday" or date.
weekly_time weekly_time_param(const std::string& text, const char* field, const char* example, sys_seconds reference, const std::string& tz) {
    const std::string forms = std::string("a weekday and a time, e.g. ") + example + ", \"sat 9am\" or \"in 10m\"";
    time_expr at;
    try {
        at = parse_time_expr(text, field);
    } catch (const input_error&) {
        bad_param(field, "\"" + text + "\" is not a weekly time; use " + forms);
    }
    if (at.kind == time_expr::form::ahead) {
        const sys_seconds then = reference + at.offset;
        const std::string local = format_local(then, tz); // "2026-11-23 09:00"
        const std::chrono::minutes time_of_day{std::stoi(local.substr(11, 2)) * 60 + std::stoi(local.substr(14, 2))};
        return {std::chrono::weekday{local_date_of(then, tz)}, time_of_day};
    }
    if (at.kind != time_expr::form::day_clock || !at.weekday) bad_param(field, "\"" + text + "\" is not a weekly time; use " + forms);
    return {*at.weekday, at.time_of_day};
}

} // namespace

json protected_service::protect_set(const goal_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::string& owner = request.who;
    std::optional<std::int64_t> member;
    if (!is_reserved_name(owner)) member = record_.member_id(owner, "who");
    if (const auto& check = request.remind_by) {
        if (!is_reserved_name(owner)) bad_param("remind_by", "only the couple's goal has a reminder time");
        const weekly_time at = weekly_time_param(*check, "remind_by", "\"thu 18:00\"", ctx.reference, record_.household().tz);
        record_.set_couple_check(static_cast<std::int64_t>(at.weekday.c_encoding()), at.time_of_day.count());
    }
    const seconds weekly = checked_input([&] { return parse_duration(request.weekly, "weekly"); });
    json before = nullptr;
    {
        store::statement_use existing(record_.db().cached("SELECT weekly_seconds FROM protected_goal WHERE coalesce(member_id, 0) = ?"));
        existing->bind(1, member.value_or(0));
        if (existing->step()) before = {{"weekly_minutes", existing->int64(0) / 60}};
    }
    record_.set_goal(member, static_cast<std::int64_t>(weekly.count()), ctx.who.uid, record_.now_utc());
    json after{{"weekly_minutes", weekly.count() / 60}};
    if (request.remind_by) after["remind_by"] = *request.remind_by;
    record_.log_change("goal", owner, before, after, ctx);
    return json{{"goals", goals(ctx.reference)}};
}

json protected_service::protect_off(const std::string& who, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    std::optional<std::int64_t> member;
    if (!is_reserved_name(who)) member = record_.member_id(who, "who");
    store::statement_use existing(record_.db().cached("SELECT weekly_seconds FROM protected_goal WHERE coalesce(member_id, 0) = ?"));
    existing->bind(1, member.value_or(0));
    if (!existing->step()) throw rpc_error(error_code::not_found, "who: " + who + " has no protected-time goal; `fairly protect` lists them");
    const std::int64_t weekly = existing->int64(0);
    record_.remove_goal(member);
    record_.log_change("goal", who, json{{"weekly_minutes", weekly / 60}}, json{{"removed", true}}, ctx);
    return json{{"goals", goals(ctx.reference)}};
}

json protected_service::protect_list(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    return json{{"goals", goals(ctx.reference)}};
}

json protected_service::goals(const sys_seconds now) {
    const household_info& house = record_.household();
    const household_week week = week_of(now, house.load);
    const sys_seconds week_start = week.begins(house.tz), week_end = (week + 1).begins(house.tz);
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
            const bool couple_time = kept->text(2) == couple_time_kind;
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
    if (!is_reserved_name(owner)) member = record_.member_id(owner, "who");
    const std::string& when = request.when;
    const weekly_time at = weekly_time_param(when, "when", "\"sat 09:00\"", ctx.reference, house.tz);
    const seconds length = checked_input([&] { return parse_duration(request.length, "for"); });
    if (length > std::chrono::days{1}) bad_param("for", "a slot lasts at most a day");
    const std::string& label = request.label;
    const std::int64_t id = record_.insert_slot(member, label, static_cast<std::int64_t>(at.weekday.c_encoding()), at.time_of_day.count(),
                                                static_cast<std::int64_t>(length.count()), ctx.who.uid, ctx.reference.time_since_epoch().count(),
                                                std::nullopt);
    (void)house;
    json slot = slots(ctx.reference).back();
    record_.log_change("slot", "#" + std::to_string(id), nullptr,
                       json{{"who", owner}, {"label", label}, {"weekday", slot["weekday"]}, {"time", slot["time"]}, {"minutes", slot["minutes"]}}, ctx);
    return json{{"slot", std::move(slot)}};
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
        list.push_back({{"id", query->int64(0)}, {"who", query->text(1)}, {"label", query->text(2)}, {"weekday", std::string(weekday_name(weekday))},
                         {"time", clock_text(minute)}, {"minutes", length / 60}, {"next", format_local_iso(start, house.tz)}});
    }
    return list;
}

json protected_service::slot_remove(const std::int64_t slot, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::optional<std::int64_t> id = slot;
    json before = nullptr;
    for (const json& listed : slots(ctx.reference)) {
        if (listed["id"] == *id) {
            before = {{"who", listed["who"]}, {"label", listed["label"]}, {"weekday", listed["weekday"]}, {"time", listed["time"]},
                      {"minutes", listed["minutes"]}};
        }
    }
    if (!record_.remove_slot(*id, ctx.reference.time_since_epoch().count())) throw rpc_error(error_code::not_found, "id: no slot #" + std::to_string(*id), json{{"field", "id"}});
    record_.log_change("slot", "#" + std::to_string(*id), before, json{{"removed", true}}, ctx);
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

} // namespace fairly::daemon
