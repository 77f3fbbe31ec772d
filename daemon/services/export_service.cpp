// Export: the household taken out whole (JSON, and CSV through the CLI).
// The CLI pages through export.records, so an export of a million events
// never sits in one reply.
#include "export_service.hpp"

#include "catalogue.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "transfer_format.hpp"
#include "zone.hpp"

#include <limits>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using namespace transfer;

namespace {

constexpr std::int64_t default_page = 2000;
constexpr std::int64_t largest_page = 20000;

/// Which table export.records pages through, and its time column.
struct record_table {
    std::string_view name;
    std::string_view time_column;
};
constexpr record_table record_tables[] = {
    {"events", "start_utc"}, {"turns", "at_utc"}, {"thanks", "at_utc"}, {"meetings_moved", "at_utc"}};

} // namespace

// ---------------------------------------------------------------- export

json change_log_json(household_record& record) {
    json changes = json::array();
    store::statement_use query(record.db().cached(
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
            for (const json& member : json::parse(query->text(10))) accepted.push_back(record.member_name(member.get<std::int64_t>()));
            change["proposed_by"] = optional_json(query->optional_text(8));
            change["proposed_by_uid"] = optional_json(query->optional_int64(9));
            change["accepted_by"] = std::move(accepted);
        }
        changes.push_back(std::move(change));
    }
    return changes;
}

json export_service::export_household(const json&, const request_context& ctx) {
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
    result["changes"] = change_log_json(record_);
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

json export_service::export_records(const json& params, const request_context& ctx) {
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

} // namespace fairly::daemon
