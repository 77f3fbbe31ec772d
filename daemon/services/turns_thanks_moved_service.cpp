// Meetings moved for care, turns at contested things, and thanks.
#include "turns_thanks_moved_service.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "migrations.hpp"
#include "night.hpp"
#include "params.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "turns.hpp"
#include "zone.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <pwd.h>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

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

// ---------------------------------------------------------------- meetings moved

json turns_thanks_moved_service::moved_log(const moved_request& request, const request_context& ctx) {
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
    if (request.at) at = checked_input([&] { return resolve_past_time(parse_time_expr(*request.at, "at"), reference, tz, "at"); });
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

json turns_thanks_moved_service::moved_list(const json& params, const request_context& ctx) {
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

json turns_thanks_moved_service::turn_take(const turn_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const bool duplicate = record_.id_by_uuid(household_record::uuid_table::turn, request.uuid).has_value();
    if (!duplicate) {
        const std::int64_t member = record_.subject_member(ctx, request.member);
        sys_seconds at = ctx.reference;
        if (request.at) at = checked_input([&] { return resolve_past_time(parse_time_expr(*request.at, "at"), ctx.reference, tz, "at"); });
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

json turns_thanks_moved_service::turn_whose(const json& params, const request_context& ctx) {
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

json turns_thanks_moved_service::standing(const std::string& thing, std::int64_t window, sys_seconds reference) {
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

json turns_thanks_moved_service::thanks_give(const thanks_request& request, const request_context& ctx) {
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
    const std::int64_t from = record_.own_member(ctx, request.member, "a thanks");
    return thanks_json(record_.insert_thanks(uuid, from, to, request.note, ctx.reference.time_since_epoch().count(), ctx.who.uid, record_.now_utc()),
                       false);
}

json turns_thanks_moved_service::thanks_list(const json& params, const request_context& ctx) {
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


} // namespace fairly::daemon
