// Kinds and their weights, the night window, and the change log of both.
#include "settings_service.hpp"

#include "catalogue.hpp"
#include "change_log.hpp"
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
#include <set>

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

} // namespace

/// A row of the change log (change_columns) as replies show it.
json change_json(const store::statement& row, const std::string& tz, household_record& record) {
    json change{{"id", row.int64(0)},
                {"subject", row.text(1)},
                {"name", row.text(2)},
                {"old", row.is_null(3) ? json(nullptr) : json::parse(row.text(3))},
                {"new", json::parse(row.text(4))},
                {"by_uid", row.int64(5)},
                {"by", row.is_null(6) ? json(nullptr) : json(row.text(6))},
                {"at", format_local_iso(std::chrono::sys_seconds{std::chrono::seconds{row.int64(7)}}, tz)}};
    // An agreement's proposal, decline or withdrawal changes nothing; its agreement does.
    const json& after = change["new"];
    change["in_force"] = !(change["subject"] == "agreement" && after.is_object() && after.value("state", "agreed") != "agreed");
    if (!row.is_null(8)) change["proposal"] = row.int64(8);
    if (!row.is_null(11)) {
        change["proposed_by"] = row.is_null(9) ? json(nullptr) : json(row.text(9));
        change["proposed_by_uid"] = row.is_null(10) ? json(nullptr) : json(row.int64(10));
        json accepted = json::array();
        for (const json& member : json::parse(row.text(11))) accepted.push_back(record.member_name(member.get<std::int64_t>()));
        change["accepted_by"] = std::move(accepted);
    }
    return change;
}

namespace {

/// Whether a kind's change moves any figure of the record, past or present:
/// its weights and usual length always (an instant counts with it), its
/// category when the kind moves into or out of the load, or to or from
/// thinking work; a move between care, household and logistics moves only
/// the category breakdown and needs no consent.
bool moves_figures(const json& before, const json& after) {
    for (const char* weight : {"points", "points_per_hour", "night_applies", "default_minutes"}) {
        if (before[weight] != after[weight]) return true;
    }
    const auto plain_load = [](const json& category) { return category == "care" || category == "household" || category == "logistics"; };
    return before["category"] != after["category"] && !(plain_load(before["category"]) && plain_load(after["category"]));
}

} // namespace

// ---------------------------------------------------------------- kinds

json settings_service::kinds_list(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    store::statement_use query(record_.db().cached(
        "SELECT name, category, points, points_per_hour, default_seconds, night_applies FROM kind ORDER BY category, name"));
    json kinds = json::array();
    while (query->step()) kinds.push_back(kind_row(*query));
    return json{{"kinds", std::move(kinds)}};
}

json settings_service::kind_add(const kind_request& request, const request_context& ctx) {
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

json settings_service::kind_json(const std::string& name) {
    store::statement_use query(record_.db().cached(kind_select));
    query->bind(1, name);
    query->step();
    return kind_row(*query);
}

json settings_service::kind_edit(const kind_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const kind_entry& kind = record_.kind_named(request.name); // not found -> the nearest; "Night-Feed" is night-feed
    const std::string name = kind.name;
    const std::int64_t kind_id = kind.id;
    const json before = kind_json(name);
    seconds usual{kind.default_seconds};
    if (request.default_for) usual = checked_input([&] { return parse_duration(*request.default_for, "default_for"); });
    const household_record::kind_row row{name, request.category.value_or(before["category"].get<std::string>()),
                                         request.points.value_or(before["points"].get<double>()),
                                         request.per_hour.value_or(before["points_per_hour"].get<double>()), static_cast<std::int64_t>(usual.count()),
                                         request.night.value_or(before["night_applies"].get<bool>()), 0};
    household_record::check_kind(row);
    const json after{{"name", name},          {"category", row.category},
                     {"points", row.points},  {"points_per_hour", row.per_hour},
                     {"default_minutes", row.default_seconds / 60}, {"night_applies", row.night}};
    if (after == before) return json{{"kind", before}, {"before", before}, {"changed", false}};
    if (moves_figures(before, after)) {
        // The weights are the household's by consent, as the split is.
        if (const auto proposal = propose("kind", name, kind_id, before, after, ctx)) {
            return json{{"kind", before}, {"before", before}, {"changed", false}, {"proposal", describe(*proposal)}};
        }
    } else {
        apply("kind", name, before, after, ctx, {});
    }
    return json{{"kind", kind_json(name)}, {"before", before}, {"changed", true}};
}

std::optional<std::int64_t> settings_service::propose(const std::string& subject, const std::string& name, std::optional<std::int64_t> kind_id,
                                                      const json& before, const json& after, const request_context& ctx) {
    // Who proposes: the caller's member, or whom root names; root alone proposes for nobody.
    const std::optional<std::int64_t> proposer = ctx.binding ? ctx.binding : ctx.acting_for;
    if (proposer) record_.check_active(*proposer);
    std::size_t others = 0, active = 0;
    for (const member_entry& member : record_.names().members) {
        if (member.retired) continue;
        ++active;
        if (member.id != proposer) ++others;
    }
    if (active <= 1 || others == 0) { // a household of one agrees with itself
        apply(subject, name, before, after, ctx, {});
        return std::nullopt;
    }
    return record_.insert_setting_proposal({0, subject, name, kind_id, before, after, "proposed", proposer, ctx.who.uid, record_.now_utc(), std::nullopt});
}

void settings_service::apply(const std::string& subject, const std::string& name, const json& old_value, const json& new_value,
                             const request_context& ctx, const change_consent& consent) {
    // Only what the proposal changes: another field changed meanwhile stays as it is now.
    const auto changed = [&](const char* field) { return old_value[field] != new_value[field]; };
    if (subject == "kind") {
        const json current = kind_json(name);
        household_record::kind_row row{name,
                                       current["category"].get<std::string>(),
                                       current["points"].get<double>(),
                                       current["points_per_hour"].get<double>(),
                                       record_.kind_named(name).default_seconds,
                                       current["night_applies"].get<bool>(),
                                       0};
        if (changed("category")) row.category = new_value["category"].get<std::string>();
        if (changed("points")) row.points = new_value["points"].get<double>();
        if (changed("points_per_hour")) row.per_hour = new_value["points_per_hour"].get<double>();
        if (changed("default_minutes")) row.default_seconds = new_value["default_minutes"].get<std::int64_t>() * 60;
        if (changed("night_applies")) row.night = new_value["night_applies"].get<bool>();
        record_.update_kind(row);
        const json after = kind_json(name);
        if (after != current) record_.log_change("kind", name, current, after, ctx, consent);
        // Points are weighed when a report is made; a new usual length or category
        // changes what was counted, so the aggregates are counted anew.
        if (after["default_minutes"] != current["default_minutes"] || after["category"] != current["category"]) {
            record_.book().rebuild(record_.household().load);
        }
        return;
    }
    const json current = night_settings();
    std::int64_t from = 0, to = 0;
    double multiplier = current["multiplier"];
    {
        store::statement_use query(record_.db().cached("SELECT night_start_minute, night_end_minute FROM household WHERE id = 1"));
        query->step();
        from = query->int64(0);
        to = query->int64(1);
    }
    if (changed("from")) from = parse_time_of_day(new_value["from"].get<std::string>(), "from").count();
    if (changed("to")) to = parse_time_of_day(new_value["to"].get<std::string>(), "to").count();
    if (changed("multiplier")) multiplier = new_value["multiplier"].get<double>();
    const json after{{"from", clock_text(from)}, {"to", clock_text(to)}, {"multiplier", multiplier}};
    if (after == current) return;
    record_.set_night(from, to, multiplier);
    record_.log_change("night", "night", current, night_settings(), ctx, consent);
}

json settings_service::describe(std::int64_t id) {
    const setting_proposal_row row = *record_.setting_proposal(id);
    const std::string& tz = record_.household().tz;
    json described{{"id", row.id},
                   {"subject", row.subject},
                   {"name", row.name},
                   {"state", row.state},
                   {"proposed_by", row.proposed_by ? json(record_.member_name(*row.proposed_by)) : json(nullptr)},
                   {"proposed_at", format_local_iso(sys_seconds{seconds{row.proposed_at}}, tz)},
                   {"decided_at", row.decided_at ? json(format_local_iso(sys_seconds{seconds{*row.decided_at}}, tz)) : json(nullptr)},
                   {"before", row.old_value},
                   {"after", row.new_value}};
    if (row.state == "proposed") {
        const std::vector<std::int64_t> accepted = record_.setting_proposal_accepted(id);
        json waiting = json::array();
        for (const member_entry& member : record_.names().members) {
            if (!member.retired && std::find(accepted.begin(), accepted.end(), member.id) == accepted.end()) waiting.push_back(member.name);
        }
        described["awaiting"] = std::move(waiting);
    }
    return described;
}

json settings_service::proposals_list(const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    json list = json::array();
    for (const std::int64_t id : record_.pending_setting_proposals()) list.push_back(describe(id));
    return json{{"proposals", std::move(list)}};
}

json settings_service::proposal_answer(const setting_answer_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    if (request.subject != "kind" && request.subject != "night") bad_param("subject", "kind or night");
    if (request.subject == "kind" && !request.name) bad_param("name", "which kind: fairly agree --kind NAME --accept");
    const std::string name = request.subject == "kind" ? record_.kind_named(*request.name).name : std::string("night");
    const std::int64_t me = record_.own_member(ctx, request.member, "an answer to a proposal");
    record_.check_active(me);
    const auto pending = record_.pending_setting_proposal(request.subject, name);
    if (!pending) {
        throw rpc_error(error_code::not_found, "no change to " + (request.subject == "kind" ? name : std::string("the night")) +
                                                   " is waiting; `fairly agree` shows what is");
    }
    return json{{"proposal", answer(*pending, me, request.accept, ctx)}};
}

json settings_service::answer(std::int64_t id, std::int64_t member, bool accept, const request_context& ctx) {
    const setting_proposal_row row = *record_.setting_proposal(id);
    const std::int64_t now = record_.now_utc();
    record_.answer_setting_proposal(id, member, accept, ctx.who.uid, now);
    if (!accept) {
        record_.decide_setting_proposal(id, row.proposed_by == member ? "withdrawn" : "declined", now); // the proposer declining withdraws it
    } else {
        settle(id, ctx);
    }
    return describe(id);
}

bool settings_service::settle(std::int64_t id, const request_context& ctx) {
    const setting_proposal_row row = *record_.setting_proposal(id);
    if (row.state != "proposed") return false;
    const std::vector<std::int64_t> accepted = record_.setting_proposal_accepted(id);
    for (const member_entry& member : record_.names().members) {
        if (!member.retired && std::find(accepted.begin(), accepted.end(), member.id) == accepted.end()) return false; // still waiting for someone
    }
    std::vector<std::int64_t> others;
    for (const std::int64_t member : accepted) {
        if (member != row.proposed_by) others.push_back(member);
    }
    record_.decide_setting_proposal(id, "agreed", record_.now_utc());
    apply(row.subject, row.name, row.old_value, row.new_value, ctx, change_consent{row.id, row.proposed_by, row.proposed_by_uid, others});
    return true;
}

json settings_service::decide_waiting(const request_context& ctx) {
    json decided = json::array();
    for (const std::int64_t id : record_.pending_setting_proposals()) {
        if (settle(id, ctx)) decided.push_back(describe(id));
    }
    return decided;
}

json settings_service::changes(const std::optional<std::string>& since, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    if (since) {
        from = checked_input([&] { return resolve_time(parse_time_expr(*since, "since"), ctx.reference, tz, "since"); }).time_since_epoch().count();
    }
    // One line a change: an agreement's proposal that came into force is said by the entry that put it in force.
    std::set<std::int64_t> in_force;
    {
        store::statement_use agreed(record_.db().cached(
            "SELECT proposal_id FROM change_log WHERE subject = 'agreement' AND accepted_by IS NOT NULL AND proposal_id IS NOT NULL"));
        while (agreed->step()) in_force.insert(agreed->int64(0));
    }
    store::statement_use query(record_.db().cached(std::string(change_columns) + "WHERE c.changed_at >= ? ORDER BY c.changed_at, c.id"));
    query->bind(1, from);
    json list = json::array();
    while (query->step()) {
        json change = change_json(*query, tz, record_);
        if (!change["in_force"].get<bool>() && change["new"].value("state", "") == "proposed" && change.contains("proposal") &&
            in_force.count(change["proposal"].get<std::int64_t>())) {
            continue;
        }
        list.push_back(std::move(change));
    }
    return json{{"changes", std::move(list)}};
}

json settings_service::kind_history(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    auto name = optional_string(params, "name");
    // A kind's history is asked by the kind's name, whatever the case (the night and drift keep their own words).
    if (name && *name != "night" && *name != "settings" && *name != "talked") name = record_.kind_named(*name).name;
    // The subjects of the weights and how they are read: the change list's one home (common/change_log.hpp).
    static const std::string history_sql = std::string(change_columns) + "WHERE c.subject IN " +
                                           change_subjects_sql(&change_subject::is_weight_setting) +
                                           " AND (?1 IS NULL OR c.subject_name = ?1) ORDER BY c.id";
    store::statement_use query(record_.db().cached(history_sql));
    query->bind(1, name);
    json changes = json::array();
    while (query->step()) changes.push_back(change_json(*query, tz, record_));
    return json{{"changes", std::move(changes)}};
}

// ---------------------------------------------------------------- night

json settings_service::night_settings() {
    store::statement_use query(record_.db().cached("SELECT night_start_minute, night_end_minute, night_multiplier FROM household WHERE id = 1"));
    query->step();
    return json{{"from", clock_text(query->int64(0))}, {"to", clock_text(query->int64(1))}, {"multiplier", query->real(2)}};
}

json settings_service::night_get(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    return night_settings();
}

json settings_service::night_set(const night_request& request, const request_context& ctx) {
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
        checked_input([&] { check_night_multiplier(*value); });
        multiplier = *value;
    }
    const json after{{"from", clock_text(from)}, {"to", clock_text(to)}, {"multiplier", multiplier}};
    if (after == before) return before;
    // The night moves every night minute of the record: by consent, as the split is.
    if (const auto proposal = propose("night", "night", std::nullopt, before, after, ctx)) {
        json reply = before;
        reply["proposal"] = describe(*proposal);
        return reply;
    }
    return night_settings();
}

} // namespace fairly::daemon
