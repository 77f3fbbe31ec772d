// The household's vocabulary: kinds and their weights, the night, meetings
// moved, turns, thanks, and confirming or disputing what others logged.
#include "handler.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

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

double weight_param(const json& params, const char* field, double fallback) {
    auto value = optional_number(params, field);
    if (!value) return fallback;
    if (*value < 0 || *value > 1000) bad_param(field, "a weight from 0 to 1000");
    return *value;
}

std::string category_param(const json& params, std::string fallback) {
    auto category = optional_string(params, "category");
    if (!category) return fallback;
    if (!is_category(*category)) bad_param("category", "\"" + *category + "\" is not a category; use care, household, logistics, thinking, career or protected");
    return *category;
}

std::string thing_param(const json& params) {
    const std::string thing = required_string(params, "thing");
    if (!is_valid_name(thing)) bad_param("thing", "name the contested thing in one word, e.g. lie-in or gym-slot");
    return thing;
}

} // namespace

std::int64_t request_handler::acting_member(const json& params, std::optional<std::int64_t> binding) {
    if (binding) return *binding;
    if (auto name = optional_string(params, "member")) return member_id(*name, "member");
    if (auto name = optional_string(params, "default_member")) return member_id(*name, "FAIRLY_MEMBER");
    if (names().members.size() == 1) return names().members.front().first;
    bad_param("member", "say who you are: --member NAME or FAIRLY_MEMBER (or bind your Unix user to a member)");
}

void request_handler::log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                                 const caller& who, std::optional<std::int64_t> binding) {
    store::statement_use insert(db_.cached(
        "INSERT INTO change_log (subject, subject_name, old_value, new_value, changed_by_uid, changed_by_member_id, changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    std::optional<std::string> old_text;
    if (!old_value.is_null()) old_text = old_value.dump();
    insert->bind(1, subject).bind(2, name).bind(3, old_text).bind(4, new_value.dump()).bind(5, who.uid).bind(6, binding)
        .bind(7, settings_.clock().time_since_epoch().count());
    insert->step();
}

// ---------------------------------------------------------------- kinds

json request_handler::kind_add(const json& params, const caller& who) {
    auto binding = require_access(who);
    household();
    const std::string name = required_string(params, "name");
    if (!is_valid_name(name)) bad_param("name", "a kind's name is 1-40 letters, digits, '.', '_' or '-'");
    {
        store::statement_use existing(db_.cached("SELECT 1 FROM kind WHERE name = ?"));
        existing->bind(1, name);
        if (existing->step()) throw rpc_error(error_code::conflict, "kind " + name + " exists; change it with `fairly kind edit " + name + "`");
    }
    const std::string category = category_param(params, "");
    if (category.empty()) bad_param("category", "is required: care, household, logistics, thinking, career or protected");
    seconds usual{30 * 60};
    if (auto text = optional_string(params, "default_for")) usual = checked_input([&] { return parse_duration(*text, "default_for"); });
    store::statement_use insert(db_.cached(
        "INSERT INTO kind (name, category, points, points_per_hour, default_seconds, night_applies, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, name).bind(2, category).bind(3, weight_param(params, "points", 0)).bind(4, weight_param(params, "per_hour", 0))
        .bind(5, static_cast<std::int64_t>(usual.count())).bind(6, optional_bool(params, "night") ? 1 : 0)
        .bind(7, settings_.clock().time_since_epoch().count());
    insert->step();
    store::statement_use query(db_.cached(kind_select));
    query->bind(1, name);
    query->step();
    json kind = kind_row(*query);
    log_change("kind", name, nullptr, kind, who, binding);
    forget_cached_state();
    return json{{"kind", kind}};
}

json request_handler::kind_edit(const json& params, const caller& who) {
    auto binding = require_access(who);
    household();
    const std::string name = required_string(params, "name");
    kind_id(name); // not found -> clear error
    json before;
    {
        store::statement_use query(db_.cached(kind_select));
        query->bind(1, name);
        query->step();
        before = kind_row(*query);
    }
    seconds usual{before["default_minutes"].get<std::int64_t>() * 60};
    if (auto text = optional_string(params, "default_for")) usual = checked_input([&] { return parse_duration(*text, "default_for"); });
    const json* night = find(params, "night");
    if (night && !night->is_boolean()) bad_param("night", "expected true or false");
    const bool night_applies = night ? night->get<bool>() : before["night_applies"].get<bool>();
    {
        store::statement_use update(db_.cached(
            "UPDATE kind SET category = ?, points = ?, points_per_hour = ?, default_seconds = ?, night_applies = ? WHERE name = ?"));
        update->bind(1, category_param(params, before["category"])).bind(2, weight_param(params, "points", before["points"]))
            .bind(3, weight_param(params, "per_hour", before["points_per_hour"])).bind(4, static_cast<std::int64_t>(usual.count()))
            .bind(5, night_applies ? 1 : 0).bind(6, name);
        update->step();
    }
    store::statement_use query(db_.cached(kind_select));
    query->bind(1, name);
    query->step();
    json after = kind_row(*query);
    if (after != before) log_change("kind", name, before, after, who, binding);
    forget_cached_state();
    // Points are weighed when a report is made; a new usual length or category
    // changes what was counted, so the aggregates are counted anew.
    if (after["default_minutes"] != before["default_minutes"] || after["category"] != before["category"]) book_.rebuild(household().load);
    return json{{"kind", after}, {"before", before}, {"changed", after != before}};
}

json request_handler::kind_history(const json& params, const caller& who) {
    require_access(who);
    const std::string& tz = household().tz;
    auto name = optional_string(params, "name");
    store::statement_use query(db_.cached(
        "SELECT c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id WHERE ?1 IS NULL OR c.subject_name = ?1 ORDER BY c.id"));
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

json request_handler::night_get(const json&, const caller& who) {
    require_access(who);
    household();
    store::statement_use query(db_.cached("SELECT night_start_minute, night_end_minute, night_multiplier FROM household WHERE id = 1"));
    query->step();
    return json{{"from", clock_text(query->int64(0))}, {"to", clock_text(query->int64(1))}, {"multiplier", query->real(2)}};
}

json request_handler::night_set(const json& params, const caller& who) {
    auto binding = require_access(who);
    const json before = night_get(params, who);
    std::int64_t from = 0, to = 0;
    {
        store::statement_use query(db_.cached("SELECT night_start_minute, night_end_minute, night_multiplier FROM household WHERE id = 1"));
        query->step();
        from = query->int64(0);
        to = query->int64(1);
    }
    if (auto text = optional_string(params, "from")) from = checked_input([&] { return parse_time_of_day(*text, "from"); }).count();
    if (auto text = optional_string(params, "to")) to = checked_input([&] { return parse_time_of_day(*text, "to"); }).count();
    double multiplier = before["multiplier"];
    if (auto value = optional_number(params, "multiplier")) {
        if (*value < 1 || *value > 10) bad_param("multiplier", "from 1 (no extra weight) to 10");
        multiplier = *value;
    }
    if (from == to) bad_param("to", "the night needs a length: --from and --to are the same time");
    {
        store::statement_use update(db_.cached("UPDATE household SET night_start_minute = ?, night_end_minute = ?, night_multiplier = ? WHERE id = 1"));
        update->bind(1, from).bind(2, to).bind(3, multiplier).step();
    }
    json after = night_get(params, who);
    if (after != before) {
        log_change("night", "night", before, after, who, binding);
        forget_cached_state();
        book_.rebuild(household().load); // night minutes are counted anew with the new window
    }
    return after;
}

// ---------------------------------------------------------------- meetings moved

json request_handler::moved_log(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string& tz = household().tz;
    const std::string uuid = uuid_param(params);
    auto moved_json = [&](std::int64_t id, bool duplicate) {
        store::statement_use query(db_.cached(
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
    {
        store::statement_use again(db_.cached("SELECT id FROM meeting_moved WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return moved_json(again->int64(0), true);
    }
    const std::int64_t member = subject_member(params, binding);
    const std::string what = required_string(params, "what");
    if (what.size() > 200) bad_param("what", "at most 200 bytes");
    std::optional<std::int64_t> for_kind, for_event;
    if (auto name = optional_string(params, "for")) for_kind = kind_id(*name);
    if (auto event = optional_integer(params, "for_event")) {
        store::statement_use query(db_.cached("SELECT kind_id FROM event WHERE id = ?"));
        query->bind(1, *event);
        if (!query->step()) throw rpc_error(error_code::not_found, "for_event: no event #" + std::to_string(*event), json{{"field", "for_event"}});
        for_event = *event;
        if (!for_kind) for_kind = query->int64(0);
    }
    const std::string impact = optional_string(params, "impact").value_or("minor");
    if (impact != "minor" && impact != "major" && impact != "missed") bad_param("impact", "minor, major or missed");
    const sys_seconds reference = reference_time(params);
    sys_seconds at = reference;
    if (auto text = optional_string(params, "at")) at = checked_input([&] { return resolve_time(parse_time_expr(*text, "at"), reference, tz, "at"); });
    std::optional<std::int64_t> logged_by = binding;
    if (!logged_by) logged_by = member;
    store::statement_use insert(db_.cached(
        "INSERT INTO meeting_moved (uuid, member_id, what, for_kind_id, for_event_id, impact, at_utc, note, logged_by_member_id, logged_by_uid, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, member).bind(3, what).bind(4, for_kind).bind(5, for_event).bind(6, impact)
        .bind(7, at.time_since_epoch().count()).bind(8, note_param(params).value_or("")).bind(9, logged_by).bind(10, who.uid)
        .bind(11, settings_.clock().time_since_epoch().count());
    insert->step();
    return moved_json(db_.last_insert_rowid(), false);
}

json request_handler::moved_list(const json& params, const caller& who) {
    require_access(who);
    const std::string& tz = household().tz;
    const sys_seconds reference = reference_time(params);
    const std::int64_t since = time_param(params, "since", reference).value_or(sys_seconds{}).time_since_epoch().count();
    store::statement_use query(db_.cached(
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

json request_handler::turn_take(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string& tz = household().tz;
    const std::string uuid = uuid_param(params);
    const std::string thing = thing_param(params);
    bool duplicate = false;
    {
        store::statement_use again(db_.cached("SELECT 1 FROM turn WHERE uuid = ?"));
        again->bind(1, uuid);
        duplicate = again->step();
    }
    json taken;
    if (!duplicate) {
        const std::int64_t member = subject_member(params, binding);
        const sys_seconds reference = reference_time(params);
        sys_seconds at = reference;
        if (auto text = optional_string(params, "at")) {
            at = checked_input([&] { return resolve_time(parse_time_expr(*text, "at"), reference, tz, "at"); });
            if (at > reference + future_tolerance) bad_param("at", format_local(at, tz) + " is in the future");
        }
        std::optional<std::int64_t> logged_by = binding;
        if (!logged_by) logged_by = member;
        store::statement_use insert(db_.cached(
            "INSERT INTO turn (uuid, thing, member_id, at_utc, note, logged_by_member_id, logged_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, uuid).bind(2, thing).bind(3, member).bind(4, at.time_since_epoch().count()).bind(5, note_param(params).value_or(""))
            .bind(6, logged_by).bind(7, who.uid).bind(8, settings_.clock().time_since_epoch().count());
        insert->step();
    }
    store::statement_use query(db_.cached(
        "SELECT t.id, m.name, t.at_utc, t.note FROM turn t JOIN member m ON m.id = t.member_id WHERE t.uuid = ?"));
    query->bind(1, uuid);
    query->step();
    taken = {{"id", query->int64(0)}, {"thing", thing}, {"member", query->text(1)},
             {"at", format_local_iso(sys_seconds{seconds{query->int64(2)}}, tz)}, {"note", query->text(3)}};
    return json{{"turn", taken}, {"duplicate", duplicate}, {"standing", turn_whose(json{{"thing", thing}}, who)}};
}

json request_handler::turn_whose(const json& params, const caller& who) {
    require_access(who);
    const std::string& tz = household().tz;
    const std::string thing = thing_param(params);
    const std::int64_t window = optional_integer(params, "last").value_or(20);
    if (window < 1 || window > 10000) bad_param("last", "from 1 to 10000 turns");

    struct standing {
        std::string name;
        double agreed = 0;    // percent
        std::int64_t taken = 0;
        std::optional<std::int64_t> last_turn;
    };
    std::vector<standing> members;
    {
        store::statement_use query(db_.cached("SELECT id, name, agreed_share FROM member ORDER BY id"));
        while (query->step()) members.push_back({query->text(1), query->real(2), 0, std::nullopt});
    }
    std::int64_t total = 0;
    {
        store::statement_use query(db_.cached(
            "SELECT m.name, t.at_utc FROM (SELECT member_id, at_utc FROM turn WHERE thing = ? ORDER BY at_utc DESC, id DESC LIMIT ?) t "
            "JOIN member m ON m.id = t.member_id"));
        query->bind(1, thing).bind(2, window);
        while (query->step()) {
            ++total;
            for (standing& m : members) {
                if (m.name != query->text(0)) continue;
                ++m.taken;
                m.last_turn = std::max(m.last_turn.value_or(std::numeric_limits<std::int64_t>::min()), query->int64(1));
            }
        }
    }
    // The member furthest below their agreed share of the turns; on a tie,
    // whoever's last turn is longest ago (never counts as longest ago).
    auto below = [&](const standing& m) {
        const double had = total == 0 ? 0.0 : 100.0 * static_cast<double>(m.taken) / static_cast<double>(total);
        return m.agreed - had;
    };
    const standing* next = nullptr;
    for (const standing& m : members) {
        if (!next) { next = &m; continue; }
        const double difference = below(m) - below(*next);
        if (difference > 1e-9) next = &m;
        else if (std::fabs(difference) <= 1e-9) {
            const auto mine = m.last_turn.value_or(std::numeric_limits<std::int64_t>::min());
            const auto theirs = next->last_turn.value_or(std::numeric_limits<std::int64_t>::min());
            if (mine < theirs) next = &m;
        }
    }
    json standings = json::array();
    for (const standing& m : members) {
        standings.push_back({{"member", m.name}, {"taken", m.taken}, {"agreed_share", m.agreed},
                             {"share", total == 0 ? 0.0 : 100.0 * static_cast<double>(m.taken) / static_cast<double>(total)},
                             {"last_turn", m.last_turn ? json(format_local_iso(sys_seconds{seconds{*m.last_turn}}, tz)) : json(nullptr)}});
    }
    std::string reason;
    if (next) {
        auto percent = [](double value) {
            char text[16];
            std::snprintf(text, sizeof text, "%g%%", std::round(value * 10) / 10);
            return std::string(text);
        };
        reason = next->name + ": " + std::to_string(next->taken) + " of the last " + std::to_string(total) + " " + thing +
                 (total == 1 ? "" : "s") + ", agreed " + percent(next->agreed);
        bool tie = false;
        for (const standing& m : members) {
            if (&m != next && std::fabs(below(m) - below(*next)) <= 1e-9) tie = true;
        }
        if (tie) {
            reason += next->last_turn ? ", and their last turn is longest ago"
                                      : ", and they have not had one yet";
        }
        reason += " -> " + next->name + "'s turn";
    }
    return json{{"thing", thing}, {"next", next ? json(next->name) : json(nullptr)}, {"reason", reason}, {"turns", total},
                {"members", std::move(standings)}};
}

// ---------------------------------------------------------------- thanks

json request_handler::thanks_give(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string& tz = household().tz;
    const std::string uuid = uuid_param(params);
    auto thanks_json = [&](std::int64_t id, bool duplicate) {
        store::statement_use query(db_.cached(
            "SELECT t.id, f.name, r.name, t.note, t.at_utc FROM thanks t JOIN member f ON f.id = t.from_member_id "
            "JOIN member r ON r.id = t.to_member_id WHERE t.id = ?"));
        query->bind(1, id);
        query->step();
        return json{{"thanks", {{"id", query->int64(0)}, {"from", query->text(1)}, {"to", query->text(2)}, {"note", query->text(3)},
                                {"at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)}}},
                    {"duplicate", duplicate}};
    };
    {
        store::statement_use again(db_.cached("SELECT id FROM thanks WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return thanks_json(again->int64(0), true);
    }
    const std::int64_t to = member_id(required_string(params, "to"), "to");
    const std::int64_t from = acting_member(params, binding);
    if (from == to) bad_param("to", "thanks go to someone else");
    auto note = note_param(params);
    if (!note || note->empty()) bad_param("note", "say what for, e.g. \"got up twice so I could sleep\"");
    store::statement_use insert(db_.cached(
        "INSERT INTO thanks (uuid, from_member_id, to_member_id, note, at_utc, from_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, from).bind(3, to).bind(4, *note).bind(5, reference_time(params).time_since_epoch().count())
        .bind(6, who.uid).bind(7, settings_.clock().time_since_epoch().count());
    insert->step();
    return thanks_json(db_.last_insert_rowid(), false);
}

json request_handler::thanks_list(const json& params, const caller& who) {
    require_access(who);
    const std::string& tz = household().tz;
    const sys_seconds reference = reference_time(params);
    const std::int64_t since = time_param(params, "since", reference).value_or(sys_seconds{}).time_since_epoch().count();
    std::optional<std::int64_t> member;
    if (auto name = optional_string(params, "member")) member = member_id(*name, "member");
    store::statement_use query(db_.cached(
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

// ---------------------------------------------------------------- logged for someone else

json request_handler::events_pending(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string& tz = household().tz;
    const std::int64_t me = acting_member(params, binding);
    store::statement_use query(db_.cached(
        std::string(event_columns) +
        "WHERE e.member_id = ?1 AND e.status = 'active' AND e.logged_by_member_id IS NOT NULL AND e.logged_by_member_id <> ?1 "
        "AND NOT EXISTS (SELECT 1 FROM event_review r WHERE r.event_id = e.id) ORDER BY e.start_utc, e.id"));
    query->bind(1, me);
    json events = json::array();
    while (query->step()) events.push_back(event_row(*query, tz));
    return json{{"member", member_name(me)}, {"events", std::move(events)}};
}

json request_handler::event_review(const json& params, const caller& who, std::string_view verdict) {
    auto binding = require_access(who);
    household();
    const auto id = optional_integer(params, "id");
    if (!id) bad_param("id", "is required (the event's number, see `fairly pending`)");
    std::int64_t owner = 0;
    std::string status;
    {
        store::statement_use query(db_.cached("SELECT member_id, status FROM event WHERE id = ?"));
        query->bind(1, *id);
        if (!query->step()) throw rpc_error(error_code::not_found, "id: no event #" + std::to_string(*id), json{{"field", "id"}});
        owner = query->int64(0);
        status = query->text(1);
    }
    const std::int64_t me = acting_member(params, binding);
    if (me != owner) {
        throw rpc_error(error_code::permission_denied, "event #" + std::to_string(*id) + " is " + member_name(owner) +
                                                           "'s; only " + member_name(owner) + " can confirm or dispute it");
    }
    if (status != "active") {
        throw rpc_error(error_code::conflict, "event #" + std::to_string(*id) + " is " + status + "; there is nothing to " +
                                                  (verdict == "disputed" ? "dispute" : "confirm"));
    }
    std::string reason = note_param(params, "reason").value_or("");
    if (verdict == "disputed" && reason.empty()) bad_param("reason", "say what is wrong, e.g. \"that was me, not you\"");
    {
        // A retry of the same verdict and reason changes nothing.
        store::statement_use latest(db_.cached("SELECT verdict, reason FROM event_review WHERE event_id = ? ORDER BY id DESC LIMIT 1"));
        latest->bind(1, *id);
        if (latest->step() && latest->text(0) == verdict && latest->text(1) == reason) {
            return json{{"event", event_by_id(*id)}, {"duplicate", true}};
        }
    }
    const auto counted_before = counted_event(*id);
    {
        store::statement_use insert(db_.cached(
            "INSERT INTO event_review (event_id, member_id, verdict, reason, reviewed_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
        insert->bind(1, *id).bind(2, me).bind(3, verdict).bind(4, reason).bind(5, who.uid).bind(6, settings_.clock().time_since_epoch().count());
        insert->step();
    }
    // A dispute takes the event out of every figure; a later confirmation puts it back.
    const auto counted_after = counted_event(*id);
    if (counted_before && !counted_after) book_.add(household().load, *counted_before, -1);
    if (!counted_before && counted_after) book_.add(household().load, *counted_after, +1);
    return json{{"event", event_by_id(*id)}, {"duplicate", false}};
}

} // namespace fairly::daemon
