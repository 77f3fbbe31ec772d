// Export and import: the household taken out whole (JSON, CSV through the
// CLI), and a history kept elsewhere brought in, idempotently by uuid.
//
// The CLI pages through export.records, so an export of a million events
// never sits in one reply. import.records takes a batch of rows and either
// writes them all or none; with dry_run it reads and checks every field of
// every row by the same code and stops short of writing. A row may correct
// (supersede) one earlier in the file: in a check that one was never written,
// so the client marks such rows "earlier_in_file".
#include "handler.hpp"

#include "catalogue.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"
#include "zone.hpp"

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

json request_handler::change_log() {
    json changes = json::array();
    store::statement_use query(db_.cached(
        "SELECT c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id ORDER BY c.id"));
    while (query->step()) {
        changes.push_back({{"subject", query->text(0)}, {"name", query->text(1)},
                           {"old", query->is_null(2) ? json(nullptr) : json::parse(query->text(2))},
                           {"new", json::parse(query->text(3))}, {"changed_by_uid", query->int64(4)},
                           {"changed_by", optional_json(query->optional_text(5))}, {"changed_at", utc_text(query->int64(6))}});
    }
    return changes;
}

json request_handler::export_household(const json&, const caller& who) {
    require_access(who);
    const household_info& house = household();
    json result{{"format", "fairly-export"}, {"version", export_version}};
    {
        store::statement_use query(db_.cached(
            "SELECT tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_slack, drift_threshold, "
            "couple_check_weekday, couple_check_minute, created_at FROM household WHERE id = 1"));
        query->step();
        result["household"] = {
            {"tz", query->text(0)},
            {"week_start", query->int64(1)},
            {"night", {{"from", clock_text(query->int64(2))}, {"to", clock_text(query->int64(3))}, {"multiplier", query->real(4)}}},
            {"drift", {{"slack", query->real(5)}, {"threshold", query->real(6)}}},
            {"couple_check", {{"weekday", query->int64(7)}, {"time", clock_text(query->int64(8))}}},
            {"created_at", utc_text(query->int64(9))},
        };
    }
    json& members = result["members"] = json::array();
    {
        store::statement_use query(db_.cached("SELECT name, agreed_share, unix_uid, created_at FROM member ORDER BY id"));
        while (query->step()) {
            members.push_back({{"name", query->text(0)}, {"agreed_share", query->real(1)},
                               {"unix_uid", optional_json(query->optional_int64(2))}, {"created_at", utc_text(query->int64(3))}});
        }
    }
    json& kinds = result["kinds"] = json::array();
    {
        store::statement_use query(db_.cached(
            "SELECT name, category, points, points_per_hour, default_seconds, night_applies, created_at FROM kind ORDER BY id"));
        while (query->step()) {
            kinds.push_back({{"name", query->text(0)}, {"category", query->text(1)}, {"points", query->real(2)},
                             {"points_per_hour", query->real(3)}, {"default_seconds", query->int64(4)},
                             {"night_applies", query->int64(5) != 0}, {"created_at", utc_text(query->int64(6))}});
        }
    }
    result["changes"] = change_log();
    json& goals = result["protected_goals"] = json::array();
    {
        store::statement_use query(db_.cached(
            "SELECT m.name, g.weekly_seconds, g.set_by_uid, g.created_at FROM protected_goal g "
            "LEFT JOIN member m ON m.id = g.member_id ORDER BY g.id"));
        while (query->step()) {
            goals.push_back({{"who", query->optional_text(0).value_or("couple")}, {"weekly_seconds", query->int64(1)},
                             {"set_by_uid", query->int64(2)}, {"created_at", utc_text(query->int64(3))}});
        }
    }
    json& slots = result["protected_slots"] = json::array();
    {
        store::statement_use query(db_.cached(
            "SELECT m.name, s.label, s.weekday, s.start_minute, s.length_seconds, s.created_by_uid, s.created_at, s.removed_at "
            "FROM protected_slot s LEFT JOIN member m ON m.id = s.member_id ORDER BY s.id"));
        while (query->step()) {
            slots.push_back({{"who", query->optional_text(0).value_or("couple")}, {"label", query->text(1)},
                             {"weekday", query->int64(2)}, {"start", clock_text(query->int64(3))},
                             {"length_seconds", query->int64(4)}, {"created_by_uid", query->int64(5)},
                             {"created_at", utc_text(query->int64(6))}, {"removed_at", optional_utc_text(query->optional_int64(7))}});
        }
    }
    json& timers = result["timers"] = json::array();
    {
        store::statement_use query(db_.cached(
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

json request_handler::export_records(const json& params, const caller& who) {
    require_access(who);
    const std::string& tz = household().tz;
    const std::string table = required_string(params, "table");
    const record_table* chosen = nullptr;
    for (const record_table& t : record_tables) {
        if (t.name == table) chosen = &t;
    }
    if (!chosen) bad_param("table", "one of events, turns, thanks, meetings_moved");
    const std::int64_t after = optional_integer(params, "after").value_or(0);
    const std::int64_t limit = optional_integer(params, "limit").value_or(default_page);
    if (limit < 1 || limit > largest_page) bad_param("limit", "from 1 to " + std::to_string(largest_page));
    const sys_seconds reference = reference_time(params);
    const std::int64_t from = time_param(params, "from", reference).value_or(sys_seconds{seconds{std::numeric_limits<std::int64_t>::min()}}).time_since_epoch().count();
    const std::int64_t to = time_param(params, "to", reference).value_or(sys_seconds{seconds{std::numeric_limits<std::int64_t>::max()}}).time_since_epoch().count();
    // Columns derived for a spreadsheet (category, counted minutes, the
    // latest review); the JSON export leaves them out, as an import ignores them.
    const bool derived = optional_bool(params, "derived");

    auto local = [&](std::int64_t t) { return format_local_iso(sys_seconds{seconds{t}}, tz); };
    json rows = json::array();
    std::int64_t last = after;
    if (chosen->name == "events") {
        store::statement_use query(db_.cached(
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
            store::statement_use review(db_.cached(
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
        store::statement_use query(db_.cached(
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
        store::statement_use query(db_.cached(
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
        store::statement_use query(db_.cached(
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

sys_seconds request_handler::import_time(const json& row, const char* field, bool required) {
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
    return checked_input([&] { return resolve_time(expr, settings_.clock(), household().tz, field); });
}

std::int64_t request_handler::import_created(const json& row, const char* field) {
    if (!find(row, field)) return settings_.clock().time_since_epoch().count();
    return import_time(row, field, true).time_since_epoch().count();
}

json request_handler::import_household(const json& params, const caller& who) {
    const json* file = find(params, "household");
    if (!file || !file->is_object()) bad_param("household", "expected the household part of a fairly export");
    store::savepoint scope(db_);
    json result;
    try {
        result = apply_household(*file, who);
    } catch (...) {
        scope.rollback();
        forget_cached_state();
        throw;
    }
    if (optional_bool(params, "dry_run")) {
        scope.rollback();
        forget_cached_state();
    } else {
        scope.release();
    }
    result["dry_run"] = optional_bool(params, "dry_run");
    return result;
}

json request_handler::apply_household(const json& file, const caller& who) {
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

    const bool fresh = !set_up();
    json notes = json::array();
    int members_added = 0, kinds_added = 0;
    std::optional<std::int64_t> binding;
    if (fresh) {
        // A new household restored whole from the file: settings, members
        // with their Unix users, kinds with their history.
        if (!privileged(who)) {
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
        store::statement_use insert(db_.cached(
            "INSERT INTO household (id, tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_slack, "
            "drift_threshold, couple_check_weekday, couple_check_minute, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, tz).bind(2, week_start).bind(3, minutes_of(*night, "from", 1320)).bind(4, minutes_of(*night, "to", 360))
            .bind(5, multiplier).bind(6, optional_number(*drift, "slack").value_or(0.02))
            .bind(7, optional_number(*drift, "threshold").value_or(0.06)).bind(8, couple_day)
            .bind(9, minutes_of(*couple, "time", 1080)).bind(10, import_created(*settings, "created_at"));
        insert->step();
        forget_cached_state();
    } else {
        binding = require_access(who);
        const household_info& house = household();
        if (auto tz = optional_string(*settings, "tz"); tz && *tz != house.tz) {
            notes.push_back("kept this household's time zone " + house.tz + " (the file's is " + *tz + ")");
        }
    }

    for (const json& member : *members) {
        if (!member.is_object()) bad_param("members", "each member is an object");
        const std::string name = required_string(member, "name");
        if (!is_valid_name(name) || name == "couple") bad_param("members", "\"" + name + "\" is not a member name");
        {
            store::statement_use existing(db_.cached("SELECT 1 FROM member WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) continue;
        }
        if (!fresh && !privileged(who)) {
            throw rpc_error(error_code::permission_denied,
                            "member " + name + " is in the file but not in this household; add them first with `fairly member add " +
                                name + "` (root or fairlyd's user), or import as root");
        }
        const double share = optional_number(member, "agreed_share").value_or(0);
        if (share < 0 || share > 100) bad_param("agreed_share", "a percent from 0 to 100");
        // Unix users are carried into a new household only: in an existing
        // one the uid may already mean someone else.
        std::optional<std::int64_t> uid = fresh ? uid_field(member, "unix_uid") : std::nullopt;
        store::statement_use insert(db_.cached("INSERT INTO member (name, unix_uid, agreed_share, created_at) VALUES (?, ?, ?, ?)"));
        insert->bind(1, name).bind(2, uid).bind(3, share).bind(4, import_created(member, "created_at")).step();
        ++members_added;
        if (!fresh) notes.push_back("added member " + name + " with no Unix user bound");
    }
    forget_cached_state();

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
            store::statement_use existing(db_.cached("SELECT points, points_per_hour, default_seconds, night_applies, category FROM kind WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) {
                if (existing->real(0) != points || existing->real(1) != per_hour || existing->int64(2) != usual ||
                    (existing->int64(3) != 0) != night || existing->text(4) != category) {
                    notes.push_back("kept this household's weights for kind " + name + " (the file's differ)");
                }
                continue;
            }
        }
        store::statement_use insert(db_.cached(
            "INSERT INTO kind (name, category, points, points_per_hour, default_seconds, night_applies, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, name).bind(2, category).bind(3, points).bind(4, per_hour).bind(5, usual).bind(6, night ? 1 : 0)
            .bind(7, import_created(kind, "created_at")).step();
        ++kinds_added;
        if (!fresh) {
            log_change("kind", name, nullptr,
                       json{{"name", name}, {"category", category}, {"points", points}, {"points_per_hour", per_hour},
                            {"default_minutes", usual / 60}, {"night_applies", night}},
                       who, binding);
            notes.push_back("added kind " + name + " from the file");
        }
    }
    forget_cached_state();

    // The history of weights and of the night goes with a new household; in
    // an existing one it describes changes that did not happen there.
    if (const json* changes = find(file, "changes"); changes && fresh) {
        if (!changes->is_array()) bad_param("changes", "expected a list");
        for (const json& change : *changes) {
            const std::string subject = required_string(change, "subject");
            if (subject != "kind" && subject != "night") bad_param("subject", "kind or night");
            const json* old_value = find(change, "old");
            const json* new_value = find(change, "new");
            if (!new_value) bad_param("new", "is required");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(change, "changed_by")) by = member_id(*name, "changed_by");
            store::statement_use insert(db_.cached(
                "INSERT INTO change_log (subject, subject_name, old_value, new_value, changed_by_uid, changed_by_member_id, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)"));
            std::optional<std::string> old_text;
            if (old_value) old_text = old_value->dump();
            insert->bind(1, subject).bind(2, required_string(change, "name")).bind(3, old_text).bind(4, new_value->dump())
                .bind(5, uid_field(change, "changed_by_uid").value_or(who.uid)).bind(6, by).bind(7, import_created(change, "changed_at"));
            insert->step();
        }
    } else if (changes && !changes->empty() && *changes != change_log()) {
        notes.push_back("left out the file's history of weight changes: it belongs to the household it came from");
    }

    auto owner = [&](const json& row) -> std::optional<std::int64_t> {
        const std::string who_name = required_string(row, "who");
        if (who_name == "couple") return std::nullopt;
        return member_id(who_name, "who");
    };
    int goals_added = 0, slots_added = 0, timers_added = 0;
    if (const json* goals = find(file, "protected_goals")) {
        if (!goals->is_array()) bad_param("protected_goals", "expected a list");
        for (const json& goal : *goals) {
            const auto member = owner(goal);
            const auto weekly = optional_integer(goal, "weekly_seconds");
            if (!weekly || *weekly <= 0) bad_param("weekly_seconds", "a positive number of seconds");
            store::statement_use insert(db_.cached(
                "INSERT INTO protected_goal (member_id, weekly_seconds, set_by_uid, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (coalesce(member_id, 0)) DO NOTHING"));
            insert->bind(1, member).bind(2, *weekly).bind(3, fresh ? uid_field(goal, "set_by_uid").value_or(who.uid) : who.uid)
                .bind(4, import_created(goal, "created_at")).step();
            if (db_.changes() > 0) {
                ++goals_added;
                continue;
            }
            store::statement_use kept(db_.cached("SELECT weekly_seconds FROM protected_goal WHERE member_id IS ?"));
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
                store::statement_use same(db_.cached(
                    "SELECT 1 FROM protected_slot WHERE member_id IS ? AND label = ? AND weekday = ? AND start_minute = ? "
                    "AND length_seconds = ? AND (removed_at IS NULL) = (? IS NULL)"));
                same->bind(1, member).bind(2, label).bind(3, *weekday).bind(4, start).bind(5, *length).bind(6, removed);
                if (same->step()) continue;
            }
            store::statement_use insert(db_.cached(
                "INSERT INTO protected_slot (member_id, label, weekday, start_minute, length_seconds, created_by_uid, created_at, removed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
            insert->bind(1, member).bind(2, label).bind(3, *weekday).bind(4, start).bind(5, *length)
                .bind(6, fresh ? uid_field(slot, "created_by_uid").value_or(who.uid) : who.uid)
                .bind(7, import_created(slot, "created_at")).bind(8, removed).step();
            ++slots_added;
        }
    }
    if (const json* timers = find(file, "timers")) {
        if (!timers->is_array()) bad_param("timers", "expected a list");
        for (const json& timer : *timers) {
            const std::string uuid = row_uuid(timer);
            const std::int64_t member = member_id(required_string(timer, "member"), "member");
            const std::int64_t kind = kind_id(required_string(timer, "kind"));
            {
                store::statement_use same(db_.cached("SELECT 1 FROM timer WHERE uuid = ? OR (member_id = ? AND kind_id = ?)"));
                same->bind(1, uuid).bind(2, member).bind(3, kind);
                if (same->step()) continue;
            }
            store::statement_use insert(db_.cached(
                "INSERT INTO timer (uuid, member_id, kind_id, start_utc, role, note, started_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
            insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, import_time(timer, "start", true).time_since_epoch().count())
                .bind(5, role_param(timer, "did")).bind(6, note_param(timer).value_or(""))
                .bind(7, fresh ? uid_field(timer, "started_by_uid").value_or(who.uid) : who.uid)
                .bind(8, import_created(timer, "created_at")).step();
            ++timers_added;
        }
    }
    forget_cached_state();
    return json{{"created", fresh},     {"members_added", members_added}, {"kinds_added", kinds_added},
                {"goals_added", goals_added}, {"slots_added", slots_added}, {"timers_added", timers_added},
                {"notes", std::move(notes)}};
}

// ---------------------------------------------------------------- import: records

json request_handler::import_records(const json& params, const caller& who) {
    const json* rows = find(params, "rows");
    if (!rows || !rows->is_array()) bad_param("rows", "expected a list of records");
    if (rows->size() > largest_batch) bad_param("rows", "at most " + std::to_string(largest_batch) + " records in one batch");
    const bool dry_run = optional_bool(params, "dry_run");
    checking_import_ = dry_run;
    const std::size_t book_mark = book_.mark();
    store::savepoint scope(db_);
    try {
        // A check of a file meant for a household not set up yet sets it up
        // from the file inside this savepoint, so the rows are checked against
        // the names they will meet.
        if (const json* file = find(params, "household"); file && dry_run && !set_up()) apply_household(*file, who);
        const auto binding = require_access(who);
        household();
        std::int64_t added = 0, skipped = 0;
        import_updated_ = 0;
        json refused = json::array();
        for (std::size_t index = 0; index < rows->size(); ++index) {
            const json& row = (*rows)[index];
            try {
                if (!row.is_object()) bad_param("row", "expected an object");
                const std::string type = optional_string(row, "type").value_or("event");
                bool is_new = false;
                if (type == "event") is_new = import_event(row, who, binding);
                else if (type == "turn") is_new = import_turn(row, who, binding);
                else if (type == "thanks") is_new = import_thanks(row, who);
                else if (type == "moved") is_new = import_moved(row, who, binding);
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
            book_.rollback_to(book_mark);
            forget_cached_state();
        }
        return json{{"added", added}, {"skipped", skipped}, {"updated", import_updated_}, {"refused", std::move(refused)},
                    {"written", written}, {"dry_run", dry_run}};
    } catch (...) {
        scope.rollback();
        book_.rollback_to(book_mark);
        forget_cached_state();
        throw;
    }
}

std::optional<std::int64_t> request_handler::import_logger(const json& row, const caller& who, std::optional<std::int64_t> binding,
                                                          std::int64_t fallback) {
    // What the file says about who logged a record stands when an admin
    // restores it; a member importing is recorded as having logged it.
    if (!privileged(who)) return binding;
    if (!row.contains("logged_by")) return fallback;
    if (auto name = optional_string(row, "logged_by")) return member_id(*name, "logged_by");
    return std::nullopt; // logged by root or fairlyd's user, bound to nobody
}

std::int64_t request_handler::import_uid(const json& row, const char* field, const caller& who) {
    return privileged(who) ? uid_field(row, field).value_or(who.uid) : who.uid;
}

bool request_handler::import_event(const json& row, const caller& who, std::optional<std::int64_t> binding) {
    const std::string uuid = row_uuid(row);
    {
        std::optional<recorded_event> recorded;
        {
            store::statement_use again(db_.cached(
                "SELECT id, status, (SELECT count(*) FROM event_review r WHERE r.event_id = e.id) FROM event e WHERE uuid = ?"));
            again->bind(1, uuid);
            if (again->step()) recorded = recorded_event{again->int64(0), again->text(1), static_cast<std::size_t>(again->int64(2))};
        }
        if (recorded) {
            if (catch_up_event(*recorded, row, who)) ++import_updated_;
            return false;
        }
    }
    const std::int64_t member = member_id(required_string(row, "member"), "member");
    const kind_entry& kind = kind_named(required_string(row, "kind"));
    const sys_seconds start = import_time(row, "start", true);
    std::optional<std::int64_t> end_utc;
    if (find(row, "end")) {
        const sys_seconds end = import_time(row, "end", true);
        if (end <= start) bad_param("end", "the end is not after the start");
        if (end - start > longest_event) bad_param("end", "an event lasts at most 7 days");
        end_utc = end.time_since_epoch().count();
    }
    if (start > settings_.clock() + future_tolerance) bad_param("start", format_local(start, household().tz) + " is in the future");
    const std::string role = role_param(row, "did");
    const std::string note = note_param(row).value_or("");
    const std::string status = optional_string(row, "status").value_or("active");
    if (status != "active" && status != "voided" && status != "superseded") bad_param("status", "active, voided or superseded");
    std::optional<std::string> void_reason;
    std::optional<std::int64_t> voided_by, voided_at;
    if (status == "voided") {
        void_reason = import_void_reason(row);
        voided_by = import_uid(row, "voided_by_uid", who);
        voided_at = import_created(row, "voided_at");
    }
    std::optional<std::int64_t> supersedes;
    std::optional<load_event> uncounted; // what the superseded event counted, if it still did
    bool supersedes_active = false;
    if (auto earlier = optional_string(row, "supersedes")) {
        std::string earlier_status;
        {
            store::statement_use query(db_.cached("SELECT id, status FROM event WHERE uuid = ?"));
            query->bind(1, *earlier);
            if (query->step()) {
                supersedes = query->int64(0);
                earlier_status = query->text(1);
            } else if (!(checking_import_ && optional_bool(row, "earlier_in_file"))) {
                bad_param("supersedes", "corrects event " + *earlier + ", which is neither in the file before it nor in this household");
            }
        }
        // In a check, an original earlier in the file was rolled back with
        // its batch; the rest of this row is still checked.
        if (!supersedes) earlier_status = "absent";
        if (earlier_status == "voided") bad_param("supersedes", "corrects event " + *earlier + ", which is voided");
        if (supersedes) {
            store::statement_use taken(db_.cached("SELECT uuid FROM event WHERE supersedes = ?"));
            taken->bind(1, *supersedes);
            if (taken->step()) bad_param("supersedes", "event " + *earlier + " was already corrected by " + taken->text(0));
        }
        supersedes_active = earlier_status == "active";
    }
    const std::vector<imported_review> reviews = import_reviews(row, 0, who);
    const std::optional<std::int64_t> logged_by = import_logger(row, who, binding, member);
    auto source = optional_string(row, "source");
    if (source && !is_valid_name(*source)) bad_param("source", "a short word such as cli or timewarrior");
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", who);
    const std::int64_t created_at = import_created(row, "created_at");
    // A check stops here: every field has been read and found usable, and
    // rows that depend on earlier ones were vouched for by the client.
    if (checking_import_) return true;
    if (supersedes_active) {
        uncounted = counted_event(*supersedes);
        store::statement_use update(db_.cached("UPDATE event SET status = 'superseded' WHERE id = ?"));
        update->bind(1, *supersedes).step();
    }
    {
        store::statement_use insert(db_.cached(
            "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, role, note, status, supersedes, logged_by_member_id, "
            "logged_by_uid, source, created_at, void_reason, voided_by_uid, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, uuid).bind(2, member).bind(3, kind.id).bind(4, start.time_since_epoch().count()).bind(5, end_utc).bind(6, role)
            .bind(7, note).bind(8, status).bind(9, supersedes).bind(10, logged_by).bind(11, logged_by_uid)
            .bind(12, source.value_or("import")).bind(13, created_at).bind(14, void_reason).bind(15, voided_by)
            .bind(16, voided_at);
        insert->step();
    }
    insert_reviews(db_.last_insert_rowid(), reviews);
    const household_info& house = household();
    if (uncounted) book_.add(house.load, *uncounted, -1);
    if (status == "active" && (reviews.empty() || reviews.back().verdict != "disputed")) {
        const std::int64_t start_utc = start.time_since_epoch().count();
        book_.add(house.load,
                  load_event{member, kind.id, role != "did", is_load_category(kind.category), start_utc,
                             end_utc.value_or(start_utc + kind.default_seconds)},
                  +1);
    }
    return true;
}

std::string request_handler::import_void_reason(const json& row) {
    auto reason = note_param(row, "void_reason");
    if (!reason || reason->empty()) bad_param("void_reason", "a voided event needs the reason it was voided");
    return *reason;
}

std::vector<request_handler::imported_review> request_handler::import_reviews(const json& row, std::size_t skip, const caller& who) {
    std::vector<imported_review> reviews;
    const json* given = find(row, "reviews");
    if (!given) return reviews;
    if (!given->is_array()) bad_param("reviews", "expected a list");
    for (std::size_t i = skip; i < given->size(); ++i) {
        const json& review = (*given)[i];
        const std::int64_t by = member_id(required_string(review, "member"), "reviews");
        const std::string verdict = required_string(review, "verdict");
        if (verdict != "confirmed" && verdict != "disputed") bad_param("verdict", "confirmed or disputed");
        reviews.push_back({by, verdict, note_param(review, "reason").value_or(""), import_uid(review, "reviewed_by_uid", who),
                           import_created(review, "created_at")});
    }
    return reviews;
}

void request_handler::insert_reviews(std::int64_t event_id, const std::vector<imported_review>& reviews) {
    for (const imported_review& review : reviews) {
        store::statement_use insert(db_.cached(
            "INSERT INTO event_review (event_id, member_id, verdict, reason, reviewed_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
        insert->bind(1, event_id).bind(2, review.member).bind(3, review.verdict).bind(4, review.reason).bind(5, review.uid)
            .bind(6, review.at).step();
    }
}

bool request_handler::catch_up_event(const recorded_event& event, const json& row, const caller& who) {
    // The record is append-only, so only what can follow is taken: a void of
    // an event still active here, and reviews beyond those recorded here.
    // (A correction arrives as its own record and supersedes the original.)
    const bool voided_since = event.status == "active" && optional_string(row, "status") == "voided";
    const std::vector<imported_review> added = import_reviews(row, event.reviews, who);
    if (!voided_since && added.empty()) return false;
    std::optional<std::string> void_reason;
    if (voided_since) void_reason = import_void_reason(row);
    const std::int64_t voided_by = import_uid(row, "voided_by_uid", who), voided_at = import_created(row, "voided_at");
    if (checking_import_) return true;
    const auto counted_before = counted_event(event.id);
    if (voided_since) {
        store::statement_use update(db_.cached(
            "UPDATE event SET status = 'voided', void_reason = ?, voided_by_uid = ?, voided_at = ? WHERE id = ? AND status = 'active'"));
        update->bind(1, *void_reason).bind(2, voided_by).bind(3, voided_at).bind(4, event.id).step();
    }
    insert_reviews(event.id, added);
    const auto counted_after = counted_event(event.id);
    if (counted_before && !counted_after) book_.add(household().load, *counted_before, -1);
    if (!counted_before && counted_after) book_.add(household().load, *counted_after, +1);
    return true;
}

bool request_handler::import_turn(const json& row, const caller& who, std::optional<std::int64_t> binding) {
    const std::string uuid = row_uuid(row);
    {
        store::statement_use again(db_.cached("SELECT 1 FROM turn WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return false;
    }
    const std::string thing = required_string(row, "thing");
    if (!is_valid_name(thing)) bad_param("thing", "one word, e.g. lie-in");
    const std::int64_t member = member_id(required_string(row, "member"), "member");
    const sys_seconds at = import_time(row, "at", true);
    if (at > settings_.clock() + future_tolerance) bad_param("at", "is in the future");
    const std::string note = note_param(row).value_or("");
    const auto logged_by = import_logger(row, who, binding, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", who), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    store::statement_use insert(db_.cached(
        "INSERT INTO turn (uuid, thing, member_id, at_utc, note, logged_by_member_id, logged_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, thing).bind(3, member).bind(4, at.time_since_epoch().count()).bind(5, note)
        .bind(6, logged_by).bind(7, logged_by_uid).bind(8, created_at).step();
    return true;
}

bool request_handler::import_thanks(const json& row, const caller& who) {
    const std::string uuid = row_uuid(row);
    {
        store::statement_use again(db_.cached("SELECT 1 FROM thanks WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return false;
    }
    const std::int64_t from = member_id(required_string(row, "from"), "from");
    const std::int64_t to = member_id(required_string(row, "to"), "to");
    if (from == to) bad_param("to", "thanks go to someone else");
    const std::string note = note_param(row).value_or("");
    if (note.empty()) bad_param("note", "thanks say what for");
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::int64_t from_uid = import_uid(row, "from_uid", who), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    store::statement_use insert(db_.cached(
        "INSERT INTO thanks (uuid, from_member_id, to_member_id, note, at_utc, from_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, from).bind(3, to).bind(4, note).bind(5, at).bind(6, from_uid).bind(7, created_at).step();
    return true;
}

bool request_handler::import_moved(const json& row, const caller& who, std::optional<std::int64_t> binding) {
    const std::string uuid = row_uuid(row);
    {
        store::statement_use again(db_.cached("SELECT 1 FROM meeting_moved WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return false;
    }
    const std::int64_t member = member_id(required_string(row, "member"), "member");
    const std::string what = required_string(row, "what");
    if (what.size() > 200) bad_param("what", "at most 200 bytes");
    std::optional<std::int64_t> for_kind, for_event;
    if (auto name = optional_string(row, "for_kind")) for_kind = kind_id(*name);
    if (auto event = optional_string(row, "for_event")) {
        store::statement_use query(db_.cached("SELECT id FROM event WHERE uuid = ?"));
        query->bind(1, *event);
        if (query->step()) for_event = query->int64(0);
        else if (!(checking_import_ && optional_bool(row, "earlier_in_file"))) {
            bad_param("for_event", "event " + *event + " is neither in the file before it nor in this household");
        }
    }
    const std::string impact = optional_string(row, "impact").value_or("minor");
    if (impact != "minor" && impact != "major" && impact != "missed") bad_param("impact", "minor, major or missed");
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::string note = note_param(row).value_or("");
    const auto logged_by = import_logger(row, who, binding, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", who), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    store::statement_use insert(db_.cached(
        "INSERT INTO meeting_moved (uuid, member_id, what, for_kind_id, for_event_id, impact, at_utc, note, logged_by_member_id, logged_by_uid, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, member).bind(3, what).bind(4, for_kind).bind(5, for_event).bind(6, impact)
        .bind(7, at).bind(8, note).bind(9, logged_by).bind(10, logged_by_uid).bind(11, created_at).step();
    return true;
}

} // namespace fairly::daemon
