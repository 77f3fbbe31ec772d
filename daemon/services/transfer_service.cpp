// Export and import: the household taken out whole (JSON, CSV through the
// CLI), and a history kept elsewhere brought in, idempotently by uuid.
//
// The CLI pages through export.records, so an export of a million events
// never sits in one reply. import.records takes a batch of rows and either
// writes them all or none; with dry_run it reads and checks every field of
// every row by the same code and stops short of writing. A row may correct
// (supersede) one earlier in the file: in a check that one was never written,
// so the client marks such rows "earlier_in_file".
#include "transfer_service.hpp"

#include "backup_file.hpp"
#include "catalogue.hpp"
#include "migrations.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"
#include "zone.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <unordered_map>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

constexpr int export_version = 1;
constexpr std::int64_t default_page = 2000;
constexpr std::int64_t largest_page = 20000;
constexpr std::size_t largest_batch = 5000;

json utc_text(std::int64_t t) { return format_iso_utc(sys_seconds{seconds{t}}); }
json optional_utc_text(std::optional<std::int64_t> t) { return t ? utc_text(*t) : json(nullptr); }
json optional_json(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }
json optional_json(std::optional<std::int64_t> value) { return value ? json(*value) : json(nullptr); }

/// Which table export.records pages through, and its time column.
struct record_table {
    std::string_view name;
    std::string_view time_column;
};
constexpr record_table record_tables[] = {
    {"events", "start_utc"}, {"turns", "at_utc"}, {"thanks", "at_utc"}, {"meetings_moved", "at_utc"}};

/// A uid from the file, or nullopt when absent; refuses what is not a uid.
std::optional<std::int64_t> uid_field(const json& row, const char* field) {
    auto uid = optional_integer(row, field);
    if (uid && (*uid < 0 || *uid > std::numeric_limits<std::uint32_t>::max())) bad_param(field, "not a Unix uid");
    return uid;
}

/// A row's uuid, lower-cased; required (the CLI derives one for rows without).
std::string row_uuid(const json& row) { return uuid_param(row); }

} // namespace

// ---------------------------------------------------------------- export

json transfer_service::change_log() {
    json changes = json::array();
    store::statement_use query(record_.db().cached(
        "SELECT c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at, "
        "c.proposal_id, p.name, c.proposed_by_uid, c.accepted_by FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id LEFT JOIN member p ON p.id = c.proposed_by_member_id ORDER BY c.id"));
    while (query->step()) {
        json change{{"subject", query->text(0)}, {"name", query->text(1)},
                    {"old", query->is_null(2) ? json(nullptr) : json::parse(query->text(2))},
                    {"new", json::parse(query->text(3))}, {"changed_by_uid", query->int64(4)},
                    {"changed_by", optional_json(query->optional_text(5))}, {"changed_at", utc_text(query->int64(6))}};
        // A change by consent: its proposal (ids run from 1 in order, and an import into a new household keeps them), who proposed and who accepted.
        if (!query->is_null(7)) change["proposal"] = query->int64(7);
        if (!query->is_null(10)) {
            json accepted = json::array();
            for (const json& member : json::parse(query->text(10))) accepted.push_back(record_.member_name(member.get<std::int64_t>()));
            change["proposed_by"] = optional_json(query->optional_text(8));
            change["proposed_by_uid"] = optional_json(query->optional_int64(9));
            change["accepted_by"] = std::move(accepted);
        }
        changes.push_back(std::move(change));
    }
    return changes;
}

json transfer_service::export_household(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    json result{{"format", "fairly-export"}, {"version", export_version}};
    {
        store::statement_use query(record_.db().cached(
            "SELECT tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_k, drift_h, "
            "couple_check_weekday, couple_check_minute, created_at FROM household WHERE id = 1"));
        query->step();
        result["household"] = {
            {"tz", query->text(0)},
            {"week_start", query->int64(1)},
            {"night", {{"from", clock_text(query->int64(2))}, {"to", clock_text(query->int64(3))}, {"multiplier", query->real(4)}}},
            {"drift", {{"k", query->real(5)}, {"h", query->real(6)}}},
            {"couple_check", {{"weekday", query->int64(7)}, {"time", clock_text(query->int64(8))}}},
            {"created_at", utc_text(query->int64(9))},
        };
    }
    json& members = result["members"] = json::array();
    {
        store::statement_use query(record_.db().cached("SELECT name, agreed_share, unix_uid, created_at, retired_at FROM member ORDER BY id"));
        while (query->step()) {
            members.push_back({{"name", query->text(0)}, {"agreed_share", query->real(1)},
                               {"unix_uid", optional_json(query->optional_int64(2))}, {"created_at", utc_text(query->int64(3))},
                               {"retired_at", optional_utc_text(query->optional_int64(4))}});
        }
    }
    json& kinds = result["kinds"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT name, category, points, points_per_hour, default_seconds, night_applies, created_at FROM kind ORDER BY id"));
        while (query->step()) {
            kinds.push_back({{"name", query->text(0)}, {"category", query->text(1)}, {"points", query->real(2)},
                             {"points_per_hour", query->real(3)}, {"default_seconds", query->int64(4)},
                             {"night_applies", query->int64(5) != 0}, {"created_at", utc_text(query->int64(6))}});
        }
    }
    result["changes"] = change_log();
    json& talks = result["drift_talks"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT t.at_utc, t.note, m.name, t.uid, t.created_at FROM drift_talk t LEFT JOIN member m ON m.id = t.member_id ORDER BY t.id"));
        while (query->step()) {
            talks.push_back({{"at", utc_text(query->int64(0))}, {"note", query->text(1)}, {"by", optional_json(query->optional_text(2))},
                             {"uid", query->int64(3)}, {"created_at", utc_text(query->int64(4))}});
        }
    }
    json& goals = result["protected_goals"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT m.name, g.weekly_seconds, g.set_by_uid, g.created_at FROM protected_goal g "
            "LEFT JOIN member m ON m.id = g.member_id ORDER BY g.id"));
        while (query->step()) {
            goals.push_back({{"who", query->optional_text(0).value_or("couple")}, {"weekly_seconds", query->int64(1)},
                             {"set_by_uid", query->int64(2)}, {"created_at", utc_text(query->int64(3))}});
        }
    }
    json& slots = result["protected_slots"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT m.name, s.label, s.weekday, s.start_minute, s.length_seconds, s.created_by_uid, s.created_at, s.removed_at "
            "FROM protected_slot s LEFT JOIN member m ON m.id = s.member_id ORDER BY s.id"));
        while (query->step()) {
            slots.push_back({{"who", query->optional_text(0).value_or("couple")}, {"label", query->text(1)},
                             {"weekday", query->int64(2)}, {"start", clock_text(query->int64(3))},
                             {"length_seconds", query->int64(4)}, {"created_by_uid", query->int64(5)},
                             {"created_at", utc_text(query->int64(6))}, {"removed_at", optional_utc_text(query->optional_int64(7))}});
        }
    }
    // Proposed changes of weights and the night, with their answers.
    json& proposals = result["setting_proposals"] = json::array();
    {
        std::vector<std::int64_t> ids;
        {
            store::statement_use query(record_.db().cached("SELECT id FROM setting_proposal ORDER BY id"));
            while (query->step()) ids.push_back(query->int64(0));
        }
        for (const std::int64_t id : ids) {
            const setting_proposal_row row = *record_.setting_proposal(id);
            json answers = json::array();
            store::statement_use query(record_.db().cached(
                "SELECT m.name, a.answer, a.uid, a.at FROM setting_proposal_answer a JOIN member m ON m.id = a.member_id "
                "WHERE a.proposal_id = ? ORDER BY a.at, a.member_id"));
            query->bind(1, id);
            while (query->step()) {
                answers.push_back({{"member", query->text(0)}, {"answer", query->text(1)}, {"uid", query->int64(2)}, {"at", utc_text(query->int64(3))}});
            }
            proposals.push_back({{"subject", row.subject}, {"name", row.name}, {"old", row.old_value}, {"new", row.new_value},
                                 {"state", row.state}, {"proposed_by", row.proposed_by ? json(record_.member_name(*row.proposed_by)) : json(nullptr)},
                                 {"proposed_by_uid", row.proposed_by_uid}, {"proposed_at", utc_text(row.proposed_at)},
                                 {"decided_at", optional_utc_text(row.decided_at)}, {"answers", std::move(answers)}});
        }
    }
    // The agreed split's history (every proposal, its shares and answers), time away, and guesses.
    json& agreements = result["agreements"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT a.id, a.thing, a.from_day, a.state, m.name, a.proposed_by_uid, a.proposed_at, a.decided_at, a.note FROM agreement a "
            "LEFT JOIN member m ON m.id = a.proposed_by_member_id ORDER BY a.id"));
        std::vector<json> rows;
        std::vector<std::int64_t> ids;
        while (query->step()) {
            ids.push_back(query->int64(0));
            rows.push_back({{"thing", optional_json(query->optional_text(1))}, {"from_day", query->int64(2)}, {"state", query->text(3)},
                            {"proposed_by", optional_json(query->optional_text(4))}, {"proposed_by_uid", query->int64(5)},
                            {"proposed_at", utc_text(query->int64(6))}, {"decided_at", optional_utc_text(query->optional_int64(7))},
                            {"note", query->text(8)}, {"shares", json::object()}, {"answers", json::array()}});
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            store::statement_use shares(record_.db().cached(
                "SELECT m.name, s.share FROM agreement_share s JOIN member m ON m.id = s.member_id WHERE s.agreement_id = ? ORDER BY m.id"));
            shares->bind(1, ids[i]);
            while (shares->step()) rows[i]["shares"][shares->text(0)] = shares->real(1);
            store::statement_use answers(record_.db().cached(
                "SELECT m.name, a.answer, a.uid, a.at FROM agreement_answer a JOIN member m ON m.id = a.member_id WHERE a.agreement_id = ? ORDER BY a.at"));
            answers->bind(1, ids[i]);
            while (answers->step()) {
                rows[i]["answers"].push_back({{"member", answers->text(0)}, {"answer", answers->text(1)}, {"uid", answers->int64(2)},
                                              {"at", utc_text(answers->int64(3))}});
            }
            agreements.push_back(std::move(rows[i]));
        }
    }
    json& away = result["away"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT m.name, a.from_day, a.to_day, a.note, b.name, a.uid, a.created_at FROM away a JOIN member m ON m.id = a.member_id "
            "LEFT JOIN member b ON b.id = a.by_member_id ORDER BY a.id"));
        while (query->step()) {
            away.push_back({{"member", query->text(0)}, {"from_day", query->int64(1)}, {"to_day", query->int64(2)}, {"note", query->text(3)},
                            {"by", optional_json(query->optional_text(4))}, {"uid", query->int64(5)}, {"created_at", utc_text(query->int64(6))}});
        }
    }
    json& guesses = result["guesses"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT m.name, g.week_day, g.share, g.night_share, g.uid, g.created_at FROM guess g JOIN member m ON m.id = g.member_id "
            "ORDER BY g.week_day, m.id"));
        while (query->step()) {
            guesses.push_back({{"member", query->text(0)}, {"week_day", query->int64(1)}, {"share", query->real(2)},
                               {"night_share", query->is_null(3) ? json(nullptr) : json(query->real(3))}, {"uid", query->int64(4)},
                               {"created_at", utc_text(query->int64(5))}});
        }
    }
    json& timers = result["timers"] = json::array();
    {
        store::statement_use query(record_.db().cached(
            "SELECT t.uuid, m.name, k.name, t.start_utc, t.role, t.note, t.started_by_uid, t.created_at FROM timer t "
            "JOIN member m ON m.id = t.member_id JOIN kind k ON k.id = t.kind_id ORDER BY t.id"));
        while (query->step()) {
            timers.push_back({{"uuid", query->text(0)}, {"member", query->text(1)}, {"kind", query->text(2)},
                              {"start", format_local_iso(sys_seconds{seconds{query->int64(3)}}, house.tz)}, {"role", query->text(4)},
                              {"note", query->text(5)}, {"started_by_uid", query->int64(6)}, {"created_at", utc_text(query->int64(7))}});
        }
    }
    return result;
}

json transfer_service::export_records(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const std::string table = required_string(params, "table");
    const record_table* chosen = nullptr;
    for (const record_table& t : record_tables) {
        if (t.name == table) chosen = &t;
    }
    if (!chosen) bad_param("table", "one of events, turns, thanks, meetings_moved");
    const std::int64_t after = optional_integer(params, "after").value_or(0);
    const std::int64_t limit = optional_integer(params, "limit").value_or(default_page);
    if (limit < 1 || limit > largest_page) bad_param("limit", "from 1 to " + std::to_string(largest_page));
    const sys_seconds reference = ctx.reference;
    const std::int64_t from = record_.time_param(params, "from", reference).value_or(sys_seconds{seconds{std::numeric_limits<std::int64_t>::min()}}).time_since_epoch().count();
    const std::int64_t to = record_.time_param(params, "to", reference).value_or(sys_seconds{seconds{std::numeric_limits<std::int64_t>::max()}}).time_since_epoch().count();
    // Columns derived for a spreadsheet (category, counted minutes, the
    // latest review); the JSON export leaves them out, as an import ignores them.
    const bool derived = optional_bool(params, "derived");

    auto local = [&](std::int64_t t) { return format_local_iso(sys_seconds{seconds{t}}, tz); };
    json rows = json::array();
    std::int64_t last = after;
    if (chosen->name == "events") {
        store::statement_use query(record_.db().cached(
            "SELECT e.id, e.uuid, m.name, k.name, k.category, e.start_utc, e.end_utc, k.default_seconds, e.role, e.note, e.status, "
            "s.uuid, lb.name, e.logged_by_uid, e.source, e.created_at, e.void_reason, e.voided_by_uid, e.voided_at "
            "FROM event e JOIN member m ON m.id = e.member_id JOIN kind k ON k.id = e.kind_id "
            "LEFT JOIN event s ON s.id = e.supersedes LEFT JOIN member lb ON lb.id = e.logged_by_member_id "
            "WHERE e.id > ?1 AND e.start_utc >= ?2 AND e.start_utc < ?3 ORDER BY e.id LIMIT ?4"));
        query->bind(1, after).bind(2, from).bind(3, to).bind(4, limit);
        std::unordered_map<std::int64_t, std::size_t> row_of; // event id -> its row in this page
        while (query->step()) {
            last = query->int64(0);
            const auto end = query->optional_int64(6);
            json row{{"uuid", query->text(1)}, {"member", query->text(2)}, {"kind", query->text(3)},
                     {"start", local(query->int64(5))}, {"end", end ? json(local(*end)) : json(nullptr)},
                     {"role", query->text(8)}, {"note", query->text(9)}, {"status", query->text(10)},
                     {"supersedes", optional_json(query->optional_text(11))}, {"logged_by", optional_json(query->optional_text(12))},
                     {"logged_by_uid", query->int64(13)}, {"source", query->text(14)}, {"created_at", utc_text(query->int64(15))},
                     {"void_reason", optional_json(query->optional_text(16))}, {"voided_by_uid", optional_json(query->optional_int64(17))},
                     {"voided_at", optional_utc_text(query->optional_int64(18))}, {"reviews", json::array()}};
            if (derived) {
                row["category"] = query->text(4);
                row["minutes"] = static_cast<double>(end ? *end - query->int64(5) : query->int64(7)) / 60.0;
            }
            row_of.emplace(last, rows.size());
            rows.push_back(std::move(row));
        }
        // The page's reviews in one look, not one per event.
        if (!rows.empty()) {
            store::statement_use review(record_.db().cached(
                "SELECT r.event_id, m.name, r.verdict, r.reason, r.reviewed_by_uid, r.created_at FROM event_review r "
                "JOIN member m ON m.id = r.member_id WHERE r.event_id > ? AND r.event_id <= ? ORDER BY r.id"));
            review->bind(1, after).bind(2, last);
            while (review->step()) {
                const auto found = row_of.find(review->int64(0));
                if (found == row_of.end()) continue; // an event outside the period
                rows[found->second]["reviews"].push_back({{"member", review->text(1)}, {"verdict", review->text(2)},
                                                          {"reason", review->text(3)}, {"reviewed_by_uid", review->int64(4)},
                                                          {"created_at", utc_text(review->int64(5))}});
            }
        }
        if (derived) {
            for (json& row : rows) {
                const json& reviews = row["reviews"];
                row["review"] = reviews.empty() ? json(nullptr) : reviews.back()["verdict"];
                row["review_reason"] = reviews.empty() ? json(nullptr) : reviews.back()["reason"];
            }
        }
    } else if (chosen->name == "turns") {
        store::statement_use query(record_.db().cached(
            "SELECT t.id, t.uuid, t.thing, m.name, t.at_utc, t.note, lb.name, t.logged_by_uid, t.created_at FROM turn t "
            "JOIN member m ON m.id = t.member_id LEFT JOIN member lb ON lb.id = t.logged_by_member_id "
            "WHERE t.id > ?1 AND t.at_utc >= ?2 AND t.at_utc < ?3 ORDER BY t.id LIMIT ?4"));
        query->bind(1, after).bind(2, from).bind(3, to).bind(4, limit);
        while (query->step()) {
            last = query->int64(0);
            rows.push_back({{"uuid", query->text(1)}, {"thing", query->text(2)}, {"member", query->text(3)}, {"at", local(query->int64(4))},
                            {"note", query->text(5)}, {"logged_by", optional_json(query->optional_text(6))},
                            {"logged_by_uid", query->int64(7)}, {"created_at", utc_text(query->int64(8))}});
        }
    } else if (chosen->name == "thanks") {
        store::statement_use query(record_.db().cached(
            "SELECT t.id, t.uuid, f.name, r.name, t.note, t.at_utc, t.from_uid, t.created_at FROM thanks t "
            "JOIN member f ON f.id = t.from_member_id JOIN member r ON r.id = t.to_member_id "
            "WHERE t.id > ?1 AND t.at_utc >= ?2 AND t.at_utc < ?3 ORDER BY t.id LIMIT ?4"));
        query->bind(1, after).bind(2, from).bind(3, to).bind(4, limit);
        while (query->step()) {
            last = query->int64(0);
            rows.push_back({{"uuid", query->text(1)}, {"from", query->text(2)}, {"to", query->text(3)}, {"note", query->text(4)},
                            {"at", local(query->int64(5))}, {"from_uid", query->int64(6)}, {"created_at", utc_text(query->int64(7))}});
        }
    } else {
        store::statement_use query(record_.db().cached(
            "SELECT mm.id, mm.uuid, m.name, mm.what, k.name, e.uuid, mm.impact, mm.at_utc, mm.note, lb.name, mm.logged_by_uid, mm.created_at "
            "FROM meeting_moved mm JOIN member m ON m.id = mm.member_id LEFT JOIN kind k ON k.id = mm.for_kind_id "
            "LEFT JOIN event e ON e.id = mm.for_event_id LEFT JOIN member lb ON lb.id = mm.logged_by_member_id "
            "WHERE mm.id > ?1 AND mm.at_utc >= ?2 AND mm.at_utc < ?3 ORDER BY mm.id LIMIT ?4"));
        query->bind(1, after).bind(2, from).bind(3, to).bind(4, limit);
        while (query->step()) {
            last = query->int64(0);
            rows.push_back({{"uuid", query->text(1)}, {"member", query->text(2)}, {"what", query->text(3)},
                            {"for_kind", optional_json(query->optional_text(4))}, {"for_event", optional_json(query->optional_text(5))},
                            {"impact", query->text(6)}, {"at", local(query->int64(7))}, {"note", query->text(8)},
                            {"logged_by", optional_json(query->optional_text(9))}, {"logged_by_uid", query->int64(10)},
                            {"created_at", utc_text(query->int64(11))}});
        }
    }
    const bool more = static_cast<std::int64_t>(rows.size()) == limit;
    return json{{"table", table}, {"rows", std::move(rows)}, {"next", more ? json(last) : json(nullptr)}};
}

// ---------------------------------------------------------------- import: the household

sys_seconds transfer_service::import_time(const json& row, const char* field, bool required) {
    auto text = optional_string(row, field);
    if (!text) {
        if (required) bad_param(field, "is required");
        return sys_seconds{};
    }
    const time_expr expr = checked_input([&] { return parse_time_expr(*text, field); });
    if (expr.kind == time_expr::form::instant) return expr.at;
    if (expr.kind != time_expr::form::local_date_time) {
        bad_param(field, "\"" + *text + "\" is not a date and time; an import needs them written out, e.g. 2026-11-01T22:00:00+00:00 "
                         "or 2026-11-01 22:00 (the household's local time)");
    }
    return checked_input([&] { return resolve_time(expr, record_.now(), record_.household().tz, field); });
}

std::int64_t transfer_service::import_created(const json& row, const char* field) {
    if (!find(row, field)) return record_.now_utc();
    return import_time(row, field, true).time_since_epoch().count();
}

json transfer_service::import_household(const json& params, const request_context& ctx) {
    const json* file = find(params, "household");
    if (!file || !file->is_object()) bad_param("household", "expected the household part of a fairly export");
    store::savepoint scope(record_.db());
    json result;
    try {
        result = apply_household(*file, ctx);
    } catch (...) {
        scope.rollback();
        record_.forget();
        throw;
    }
    if (optional_bool(params, "dry_run")) {
        scope.rollback();
        record_.forget();
    } else {
        scope.release();
    }
    result["dry_run"] = optional_bool(params, "dry_run");
    return result;
}

json transfer_service::apply_household(const json& file, const request_context& ctx) {
    if (auto format = optional_string(file, "format"); format && *format != "fairly-export") {
        bad_param("format", "this is not a fairly export (format \"" + *format + "\")");
    }
    if (auto version = optional_integer(file, "version"); version && *version > export_version) {
        bad_param("version", "this export is version " + std::to_string(*version) + "; this fairlyd reads up to version " +
                                 std::to_string(export_version) + " (upgrade fairly)");
    }
    const json* settings = find(file, "household");
    if (!settings || !settings->is_object()) bad_param("household", "the export has no household settings");
    const json* members = find(file, "members");
    if (!members || !members->is_array()) bad_param("members", "the export has no member list");
    const json* kinds = find(file, "kinds");
    if (!kinds || !kinds->is_array()) bad_param("kinds", "the export has no kind list");

    const bool fresh = !record_.set_up();
    json notes = json::array();
    int members_added = 0, kinds_added = 0;
    if (fresh) {
        // A new household restored whole from the file: settings, members
        // with their Unix users, kinds with their history.
        if (!ctx.privileged) {
            throw rpc_error(error_code::permission_denied,
                            "this household is not set up; only root or the user fairlyd runs as can set it up from an export");
        }
        const std::string tz = required_string(*settings, "tz");
        if (!is_known_zone(tz)) bad_param("tz", "\"" + tz + "\" is not a time zone of this system's tz database");
        const std::int64_t week_start = optional_integer(*settings, "week_start").value_or(1);
        if (week_start < 0 || week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");
        const json empty = json::object();
        const json* night = find(*settings, "night");
        if (!night) night = &empty;
        const json* drift = find(*settings, "drift");
        if (!drift) drift = &empty;
        const json* couple = find(*settings, "couple_check");
        if (!couple) couple = &empty;
        auto minutes_of = [](const json& object, const char* field, std::int64_t fallback) {
            auto text = optional_string(object, field);
            return text ? checked_input([&] { return parse_time_of_day(*text, field); }).count() : fallback;
        };
        const double multiplier = optional_number(*night, "multiplier").value_or(1.5);
        if (multiplier < 1 || multiplier > 10) bad_param("multiplier", "from 1 to 10");
        const std::int64_t couple_day = optional_integer(*couple, "weekday").value_or(4);
        if (couple_day < 0 || couple_day > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
        household_record::household_row house;
        house.tz = tz;
        house.week_start = week_start;
        house.night_start = minutes_of(*night, "from", 1320);
        house.night_end = minutes_of(*night, "to", 360);
        house.multiplier = multiplier;
        // In sigma since schema 6 (k, h); an older file's fixed shares (slack, threshold) are not carried over.
        house.slack = optional_number(*drift, "k").value_or(0.5);
        house.threshold = optional_number(*drift, "h").value_or(4);
        house.couple_weekday = couple_day;
        house.couple_minute = minutes_of(*couple, "time", 1080);
        house.created = import_created(*settings, "created_at");
        record_.insert_household(house);
    } else {
        record_.require_access(ctx);
        const household_info& house = record_.household();
        if (auto tz = optional_string(*settings, "tz"); tz && *tz != house.tz) {
            notes.push_back("kept this household's time zone " + house.tz + " (the file's is " + *tz + ")");
        }
    }

    for (const json& member : *members) {
        if (!member.is_object()) bad_param("members", "each member is an object");
        const std::string name = required_string(member, "name");
        if (!is_valid_name(name) || name == "couple") bad_param("members", "\"" + name + "\" is not a member name");
        {
            store::statement_use existing(record_.db().cached("SELECT 1 FROM member WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) continue;
        }
        if (!fresh && !ctx.privileged) {
            throw rpc_error(error_code::permission_denied,
                            "member " + name + " is in the file but not in this household; add them first with `fairly member add " +
                                name + "` (root or fairlyd's user), or import as root");
        }
        const double share = optional_number(member, "agreed_share").value_or(0);
        if (share < 0 || share > 100) bad_param("agreed_share", "a percent from 0 to 100");
        // Unix users are carried into a new household only: in an existing
        // one the uid may already mean someone else.
        std::optional<std::int64_t> uid = fresh ? uid_field(member, "unix_uid") : std::nullopt;
        record_.insert_member(name, uid, share, import_created(member, "created_at"), "members");
        if (fresh && find(member, "retired_at") && !find(member, "retired_at")->is_null()) {
            store::statement_use retire(record_.db().cached("UPDATE member SET retired_at = ?, unix_uid = NULL WHERE name = ?"));
            retire->bind(1, import_time(member, "retired_at", true).time_since_epoch().count()).bind(2, name).step();
        }
        ++members_added;
        if (!fresh) notes.push_back("added member " + name + " with no Unix user bound");
    }
    record_.forget();

    for (const json& kind : *kinds) {
        if (!kind.is_object()) bad_param("kinds", "each kind is an object");
        const std::string name = required_string(kind, "name");
        if (!is_valid_name(name)) bad_param("kinds", "\"" + name + "\" is not a kind name");
        const std::string category = required_string(kind, "category");
        if (!is_category(category)) bad_param("category", "\"" + category + "\" is not a category");
        const double points = optional_number(kind, "points").value_or(0), per_hour = optional_number(kind, "points_per_hour").value_or(0);
        if (points < 0 || points > 1000 || per_hour < 0 || per_hour > 1000) bad_param("points", "a weight from 0 to 1000");
        const std::int64_t usual = optional_integer(kind, "default_seconds").value_or(1800);
        if (usual < 0 || usual > 7 * 86400) bad_param("default_seconds", "from 0 to a week");
        const bool night = optional_bool(kind, "night_applies");
        {
            store::statement_use existing(record_.db().cached("SELECT points, points_per_hour, default_seconds, night_applies, category FROM kind WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) {
                if (existing->real(0) != points || existing->real(1) != per_hour || existing->int64(2) != usual ||
                    (existing->int64(3) != 0) != night || existing->text(4) != category) {
                    notes.push_back("kept this household's weights for kind " + name + " (the file's differ)");
                }
                continue;
            }
        }
        record_.insert_kind({name, category, points, per_hour, usual, night, import_created(kind, "created_at")});
        ++kinds_added;
        if (!fresh) {
            record_.log_change("kind", name, nullptr,
                       json{{"name", name}, {"category", category}, {"points", points}, {"points_per_hour", per_hour},
                            {"default_minutes", usual / 60}, {"night_applies", night}},
                       ctx);
            notes.push_back("added kind " + name + " from the file");
        }
    }
    record_.forget();

    // The history of weights and of the night goes with a new household; in
    // an existing one it describes changes that did not happen there.
    if (const json* changes = find(file, "changes"); changes && fresh) {
        if (!changes->is_array()) bad_param("changes", "expected a list");
        for (const json& change : *changes) {
            const std::string subject = required_string(change, "subject");
            if (!household_record::is_change_subject(subject)) bad_param("subject", "not a setting the change log keeps: " + subject);
            const json* old_value = find(change, "old");
            const json* new_value = find(change, "new");
            if (!new_value) bad_param("new", "is required");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(change, "changed_by")) by = record_.member_id(*name, "changed_by");
            change_consent consent{optional_integer(change, "proposal"), std::nullopt, uid_field(change, "proposed_by_uid"), std::nullopt};
            if (auto name = optional_string(change, "proposed_by")) consent.proposed_by = record_.member_id(*name, "proposed_by");
            if (const json* accepted = find(change, "accepted_by")) {
                if (!accepted->is_array()) bad_param("accepted_by", "expected a list of members");
                consent.accepted_by.emplace();
                for (const json& name : *accepted) {
                    if (!name.is_string()) bad_param("accepted_by", "expected a list of members");
                    consent.accepted_by->push_back(record_.member_id(name.get<std::string>(), "accepted_by"));
                }
            }
            record_.log_change(subject, required_string(change, "name"), old_value ? *old_value : json(nullptr), *new_value,
                               uid_field(change, "changed_by_uid").value_or(ctx.who.uid), by, import_created(change, "changed_at"), consent);
        }
        // The proposals of weights and the night go with them, in order (their ids are the change log's).
        if (const json* proposals = find(file, "setting_proposals")) {
            if (!proposals->is_array()) bad_param("setting_proposals", "expected a list");
            for (const json& proposal : *proposals) {
                const std::string subject = required_string(proposal, "subject"), name = required_string(proposal, "name");
                const json* old_value = find(proposal, "old");
                const json* new_value = find(proposal, "new");
                if (!old_value || !new_value) bad_param("setting_proposals", "a proposal has its old and new value");
                setting_proposal_row row{0, subject, name, std::nullopt, *old_value, *new_value, "proposed", std::nullopt,
                                         uid_field(proposal, "proposed_by_uid").value_or(ctx.who.uid), import_created(proposal, "proposed_at"),
                                         std::nullopt};
                if (subject == "kind") row.kind_id = record_.kind_named(name).id;
                if (auto by = optional_string(proposal, "proposed_by")) row.proposed_by = record_.member_id(*by, "proposed_by");
                const std::int64_t id = record_.insert_setting_proposal(row);
                if (const json* answers = find(proposal, "answers"); answers && answers->is_array()) {
                    for (const json& answer : *answers) {
                        const std::string said = required_string(answer, "answer");
                        if (said != "accept" && said != "decline") bad_param("answer", "accept or decline");
                        record_.answer_setting_proposal(id, record_.member_id(required_string(answer, "member"), "member"), said == "accept",
                                                        uid_field(answer, "uid").value_or(ctx.who.uid), import_created(answer, "at"));
                    }
                }
                const std::string state = optional_string(proposal, "state").value_or("proposed");
                if (state != "proposed") {
                    std::int64_t decided = row.proposed_at;
                    if (const json* at = find(proposal, "decided_at"); at && !at->is_null()) decided = import_created(proposal, "decided_at");
                    record_.decide_setting_proposal(id, state, decided);
                }
            }
        }
    } else if (changes && !changes->empty() && *changes != change_log()) {
        notes.push_back("left out the file's history of weight changes: it belongs to the household it came from");
    }

    if (const json* talks = find(file, "drift_talks")) {
        if (!talks->is_array()) bad_param("drift_talks", "expected a list");
        for (const json& talk : *talks) {
            const std::int64_t at = import_time(talk, "at", true).time_since_epoch().count();
            const std::string note = optional_string(talk, "note").value_or("");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(talk, "by")) by = record_.member_id(*name, "by");
            store::statement_use same(record_.db().cached("SELECT 1 FROM drift_talk WHERE at_utc = ? AND note = ?"));
            same->bind(1, at).bind(2, note);
            if (same->step()) continue;
            record_.insert_talk(at, note, by, fresh ? uid_field(talk, "uid").value_or(ctx.who.uid) : ctx.who.uid,
                                import_created(talk, "created_at"));
        }
    }

    auto owner = [&](const json& row) -> std::optional<std::int64_t> {
        const std::string who_name = required_string(row, "who");
        if (who_name == "couple") return std::nullopt;
        return record_.member_id(who_name, "who");
    };
    int goals_added = 0, slots_added = 0, timers_added = 0;
    if (const json* goals = find(file, "protected_goals")) {
        if (!goals->is_array()) bad_param("protected_goals", "expected a list");
        for (const json& goal : *goals) {
            const auto member = owner(goal);
            const auto weekly = optional_integer(goal, "weekly_seconds");
            if (!weekly || *weekly <= 0) bad_param("weekly_seconds", "a positive number of seconds");
            if (record_.add_goal(member, *weekly, fresh ? uid_field(goal, "set_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                 import_created(goal, "created_at"))) {
                ++goals_added;
                continue;
            }
            store::statement_use kept(record_.db().cached("SELECT weekly_seconds FROM protected_goal WHERE member_id IS ?"));
            kept->bind(1, member);
            if (kept->step() && kept->int64(0) != *weekly) {
                notes.push_back("kept this household's protected-time goal for " + required_string(goal, "who") + " (the file's differs)");
            }
        }
    }
    if (const json* slots = find(file, "protected_slots")) {
        if (!slots->is_array()) bad_param("protected_slots", "expected a list");
        for (const json& slot : *slots) {
            const auto member = owner(slot);
            const std::string label = optional_string(slot, "label").value_or("");
            const auto weekday = optional_integer(slot, "weekday");
            if (!weekday || *weekday < 0 || *weekday > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
            const std::int64_t start = checked_input([&] { return parse_time_of_day(required_string(slot, "start"), "start"); }).count();
            const auto length = optional_integer(slot, "length_seconds");
            if (!length || *length <= 0 || *length > 86400) bad_param("length_seconds", "from 1 second to a day");
            std::optional<std::int64_t> removed;
            if (find(slot, "removed_at")) removed = import_time(slot, "removed_at", true).time_since_epoch().count();
            {
                store::statement_use same(record_.db().cached(
                    "SELECT 1 FROM protected_slot WHERE member_id IS ? AND label = ? AND weekday = ? AND start_minute = ? "
                    "AND length_seconds = ? AND (removed_at IS NULL) = (? IS NULL)"));
                same->bind(1, member).bind(2, label).bind(3, *weekday).bind(4, start).bind(5, *length).bind(6, removed);
                if (same->step()) continue;
            }
            record_.insert_slot(member, label, *weekday, start, *length,
                                fresh ? uid_field(slot, "created_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                import_created(slot, "created_at"), removed);
            ++slots_added;
        }
    }
    if (const json* timers = find(file, "timers")) {
        if (!timers->is_array()) bad_param("timers", "expected a list");
        for (const json& timer : *timers) {
            const std::string uuid = row_uuid(timer);
            const std::int64_t member = record_.member_id(required_string(timer, "member"), "member");
            const std::int64_t kind = record_.kind_named(required_string(timer, "kind")).id;
            {
                store::statement_use same(record_.db().cached("SELECT 1 FROM timer WHERE uuid = ? OR (member_id = ? AND kind_id = ?)"));
                same->bind(1, uuid).bind(2, member).bind(3, kind);
                if (same->step()) continue;
            }
            record_.insert_timer(uuid, member, kind, import_time(timer, "start", true).time_since_epoch().count(), role_param(timer, "did"),
                                 note_param(timer).value_or(""), fresh ? uid_field(timer, "started_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                 import_created(timer, "created_at"));
            ++timers_added;
        }
    }
    // The agreed split's history belongs to the household it came from: it goes with a new household only.
    if (const json* agreements = find(file, "agreements"); agreements && !agreements->empty()) {
        if (!agreements->is_array()) bad_param("agreements", "expected a list");
        if (!fresh) notes.push_back("left out the file's agreements: this household's split is agreed here (`fairly agree`)");
        for (const json& agreement : fresh ? *agreements : json::array()) {
            const std::string state = required_string(agreement, "state");
            if (state != "proposed" && state != "agreed" && state != "declined" && state != "withdrawn") bad_param("state", "not a state of an agreement");
            const auto from_day = optional_integer(agreement, "from_day");
            if (!from_day) bad_param("from_day", "is required");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(agreement, "proposed_by")) by = record_.member_id(*name, "proposed_by");
            std::optional<std::int64_t> decided;
            if (find(agreement, "decided_at") && !find(agreement, "decided_at")->is_null()) decided = import_time(agreement, "decided_at", true).time_since_epoch().count();
            // Written as proposed, its shares and answers added, then decided: the record's rules hold on import too.
            store::statement_use insert(record_.db().cached(
                "INSERT INTO agreement (thing, from_day, proposed_by_member_id, proposed_by_uid, proposed_at, note) VALUES (?, ?, ?, ?, ?, ?)"));
            insert->bind(1, optional_string(agreement, "thing")).bind(2, *from_day).bind(3, by)
                .bind(4, uid_field(agreement, "proposed_by_uid").value_or(ctx.who.uid))
                .bind(5, import_created(agreement, "proposed_at")).bind(6, optional_string(agreement, "note").value_or("")).step();
            const std::int64_t id = record_.db().last_insert_rowid();
            if (const json* shares = find(agreement, "shares"); shares && shares->is_object()) {
                for (const auto& [name, share] : shares->items()) {
                    if (!share.is_number() || share.get<double>() < 0 || share.get<double>() > 100) bad_param("shares", "a percent from 0 to 100");
                    store::statement_use row(record_.db().cached("INSERT INTO agreement_share (agreement_id, member_id, share) VALUES (?, ?, ?)"));
                    row->bind(1, id).bind(2, record_.member_id(name, "shares")).bind(3, share.get<double>()).step();
                }
            }
            if (const json* answers = find(agreement, "answers"); answers && answers->is_array()) {
                for (const json& answer : *answers) {
                    const std::string said = required_string(answer, "answer");
                    if (said != "accept" && said != "decline") bad_param("answer", "accept or decline");
                    store::statement_use row(record_.db().cached(
                        "INSERT INTO agreement_answer (agreement_id, member_id, answer, uid, at) VALUES (?, ?, ?, ?, ?)"));
                    row->bind(1, id).bind(2, record_.member_id(required_string(answer, "member"), "member")).bind(3, said)
                        .bind(4, uid_field(answer, "uid").value_or(ctx.who.uid)).bind(5, import_created(answer, "at")).step();
                }
            }
            if (state != "proposed") {
                store::statement_use decide(record_.db().cached("UPDATE agreement SET state = ?, decided_at = ? WHERE id = ?"));
                decide->bind(1, state).bind(2, decided.value_or(import_created(agreement, "proposed_at"))).bind(3, id).step();
            }
        }
    }
    int away_added = 0;
    if (const json* away = find(file, "away")) {
        if (!away->is_array()) bad_param("away", "expected a list");
        for (const json& entry : *away) {
            const std::int64_t member = record_.member_id(required_string(entry, "member"), "member");
            const auto from = optional_integer(entry, "from_day"), to = optional_integer(entry, "to_day");
            if (!from || !to || *to < *from) bad_param("to_day", "the last day away is on or after the first");
            const std::string note = optional_string(entry, "note").value_or("");
            store::statement_use same(record_.db().cached("SELECT 1 FROM away WHERE member_id = ? AND from_day = ? AND to_day = ?"));
            same->bind(1, member).bind(2, *from).bind(3, *to);
            if (same->step()) continue;
            std::optional<std::int64_t> by;
            if (auto name = optional_string(entry, "by")) by = record_.member_id(*name, "by");
            store::statement_use insert(record_.db().cached(
                "INSERT INTO away (member_id, from_day, to_day, note, by_member_id, uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
            insert->bind(1, member).bind(2, *from).bind(3, *to).bind(4, note).bind(5, by)
                .bind(6, fresh ? uid_field(entry, "uid").value_or(ctx.who.uid) : ctx.who.uid).bind(7, import_created(entry, "created_at")).step();
            ++away_added;
        }
    }
    if (const json* guesses = find(file, "guesses")) {
        if (!guesses->is_array()) bad_param("guesses", "expected a list");
        for (const json& guess : *guesses) {
            const std::int64_t member = record_.member_id(required_string(guess, "member"), "member");
            const auto week = optional_integer(guess, "week_day");
            const auto share = optional_number(guess, "share");
            if (!week || !share || *share < 0 || *share > 1) bad_param("share", "a fraction from 0 to 1");
            const auto night = optional_number(guess, "night_share");
            if (night && (*night < 0 || *night > 1)) bad_param("night_share", "a fraction from 0 to 1");
            store::statement_use insert(record_.db().cached(
                "INSERT OR IGNORE INTO guess (member_id, week_day, share, night_share, uid, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
            insert->bind(1, member).bind(2, *week).bind(3, *share).bind(4, night)
                .bind(5, fresh ? uid_field(guess, "uid").value_or(ctx.who.uid) : ctx.who.uid).bind(6, import_created(guess, "created_at")).step();
        }
    }
    record_.forget();
    return json{{"created", fresh},     {"members_added", members_added}, {"kinds_added", kinds_added}, {"away_added", away_added},
                {"goals_added", goals_added}, {"slots_added", slots_added}, {"timers_added", timers_added},
                {"notes", std::move(notes)}};
}

// ---------------------------------------------------------------- import: records

json transfer_service::import_records(const json& params, const request_context& ctx) {
    const json* rows = find(params, "rows");
    if (!rows || !rows->is_array()) bad_param("rows", "expected a list of records");
    if (rows->size() > largest_batch) bad_param("rows", "at most " + std::to_string(largest_batch) + " records in one batch");
    const bool dry_run = optional_bool(params, "dry_run");
    checking_import_ = dry_run;
    const std::size_t book_mark = record_.book().mark();
    store::savepoint scope(record_.db());
    try {
        // A check of a file meant for a household not set up yet sets it up
        // from the file inside this savepoint, so the rows are checked against
        // the names they will meet.
        const json* file = find(params, "household");
        const bool set_up_here = file && dry_run && !record_.set_up();
        if (set_up_here) apply_household(*file, ctx);
        // Who the caller is, once the household (perhaps just set up) has its members.
        request_context here = record_.context_for(ctx.who, std::nullopt, ctx.reference);
        here.acting_for = ctx.acting_for;
        record_.require_access(here);
        record_.household();
        std::int64_t added = 0, skipped = 0;
        import_updated_ = 0;
        json refused = json::array();
        for (std::size_t index = 0; index < rows->size(); ++index) {
            const json& row = (*rows)[index];
            try {
                if (!row.is_object()) bad_param("row", "expected an object");
                const std::string type = optional_string(row, "type").value_or("event");
                bool is_new = false;
                if (type == "event") is_new = import_event(row, here);
                else if (type == "turn") is_new = import_turn(row, here);
                else if (type == "thanks") is_new = import_thanks(row, here);
                else if (type == "moved") is_new = import_moved(row, here);
                else bad_param("type", "\"" + type + "\" is not a record type; event, turn, thanks or moved");
                ++(is_new ? added : skipped);
            } catch (const rpc_error& e) {
                json entry{{"index", index}, {"reason", e.what()}};
                if (e.data.is_object() && e.data.contains("field")) entry["field"] = e.data["field"];
                refused.push_back(std::move(entry));
            } catch (const store::storage_error& e) {
                if (!e.is_constraint()) throw; // the disk, not the row: the whole batch fails
                refused.push_back({{"index", index}, {"reason", std::string("refused by the record's rules: ") + e.what()}});
            }
        }
        // All or nothing: a batch with a refused row writes none of it, and a
        // check writes nothing at all.
        const bool written = !dry_run && refused.empty();
        if (written) {
            scope.release();
        } else {
            scope.rollback();
            record_.book().rollback_to(book_mark);
            record_.forget();
        }
        return json{{"added", added}, {"skipped", skipped}, {"updated", import_updated_}, {"refused", std::move(refused)},
                    {"written", written}, {"dry_run", dry_run}};
    } catch (...) {
        scope.rollback();
        record_.book().rollback_to(book_mark);
        record_.forget();
        throw;
    }
}

std::optional<std::int64_t> transfer_service::import_logger(const json& row, const request_context& ctx,
                                                          std::int64_t fallback) {
    // What the file says about who logged a record stands when an admin
    // restores it; a member importing is recorded as having logged it.
    if (!ctx.privileged) return ctx.binding;
    if (!row.contains("logged_by")) return fallback;
    if (auto name = optional_string(row, "logged_by")) return record_.member_id(*name, "logged_by");
    return std::nullopt; // logged by root or fairlyd's user, bound to nobody
}

std::int64_t transfer_service::import_uid(const json& row, const char* field, const request_context& ctx) {
    return ctx.privileged ? uid_field(row, field).value_or(ctx.who.uid) : ctx.who.uid;
}

bool transfer_service::import_event(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    {
        const std::optional<recorded_event> recorded = record_.find_event(uuid);
        if (recorded) {
            if (catch_up_event(*recorded, row, ctx)) ++import_updated_;
            return false;
        }
    }
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const kind_entry& kind = record_.kind_named(required_string(row, "kind"));
    const sys_seconds start = import_time(row, "start", true);
    if (kind.category == "career") return import_career_event(row, ctx, member, kind, start);
    std::optional<std::int64_t> end_utc;
    if (find(row, "end")) {
        const sys_seconds end = import_time(row, "end", true);
        if (end <= start) bad_param("end", "the end is not after the start");
        if (end - start > longest_event) bad_param("end", "an event lasts at most 7 days");
        end_utc = end.time_since_epoch().count();
    }
    if (start > record_.now() + future_tolerance) bad_param("start", format_local(start, record_.household().tz) + " is in the future");
    const std::string role = role_param(row, "did");
    const std::string note = note_param(row).value_or("");
    const std::string status = optional_string(row, "status").value_or("active");
    if (status != "active" && status != "voided" && status != "superseded") bad_param("status", "active, voided or superseded");
    std::optional<std::string> void_reason;
    std::optional<std::int64_t> voided_by, voided_at;
    if (status == "voided") {
        void_reason = import_void_reason(row);
        voided_by = import_uid(row, "voided_by_uid", ctx);
        voided_at = import_created(row, "voided_at");
    }
    std::optional<std::int64_t> supersedes;
    if (auto earlier = optional_string(row, "supersedes")) {
        std::string earlier_status;
        if (const auto original = record_.find_event(*earlier)) {
            supersedes = original->id;
            earlier_status = original->status;
        } else if (!(checking_import_ && optional_bool(row, "earlier_in_file"))) {
            bad_param("supersedes", "corrects event " + *earlier + ", which is neither in the file before it nor in this household");
        }
        // In a check, an original earlier in the file was rolled back with
        // its batch; the rest of this row is still checked.
        if (!supersedes) earlier_status = "absent";
        if (earlier_status == "voided") bad_param("supersedes", "corrects event " + *earlier + ", which is voided");
        if (supersedes) {
            store::statement_use taken(record_.db().cached("SELECT uuid FROM event WHERE supersedes = ?"));
            taken->bind(1, *supersedes);
            if (taken->step()) bad_param("supersedes", "event " + *earlier + " was already corrected by " + taken->text(0));
        }
    }
    const std::vector<imported_review> reviews = import_reviews(row, 0, ctx);
    const std::optional<std::int64_t> logged_by = import_logger(row, ctx, member);
    auto source = optional_string(row, "source");
    if (source && !is_valid_name(*source)) bad_param("source", "a short word such as cli or timewarrior");
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx);
    const std::int64_t created_at = import_created(row, "created_at");
    event_record event;
    event.uuid = uuid;
    event.member_id = member;
    event.kind_id = kind.id;
    event.start_utc = start.time_since_epoch().count();
    event.end_utc = end_utc;
    event.role = role;
    event.note = note;
    event.status = status;
    event.supersedes = supersedes;
    event.logged_by_member_id = logged_by;
    event.logged_by_uid = logged_by_uid;
    event.source = source.value_or("import");
    event.created_at = created_at;
    event.void_reason = void_reason;
    event.voided_by_uid = voided_by;
    event.voided_at = voided_at;
    // The same checks as the live path (a career kind is refused, lengths and notes).
    record_.check_event(event, kind, "end");
    // A check stops here: every field has been read and found usable, and
    // rows that depend on earlier ones were vouched for by the client.
    if (checking_import_) return true;
    std::vector<review_row> rows;
    for (const imported_review& review : reviews) rows.push_back({review.member, review.verdict, review.reason, review.uid, review.at});
    record_.insert_event(event, rows);
    return true;
}

bool transfer_service::import_career_event(const json& row, const request_context& ctx, std::int64_t member, const kind_entry& kind,
                                           sys_seconds start) {
    // A career cost logged as an event (fairly before it refused them) is
    // brought in as what it is, a meeting moved, under the same uuid; a voided
    // or superseded one stays out, as it counted for nothing.
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::meeting_moved, uuid)) return false;
    if (optional_string(row, "status").value_or("active") != "active") return false;
    const std::string note = optional_string(row, "note").value_or("");
    const household_record::moved_row moved{uuid, member, note.empty() ? kind.name : note, std::nullopt, std::nullopt, "minor",
                                            start.time_since_epoch().count(), std::string(), import_logger(row, ctx, member),
                                            import_uid(row, "logged_by_uid", ctx), import_created(row, "created_at")};
    record_.check_moved(moved);
    if (checking_import_) return true;
    record_.insert_moved(moved);
    return true;
}

std::string transfer_service::import_void_reason(const json& row) {
    auto reason = note_param(row, "void_reason");
    if (!reason || reason->empty()) bad_param("void_reason", "a voided event needs the reason it was voided");
    return *reason;
}

std::vector<transfer_service::imported_review> transfer_service::import_reviews(const json& row, std::size_t skip, const request_context& ctx) {
    std::vector<imported_review> reviews;
    const json* given = find(row, "reviews");
    if (!given) return reviews;
    if (!given->is_array()) bad_param("reviews", "expected a list");
    for (std::size_t i = skip; i < given->size(); ++i) {
        const json& review = (*given)[i];
        const std::int64_t by = record_.member_id(required_string(review, "member"), "reviews");
        const std::string verdict = required_string(review, "verdict");
        if (verdict != "confirmed" && verdict != "disputed") bad_param("verdict", "confirmed or disputed");
        reviews.push_back({by, verdict, note_param(review, "reason").value_or(""), import_uid(review, "reviewed_by_uid", ctx),
                           import_created(review, "created_at")});
    }
    return reviews;
}

bool transfer_service::catch_up_event(const recorded_event& event, const json& row, const request_context& ctx) {
    // The record is append-only, so only what can follow is taken: a void of
    // an event still active here, and reviews beyond those recorded here.
    // (A correction arrives as its own record and supersedes the original.)
    const bool voided_since = event.status == "active" && optional_string(row, "status") == "voided";
    const std::vector<imported_review> added = import_reviews(row, event.reviews, ctx);
    if (!voided_since && added.empty()) return false;
    std::optional<std::string> void_reason;
    if (voided_since) void_reason = import_void_reason(row);
    const std::int64_t voided_by = import_uid(row, "voided_by_uid", ctx), voided_at = import_created(row, "voided_at");
    if (checking_import_) return true;
    if (voided_since) record_.void_event(event.id, *void_reason, voided_by, voided_at);
    std::vector<review_row> rows;
    for (const imported_review& review : added) rows.push_back({review.member, review.verdict, review.reason, review.uid, review.at});
    record_.add_reviews(event.id, rows);
    return true;
}

bool transfer_service::import_turn(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::turn, uuid)) return false;
    const std::string thing = required_string(row, "thing");
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const sys_seconds at = import_time(row, "at", true);
    const std::string note = optional_string(row, "note").value_or("");
    record_.check_turn(thing, at.time_since_epoch().count(), note, record_.now());
    const auto logged_by = import_logger(row, ctx, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    record_.insert_turn(uuid, thing, member, at.time_since_epoch().count(), note, logged_by, logged_by_uid, created_at);
    return true;
}

bool transfer_service::import_thanks(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::thanks, uuid)) return false;
    const std::int64_t from = record_.member_id(required_string(row, "from"), "from");
    const std::int64_t to = record_.member_id(required_string(row, "to"), "to");
    const std::string note = optional_string(row, "note").value_or("");
    record_.check_thanks(from, to, note);
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::int64_t from_uid = import_uid(row, "from_uid", ctx), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    record_.insert_thanks(uuid, from, to, note, at, from_uid, created_at);
    return true;
}

bool transfer_service::import_moved(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::meeting_moved, uuid)) return false;
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const std::string what = optional_string(row, "what").value_or("");
    std::optional<std::int64_t> for_kind, for_event;
    if (auto name = optional_string(row, "for_kind")) for_kind = record_.kind_named(*name).id;
    if (auto event = optional_string(row, "for_event")) {
        for_event = record_.event_id(*event);
        if (!for_event && !(checking_import_ && optional_bool(row, "earlier_in_file"))) {
            bad_param("for_event", "event " + *event + " is neither in the file before it nor in this household");
        }
    }
    const std::string impact = optional_string(row, "impact").value_or("minor");
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::string note = optional_string(row, "note").value_or("");
    const auto logged_by = import_logger(row, ctx, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx), created_at = import_created(row, "created_at");
    const household_record::moved_row moved{uuid, member, what, for_kind, for_event, impact, at, note, logged_by, logged_by_uid, created_at};
    record_.check_moved(moved);
    if (checking_import_) return true;
    record_.insert_moved(moved);
    return true;
}

// ---------------------------------------------------------------- backup

json transfer_service::backup(const json& params, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string target = required_string(params, "path");
    if (target.empty() || target.front() != '/') bad_param("path", "give an absolute path for the copy");
    std::error_code ec;
    if (std::filesystem::exists(target, ec)) bad_param("path", target + " exists; a backup never overwrites a file");
    const auto parent = std::filesystem::path(target).parent_path();
    if (!std::filesystem::is_directory(parent, ec)) bad_param("path", parent.string() + " is not a directory fairlyd can see");
    if (record_.db().path() == ":memory:") throw rpc_error(error_code::conflict, "an in-memory household has no file to back up");
    const int pages = store::backup_database(record_.db().path(), target);
    return json{{"path", target}, {"pages", pages}, {"bytes", std::filesystem::file_size(target, ec)}};
}

// ---------------------------------------------------------------- restore

namespace {

/// "household.db.before-restore-20261104T120000Z" beside the database: a
/// name that sorts by time and is never one already there.
std::string kept_copy_name(const std::string& database, sys_seconds now) {
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{now - day};
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    const std::string base = database + ".before-restore-" + stamp;
    std::error_code ec;
    std::string name = base;
    for (int n = 2; std::filesystem::exists(name, ec); ++n) name = base + "-" + std::to_string(n);
    return name;
}

[[noreturn]] void refuse_file(const std::string& why) {
    throw rpc_error(error_code::invalid_params, why + "; nothing was changed", json{{"field", "path"}});
}

} // namespace

json transfer_service::restore(const json& params, const request_context& ctx) {
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "only root or the user fairlyd runs as can restore a backup, since it replaces everyone's record; "
                        "ask them to run `sudo fairly restore FILE`");
    }
    const std::string path = required_string(params, "path");
    if (path.front() != '/') bad_param("path", "give an absolute path of the backup file");
    if (record_.db().path() == ":memory:") throw rpc_error(error_code::conflict, "an in-memory household has no file to restore into");
    pending_restore_ = restore_request{path, ctx.who.uid};
    return json{{"restoring", path}}; // replaced by run_restore's reply once the round has committed
}

json transfer_service::run_restore() {
    namespace fs = std::filesystem;
    const restore_request request = std::move(*pending_restore_);
    pending_restore_.reset();
    store::database& db = record_.db();
    const std::string& path = request.path;

    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) refuse_file(path + " does not exist where fairlyd looks (with the system service, put it under /var/lib/fairly)");
    if (fs::is_directory(status)) refuse_file(path + " is a directory, not a backup file");
    if (!fs::is_regular_file(status)) refuse_file(path + " is not a regular file, so not a backup file");
    if (fs::equivalent(path, db.path(), ec)) {
        refuse_file(path + " is the household's database itself, not a backup");
    }
    const int newest = store::latest_schema_version();
    store::backup_facts facts;
    try {
        facts = store::inspect_backup(path, newest);
    } catch (const store::backup_refused& refused) {
        refuse_file(refused.what());
    }

    // The record as it is now, whole and consistent (the round before this
    // one has committed), beside the database: a restore undoes nothing for good.
    const std::string kept = kept_copy_name(db.path(), record_.now());
    store::backup_database(db.path(), kept);
    store::sync_directory_of(kept);

    record_.book().discard();
    record_.forget();
    const int pages = store::replace_database(db, path);
    int schema = facts.schema_version;
    if (schema < newest) {
        // An older backup is brought up to this fairlyd's schema, as at start.
        try {
            schema = store::apply_migrations(db);
        } catch (const std::exception& failed) {
            store::replace_database(db, kept);
            record_.forget();
            throw rpc_error(error_code::storage_error, std::string("the backup was restored but could not be brought up to this "
                                                                   "fairlyd's schema, so the record before was put back: ") +
                                                           failed.what());
        }
    }
    record_.forget();
    db.preallocate_wal();
    std::clog << "fairlyd: restored the household from " << path << " (" << facts.events << " events, schema " << facts.schema_version
              << (schema != facts.schema_version ? " migrated to " + std::to_string(schema) : std::string()) << ") for uid " << request.uid
              << "; the record before is kept in " << kept << std::endl;
    return json{{"path", path},
                {"kept", kept},
                {"events", facts.events},
                {"pages", pages},
                {"schema_of_backup", facts.schema_version},
                {"schema", schema}};
}

} // namespace fairly::daemon
