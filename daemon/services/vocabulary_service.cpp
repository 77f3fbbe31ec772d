// The household's vocabulary: kinds and their weights, the night, meetings
// moved, turns, thanks, and confirming or disputing what others logged.
#include "vocabulary_service.hpp"

#include "agreement_service.hpp"

#include "catalogue.hpp"
#include "spelling.hpp"
#include "migrations.hpp"
#include "duration.hpp"
#include "night.hpp"
#include "turns.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <map>
#include <pwd.h>
#include <cmath>
#include <limits>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

/// A row of the change log (id, subject, name, old, new, uid, member, at) as replies show it.
json change_json(const store::statement& row, const std::string& tz) {
    return json{{"id", row.int64(0)},
                {"subject", row.text(1)},
                {"name", row.text(2)},
                {"old", row.is_null(3) ? json(nullptr) : json::parse(row.text(3))},
                {"new", json::parse(row.text(4))},
                {"by_uid", row.int64(5)},
                {"by", row.is_null(6) ? json(nullptr) : json(row.text(6))},
                {"at", format_local_iso(std::chrono::sys_seconds{std::chrono::seconds{row.int64(7)}}, tz)}};
}

namespace {

json kind_row(store::statement& row) {
    return json{{"name", row.text(0)},
                {"category", row.text(1)},
                {"points", row.real(2)},
                {"points_per_hour", row.real(3)},
                {"default_minutes", row.int64(4) / 60},
                {"night_applies", row.int64(5) != 0}};
}

constexpr std::string_view kind_select =
    "SELECT name, category, points, points_per_hour, default_seconds, night_applies FROM kind WHERE name = ?";

std::string thing_param(const json& params) {
    const std::string thing = required_string(params, "thing");
    if (!is_valid_name(thing)) bad_param("thing", "name the contested thing in one word, e.g. lie-in or gym-slot");
    return thing;
}

/// The contested things the household knows: those with a turn taken or a split agreed, by name.
std::vector<std::string> known_things(store::database& db) {
    std::vector<std::string> things;
    store::statement_use query(db.cached("SELECT thing FROM turn UNION SELECT thing FROM agreement WHERE thing IS NOT NULL ORDER BY 1"));
    while (query->step()) things.push_back(query->text(0));
    return things;
}

/// The known thing `typed` names whatever its case ("Lie-in" is lie-in), else `typed` itself.
std::string known_spelling(const std::string& typed, const std::vector<std::string>& things) {
    if (std::find(things.begin(), things.end(), typed) != things.end()) return typed;
    for (const std::string& thing : things) {
        if (same_name(thing, typed)) return thing;
    }
    return typed;
}

} // namespace

// ---------------------------------------------------------------- kinds

json vocabulary_service::kinds_list(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    store::statement_use query(record_.db().cached(
        "SELECT name, category, points, points_per_hour, default_seconds, night_applies FROM kind ORDER BY category, name"));
    json kinds = json::array();
    while (query->step()) kinds.push_back(kind_row(*query));
    return json{{"kinds", std::move(kinds)}};
}

json vocabulary_service::kind_add(const kind_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::string& name = request.name;
    {
        store::statement_use existing(record_.db().cached("SELECT 1 FROM kind WHERE name = ?"));
        existing->bind(1, name);
        if (existing->step()) throw rpc_error(error_code::conflict, "kind " + name + " exists; change it with `fairly kind edit " + name + "`");
    }
    if (!request.category) bad_param("category", "is required: care, household, logistics, thinking, career or protected");
    seconds usual{30 * 60};
    if (request.default_for) usual = checked_input([&] { return parse_duration(*request.default_for, "default_for"); });
    record_.insert_kind({name, *request.category, request.points.value_or(0), request.per_hour.value_or(0),
                         static_cast<std::int64_t>(usual.count()), request.night.value_or(false), record_.now_utc()});
    store::statement_use query(record_.db().cached(kind_select));
    query->bind(1, name);
    query->step();
    json kind = kind_row(*query);
    record_.log_change("kind", name, nullptr, kind, ctx);
    return json{{"kind", kind}};
}

json vocabulary_service::kind_edit(const kind_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::string name = record_.kind_named(request.name).name; // not found -> the nearest; "Night-Feed" is night-feed
    json before;
    {
        store::statement_use query(record_.db().cached(kind_select));
        query->bind(1, name);
        query->step();
        before = kind_row(*query);
    }
    seconds usual{before["default_minutes"].get<std::int64_t>() * 60};
    if (request.default_for) usual = checked_input([&] { return parse_duration(*request.default_for, "default_for"); });
    record_.update_kind({name, request.category.value_or(before["category"].get<std::string>()),
                         request.points.value_or(before["points"].get<double>()),
                         request.per_hour.value_or(before["points_per_hour"].get<double>()), static_cast<std::int64_t>(usual.count()),
                         request.night.value_or(before["night_applies"].get<bool>()), 0});
    store::statement_use query(record_.db().cached(kind_select));
    query->bind(1, name);
    query->step();
    json after = kind_row(*query);
    if (after != before) record_.log_change("kind", name, before, after, ctx);
    // Points are weighed when a report is made; a new usual length or category
    // changes what was counted, so the aggregates are counted anew.
    if (after["default_minutes"] != before["default_minutes"] || after["category"] != before["category"]) record_.book().rebuild(record_.household().load);
    return json{{"kind", after}, {"before", before}, {"changed", after != before}};
}

json vocabulary_service::changes(const std::optional<std::string>& since, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    if (since) {
        from = checked_input([&] { return resolve_time(parse_time_expr(*since, "since"), ctx.reference, tz, "since"); }).time_since_epoch().count();
    }
    store::statement_use query(record_.db().cached(
        "SELECT c.id, c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id WHERE c.changed_at >= ? ORDER BY c.changed_at, c.id"));
    query->bind(1, from);
    json list = json::array();
    while (query->step()) list.push_back(change_json(*query, tz));
    return json{{"changes", std::move(list)}};
}

json vocabulary_service::away_add(const away_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const std::int64_t member = record_.member_id(request.member, "member");
    auto day_of = [&](const std::string& text, const char* field) {
        const sys_seconds at = checked_input([&] { return resolve_time(parse_time_expr(text, field), ctx.reference, tz, field); });
        return local_date_of(at, tz).time_since_epoch().count();
    };
    const std::int64_t from = day_of(request.from, "from"), to = day_of(request.to, "to");
    if (to < from) bad_param("to", "the last day away (" + date_text(to) + ") is before the first (" + date_text(from) + ")");
    if (to - from >= 366) bad_param("to", "at most a year at a time");
    check_note(request.note, "note");
    const std::optional<std::int64_t> by = household_record::logger(ctx, std::nullopt);
    store::statement_use insert(record_.db().cached(
        "INSERT INTO away (member_id, from_day, to_day, note, by_member_id, uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, member).bind(2, from).bind(3, to).bind(4, request.note).bind(5, by).bind(6, ctx.who.uid).bind(7, record_.now_utc()).step();
    const std::int64_t id = record_.db().last_insert_rowid();
    const std::string name = record_.member_name(member); // as the household spells it, whatever the case typed
    record_.log_change("away", name, nullptr, json{{"from", date_text(from)}, {"to", date_text(to)}, {"note", request.note}}, ctx);
    record_.forget();
    return json{{"away", {{"id", id}, {"member", name}, {"from", date_text(from)}, {"to", date_text(to)}, {"days", to - from + 1},
                          {"note", request.note}}}};
}

json vocabulary_service::guess_set(const guess_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::int64_t me = record_.acting_member(ctx, request.member);
    if (!(request.share >= 0 && request.share <= 100)) bad_param("share", "your share of this week's load, in percent from 0 to 100");
    if (request.night && !(*request.night >= 0 && *request.night <= 100)) bad_param("night", "your share of the night load, in percent from 0 to 100");
    const std::int64_t week = week_day_of(ctx.reference, house.load);
    store::statement_use insert(record_.db().cached(
        "INSERT INTO guess (member_id, week_day, share, night_share, uid, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (member_id, week_day) DO UPDATE SET share = excluded.share, night_share = excluded.night_share, uid = excluded.uid, "
        "created_at = excluded.created_at"));
    std::optional<double> night;
    if (request.night) night = *request.night / 100.0;
    insert->bind(1, me).bind(2, week).bind(3, request.share / 100.0).bind(4, night).bind(5, ctx.who.uid).bind(6, record_.now_utc()).step();
    return guess_list(record_.member_name(me), ctx);
}

json vocabulary_service::guess_list(const std::optional<std::string>& member, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::int64_t me = record_.acting_member(ctx, member);
    store::statement_use query(record_.db().cached(
        "SELECT week_day, share, night_share FROM guess WHERE member_id = ? ORDER BY week_day DESC LIMIT 52"));
    query->bind(1, me);
    json list = json::array();
    while (query->step()) {
        list.push_back({{"week", date_text(query->int64(0))}, {"guess", query->real(1)},
                        {"night_guess", query->is_null(2) ? json(nullptr) : json(query->real(2))}});
    }
    return json{{"member", record_.member_name(me)}, {"this_week", date_text(week_day_of(ctx.reference, house.load))}, {"guesses", std::move(list)}};
}

json vocabulary_service::away_list(const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    store::statement_use query(record_.db().cached(
        "SELECT a.id, m.name, a.from_day, a.to_day, a.note FROM away a JOIN member m ON m.id = a.member_id ORDER BY a.from_day, a.id"));
    json list = json::array();
    while (query->step()) {
        list.push_back({{"id", query->int64(0)}, {"member", query->text(1)}, {"from", date_text(query->int64(2))}, {"to", date_text(query->int64(3))},
                        {"days", query->int64(3) - query->int64(2) + 1}, {"note", query->text(4)}});
    }
    return json{{"away", std::move(list)}};
}

json vocabulary_service::kind_history(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    auto name = optional_string(params, "name");
    // A kind's history is asked by the kind's name, whatever the case (the night and drift keep their own words).
    if (name && *name != "night" && *name != "settings" && *name != "talked") name = record_.kind_named(*name).name;
    store::statement_use query(record_.db().cached(
        "SELECT c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id WHERE c.subject IN ('kind', 'night', 'drift') AND (?1 IS NULL OR c.subject_name = ?1) "
        "ORDER BY c.id"));
    query->bind(1, name);
    json changes = json::array();
    while (query->step()) {
        changes.push_back({{"subject", query->text(0)},
                           {"name", query->text(1)},
                           {"old", query->is_null(2) ? json(nullptr) : json::parse(query->text(2))},
                           {"new", json::parse(query->text(3))},
                           {"by_uid", query->int64(4)},
                           {"by", query->is_null(5) ? json(nullptr) : json(query->text(5))},
                           {"at", format_local_iso(sys_seconds{seconds{query->int64(6)}}, tz)}});
    }
    return json{{"changes", std::move(changes)}};
}

// ---------------------------------------------------------------- night

json vocabulary_service::night_settings() {
    store::statement_use query(record_.db().cached("SELECT night_start_minute, night_end_minute, night_multiplier FROM household WHERE id = 1"));
    query->step();
    return json{{"from", clock_text(query->int64(0))}, {"to", clock_text(query->int64(1))}, {"multiplier", query->real(2)}};
}

json vocabulary_service::night_get(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    return night_settings();
}

json vocabulary_service::night_set(const night_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const json before = night_settings();
    std::int64_t from = 0, to = 0;
    {
        store::statement_use query(record_.db().cached("SELECT night_start_minute, night_end_minute, night_multiplier FROM household WHERE id = 1"));
        query->step();
        from = query->int64(0);
        to = query->int64(1);
    }
    if (request.from) from = checked_input([&] { return parse_time_of_day(*request.from, "from"); }).count();
    if (request.to) to = checked_input([&] { return parse_time_of_day(*request.to, "to"); }).count();
    double multiplier = before["multiplier"];
    if (const auto value = request.multiplier) {
        if (*value < 1 || *value > 10) bad_param("multiplier", "from 1 (no extra weight) to 10");
        multiplier = *value;
    }
    if (from == to) bad_param("to", "the night needs a length: --from and --to are the same time");
    {
        store::statement_use update(record_.db().cached("UPDATE household SET night_start_minute = ?, night_end_minute = ?, night_multiplier = ? WHERE id = 1"));
        update->bind(1, from).bind(2, to).bind(3, multiplier).step();
    }
    json after = night_settings();
    if (after != before) {
        record_.log_change("night", "night", before, after, ctx);
        record_.forget();
        record_.book().rebuild(record_.household().load); // night minutes are counted anew with the new window
    }
    return after;
}

// ---------------------------------------------------------------- meetings moved

json vocabulary_service::moved_log(const moved_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const std::string& uuid = request.uuid;
    auto moved_json = [&](std::int64_t id, bool duplicate) {
        store::statement_use query(record_.db().cached(
            "SELECT mm.id, m.name, mm.what, k.name, mm.for_event_id, mm.impact, mm.at_utc, mm.note, lb.name FROM meeting_moved mm "
            "JOIN member m ON m.id = mm.member_id LEFT JOIN kind k ON k.id = mm.for_kind_id "
            "LEFT JOIN member lb ON lb.id = mm.logged_by_member_id WHERE mm.id = ?"));
        query->bind(1, id);
        query->step();
        return json{{"moved", {{"id", query->int64(0)}, {"member", query->text(1)}, {"what", query->text(2)},
                               {"for_kind", query->optional_text(3) ? json(*query->optional_text(3)) : json(nullptr)},
                               {"for_event", query->is_null(4) ? json(nullptr) : json(query->int64(4))},
                               {"impact", query->text(5)}, {"at", format_local_iso(sys_seconds{seconds{query->int64(6)}}, tz)},
                               {"note", query->text(7)}, {"logged_by", query->optional_text(8) ? json(*query->optional_text(8)) : json(nullptr)}}},
                    {"duplicate", duplicate}};
    };
    if (const auto again = record_.id_by_uuid(household_record::uuid_table::meeting_moved, uuid)) return moved_json(*again, true);
    const std::int64_t member = record_.subject_member(ctx, request.member);
    std::optional<std::int64_t> for_kind, for_event;
    if (request.for_kind) for_kind = record_.kind_named(*request.for_kind).id;
    if (const auto event = request.for_event) {
        store::statement_use query(record_.db().cached("SELECT kind_id FROM event WHERE id = ?"));
        query->bind(1, *event);
        if (!query->step()) throw rpc_error(error_code::not_found, "for_event: no event #" + std::to_string(*event), json{{"field", "for_event"}});
        for_event = *event;
        if (!for_kind) for_kind = query->int64(0);
    }
    const sys_seconds reference = ctx.reference;
    sys_seconds at = reference;
    if (request.at) at = checked_input([&] { return resolve_time(parse_time_expr(*request.at, "at"), reference, tz, "at"); });
    household_record::moved_row row;
    row.uuid = uuid;
    row.member = member;
    row.what = request.what;
    row.for_kind = for_kind;
    row.for_event = for_event;
    row.impact = request.impact;
    row.at = at.time_since_epoch().count();
    row.note = request.note;
    row.logged_by = household_record::logger(ctx, member);
    row.uid = ctx.who.uid;
    row.created = record_.now_utc();
    return moved_json(record_.insert_moved(row), false);
}

json vocabulary_service::moved_list(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const sys_seconds reference = ctx.reference;
    const std::int64_t since = record_.time_param(params, "since", reference).value_or(sys_seconds{}).time_since_epoch().count();
    store::statement_use query(record_.db().cached(
        "SELECT mm.id, m.name, mm.what, k.name, mm.impact, mm.at_utc, mm.note FROM meeting_moved mm JOIN member m ON m.id = mm.member_id "
        "LEFT JOIN kind k ON k.id = mm.for_kind_id WHERE mm.at_utc >= ? ORDER BY mm.at_utc, mm.id"));
    query->bind(1, since);
    json moved = json::array();
    while (query->step()) {
        moved.push_back({{"id", query->int64(0)}, {"member", query->text(1)}, {"what", query->text(2)},
                         {"for_kind", query->optional_text(3) ? json(*query->optional_text(3)) : json(nullptr)},
                         {"impact", query->text(4)}, {"at", format_local_iso(sys_seconds{seconds{query->int64(5)}}, tz)},
                         {"note", query->text(6)}});
    }
    return json{{"moved", std::move(moved)}};
}

// ---------------------------------------------------------------- turns

json vocabulary_service::turn_take(const turn_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const bool duplicate = record_.id_by_uuid(household_record::uuid_table::turn, request.uuid).has_value();
    if (!duplicate) {
        const std::int64_t member = record_.subject_member(ctx, request.member);
        sys_seconds at = ctx.reference;
        if (request.at) at = checked_input([&] { return resolve_time(parse_time_expr(*request.at, "at"), ctx.reference, tz, "at"); });
        const std::string thing = known_spelling(request.thing, known_things(record_.db()));
        record_.check_turn(thing, at.time_since_epoch().count(), request.note, ctx.reference);
        record_.insert_turn(request.uuid, thing, member, at.time_since_epoch().count(), request.note,
                            household_record::logger(ctx, member), ctx.who.uid, record_.now_utc());
    }
    store::statement_use query(record_.db().cached(
        "SELECT t.id, m.name, t.at_utc, t.note, t.thing FROM turn t JOIN member m ON m.id = t.member_id WHERE t.uuid = ?"));
    query->bind(1, request.uuid);
    query->step();
    const std::string thing = query->text(4);
    json taken{{"id", query->int64(0)}, {"thing", thing}, {"member", query->text(1)},
               {"at", format_local_iso(sys_seconds{seconds{query->int64(2)}}, tz)}, {"note", query->text(3)}};
    return json{{"turn", std::move(taken)}, {"duplicate", duplicate}, {"standing", standing(thing, 20, ctx.reference)}};
}

json vocabulary_service::turn_whose(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::vector<std::string> things = known_things(record_.db());
    const std::string thing = known_spelling(thing_param(params), things);
    const std::int64_t window = optional_integer(params, "last").value_or(20);
    if (window < 1 || window > 10000) bad_param("last", "from 1 to 10000 turns");
    if (std::find(things.begin(), things.end(), thing) == things.end()) {
        // No standing to give: "0 of the last 0" would answer a typo with confidence.
        const std::string near = did_you_mean(thing, things);
        throw rpc_error(error_code::not_found,
                        "no turns at " + thing + " yet" +
                            (near.empty() ? "; `fairly turn " + thing + "` records the first" : near),
                        json{{"field", "thing"}});
    }
    return standing(thing, window, ctx.reference);
}

json vocabulary_service::standing(const std::string& thing, std::int64_t window, sys_seconds reference) {
    const std::string& tz = record_.household().tz;
    const auto& members = record_.names().members;
    std::vector<turn_taken> recent;
    {
        store::statement_use query(record_.db().cached(
            "SELECT member_id, at_utc FROM turn WHERE thing = ? ORDER BY at_utc DESC, id DESC LIMIT ?"));
        query->bind(1, thing).bind(2, window);
        while (query->step()) {
            for (std::size_t m = 0; m < members.size(); ++m) {
                if (members[m].id == query->int64(0)) recent.push_back({m, query->int64(1)});
            }
        }
    }
    // A thing's own agreed split, in force this week; with none agreed, equal turns (docs/fairness.md, "Turns").
    const turn_answer answer = whose_turn(record_.thing_shares(thing, week_day_of(reference, record_.household().load)), recent);
    json standings = json::array();
    for (std::size_t m = 0; m < members.size(); ++m) {
        const turn_standing& s = answer.members[m];
        standings.push_back({{"member", members[m].name}, {"taken", s.taken}, {"agreed_share", s.agreed}, {"share", s.share},
                             {"last_turn", s.last ? json(format_local_iso(sys_seconds{seconds{*s.last}}, tz)) : json(nullptr)}});
    }
    // The answer's reason, about how the turns were shared, not a tally per
    // person (docs/wording.md, "Whose turn").
    std::string reason;
    if (answer.next) {
        const std::string& name = members[*answer.next].name;
        const turn_standing& next = answer.members[*answer.next];
        auto split = [&](auto value) {
            std::string text;
            for (const turn_standing& s : answer.members) {
                if (!text.empty()) text += '/';
                text += std::to_string(std::lround(value(s) * 100));
            }
            return text;
        };
        std::string names;
        for (const member_entry& member : members) names += (names.empty() ? "" : "/") + member.name;
        const std::string agreed = split([](const turn_standing& s) { return s.agreed; });
        const std::string shared = split([](const turn_standing& s) { return s.share; });
        const std::string plural = thing + (answer.turns == 1 ? "" : "s");
        if (answer.turns == 0) {
            reason = "Nobody has had a " + thing + " yet, so " + name + " is first.";
        } else if (answer.decided_by_last_turn && !next.last) {
            reason = "The last " + std::to_string(answer.turns) + " " + plural + " were shared " + shared + " (" + names + "), as agreed, and " + name +
                     " has not had one yet.";
        } else if (answer.decided_by_last_turn) {
            reason = "The last " + std::to_string(answer.turns) + " " + plural + " were shared " + shared + " (" + names + "), as agreed; " + name +
                     "'s last one was longest ago (" + spoken_time(sys_seconds{seconds{*next.last}}, reference, tz) + ").";
        } else {
            reason = "The last " + std::to_string(answer.turns) + " " + plural + " were shared " + shared + " (" + names + ") against your agreed " +
                     agreed + ".";
        }
        if (answer.turns == 1) reason = "The one " + thing + " so far went to " + [&] {
            for (std::size_t m = 0; m < members.size(); ++m) {
                if (answer.members[m].taken == 1) return members[m].name;
            }
            return std::string("someone");
        }() + "; your agreed split is " + agreed + " (" + names + ").";
    }
    return json{{"thing", thing}, {"next", answer.next ? json(members[*answer.next].name) : json(nullptr)}, {"reason", reason},
                {"decided_by_last_turn", answer.decided_by_last_turn}, {"turns", answer.turns}, {"members", std::move(standings)}};
}

// ---------------------------------------------------------------- thanks

json vocabulary_service::thanks_give(const thanks_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const std::string& uuid = request.uuid;
    auto thanks_json = [&](std::int64_t id, bool duplicate) {
        store::statement_use query(record_.db().cached(
            "SELECT t.id, f.name, r.name, t.note, t.at_utc FROM thanks t JOIN member f ON f.id = t.from_member_id "
            "JOIN member r ON r.id = t.to_member_id WHERE t.id = ?"));
        query->bind(1, id);
        query->step();
        return json{{"thanks", {{"id", query->int64(0)}, {"from", query->text(1)}, {"to", query->text(2)}, {"note", query->text(3)},
                                {"at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)}}},
                    {"duplicate", duplicate}};
    };
    if (const auto again = record_.id_by_uuid(household_record::uuid_table::thanks, uuid)) return thanks_json(*again, true);
    const std::int64_t to = record_.member_id(request.to, "to");
    const std::int64_t from = record_.acting_member(ctx, request.member);
    return thanks_json(record_.insert_thanks(uuid, from, to, request.note, ctx.reference.time_since_epoch().count(), ctx.who.uid, record_.now_utc()),
                       false);
}

json vocabulary_service::thanks_list(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const sys_seconds reference = ctx.reference;
    const std::int64_t since = record_.time_param(params, "since", reference).value_or(sys_seconds{}).time_since_epoch().count();
    std::optional<std::int64_t> member;
    if (auto name = optional_string(params, "member")) member = record_.member_id(*name, "member");
    store::statement_use query(record_.db().cached(
        "SELECT t.id, f.name, r.name, t.note, t.at_utc FROM thanks t JOIN member f ON f.id = t.from_member_id "
        "JOIN member r ON r.id = t.to_member_id WHERE t.at_utc >= ?1 AND (?2 IS NULL OR t.from_member_id = ?2 OR t.to_member_id = ?2) "
        "ORDER BY t.at_utc, t.id"));
    query->bind(1, since).bind(2, member);
    json thanks = json::array();
    while (query->step()) {
        thanks.push_back({{"id", query->int64(0)}, {"from", query->text(1)}, {"to", query->text(2)}, {"note", query->text(3)},
                          {"at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)}});
    }
    return json{{"thanks", std::move(thanks)}};
}

// ---------------------------------------------------------------- the household and its members

json vocabulary_service::status(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    return household_status(ctx);
}

json vocabulary_service::household_status(const request_context& ctx) {
    json result{
        {"version", record_.settings().version},
        {"database", record_.db().path()},
        {"schema_version", store::latest_schema_version()},
        {"now", format_iso_utc(record_.now())},
        {"caller", {{"uid", ctx.who.uid}, {"member", nullptr}}},
    };
    if (ctx.binding) {
        store::statement_use query(record_.db().cached("SELECT name FROM member WHERE id = ?"));
        query->bind(1, *ctx.binding);
        if (query->step()) result["caller"]["member"] = query->text(0);
    }
    store::statement_use house(record_.db().cached("SELECT tz, week_start FROM household WHERE id = 1"));
    result["initialized"] = house->step();
    if (!result["initialized"].get<bool>()) return result;
    result["tz"] = house->text(0);
    result["members"] = json::array();
    {
        // The split in force this week (the first agreement, or a later one agreed).
        const std::vector<double> agreed = record_.agreed_shares(week_day_of(ctx.reference, record_.household().load), false);
        std::size_t index = 0;
        store::statement_use members(record_.db().cached("SELECT name, agreed_share, unix_uid FROM member ORDER BY id"));
        while (members->step()) {
            result["members"].push_back({{"name", members->text(0)},
                                         {"agreed_share", index < agreed.size() ? agreed[index++] : members->real(1) / 100.0},
                                         {"unix_uid", members->is_null(2) ? json(nullptr) : json(members->int64(2))}});
        }
    }
    {
        store::statement_use counts(record_.db().cached(
            "SELECT count(*), coalesce(sum(status = 'active'), 0), (SELECT count(*) FROM timer), (SELECT count(*) FROM kind) FROM event"));
        counts->step();
        result["events"] = counts->int64(1);
        result["events_recorded"] = counts->int64(0);
        result["timers_running"] = counts->int64(2);
        result["kinds"] = counts->int64(3);
    }
    result["timers"] = json::array();
    {
        store::statement_use timers(record_.db().cached(
            "SELECT m.name, k.name, t.start_utc FROM timer t JOIN member m ON m.id = t.member_id JOIN kind k ON k.id = t.kind_id "
            "ORDER BY t.start_utc, t.id"));
        while (timers->step()) {
            result["timers"].push_back({{"member", timers->text(0)}, {"kind", timers->text(1)},
                                        {"start", format_local_iso(sys_seconds{seconds{timers->int64(2)}}, result["tz"].get<std::string>())}});
        }
    }
    return result;
}

json vocabulary_service::init(const init_request& request, const request_context& ctx) {
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can set up the household");
    }
    if (record_.set_up()) throw rpc_error(error_code::conflict, "this household is already set up; see `fairly status`");
    const std::string& tz = request.tz;
    if (!is_known_zone(tz)) bad_param("tz", "\"" + tz + "\" is not a time zone of the system's tz database (e.g. Europe/London)");

    if (request.members.empty()) bad_param("members", "give at least one member name");
    std::vector<std::string> names;
    for (const std::string& name : request.members) {
        if (!is_valid_name(name)) bad_param("members", "a member name is " + std::string(name_rule));
        if (name == "couple") bad_param("members", "\"couple\" names the two of you together (protected time); choose another name");
        if (std::any_of(names.begin(), names.end(), [&](const std::string& other) { return same_name(other, name); })) {
            bad_param("members", "\"" + name + "\" is named twice (names match whatever the case)");
        }
        names.push_back(name);
    }

    std::map<std::string, double> split;
    if (request.split) {
        double total = 0;
        for (const auto& [given, share] : *request.split) {
            // A share is for a member whatever the case ("josé=40" for José).
            const std::string& typed = given; // a structured binding is not captured by clang 14's lambdas
            const auto member = std::find_if(names.begin(), names.end(), [&](const std::string& other) { return same_name(other, typed); });
            if (member == names.end()) bad_param("split", "\"" + typed + "\" is not one of the members" + did_you_mean(typed, names));
            const std::string& name = *member;
            if (split.count(name)) bad_param("split", "\"" + name + "\" has two shares");
            if (!(share >= 0 && share <= 100)) bad_param("split", "the share of \"" + name + "\" must be a number from 0 to 100");
            split[name] = share;
            total += share;
        }
        if (split.size() != names.size()) bad_param("split", "give a share for every member");
        if (std::fabs(total - 100.0) > 0.01) bad_param("split", "the shares add up to " + std::to_string(total) + ", not 100");
    } else {
        for (const auto& name : names) split[name] = 100.0 / static_cast<double>(names.size());
    }

    const std::int64_t week_start = request.week_start;
    if (week_start < 0 || week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");

    const std::int64_t now = record_.now_utc();
    household_record::household_row house;
    house.tz = tz;
    house.week_start = week_start;
    house.created = now;
    record_.insert_household(house);
    for (const auto& name : names) record_.insert_member(name, std::nullopt, split[name], now, "members");
    for (const kind_definition& kind : default_kinds()) {
        record_.insert_kind({std::string(kind.name), std::string(kind.category), kind.points, kind.points_per_hour,
                             static_cast<std::int64_t>(std::chrono::duration_cast<seconds>(kind.default_length).count()),
                             kind.night_applies, now});
    }
    return household_status(record_.context_for(ctx.who, std::nullopt, ctx.reference));
}

json vocabulary_service::member_rename(const std::string& from, const std::string& to, const request_context& ctx) {
    record_.household();
    if (!ctx.privileged) throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can rename members");
    const std::int64_t id = record_.member_id(from, "name");
    if (!is_valid_name(to)) bad_param("new_name", "a member name is " + std::string(name_rule));
    if (to == "couple") bad_param("new_name", "\"couple\" names the two of you together (protected time); choose another name");
    for (const member_entry& member : record_.names().members) {
        if (member.name == to) throw rpc_error(error_code::conflict, to + " is already a member");
    }
    store::statement_use update(record_.db().cached("UPDATE member SET name = ? WHERE id = ?"));
    update->bind(1, to).bind(2, id).step();
    record_.log_change("member", to, json{{"name", from}}, json{{"name", to}}, ctx);
    record_.forget();
    return json{{"renamed", {{"from", from}, {"to", to}}}};
}

json vocabulary_service::member_retire(const std::string& name, const request_context& ctx) {
    const household_info& house = record_.household();
    if (!ctx.privileged) throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can retire members");
    const std::int64_t id = record_.member_id(name, "name");
    record_.check_active(id);
    std::size_t staying = 0;
    for (const member_entry& member : record_.names().members) staying += member.retired || member.id == id ? 0 : 1;
    if (staying == 0) bad_param("name", name + " is the last member of the household");
    {
        store::statement_use running(record_.db().cached("SELECT count(*) FROM timer WHERE member_id = ?"));
        running->bind(1, id);
        running->step();
        if (running->int64(0) > 0) {
            throw rpc_error(error_code::conflict, name + " has a timer running; stop or cancel it first (`fairly timers`)");
        }
    }
    const std::int64_t week = week_day_of(ctx.reference, house.load);
    const std::vector<double> before = record_.agreed_shares(week, false);
    store::statement_use update(record_.db().cached("UPDATE member SET retired_at = ?, unix_uid = NULL WHERE id = ?"));
    update->bind(1, record_.now_utc()).bind(2, id).step();
    record_.log_change("member", name, json{{"retired", false}}, json{{"retired", true}}, ctx);
    record_.forget();
    // A new split without them must be agreed: proposed with the others' shares scaled up.
    json proposal = nullptr;
    const auto& members = record_.names().members;
    double mine = 0, others = 0;
    for (std::size_t m = 0; m < members.size(); ++m) {
        if (members[m].id == id) mine = before[m];
        else if (!members[m].retired) others += before[m];
    }
    if (mine > 0) {
        std::vector<std::pair<std::int64_t, double>> split;
        std::size_t active = 0;
        for (const member_entry& member : members) active += member.retired ? 0 : 1;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].retired) continue;
            split.emplace_back(members[m].id, others > 0 ? before[m] / others * 100.0 : 100.0 / static_cast<double>(active));
        }
        const std::int64_t proposed = agreement_service::propose_split(record_, std::nullopt, split, week, ctx.binding ? ctx.binding : ctx.acting_for,
                                                                       name + " left the household", ctx);
        store::statement_use state(record_.db().cached("SELECT state FROM agreement WHERE id = ?"));
        state->bind(1, proposed);
        state->step();
        json shares = json::object();
        for (const auto& [member, percent] : split) shares[record_.member_name(member)] = percent / 100.0;
        proposal = {{"id", proposed}, {"shares", std::move(shares)}, {"state", state->text(0)}};
    }
    return json{{"retired", name}, {"proposal", std::move(proposal)}};
}

json vocabulary_service::member_add(const member_request& request, const request_context& ctx) {
    record_.household();
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "only root or the user fairlyd runs as can add members or bind Unix users (they decide who is who)");
    }
    const std::string& name = request.name;
    if (!is_valid_name(name)) bad_param("name", "a member name is " + std::string(name_rule));
    if (name == "couple") bad_param("name", "\"couple\" names the two of you together (protected time); choose another name");

    std::optional<std::int64_t> uid = request.unix_uid;
    if (const auto& user = request.unix_user) {
        if (user->find_first_not_of("0123456789") == std::string::npos && !user->empty()) {
            uid = std::stoll(*user);
        } else {
            const passwd* entry = ::getpwnam(user->c_str());
            if (!entry) bad_param("unix_user", "no Unix user named \"" + *user + "\" on this machine");
            uid = entry->pw_uid;
        }
    }
    if (uid && (*uid < 0 || *uid > std::numeric_limits<std::uint32_t>::max())) bad_param("unix_uid", "not a uid");

    if (uid) {
        store::statement_use taken(record_.db().cached("SELECT name FROM member WHERE unix_uid = ? AND name <> ?"));
        taken->bind(1, *uid).bind(2, name);
        if (taken->step()) {
            throw rpc_error(error_code::conflict, "uid " + std::to_string(*uid) + " is already bound to " + taken->text(0));
        }
    }

    bool created = false;
    double old_share = 0;
    {
        store::statement_use existing(record_.db().cached("SELECT agreed_share, unix_uid FROM member WHERE name = ?"));
        existing->bind(1, name);
        created = !existing->step();
        if (!created) {
            old_share = existing->real(0);
            if (!uid && !request.share) {
                throw rpc_error(error_code::conflict,
                                name + " is already a member (agreed " + std::to_string(static_cast<int>(std::lround(old_share))) + "%" +
                                    (existing->is_null(1) ? ", no Unix user bound" : ", bound to uid " + std::to_string(existing->int64(1))) +
                                    "); nothing changed. Give --unix-user to bind them, or --share to change the agreed split");
            }
        }
    }
    const std::optional<double> share = request.share;
    if (share && !(*share >= 0 && *share <= 100)) bad_param("share", "a percent from 0 to 100");
    if (created) {
        // A member who joins a household with an agreement in force starts
        // outside it (share 0 before they were agreed in); the first member is 100%.
        const bool first = record_.names().members.empty();
        if (first && share && *share != 100) bad_param("share", name + " is the only member, so their share is 100%");
        record_.insert_member(name, uid, first ? 100.0 : 0.0, record_.now_utc());
        record_.log_change("member", name, nullptr, json{{"added", true}}, ctx);
        if (uid) record_.log_change("binding", name, nullptr, json{{"uid", *uid}}, ctx);
    } else if (uid) {
        std::optional<std::int64_t> before;
        {
            store::statement_use existing(record_.db().cached("SELECT unix_uid FROM member WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) before = existing->optional_int64(0);
        }
        store::statement_use bind(record_.db().cached("UPDATE member SET unix_uid = ? WHERE name = ?"));
        bind->bind(1, *uid).bind(2, name).step();
        if (before != uid) record_.log_change("binding", name, before ? json{{"uid", *before}} : json(nullptr), json{{"uid", *uid}}, ctx);
    }
    record_.forget();
    // A share is a proposal to the household, never an edit in place: the
    // others' shares are scaled to make room, keeping their proportions, and
    // it is in force once every other member accepts (`fairly agree --accept`).
    json proposal = nullptr;
    if (share && record_.names().members.size() > 1) {
        const std::int64_t me = record_.member_id(name, "name");
        const household_info& house = record_.household();
        const std::int64_t week = week_day_of(ctx.reference, house.load);
        const std::vector<double> now_agreed = record_.agreed_shares(week, false);
        const auto& members = record_.names().members;
        double others = 0;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].id != me) others += now_agreed[m];
        }
        std::vector<std::pair<std::int64_t, double>> split;
        const double left = 100.0 - *share;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].id == me) split.emplace_back(me, *share);
            else split.emplace_back(members[m].id, others > 0 ? now_agreed[m] * left / others : left / static_cast<double>(members.size() - 1));
        }
        std::optional<std::int64_t> proposer = ctx.binding ? ctx.binding : ctx.acting_for;
        const std::int64_t id = agreement_service::propose_split(record_, std::nullopt, split, week, proposer, "", ctx);
        json shares = json::object();
        for (const auto& [member, percent] : split) shares[record_.member_name(member)] = percent / 100.0;
        store::statement_use state(record_.db().cached("SELECT state FROM agreement WHERE id = ?"));
        state->bind(1, id);
        state->step();
        proposal = {{"id", id}, {"shares", std::move(shares)}, {"state", state->text(0)}};
    }
    store::statement_use query(record_.db().cached("SELECT name, unix_uid, agreed_share FROM member WHERE name = ?"));
    query->bind(1, name);
    query->step();
    return json{{"name", query->text(0)},
                {"unix_uid", query->is_null(1) ? json(nullptr) : json(query->int64(1))},
                {"agreed_share", record_.agreed_shares(week_day_of(ctx.reference, record_.household().load), false)[static_cast<std::size_t>(
                                     std::find_if(record_.names().members.begin(), record_.names().members.end(),
                                                  [&](const member_entry& m) { return m.name == name; }) -
                                     record_.names().members.begin())]},
                {"created", created},
                {"proposal", std::move(proposal)}};
}

} // namespace fairly::daemon
