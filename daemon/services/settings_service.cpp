// Kinds and their weights, the night window, and the change log of both.
#include "settings_service.hpp"

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

json settings_service::kind_edit(const kind_request& request, const request_context& ctx) {
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

json settings_service::changes(const std::optional<std::string>& since, const request_context& ctx) {
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

json settings_service::kind_history(const json& params, const request_context& ctx) {
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
    record_.set_night(from, to, multiplier);
    json after = night_settings();
    if (after != before) {
        record_.log_change("night", "night", before, after, ctx);
        record_.forget();
        record_.book().rebuild(record_.household().load); // night minutes are counted anew with the new window
    }
    return after;
}


} // namespace fairly::daemon
