#include "record.hpp"

#include "catalogue.hpp"
#include "change_log.hpp"
#include "protocol.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <array>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

namespace {

/// The one definition of what counts (docs/fairness.md, "What counts"): an
/// active event (not voided, not superseded) whose latest review is not a
/// dispute, with its kind's category, whether it is load (from the
/// catalogue's list), whether its role makes it thinking work, and its end
/// (an instant's, by instant_length() in the catalogue). A temporary view, made per
/// connection from the catalogue, so the list of load categories exists once.
std::string counted_view_sql() {
    std::string load;
    for (std::string_view category : load_categories()) {
        load += std::string(load.empty() ? "" : " OR ") + "k.category = '" + std::string(category) + "'";
    }
    return "CREATE TEMP VIEW IF NOT EXISTS counted_event AS "
           "SELECT e.id, e.member_id, e.kind_id, k.name AS kind, k.category, (" + load + ") AS is_load, "
           "e.role <> 'did' AS role_thinking, e.start_utc, " + event_end_sql("e.start_utc", "e.end_utc", "e.role", "k.default_seconds") + " AS end_utc "
           "FROM main.event e JOIN main.kind k ON k.id = e.kind_id "
           "WHERE e.status = 'active' AND coalesce((SELECT r.verdict FROM main.event_review r WHERE r.event_id = e.id "
           "ORDER BY r.id DESC LIMIT 1), '') <> 'disputed'";
}

/// Beside it, what is left out because it is disputed: active events whose
/// latest review is a dispute ("to talk about").
constexpr std::string_view disputed_view_sql =
    "CREATE TEMP VIEW IF NOT EXISTS disputed_event AS "
    "SELECT r.event_id AS id FROM main.event_review r JOIN main.event e ON e.id = r.event_id "
    "WHERE r.verdict = 'disputed' AND e.status = 'active' "
    "AND r.id = (SELECT max(latest.id) FROM main.event_review latest WHERE latest.event_id = r.event_id)";

} // namespace

household_record::household_record(store::database& db, handler_settings settings) : db_(db), settings_(std::move(settings)) {
    if (!settings_.clock) settings_.clock = [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
}

const household_info& household_record::household() {
    if (!household_) {
        store::statement_use query(db_.cached(
            "SELECT tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_k, drift_h "
            "FROM household WHERE id = 1"));
        if (!query->step()) {
            throw rpc_error(error_code::not_initialized,
                            "this household is not set up yet; run `fairly init --member NAME --member NAME --tz ZONE`");
        }
        household_info info;
        info.tz = query->text(0);
        info.week_start = static_cast<int>(query->int64(1));
        info.load.tz = info.tz;
        info.load.week_start = info.week_start;
        info.load.night = night_window{std::chrono::minutes{query->int64(2)}, std::chrono::minutes{query->int64(3)}, query->real(4)};
        info.drift.slack = query->real(5);
        info.drift.threshold = query->real(6);
        household_ = std::move(info);
        db_.exec(counted_view_sql());
        db_.exec(disputed_view_sql);
    }
    return *household_;
}

bool household_record::set_up() {
    if (household_) return true;
    store::statement_use existing(db_.cached("SELECT count(*) FROM household"));
    existing->step();
    return existing->int64(0) > 0;
}

const directory& household_record::names() {
    if (!directory_) {
        directory loaded;
        {
            store::statement_use query(db_.cached("SELECT id, name, unix_uid, agreed_share, retired_at IS NOT NULL FROM member ORDER BY id"));
            while (query->step()) {
                loaded.members.push_back({query->int64(0), query->text(1), query->real(3) / 100.0, query->int64(4) != 0});
                if (!query->is_null(2)) loaded.bindings.emplace(query->int64(2), query->int64(0));
            }
        }
        {
            store::statement_use query(db_.cached("SELECT id, name, category, default_seconds FROM kind"));
            while (query->step()) {
                loaded.kinds.emplace(query->text(1), kind_entry{query->int64(0), query->text(1), query->text(2), query->int64(3)});
            }
        }
        {
            store::statement_use query(db_.cached(
                "SELECT a.id, a.thing, a.from_day, s.member_id, s.share FROM agreement a JOIN agreement_share s ON s.agreement_id = a.id "
                "WHERE a.state = 'agreed' ORDER BY a.from_day, a.id"));
            while (query->step()) {
                if (loaded.agreements.empty() || loaded.agreements.back().id != query->int64(0)) {
                    loaded.agreements.push_back({query->int64(0), query->optional_text(1), query->int64(2), {}});
                }
                loaded.agreements.back().shares[query->int64(3)] = query->real(4) / 100.0;
            }
        }
        {
            store::statement_use query(db_.cached("SELECT member_id, from_day, to_day FROM away ORDER BY from_day, id"));
            while (query->step()) loaded.away.push_back({query->int64(0), query->int64(1), query->int64(2)});
        }
        directory_ = std::move(loaded);
    }
    return *directory_;
}

void household_record::forget() {
    household_.reset();
    directory_.reset();
}

void household_record::before_commit() {
    if (book_.pending()) book_.flush(household().load);
}

void household_record::commit_failed() {
    forget();
    book_.discard();
}

std::string household_record::member_list() {
    std::string list;
    for (const member_entry& member : names().members) list += (list.empty() ? "" : ", ") + member.name;
    return list;
}

std::int64_t household_record::member_id(std::string_view name, std::string_view field) {
    const auto& members = names().members;
    for (const member_entry& member : members) {
        if (member.name == name) return member.id;
    }
    // Names match whatever the case: "Zoë" is zoë.
    for (const member_entry& member : members) {
        if (same_name(member.name, name)) return member.id;
    }
    std::vector<std::string> known;
    for (const member_entry& member : members) known.push_back(member.name);
    const std::string near = did_you_mean(name, known);
    throw rpc_error(error_code::not_found,
                    "no member " + std::string(name) + (near.empty() ? "; the members are " + member_list() : near),
                    json{{"field", field}});
}

std::string household_record::member_name(std::int64_t id) {
    for (const member_entry& member : names().members) {
        if (member.id == id) return member.name;
    }
    return std::string();
}

const kind_entry& household_record::kind_named(std::string_view name) {
    const auto& kinds = names().kinds;
    if (auto found = kinds.find(std::string(name)); found != kinds.end()) return found->second;
    for (const auto& [known, kind] : kinds) {
        if (same_name(known, name)) return kind;
    }
    std::vector<std::string> known;
    for (const auto& [kind_name, kind] : kinds) known.push_back(kind_name);
    std::sort(known.begin(), known.end()); // the same suggestion every time, whatever the map's order
    const std::string near = did_you_mean(name, known);
    throw rpc_error(error_code::not_found,
                    "no kind " + std::string(name) + (near.empty() ? "; `fairly kinds` lists the catalogue" : near),
                    json{{"field", "kind"}});
}

const kind_entry& household_record::kind_by_id(std::int64_t id) {
    for (const auto& [name, kind] : names().kinds) {
        if (kind.id == id) return kind;
    }
    throw rpc_error(error_code::internal_error, "kind #" + std::to_string(id) + " is missing from the catalogue");
}

const agreement_entry* household_record::agreement_in_force(std::int64_t week_day, const std::optional<std::string>& thing) {
    const agreement_entry* in_force = nullptr;
    for (const agreement_entry& agreement : names().agreements) {
        if (agreement.thing == thing && agreement.from_day <= week_day) in_force = &agreement; // ordered: the latest wins
    }
    return in_force;
}

std::vector<std::int64_t> household_record::days_away(std::int64_t week_day) {
    const auto& members = names().members;
    std::vector<std::int64_t> away(members.size(), 0);
    for (std::size_t m = 0; m < members.size(); ++m) {
        std::vector<bool> day(7, false);
        for (const directory::away_entry& entry : names().away) {
            if (entry.member != members[m].id) continue;
            for (std::int64_t d = std::max(entry.from_day, week_day); d <= std::min(entry.to_day, week_day + 6); ++d) day[static_cast<std::size_t>(d - week_day)] = true;
        }
        away[m] = std::count(day.begin(), day.end(), true);
    }
    return away;
}

std::vector<double> household_record::agreed_shares(std::int64_t week_day, bool with_away) {
    const agreement_entry* in_force = agreement_in_force(week_day);
    std::vector<double> shares;
    for (const member_entry& member : names().members) {
        if (!in_force) {
            shares.push_back(member.agreed_share);
            continue;
        }
        const auto found = in_force->shares.find(member.id);
        shares.push_back(found == in_force->shares.end() ? 0.0 : found->second);
    }
    if (!with_away || names().away.empty()) return shares;
    // Away is not drift: a member's share counts for the days they were there.
    const std::vector<std::int64_t> away = days_away(week_day);
    double total = 0;
    std::vector<double> present(shares.size());
    for (std::size_t m = 0; m < shares.size(); ++m) {
        present[m] = shares[m] * static_cast<double>(7 - away[m]) / 7.0;
        total += present[m];
    }
    if (total <= 0) return shares; // everyone away all week: the agreement as it is
    for (double& share : present) share /= total;
    return present;
}

std::vector<double> household_record::thing_shares(const std::string& thing, std::int64_t week_day) {
    const agreement_entry* in_force = agreement_in_force(week_day, thing);
    std::size_t count = 0;
    for (const member_entry& member : names().members) count += member.retired ? 0 : 1;
    std::vector<double> shares;
    for (const member_entry& member : names().members) {
        if (!in_force) {
            shares.push_back(member.retired || count == 0 ? 0.0 : 1.0 / static_cast<double>(count));
            continue;
        }
        const auto found = in_force->shares.find(member.id);
        shares.push_back(found == in_force->shares.end() ? 0.0 : found->second);
    }
    return shares;
}

std::optional<std::chrono::sys_seconds> household_record::time_param(const json& params, const char* field,
                                                                    std::chrono::sys_seconds reference) {
    auto text = optional_string(params, field);
    if (!text) return std::nullopt;
    const std::string& tz = household().tz;
    return checked_input([&] { return resolve_time(parse_time_expr(*text, field), reference, tz, field); });
}

// ---------------------------------------------------------------- access

request_context household_record::context_for(const caller& who, std::optional<std::string> acting_for,
                                              std::chrono::sys_seconds reference) {
    request_context ctx;
    ctx.who = who;
    ctx.reference = reference;
    if (who.http) {
        // A device acts as its member and nobody else: never privileged, and
        // FAIRLY_MEMBER has no meaning for it.
        ctx.binding = who.device_member;
        return ctx;
    }
    ctx.privileged = who.uid == 0 || who.uid == settings_.daemon_uid;
    const auto& bindings = names().bindings;
    if (auto found = bindings.find(who.uid); found != bindings.end()) ctx.binding = found->second;
    // Before the household has members (init), FAIRLY_MEMBER names nobody yet.
    if (acting_for && !names().members.empty()) ctx.acting_for = member_id(*acting_for, "FAIRLY_MEMBER");
    return ctx;
}

void household_record::require_access(const request_context& ctx) {
    if (!ctx.binding && !ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "your Unix user (uid " + std::to_string(ctx.who.uid) +
                            ") is not bound to a member of this household; someone with access can bind you with "
                            "`fairly member add NAME --unix-user YOUR_USER`");
    }
}

void household_record::check_active(std::int64_t member) {
    for (const member_entry& entry : names().members) {
        if (entry.id == member && entry.retired) {
            throw rpc_error(error_code::conflict, entry.name + " has left the household (retired); their past stays in the record, "
                                                               "but nothing new is theirs");
        }
    }
}

std::int64_t household_record::subject_member(const request_context& ctx, const std::optional<std::string>& named) {
    std::optional<std::int64_t> found;
    if (named) found = member_id(*named, "member");
    else if (ctx.binding) found = *ctx.binding;
    else if (ctx.acting_for) found = *ctx.acting_for;
    if (found) {
        check_active(*found);
        return *found;
    }
    if (names().members.size() == 1) return names().members.front().id;
    bad_param("member", "say who this is for: --member NAME (" + member_list() +
                            "), or set FAIRLY_MEMBER, or bind your Unix user with `fairly member add NAME --unix-user USER`");
}

std::int64_t household_record::acting_member(const request_context& ctx, const std::optional<std::string>& named) {
    if (ctx.binding) return *ctx.binding;
    if (named) return member_id(*named, "member");
    if (ctx.acting_for) return *ctx.acting_for;
    if (names().members.size() == 1) return names().members.front().id;
    bad_param("member", "say who you are: --member NAME or FAIRLY_MEMBER (or bind your Unix user to a member)");
}

std::optional<std::int64_t> household_record::logger(const request_context& ctx, std::optional<std::int64_t> subject) {
    if (ctx.binding) return ctx.binding;
    if (ctx.acting_for) return ctx.acting_for;
    return subject;
}

// ---------------------------------------------------------------- events

namespace {

constexpr std::string_view recorded_columns =
    "SELECT e.id, e.member_id, e.logged_by_member_id, e.status, (SELECT count(*) FROM event_review r WHERE r.event_id = e.id), "
    "(SELECT r.verdict FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), e.void_reason, e.voided_by_uid, "
    "(SELECT r.reason FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1) "
    "FROM event e ";

recorded_event recorded_from(const store::statement& row) {
    return recorded_event{row.int64(0),        row.int64(1), row.optional_int64(2), row.text(3), static_cast<std::size_t>(row.int64(4)),
                          row.optional_text(5), row.optional_text(6), row.optional_int64(7), row.optional_text(8)};
}

} // namespace

std::optional<std::int64_t> household_record::id_by_uuid(uuid_table table, std::string_view uuid) {
    // Fixed statements, one per table: the table is never text from a request.
    static constexpr std::string_view by_table[] = {
        "SELECT id FROM event WHERE uuid = ?", "SELECT id FROM timer WHERE uuid = ?", "SELECT id FROM turn WHERE uuid = ?",
        "SELECT id FROM thanks WHERE uuid = ?", "SELECT id FROM meeting_moved WHERE uuid = ?"};
    store::statement_use query(db_.cached(by_table[static_cast<std::size_t>(table)]));
    query->bind(1, uuid);
    if (!query->step()) return std::nullopt;
    return query->int64(0);
}

std::optional<std::int64_t> household_record::event_id(std::string_view uuid) { return id_by_uuid(uuid_table::event, uuid); }

std::optional<recorded_event> household_record::find_event(std::int64_t id) {
    static const std::string sql = std::string(recorded_columns) + "WHERE e.id = ?";
    store::statement_use query(db_.cached(sql));
    query->bind(1, id);
    if (!query->step()) return std::nullopt;
    return recorded_from(*query);
}

std::optional<recorded_event> household_record::find_event(std::string_view uuid) {
    static const std::string sql = std::string(recorded_columns) + "WHERE e.uuid = ?";
    store::statement_use query(db_.cached(sql));
    query->bind(1, uuid);
    if (!query->step()) return std::nullopt;
    return recorded_from(*query);
}

event_record household_record::event(std::int64_t id) {
    static const std::string sql = std::string(event_columns) + "WHERE e.id = ?";
    store::statement_use query(db_.cached(sql));
    query->bind(1, id);
    if (!query->step()) throw rpc_error(error_code::not_found, "no event #" + std::to_string(id));
    return event_from_row(*query);
}

std::optional<load_event> household_record::counted(std::int64_t id) {
    household();
    store::statement_use query(db_.cached(
        "SELECT member_id, kind_id, role_thinking, is_load, start_utc, end_utc FROM counted_event WHERE id = ?"));
    query->bind(1, id);
    if (!query->step()) return std::nullopt;
    return load_event{query->int64(0), query->int64(1), query->int64(2) != 0, query->int64(3) != 0, query->int64(4), query->int64(5)};
}

void household_record::check_loggable(const kind_entry& kind) {
    if (!is_loggable_category(kind.category)) {
        bad_param("kind", kind.name + " is a career cost, kept beside the load: record it with `fairly moved \"WHAT\" --for KIND` "
                                      "(whose meeting or work was moved, and for which task)");
    }
}

void household_record::check_event(const event_record& event, const kind_entry& kind, const char* end_field) {
    check_loggable(kind);
    if (event.end_utc && *event.end_utc <= event.start_utc) {
        const std::string& tz = household().tz;
        bad_param(end_field, "the end " + format_local(std::chrono::sys_seconds{std::chrono::seconds{*event.end_utc}}, tz) +
                                 " is not after the start " + format_local(std::chrono::sys_seconds{std::chrono::seconds{event.start_utc}}, tz));
    }
    if (event.end_utc && *event.end_utc - event.start_utc > longest_event.count()) bad_param(end_field, "an event lasts at most 7 days");
    check_note(event.note, "note");
    if (!is_role(event.role)) bad_param("role", "\"" + event.role + "\" is not a role");
}

std::int64_t household_record::insert_event(const event_record& event, const std::vector<review_row>& reviews,
                                            const std::optional<std::string>& correction_reason) {
    const household_info& house = household();
    std::optional<load_event> uncounted;
    if (event.supersedes) {
        uncounted = counted(*event.supersedes);
        // Why it was corrected goes with it in the one change an event may have.
        store::statement_use supersede(db_.cached(
            "UPDATE event SET status = 'superseded', void_reason = coalesce(?, void_reason) WHERE id = ? AND status = 'active'"));
        supersede->bind(1, correction_reason).bind(2, *event.supersedes).step();
    }
    {
        store::statement_use insert(db_.cached(
            "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, role, note, status, supersedes, logged_by_member_id, "
            "logged_by_uid, source, created_at, void_reason, voided_by_uid, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, event.uuid).bind(2, event.member_id).bind(3, event.kind_id).bind(4, event.start_utc).bind(5, event.end_utc)
            .bind(6, event.role).bind(7, event.note).bind(8, event.status).bind(9, event.supersedes).bind(10, event.logged_by_member_id)
            .bind(11, event.logged_by_uid).bind(12, event.source).bind(13, event.created_at).bind(14, event.void_reason)
            .bind(15, event.voided_by_uid).bind(16, event.voided_at);
        insert->step();
    }
    const std::int64_t id = db_.last_insert_rowid();
    for (const review_row& review : reviews) {
        store::statement_use insert(db_.cached(
            "INSERT INTO event_review (event_id, member_id, verdict, reason, reviewed_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
        insert->bind(1, id).bind(2, review.member).bind(3, review.verdict).bind(4, review.reason).bind(5, review.uid).bind(6, review.at).step();
    }
    if (uncounted) book_.add(house.load, *uncounted, -1);
    if (auto now_counted = counted(id)) book_.add(house.load, *now_counted, +1);
    return id;
}

void household_record::void_event(std::int64_t id, const std::string& reason, std::int64_t uid, std::int64_t at) {
    const auto counted_before = counted(id);
    store::statement_use update(db_.cached(
        "UPDATE event SET status = 'voided', void_reason = ?, voided_by_uid = ?, voided_at = ? WHERE id = ? AND status = 'active'"));
    update->bind(1, reason).bind(2, uid).bind(3, at).bind(4, id).step();
    // Uncounted after the change, so the night's rest is computed without it.
    if (counted_before) book_.add(household().load, *counted_before, -1);
}

void household_record::add_reviews(std::int64_t id, const std::vector<review_row>& reviews) {
    if (reviews.empty()) return;
    const auto counted_before = counted(id);
    for (const review_row& review : reviews) {
        store::statement_use insert(db_.cached(
            "INSERT INTO event_review (event_id, member_id, verdict, reason, reviewed_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
        insert->bind(1, id).bind(2, review.member).bind(3, review.verdict).bind(4, review.reason).bind(5, review.uid).bind(6, review.at).step();
    }
    // A dispute takes the event out of every figure; withdrawing it puts it back.
    const auto counted_after = counted(id);
    if (counted_before && !counted_after) book_.add(household().load, *counted_before, -1);
    if (!counted_before && counted_after) book_.add(household().load, *counted_after, +1);
}

// ---------------------------------------------------------------- the household, members, kinds, timers, goals, slots

void household_record::check_drift(double slack, double threshold) {
    if (!(slack >= 0 && slack < 10)) bad_param("slack", "the weekly deviation tolerated, in sigma, from 0 to 10 (default 0.5)");
    if (!(threshold > 0 && threshold < 50)) bad_param("threshold", "the excess that raises the alert, in sigma, above 0 and below 50 (default 4)");
}

void household_record::insert_household(const household_row& row) {
    if (!is_known_zone(row.tz)) bad_param("tz", "\"" + row.tz + "\" is not a time zone of the system's tz database (e.g. Europe/London)");
    if (row.week_start < 0 || row.week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");
    check_household(row);
    store::statement_use insert(db_.cached(
        "INSERT INTO household (id, tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_k, "
        "drift_h, couple_check_weekday, couple_check_minute, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, row.tz).bind(2, row.week_start).bind(3, row.night_start).bind(4, row.night_end).bind(5, row.multiplier)
        .bind(6, row.slack).bind(7, row.threshold).bind(8, row.couple_weekday).bind(9, row.couple_minute).bind(10, row.created);
    insert->step();
    forget();
}

std::int64_t household_record::insert_member(const std::string& name, std::optional<std::int64_t> uid, double share_percent,
                                             std::int64_t created, const char* field) {
    check_member_name(name, field);
    for (const member_entry& member : names().members) {
        if (member.name != name && same_name(member.name, name)) {
            bad_param(field, name + " and " + member.name + " differ only in case, and names match whatever the case; choose another name");
        }
    }
    if (!(share_percent >= 0 && share_percent <= 100)) bad_param("share", "a percent from 0 to 100");
    store::statement_use insert(db_.cached("INSERT INTO member (name, unix_uid, agreed_share, created_at) VALUES (?, ?, ?, ?)"));
    insert->bind(1, name).bind(2, uid).bind(3, share_percent).bind(4, created).step();
    forget();
    return db_.last_insert_rowid();
}

void household_record::check_kind(const kind_row& row) {
    if (!is_valid_name(row.name)) bad_param("name", "a kind's name is " + std::string(name_rule));
    if (!is_category(row.category)) {
        bad_param("category", "\"" + row.category + "\" is not a category; use care, household, logistics, thinking, career or protected");
    }
    if (!(row.points >= 0 && row.points <= 1000)) bad_param("points", "a weight from 0 to 1000");
    if (!(row.per_hour >= 0 && row.per_hour <= 1000)) bad_param("per_hour", "a weight from 0 to 1000");
    if (row.default_seconds < 0 || row.default_seconds > 7 * 86400) bad_param("default_for", "a usual length from 0 to a week");
}

void household_record::update_kind(const kind_row& row) {
    check_kind(row);
    store::statement_use update(db_.cached(
        "UPDATE kind SET category = ?, points = ?, points_per_hour = ?, default_seconds = ?, night_applies = ? WHERE name = ?"));
    update->bind(1, row.category).bind(2, row.points).bind(3, row.per_hour).bind(4, row.default_seconds).bind(5, row.night ? 1 : 0)
        .bind(6, row.name).step();
    forget();
}

std::int64_t household_record::insert_kind(const kind_row& row) {
    check_kind(row);
    for (const auto& [name, kind] : names().kinds) {
        if (name != row.name && same_name(name, row.name)) {
            bad_param("name", row.name + " and " + name + " differ only in case, and kinds match whatever the case; choose another name");
        }
    }
    store::statement_use insert(db_.cached(
        "INSERT INTO kind (name, category, points, points_per_hour, default_seconds, night_applies, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, row.name).bind(2, row.category).bind(3, row.points).bind(4, row.per_hour).bind(5, row.default_seconds)
        .bind(6, row.night ? 1 : 0).bind(7, row.created).step();
    forget();
    return db_.last_insert_rowid();
}

std::int64_t household_record::insert_timer(const std::string& uuid, std::int64_t member, std::int64_t kind, std::int64_t start,
                                            const std::string& role, const std::string& note, std::int64_t uid, std::int64_t created) {
    store::statement_use insert(db_.cached(
        "INSERT INTO timer (uuid, member_id, kind_id, start_utc, role, note, started_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, start).bind(5, role).bind(6, note).bind(7, uid).bind(8, created).step();
    return db_.last_insert_rowid();
}

void household_record::remove_timer(std::int64_t id) {
    store::statement_use remove(db_.cached("DELETE FROM timer WHERE id = ?"));
    remove->bind(1, id).step();
}

namespace {

void check_goal(std::int64_t weekly_seconds) {
    if (weekly_seconds <= 0) bad_param("weekly", "a weekly goal is a positive length, e.g. 3h");
}

} // namespace

void household_record::set_goal(std::optional<std::int64_t> member, std::int64_t weekly_seconds, std::int64_t uid, std::int64_t created) {
    check_goal(weekly_seconds);
    store::statement_use upsert(db_.cached(
        "INSERT INTO protected_goal (member_id, weekly_seconds, set_by_uid, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (coalesce(member_id, 0)) DO UPDATE SET weekly_seconds = ?2, set_by_uid = ?3"));
    upsert->bind(1, member).bind(2, weekly_seconds).bind(3, uid).bind(4, created).step();
}

bool household_record::add_goal(std::optional<std::int64_t> member, std::int64_t weekly_seconds, std::int64_t uid, std::int64_t created) {
    check_goal(weekly_seconds);
    store::statement_use insert(db_.cached(
        "INSERT INTO protected_goal (member_id, weekly_seconds, set_by_uid, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (coalesce(member_id, 0)) DO NOTHING"));
    insert->bind(1, member).bind(2, weekly_seconds).bind(3, uid).bind(4, created).step();
    return db_.changes() > 0;
}

std::int64_t household_record::insert_slot(std::optional<std::int64_t> member, const std::string& label, std::int64_t weekday,
                                           std::int64_t start_minute, std::int64_t length_seconds, std::int64_t uid, std::int64_t created,
                                           std::optional<std::int64_t> removed) {
    if (label.empty() || label.size() > 200) bad_param("label", "1 to 200 bytes");
    if (length_seconds <= 0 || length_seconds > 86400) bad_param("for", "a slot lasts at most a day");
    if (weekday < 0 || weekday > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
    if (start_minute < 0 || start_minute >= 1440) bad_param("start", "a time of day, 00:00 to 23:59");
    store::statement_use insert(db_.cached(
        "INSERT INTO protected_slot (member_id, label, weekday, start_minute, length_seconds, created_by_uid, created_at, removed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, member).bind(2, label).bind(3, weekday).bind(4, start_minute).bind(5, length_seconds).bind(6, uid).bind(7, created)
        .bind(8, removed).step();
    return db_.last_insert_rowid();
}

// ---------------------------------------------------------------- turns, thanks, meetings moved, changes

std::int64_t household_record::insert_turn(const std::string& uuid, const std::string& thing, std::int64_t member, std::int64_t at,
                                           const std::string& note, std::optional<std::int64_t> logged_by, std::int64_t uid,
                                           std::int64_t created) {
    store::statement_use insert(db_.cached(
        "INSERT INTO turn (uuid, thing, member_id, at_utc, note, logged_by_member_id, logged_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, thing).bind(3, member).bind(4, at).bind(5, note).bind(6, logged_by).bind(7, uid).bind(8, created).step();
    return db_.last_insert_rowid();
}

std::int64_t household_record::insert_thanks(const std::string& uuid, std::int64_t from, std::int64_t to, const std::string& note,
                                             std::int64_t at, std::int64_t uid, std::int64_t created) {
    check_thanks(from, to, note);
    store::statement_use insert(db_.cached(
        "INSERT INTO thanks (uuid, from_member_id, to_member_id, note, at_utc, from_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, from).bind(3, to).bind(4, note).bind(5, at).bind(6, uid).bind(7, created).step();
    return db_.last_insert_rowid();
}

std::int64_t household_record::insert_talk(std::int64_t at, const std::string& note, std::optional<std::int64_t> by, std::int64_t uid,
                                           std::int64_t created) {
    check_note(note, "note");
    store::statement_use insert(db_.cached("INSERT INTO drift_talk (at_utc, note, member_id, uid, created_at) VALUES (?, ?, ?, ?, ?)"));
    insert->bind(1, at).bind(2, note).bind(3, by).bind(4, uid).bind(5, created).step();
    return db_.last_insert_rowid();
}

void household_record::check_turn(const std::string& thing, std::int64_t at, const std::string& note, std::chrono::sys_seconds reference) {
    if (!is_valid_name(thing)) bad_param("thing", "name the contested thing in one word, e.g. lie-in or gym-slot");
    const std::chrono::sys_seconds when{std::chrono::seconds{at}};
    checked_input([&] { check_has_happened(when, reference, household().tz, "at"); });
    check_note(note, "note");
}

void household_record::check_thanks(std::int64_t from, std::int64_t to, const std::string& note) {
    if (from == to) bad_param("to", "thanks go to someone else");
    check_note(note, "note");
}

void household_record::check_moved(const moved_row& row) {
    if (row.what.empty()) bad_param("what", "say what was moved, e.g. \"management meeting\"");
    if (row.what.size() > 200) bad_param("what", "at most 200 bytes");
    if (row.impact != "minor" && row.impact != "major" && row.impact != "missed") bad_param("impact", "minor, major or missed");
    check_note(row.note, "note");
}

std::int64_t household_record::insert_moved(const moved_row& row) {
    check_moved(row);
    store::statement_use insert(db_.cached(
        "INSERT INTO meeting_moved (uuid, member_id, what, for_kind_id, for_event_id, impact, at_utc, note, logged_by_member_id, logged_by_uid, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, row.uuid).bind(2, row.member).bind(3, row.what).bind(4, row.for_kind).bind(5, row.for_event).bind(6, row.impact)
        .bind(7, row.at).bind(8, row.note).bind(9, row.logged_by).bind(10, row.uid).bind(11, row.created).step();
    return db_.last_insert_rowid();
}

bool household_record::is_change_subject(std::string_view subject) {
    return find_change_subject(subject) != nullptr;
}

void household_record::log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                                  const request_context& ctx, const change_consent& consent) {
    log_change(subject, name, old_value, new_value, ctx.who.uid, logger(ctx, std::nullopt), now_utc(), consent);
}

void household_record::log_change(std::string_view subject, std::string_view name, const json& old_value, const json& new_value,
                                  std::int64_t uid, std::optional<std::int64_t> by, std::int64_t at, const change_consent& consent) {
    store::statement_use insert(db_.cached(
        "INSERT INTO change_log (subject, subject_name, old_value, new_value, changed_by_uid, changed_by_member_id, changed_at, "
        "proposal_id, proposed_by_member_id, proposed_by_uid, accepted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    std::optional<std::string> old_text, accepted;
    if (!old_value.is_null()) old_text = old_value.dump();
    if (consent.accepted_by) accepted = json(*consent.accepted_by).dump();
    insert->bind(1, subject).bind(2, name).bind(3, old_text).bind(4, new_value.dump()).bind(5, uid).bind(6, by).bind(7, at);
    insert->bind(8, consent.proposal_id).bind(9, consent.proposed_by).bind(10, consent.proposed_by_uid).bind(11, accepted);
    insert->step();
}

} // namespace fairly::daemon
