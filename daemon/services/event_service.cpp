#include "event_service.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "protocol.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <array>
#include <limits>
#include <vector>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

sys_seconds resolve(const std::string& text, const char* field, sys_seconds reference, const std::string& tz) {
    return checked_input([&] { return resolve_time(parse_time_expr(text, field), reference, tz, field); });
}

/// A time of something that has happened (a start, an end, a stop): the one
/// rule for a time ahead (zone.hpp, resolve_past_time).
sys_seconds resolve_past(const std::string& text, const char* field, sys_seconds reference, const std::string& tz) {
    return checked_input([&] { return resolve_past_time(parse_time_expr(text, field), reference, tz, field); });
}

std::string number(std::int64_t id) { return "#" + std::to_string(id); }

/// Refuses a length far beyond the kind's usual one (a forgotten timer, a
/// typo of 35h for 35m) unless the member said `--long`; `fix` says what to
/// type instead.
void check_plausible(seconds length, const kind_entry& kind, bool long_ok, const char* field, const std::string& fix) {
    const seconds usual{kind.default_seconds};
    const seconds limit = plausible_length(usual);
    if (long_ok || length <= limit) return;
    bad_param(field, format_duration(length) + " of " + kind.name + " is far beyond its usual " + format_duration(usual) + " (over " +
                         format_duration(limit) + " is unlikely): " + fix + "; if it really was that long, add --long");
}

constexpr const char* log_fix = "if it ended sooner, give the length with --for or the end with --until";

} // namespace

event_record event_service::prepare(const log_request& request, const request_context& ctx, const kind_entry& kind) {
    record_.check_loggable(kind); // before anything else: the answer is `fairly moved`, whoever it is for
    const std::string& tz = record_.household().tz;
    const sys_seconds reference = ctx.reference;
    const span_request& span = request.span;
    if (span.at && span.length && span.until) bad_param("for", "give two of a start (--at), a length (--for) and an end (--until), not all three");
    sys_seconds start = reference;
    std::optional<sys_seconds> end;
    if (span.at) start = resolve_past(*span.at, "at", reference, tz);
    if (span.until && !span.at) {
        // An end alone is something that finished then: it lasted --for, or the kind's usual length
        // (a tap on the phone page, sent late from its queue, keeps the time of the tap).
        end = resolve_past(*span.until, "until", reference, tz);
        const seconds how_long = span.length ? checked_input([&] { return parse_duration(*span.length, "for"); }) : seconds{kind.default_seconds};
        start = *end - how_long;
    } else if (span.length) {
        const seconds how_long = checked_input([&] { return parse_duration(*span.length, "for"); });
        // With no --at, "--for 35m" is something just finished: it ends now.
        if (!span.at) start = reference - how_long;
        end = start + how_long;
    } else if (span.until) {
        end = resolve_past(*span.until, "until", reference, tz);
    }
    event_record event;
    event.uuid = request.uuid;
    event.member_id = record_.subject_member(ctx, request.member);
    event.kind_id = kind.id;
    event.start_utc = start.time_since_epoch().count();
    if (end) event.end_utc = end->time_since_epoch().count();
    event.role = request.role;
    event.note = request.note;
    event.logged_by_member_id = household_record::logger(ctx, event.member_id);
    event.logged_by_uid = ctx.who.uid;
    event.source = request.source;
    event.created_at = record_.now_utc();
    record_.check_event(event, kind, span.until ? "until" : "for");
    if (end) check_plausible(*end - start, kind, request.long_ok, span.until ? "until" : "for", log_fix);
    return event;
}

std::pair<std::int64_t, bool> event_service::log_brief(const log_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    if (auto again = record_.event_id(request.uuid)) return {*again, true};
    const kind_entry& kind = record_.kind_named(request.kind);
    return {record_.insert_event(prepare(request, ctx, kind)), false};
}

log_outcome event_service::log(const log_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    if (auto again = record_.event_id(request.uuid)) return {{record_.event(*again), true}, std::nullopt};
    const kind_entry& kind = record_.kind_named(request.kind);
    event_record event = prepare(request, ctx, kind);
    const auto looks_like = recent_overlap(event, kind);
    event.id = record_.insert_event(event);
    // The reply is built from what is in hand rather than read back: this is
    // the hot path of every `fairly log`.
    event.kind = kind.name;
    event.category = kind.category;
    event.default_seconds = kind.default_seconds;
    event.member = record_.member_name(event.member_id);
    if (event.logged_by_member_id) event.logged_by = record_.member_name(*event.logged_by_member_id);
    return {{std::move(event), false}, looks_like};
}

std::optional<log_outcome::similar> event_service::recent_overlap(const event_record& event, const kind_entry& kind) {
    // The same member and kind, still active, overlapping in time (an
    // instant lasts its instant_length()), among the newest
    // recent_overlap_rows entries of that member and kind in the last few
    // minutes (event_by_member_kind_created, read backwards). Bounded, so a
    // script or an import pouring in entries does not make each one read all
    // the others: a person does not log one kind 64 times in ten minutes.
    // The rows come newest first straight off the index and the first match
    // ends the walk: filtering and ordering in SQL made SQLite read all of
    // them into a temporary b-tree to sort them again (210,000 instructions
    // a log when the last 64 entries were all minutes old).
    const std::int64_t end = event.end_utc.value_or(event.start_utc + instant_length(seconds{kind.default_seconds}, event.role).count());
    static const std::string recent_sql =
        "SELECT id, created_at, status = 'active', start_utc, " + event_end_sql("start_utc", "end_utc", "role", "?4") + " FROM event "
        "WHERE member_id = ?1 AND kind_id = ?2 AND created_at >= ?3 ORDER BY created_at DESC, id DESC LIMIT ?5";
    store::statement_use query(record_.db().cached(recent_sql));
    query->bind(1, event.member_id).bind(2, kind.id).bind(3, event.created_at - twice_window.count()).bind(4, kind.default_seconds)
        .bind(5, recent_overlap_rows);
    while (query->step()) {
        const std::int64_t start = query->int64(3);
        const bool overlaps = start == event.start_utc || (start < end && query->int64(4) > event.start_utc);
        if (query->int64(2) != 0 && overlaps) {
            return log_outcome::similar{query->int64(0), std::max<std::int64_t>(0, event.created_at - query->int64(1))};
        }
    }
    return std::nullopt;
}

namespace {

// A macro so that each query is one literal (GCC 12 warns, wrongly, on string + literal here).
#define FAIRLY_TIMER_COLUMNS \
    "SELECT t.id, m.name, k.name, t.start_utc, t.note, t.role, k.default_seconds " \
    "FROM timer t JOIN member m ON m.id = t.member_id JOIN kind k ON k.id = t.kind_id "

timer_record timer_from_row(const store::statement& row) {
    return timer_record{row.int64(0), row.text(1), row.text(2), row.text(4), row.text(5), row.int64(3), row.int64(6)};
}

timer_record read_timer(store::database& db, std::int64_t id) {
    store::statement_use query(db.cached(FAIRLY_TIMER_COLUMNS "WHERE t.id = ?"));
    query->bind(1, id);
    query->step();
    return timer_from_row(*query);
}

/// A member's running timer, as `stop` and `cancel` find it.
struct running_timer {
    std::int64_t id = 0, kind = 0, start_utc = 0;
    std::string role, note, kind_name;
};

/// The member's one running timer (of `kind`, if named); refuses none or several.
running_timer find_running(store::database& db, std::int64_t member, const std::optional<std::string>& kind, const char* verb) {
    running_timer found;
    int matches = 0;
    std::string running_kinds;
    std::vector<std::string> running_names;
    store::statement_use running(db.cached(
        "SELECT t.id, t.kind_id, t.start_utc, t.role, t.note, k.name FROM timer t JOIN kind k ON k.id = t.kind_id "
        "WHERE t.member_id = ? ORDER BY t.start_utc"));
    running->bind(1, member);
    while (running->step()) {
        running_kinds += (running_kinds.empty() ? "" : ", ") + running->text(5);
        running_names.push_back(running->text(5));
        if (kind && !same_name(running->text(5), *kind)) continue; // "Night-Feed" is night-feed
        ++matches;
        found = running_timer{running->int64(0), running->int64(1), running->int64(2), running->text(3), running->text(4), running->text(5)};
    }
    if (matches == 0) {
        throw rpc_error(error_code::not_found,
                        kind ? "no " + *kind + " timer is running" +
                                   (running_kinds.empty()                            ? std::string()
                                    : !did_you_mean(*kind, running_names).empty() ? did_you_mean(*kind, running_names)
                                                                                    : " (running: " + running_kinds + ")")
                             : std::string("no timer is running; `fairly timers` lists the household's"));
    }
    if (matches > 1) bad_param("kind", "several timers are running (" + running_kinds + "); say which to " + verb);
    return found;
}

} // namespace

timer_outcome event_service::start(const timer_start_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    store::database& db = record_.db();
    const std::string& tz = record_.household().tz;
    if (const auto again = record_.id_by_uuid(household_record::uuid_table::timer, request.uuid)) return {read_timer(db, *again), true};
    const kind_entry& kind = record_.kind_named(request.kind);
    record_.check_loggable(kind);
    const std::int64_t member = record_.subject_member(ctx, request.member);
    sys_seconds start = ctx.reference;
    if (request.at) {
        start = resolve_past(*request.at, "at", ctx.reference, tz);
    }
    event_record planned;
    planned.start_utc = start.time_since_epoch().count();
    planned.role = request.role;
    planned.note = request.note;
    record_.check_event(planned, kind, "at");
    {
        store::statement_use running(db.cached("SELECT start_utc FROM timer WHERE member_id = ? AND kind_id = ?"));
        running->bind(1, member).bind(2, kind.id);
        if (running->step()) {
            throw rpc_error(error_code::conflict, "a " + kind.name + " timer is already running since " +
                                                      format_local(sys_seconds{seconds{running->int64(0)}}, tz) +
                                                      "; stop it with `fairly stop " + kind.name + "`");
        }
    }
    return {read_timer(db, record_.insert_timer(request.uuid, member, kind.id, planned.start_utc, request.role, request.note, ctx.who.uid,
                                                record_.now_utc())),
            false};
}

event_outcome event_service::stop(const timer_stop_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    if (auto again = record_.find_event(request.uuid)) return {record_.event(again->id), true};
    store::database& db = record_.db();
    const std::string& tz = record_.household().tz;
    const std::int64_t member = record_.subject_member(ctx, request.member);

    running_timer timer = find_running(db, member, request.kind, "stop");
    const std::int64_t timer_id = timer.id, kind = timer.kind, start_utc = timer.start_utc;
    std::string role = timer.role, note = timer.note;

    sys_seconds end = ctx.reference;
    if (request.at) end = resolve_past(*request.at, "at", ctx.reference, tz);
    const sys_seconds start{seconds{start_utc}};
    if (end <= start) bad_param("at", "the end " + format_local(end, tz) + " is not after the start " + format_local(start, tz));
    if (end - start > longest_event) {
        bad_param("at", "a timer runs at most 7 days: give the time it ended with `fairly stop " + timer.kind_name + " --at TIME`, or `fairly cancel " +
                            timer.kind_name + "`");
    }
    {
        const kind_entry& entry = record_.kind_by_id(kind);
        // A timer stopped sooner than usual needs no hint; a long one is offered its usual end.
        const std::string suggestion = typed_time(std::min(start + seconds{entry.default_seconds}, ctx.reference), ctx.reference, tz);
        check_plausible(end - start, entry, request.long_ok, "at",
                        "give the time it ended, e.g. `fairly stop " + entry.name + " --at \"" + suggestion + "\"`, or `fairly cancel " +
                            entry.name + "` if it should never have run");
    }
    if (request.note) note = note.empty() ? *request.note : note + "; " + *request.note;

    event_record event;
    event.uuid = request.uuid;
    event.member_id = member;
    event.kind_id = kind;
    event.start_utc = start_utc;
    event.end_utc = end.time_since_epoch().count();
    event.role = role;
    event.note = note;
    event.logged_by_member_id = household_record::logger(ctx, member);
    event.logged_by_uid = ctx.who.uid;
    event.source = request.source;
    event.created_at = record_.now_utc();
    record_.check_event(event, record_.kind_by_id(kind), "at");
    const std::int64_t id = record_.insert_event(event);
    record_.remove_timer(timer_id);
    return {record_.event(id), false};
}

timer_record event_service::cancel(const timer_cancel_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::int64_t member = record_.subject_member(ctx, request.member);
    const running_timer timer = find_running(record_.db(), member, request.kind, "cancel");
    timer_record cancelled = read_timer(record_.db(), timer.id);
    record_.remove_timer(timer.id);
    const json was{{"member", cancelled.member}, {"kind", cancelled.kind},
                   {"start", format_local_iso(sys_seconds{seconds{cancelled.start_utc}}, record_.household().tz)}, {"note", cancelled.note}};
    record_.log_change("timer", cancelled.kind, was, json{{"cancelled", true}}, ctx);
    return cancelled;
}

std::vector<timer_record> event_service::timers(const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    store::statement_use query(record_.db().cached(FAIRLY_TIMER_COLUMNS "ORDER BY t.start_utc, t.id"));
    std::vector<timer_record> running;
    while (query->step()) running.push_back(timer_from_row(*query));
    return running;
}

std::vector<event_record> event_service::list(const events_query& query, const request_context& ctx, sys_seconds& since) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    if (query.since) {
        since = resolve(*query.since, "since", ctx.reference, house.tz);
    } else {
        // Default: this household week so far.
        since = week_of(ctx.reference, house.load).begins(house.tz);
    }
    std::int64_t until = std::numeric_limits<std::int64_t>::max();
    if (query.until) until = resolve(*query.until, "until", ctx.reference, house.tz).time_since_epoch().count();
    std::optional<std::int64_t> member, kind;
    if (query.member) member = record_.member_id(*query.member, "member");
    if (query.kind) kind = record_.kind_named(*query.kind).id;
    if (query.limit < 1 || query.limit > 1000000) bad_param("limit", "from 1 to 1000000");

    store::statement_use rows(record_.db().cached(
        std::string(event_columns) +
        "WHERE e.start_utc >= ?1 AND e.start_utc < ?2 AND (?3 IS NULL OR e.member_id = ?3) AND (?4 IS NULL OR e.kind_id = ?4) "
        "AND (?5 OR e.status = 'active') ORDER BY e.start_utc, e.id LIMIT ?6"));
    rows->bind(1, since.time_since_epoch().count()).bind(2, until).bind(3, member).bind(4, kind).bind(5, query.all ? 1 : 0).bind(6, query.limit);
    std::vector<event_record> events;
    while (rows->step()) events.push_back(event_from_row(*rows));
    return events;
}

event_outcome event_service::void_event(const void_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    if (request.reason.empty()) bad_param("reason", "say why the event is voided (e.g. \"logged twice\")");
    check_note(request.reason, "reason");
    const auto found = record_.find_event(request.id);
    if (!found) throw rpc_error(error_code::not_found, "id: no event " + number(request.id), json{{"field", "id"}});
    record_.check_may_void(ctx, request.id, *found);
    if (found->status == "voided") {
        // A retried void (same reason, same person) is answered as done.
        if (found->void_reason == request.reason && found->voided_by_uid == ctx.who.uid) return {record_.event(request.id), true};
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " is already voided: " + found->void_reason.value_or(""));
    }
    if (found->status == "superseded") {
        const auto [current, status] = current_version(request.id);
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " was corrected; " + number(current) + " is the current one" +
                                                  (status == "active" ? ": `fairly void " + std::to_string(current) + " --reason \"" + request.reason + "\"`"
                                                                      : " (" + status + ")"));
    }
    record_.void_event(request.id, request.reason, ctx.who.uid, record_.now_utc());
    return {record_.event(request.id), false};
}

event_outcome event_service::edit(const edit_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    if (auto earlier = record_.find_event(request.uuid)) {
        event_record again = record_.event(earlier->id);
        if (again.supersedes == request.id) return {std::move(again), true};
        bad_param("uuid", "already used by another event");
    }
    const auto found = record_.find_event(request.id);
    if (!found) throw rpc_error(error_code::not_found, "id: no event " + number(request.id), json{{"field", "id"}});
    const event_record original = record_.event(request.id);
    record_.check_may_correct(ctx, request.id, *found);
    if (original.status == "superseded") {
        const auto [current, status] = current_version(request.id);
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " was corrected already; " + number(current) + " is the current one" +
                                                  (status == "active" ? ": correct that one with `fairly edit " + std::to_string(current) + " …`"
                                                                      : " (" + status + ")"));
    }
    if (original.status != "active") {
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " is " + original.status + "; only an active event can be corrected");
    }
    event_record event;
    event.uuid = request.uuid;
    event.member_id = request.member ? record_.member_id(*request.member, "member") : original.member_id;
    const kind_entry& kind = request.kind ? record_.kind_named(*request.kind) : record_.kind_by_id(original.kind_id);
    event.kind_id = kind.id;
    event.role = request.role.value_or(original.role);
    event.note = request.note.value_or(original.note);

    const span_request& span = request.span;
    if (span.length && span.until) bad_param("for", "give either a length (--for) or an end (--until), not both");
    std::optional<seconds> kept_length;
    if (original.end_utc) kept_length = seconds{*original.end_utc - original.start_utc};
    sys_seconds start{seconds{original.start_utc}};
    if (span.at) start = resolve_past(*span.at, "at", ctx.reference, tz);
    std::optional<sys_seconds> end;
    if (kept_length) end = start + *kept_length;
    if (span.length) end = start + checked_input([&] { return parse_duration(*span.length, "for"); });
    if (span.until) end = resolve_past(*span.until, "until", ctx.reference, tz);
    event.start_utc = start.time_since_epoch().count();
    if (end) event.end_utc = end->time_since_epoch().count();
    event.supersedes = request.id;
    event.logged_by_member_id = household_record::logger(ctx, event.member_id);
    event.logged_by_uid = ctx.who.uid;
    event.source = request.source;
    event.created_at = record_.now_utc();
    record_.check_event(event, kind, span.until ? "until" : (span.at && !span.length ? "at" : "for"));
    if (end && (span.length || span.until)) check_plausible(*end - start, kind, request.long_ok, span.until ? "until" : "for", log_fix);
    std::optional<std::string> reason = request.reason;
    if (reason && reason->empty()) reason.reset();
    return {record_.event(record_.insert_event(event, {}, reason)), false};
}

std::pair<std::int64_t, std::string> event_service::current_version(std::int64_t id) {
    // Follow the corrections: each supersedes the one before.
    std::string status = "superseded";
    for (int hops = 0; status == "superseded" && hops < 10000; ++hops) {
        store::statement_use next(record_.db().cached("SELECT id, status FROM event WHERE supersedes = ? ORDER BY id DESC LIMIT 1"));
        next->bind(1, id);
        if (!next->step()) break;
        id = next->int64(0);
        status = next->text(1);
    }
    return {id, status};
}

std::vector<event_record> event_service::pending(const std::optional<std::string>& member, const request_context& ctx, std::int64_t& me) {
    record_.require_access(ctx);
    record_.household();
    me = record_.acting_member(ctx, member);
    store::statement_use query(record_.db().cached(
        std::string(event_columns) + "WHERE " + awaiting_answer + "ORDER BY e.start_utc, e.id"));
    query->bind(1, me);
    std::vector<event_record> events;
    while (query->step()) events.push_back(event_from_row(*query));
    return events;
}

event_outcome event_service::review(const review_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const bool dispute = request.verdict == "disputed";
    const char* verb = dispute ? "dispute" : "confirm";
    const auto found = record_.find_event(request.id);
    if (!found) throw rpc_error(error_code::not_found, "id: no event " + number(request.id), json{{"field", "id"}});
    const std::int64_t me = record_.acting_member(ctx, request.member);
    record_.check_may_review(ctx, request.id, *found, me);
    // Only what someone else logged for you is yours to answer: your own
    // entries you correct (`fairly edit`) or void.
    if (!found->logged_by || *found->logged_by == found->member_id) {
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " was logged by " +
                                                  (found->logged_by ? std::string("you") : std::string("an admin for you")) +
                                                  "; there is nothing to " + verb + ". If it is wrong, correct it with `fairly edit " +
                                                  std::to_string(request.id) + "` or `fairly void " + std::to_string(request.id) +
                                                  " --reason ...`");
    }
    if (found->status != "active") {
        throw rpc_error(error_code::conflict, "event " + number(request.id) + " is " + found->status + "; there is nothing to " + verb);
    }
    if (dispute && request.reason.empty()) bad_param("reason", "say what is wrong, e.g. \"that was me, not you\"");
    if (found->latest_verdict) {
        // A retry of the same answer changes nothing.
        if (*found->latest_verdict == request.verdict && (!dispute || found->latest_reason == request.reason)) {
            return {record_.event(request.id), true};
        }
        if (!request.change) {
            const std::string given = *found->latest_verdict == "disputed" ? "disputed" : "confirmed";
            throw rpc_error(error_code::conflict, "you already " + given + " event " + number(request.id) + "; to change your answer, `fairly " +
                                                      verb + " " + std::to_string(request.id) + (dispute ? " REASON" : "") + " --change`");
        }
    }
    record_.add_reviews(request.id, {review_row{me, request.verdict, request.reason, ctx.who.uid, record_.now_utc()}});
    return {record_.event(request.id), false};
}

} // namespace fairly::daemon
