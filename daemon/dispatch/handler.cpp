#include "handler.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "params.hpp"
#include "protocol.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

namespace {

// ---------------------------------------------------------------- the edge: params in, typed requests out

span_request read_span(const json& params) {
    return span_request{optional_string(params, "at"), optional_string(params, "for"), optional_string(params, "until")};
}

std::int64_t read_id(const json& params, const char* hint) {
    const auto id = optional_integer(params, "id");
    if (!id) bad_param("id", std::string("is required (the event's number, see `fairly ") + hint + "`)");
    return *id;
}

log_request read_log(const json& params) {
    log_request request;
    request.uuid = uuid_param(params);
    request.member = optional_string(params, "member");
    request.kind = required_string(params, "kind");
    request.span = read_span(params);
    request.role = role_param(params, "did");
    request.note = note_param(params).value_or("");
    request.source = source_param(params);
    request.brief = optional_bool(params, "brief");
    request.long_ok = optional_bool(params, "long");
    return request;
}

timer_start_request read_timer_start(const json& params) {
    return timer_start_request{uuid_param(params), optional_string(params, "member"), required_string(params, "kind"),
                               optional_string(params, "at"), role_param(params, "did"), note_param(params).value_or("")};
}

timer_stop_request read_timer_stop(const json& params) {
    return timer_stop_request{uuid_param(params), optional_string(params, "member"), optional_string(params, "kind"),
                              optional_string(params, "at"), note_param(params), source_param(params), optional_bool(params, "long")};
}

void_request read_void(const json& params) {
    const std::int64_t id = read_id(params, "events");
    return void_request{id, optional_string(params, "reason").value_or("")};
}

edit_request read_edit(const json& params) {
    edit_request request;
    request.uuid = uuid_param(params);
    request.id = read_id(params, "events");
    request.member = optional_string(params, "member");
    request.kind = optional_string(params, "kind");
    if (find(params, "role")) request.role = role_param(params, "did");
    request.note = note_param(params);
    request.reason = note_param(params, "reason");
    request.span = read_span(params);
    request.source = source_param(params);
    request.long_ok = optional_bool(params, "long");
    return request;
}

review_request read_review(const json& params, std::string verdict) {
    review_request request;
    request.id = read_id(params, "pending");
    request.verdict = std::move(verdict);
    request.reason = note_param(params, "reason").value_or("");
    request.member = optional_string(params, "member");
    request.change = optional_bool(params, "change");
    return request;
}

moved_request read_moved(const json& params) {
    moved_request request;
    request.uuid = uuid_param(params);
    request.member = optional_string(params, "member");
    request.what = required_string(params, "what");
    request.for_kind = optional_string(params, "for");
    request.for_event = optional_integer(params, "for_event");
    request.impact = optional_string(params, "impact").value_or("minor");
    request.at = optional_string(params, "at");
    request.note = note_param(params).value_or("");
    return request;
}

turn_request read_turn(const json& params) {
    return turn_request{uuid_param(params), required_string(params, "thing"), optional_string(params, "member"), optional_string(params, "at"),
                        note_param(params).value_or("")};
}

thanks_request read_thanks(const json& params) {
    return thanks_request{uuid_param(params), required_string(params, "to"), optional_string(params, "member"),
                          note_param(params).value_or("")};
}

init_request read_init(const json& params) {
    init_request request;
    request.tz = required_string(params, "tz");
    const json* members = find(params, "members");
    if (!members || !members->is_array()) bad_param("members", "give at least one member name");
    for (const json& name : *members) {
        if (!name.is_string()) bad_param("members", "a member name is " + std::string(name_rule));
        request.members.push_back(name.get<std::string>());
    }
    if (const json* given = find(params, "split")) {
        if (!given->is_object()) bad_param("split", "expected an object of member: percent");
        request.split.emplace();
        for (const auto& [name, share] : given->items()) {
            if (!share.is_number()) bad_param("split", "the share of \"" + name + "\" must be a number from 0 to 100");
            request.split->emplace_back(name, share.get<double>());
        }
    }
    request.week_start = optional_integer(params, "week_start").value_or(1);
    return request;
}

member_request read_member(const json& params) {
    member_request request;
    request.name = required_string(params, "name");
    request.unix_uid = optional_integer(params, "unix_uid");
    request.unix_user = optional_string(params, "unix_user");
    if (const json* share = find(params, "share")) {
        if (!share->is_number()) bad_param("share", "a percent from 0 to 100");
        request.share = share->get<double>();
    }
    return request;
}

goal_request read_goal(const json& params) {
    return goal_request{required_string(params, "who"), required_string(params, "weekly"), optional_string(params, "remind_by")};
}

slot_request read_slot(const json& params) {
    return slot_request{required_string(params, "who"), required_string(params, "when"), required_string(params, "for"),
                        optional_string(params, "label").value_or("protected time")};
}

remind_request read_remind(const json& params) {
    remind_request request;
    if (auto text = optional_string(params, "within")) request.within = checked_input([&] { return parse_ahead(*text, "within"); });
    request.member = optional_string(params, "member");
    request.all = optional_bool(params, "all");
    return request;
}

std::vector<delivered_reminder> read_delivered(const json& params) {
    const json* given = find(params, "reminders");
    if (!given || !given->is_array()) bad_param("reminders", "a list of {key, to, text}");
    std::vector<delivered_reminder> delivered;
    for (const json& item : *given) {
        if (!item.is_object()) bad_param("reminders", "each is {key, to, text}");
        const std::string key = required_string(item, "key"), to = required_string(item, "to");
        delivered.push_back({key, to, optional_string(item, "text").value_or("")});
    }
    return delivered;
}

agreement_proposal read_proposal(const json& params) {
    agreement_proposal request;
    request.thing = optional_string(params, "thing");
    const json* given = find(params, "split");
    if (!given || !given->is_object() || given->empty()) bad_param("split", "expected NAME=PERCENT for every member, e.g. alex=60,sam=40");
    for (const auto& [name, share] : given->items()) {
        if (!share.is_number()) bad_param("split", "the share of \"" + name + "\" must be a number from 0 to 100");
        request.split.emplace_back(name, share.get<double>());
    }
    request.from = optional_string(params, "from");
    request.member = optional_string(params, "member");
    request.note = note_param(params).value_or("");
    return request;
}

agreement_answer_request read_answer(const json& params) {
    const std::string answer = required_string(params, "answer");
    if (answer != "accept" && answer != "decline") bad_param("answer", "accept or decline");
    return agreement_answer_request{optional_string(params, "thing"), answer == "accept", optional_string(params, "member")};
}

setting_answer_request read_setting_answer(const json& params) {
    const std::string answer = required_string(params, "answer");
    if (answer != "accept" && answer != "decline") bad_param("answer", "accept or decline");
    return setting_answer_request{required_string(params, "subject"), optional_string(params, "name"), answer == "accept",
                                  optional_string(params, "member")};
}

kind_request read_kind(const json& params) {
    kind_request request;
    request.name = required_string(params, "name");
    request.category = optional_string(params, "category");
    request.default_for = optional_string(params, "default_for");
    request.points = optional_number(params, "points");
    request.per_hour = optional_number(params, "per_hour");
    if (const json* night = find(params, "night")) {
        if (!night->is_boolean()) bad_param("night", "expected true or false");
        request.night = night->get<bool>();
    }
    return request;
}

night_request read_night(const json& params) {
    return night_request{optional_string(params, "from"), optional_string(params, "to"), optional_number(params, "multiplier")};
}

report_request read_report(const json& params) {
    return report_request{optional_string(params, "week"), optional_string(params, "last"), optional_string(params, "from"),
                          optional_string(params, "to"), optional_integer(params, "trend_weeks")};
}

drift_request read_drift(const json& params) {
    return drift_request{optional_number(params, "slack"), optional_number(params, "threshold"), optional_bool(params, "talked"),
                         note_param(params).value_or("")};
}

events_query read_events_query(const json& params) {
    return events_query{optional_string(params, "since"), optional_string(params, "until"), optional_string(params, "member"),
                        optional_string(params, "kind"), optional_bool(params, "all"),
                        optional_integer(params, "limit").value_or(10000)};
}

// ---------------------------------------------------------------- the edge: typed results out, JSON back

json event_reply(household_record& record, const event_outcome& outcome) {
    return json{{"event", event_json(outcome.event, record.household().tz)}, {"duplicate", outcome.duplicate}};
}

json log_reply(household_record& record, const log_outcome& outcome) {
    json reply = event_reply(record, outcome.logged);
    if (outcome.looks_like) reply["looks_like"] = {{"id", outcome.looks_like->id}, {"seconds_ago", outcome.looks_like->seconds_ago}};
    return reply;
}

json timer_json(household_record& record, const timer_record& timer, std::chrono::sys_seconds reference) {
    const std::string& tz = record.household().tz;
    const std::chrono::sys_seconds start{std::chrono::seconds{timer.start_utc}};
    const auto running = std::max<std::int64_t>(0, (reference - start).count());
    return json{{"id", timer.id},
                {"member", timer.member},
                {"kind", timer.kind},
                {"start", format_local_iso(start, tz)},
                {"start_utc", format_iso_utc(start)},
                {"running_minutes", running / 60},
                {"usual_minutes", timer.usual_seconds / 60},
                {"forgotten", std::chrono::seconds{running} >= forgotten_after(std::chrono::seconds{timer.usual_seconds})},
                {"note", timer.note},
                {"role", timer.role}};
}

json timer_reply(household_record& record, const timer_outcome& outcome, std::chrono::sys_seconds reference) {
    return json{{"timer", timer_json(record, outcome.timer, reference)}, {"duplicate", outcome.duplicate}};
}

json event_list(household_record& record, const std::vector<event_record>& events) {
    json list = json::array();
    for (const event_record& event : events) list.push_back(event_json(event, record.household().tz));
    return list;
}

// ---------------------------------------------------------------- the method table

/// A method reads, or writes (and then runs in a savepoint of its own).
enum class access { reads, writes };

using method_fn = json (*)(services&, household_record&, const json&, const request_context&);

struct method_entry {
    access kind;
    method_fn run;
    reach who = reach::socket;      ///< who may call it (phone: over HTTP only; both: the socket and a paired phone)
    const char* path = nullptr;     ///< a phone's route to it, under /api/ (phone or both)
    bool post = false;              ///< the route is a POST with a JSON body of `fields`
    std::vector<phone_field> fields{};
};

#define FAIRLY_SERVICE(service, call) \
    [](services& s, household_record&, const json& p, const request_context& c) -> json { return s.service.call(p, c); }

/// The method table: each method's name, whether it reads or writes, its
/// service call, who may call it (reach) and a phone's route to it.
const std::map<std::string_view, method_entry>& method_table() {
    static const std::map<std::string_view, method_entry> methods{
        {"status", {access::reads, FAIRLY_SERVICE(household, status)}},
        {"init", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.household.init(read_init(p), c);
         }}},
        {"member.rename", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.household.member_rename(required_string(p, "name"), required_string(p, "new_name"), c);
         }}},
        {"member.retire", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.household.member_retire(required_string(p, "name"), c);
         }}},
        {"member.add", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.household.member_add(read_member(p), c);
         }}},
        {"event.log", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             const log_request request = read_log(p);
             if (request.brief) {
                 // Bulk clients (import, the sample generator): the id and the durable acknowledgement.
                 const auto [id, duplicate] = s.events.log_brief(request, c);
                 return json{{"id", id}, {"duplicate", duplicate}};
             }
             return log_reply(r, s.events.log(request, c));
         }, reach::both, "/api/log", true, {{"uuid", false}, {"kind", false}, {"at", false}, {"until", false}, {"for", false}, {"note", false}}}},
        {"timer.start", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return timer_reply(r, s.events.start(read_timer_start(p), c), c.reference);
         }, reach::both, "/api/start", true, {{"uuid", false}, {"kind", false}, {"at", false}, {"note", false}}}},
        {"timer.stop", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return event_reply(r, s.events.stop(read_timer_stop(p), c));
         }, reach::both, "/api/stop", true, {{"uuid", false}, {"kind", false}, {"at", false}, {"note", false}}}},
        {"timer.cancel", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             const timer_record cancelled = s.events.cancel(timer_cancel_request{optional_string(p, "member"), optional_string(p, "kind")}, c);
             return json{{"cancelled", timer_json(r, cancelled, c.reference)}};
         }}},
        {"timer.list", {access::reads, [](services& s, household_record& r, const json&, const request_context& c) -> json {
             json list = json::array();
             for (const timer_record& timer : s.events.timers(c)) list.push_back(timer_json(r, timer, c.reference));
             return json{{"timers", std::move(list)}};
         }}},
        {"events.list", {access::reads, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             std::chrono::sys_seconds since{};
             const auto events = s.events.list(read_events_query(p), c, since);
             const std::string& tz = r.household().tz;
             return json{{"events", event_list(r, events)}, {"since", format_local_iso(since, tz)}, {"tz", tz}};
         }}},
        {"event.void", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return event_reply(r, s.events.void_event(read_void(p), c));
         }, reach::both, "/api/void", true, {{"id", true}, {"reason", false}}}},
        {"event.edit", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return event_reply(r, s.events.edit(read_edit(p), c));
         }, reach::both, "/api/edit", true, {{"uuid", false}, {"id", true}, {"kind", false}, {"at", false}, {"for", false}, {"note", false}}}},
        {"events.pending", {access::reads, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             std::int64_t me = 0;
             const auto events = s.events.pending(optional_string(p, "member"), c, me);
             return json{{"member", r.member_name(me)}, {"events", event_list(r, events)}};
         }}},
        {"event.confirm", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return event_reply(r, s.events.review(read_review(p, "confirmed"), c));
         }, reach::both, "/api/confirm", true, {{"id", true}}}},
        {"event.dispute", {access::writes, [](services& s, household_record& r, const json& p, const request_context& c) -> json {
             return event_reply(r, s.events.review(read_review(p, "disputed"), c));
         }, reach::both, "/api/dispute", true, {{"id", true}, {"reason", false}}}},
        {"kinds.list", {access::reads, FAIRLY_SERVICE(settings, kinds_list)}},
        {"kind.add", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.settings.kind_add(read_kind(p), c);
         }}},
        {"kind.edit", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.settings.kind_edit(read_kind(p), c);
         }}},
        {"kind.history", {access::reads, FAIRLY_SERVICE(settings, kind_history)}},
        {"away.add", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.away.away_add(away_request{required_string(p, "member"), required_string(p, "from"), required_string(p, "to"),
                                                       note_param(p).value_or("")},
                                          c);
         }}},
        {"away.list", {access::reads, [](services& s, household_record&, const json&, const request_context& c) -> json {
             return s.away.away_list(c);
         }}},
        {"guess.set", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             const auto share = optional_number(p, "share");
             if (!share) bad_param("share", "your share of this week's load, in percent (e.g. 60)");
             return s.guess.guess_set(guess_request{*share, optional_number(p, "night"), optional_string(p, "member")}, c);
         }}},
        {"guess.list", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.guess.guess_list(optional_string(p, "member"), c);
         }}},
        {"changes", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.settings.changes(optional_string(p, "since"), c);
         }}},
        {"night.get", {access::reads, FAIRLY_SERVICE(settings, night_get)}},
        {"night.set", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.settings.night_set(read_night(p), c);
         }}},
        {"moved.log", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.acts.moved_log(read_moved(p), c);
         }}},
        {"moved.list", {access::reads, FAIRLY_SERVICE(acts, moved_list)}},
        {"turn.take", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.acts.turn_take(read_turn(p), c);
         }}},
        {"turn.whose", {access::reads, FAIRLY_SERVICE(acts, turn_whose)}},
        {"thanks.give", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.acts.thanks_give(read_thanks(p), c);
         }, reach::both, "/api/thanks", true, {{"uuid", false}, {"to", false}, {"note", false}}}},
        {"thanks.list", {access::reads, FAIRLY_SERVICE(acts, thanks_list)}},
        {"report", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.reports.report(read_report(p), c);
         }, reach::both, "/api/report"}},
        {"balance", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.reports.balance(read_report(p), c);
         }}},
        {"drift.set", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.reports.drift_set(read_drift(p), c);
         }}},
        {"protect.set", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.protected_time.protect_set(read_goal(p), c);
         }}},
        {"protect.list", {access::reads, FAIRLY_SERVICE(protected_time, protect_list)}},
        {"protect.off", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.protected_time.protect_off(required_string(p, "who"), c);
         }}},
        {"slot.add", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.protected_time.slot_add(read_slot(p), c);
         }}},
        {"slot.list", {access::reads, FAIRLY_SERVICE(protected_time, slot_list)}},
        {"slot.remove", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             const auto id = optional_integer(p, "id");
             if (!id) bad_param("id", "is required (see `fairly slots`)");
             return s.protected_time.slot_remove(*id, c);
         }}},
        {"slots.ics", {access::reads, FAIRLY_SERVICE(protected_time, slots_ics)}},
        {"remind.check", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.reminders.check(read_remind(p), c);
         }}},
        {"remind.mark", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.reminders.mark(read_delivered(p), c);
         }}},
        {"agree.show", {access::reads, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.agreements.show(optional_string(p, "thing"), c);
         }}},
        {"agree.propose", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.agreements.propose(read_proposal(p), c);
         }}},
        {"agree.answer", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.agreements.answer(read_answer(p), c);
         }}},
        {"proposals.list", {access::reads, [](services& s, household_record&, const json&, const request_context& c) -> json {
             return s.settings.proposals_list(c);
         }}},
        {"proposal.answer", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.settings.proposal_answer(read_setting_answer(p), c);
         }}},
        {"device.pair", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.devices.pair(optional_string(p, "member"), optional_string(p, "name"), c);
         }}},
        {"devices.list", {access::reads, [](services& s, household_record&, const json&, const request_context& c) -> json {
             return s.devices.list(c);
         }}},
        {"device.revoke", {access::writes, [](services& s, household_record&, const json& p, const request_context& c) -> json {
             return s.devices.revoke(read_id(p, "devices"), c);
         }}},
        {"device.claim", {access::writes, [](services& s, household_record&, const json& p, const request_context&) -> json {
             return s.devices.claim(required_string(p, "code"), optional_string(p, "name").value_or(""));
         }, reach::phone}},
        {"device.check", {access::reads, [](services&, household_record& r, const json&, const request_context& c) -> json {
             return json{{"member", r.member_name(*c.binding)}};
         }, reach::phone}},
        {"phone.state", {access::reads, [](services& s, household_record& r, const json&, const request_context& c) -> json {
             const std::int64_t me = *c.binding;
             json members = json::array(), partners = json::array();
             for (const member_entry& m : r.names().members) {
                 if (m.retired) continue;
                 members.push_back(m.name);
                 if (m.id != me) partners.push_back(m.name);
             }
             const std::string name = r.member_name(me);
             json timers = json::array();
             for (const timer_record& timer : s.events.timers(c)) {
                 if (timer.member == name) timers.push_back(timer_json(r, timer, c.reference));
             }
             std::int64_t pending_for = 0;
             const auto pending = s.events.pending(std::nullopt, c, pending_for);
             return json{{"member", name},
                         {"members", std::move(members)},
                         {"partners", std::move(partners)},
                         {"tz", r.household().tz},
                         {"now", format_iso_utc(c.reference)},
                         {"device", {{"id", c.who.device_id.value_or(0)}}},
                         {"kinds", s.devices.kinds_for(me)},
                         {"timers", std::move(timers)},
                         {"pending", event_list(r, pending)}};
         }, reach::phone, "/api/state"}},
        {"phone.events", {access::reads, [](services& s, household_record& r, const json&, const request_context& c) -> json {
             // This household week's entries, everyone's (the page shows the week as the report does).
             const std::string& tz = r.household().tz;
             std::chrono::sys_seconds since{};
             events_query query;
             query.limit = 500;
             auto events = s.events.list(query, c, since);
             std::reverse(events.begin(), events.end());
             return json{{"events", event_list(r, events)}, {"since", format_local_iso(since, tz)}, {"tz", tz}};
         }, reach::phone, "/api/events"}},
        {"backup", {access::reads, FAIRLY_SERVICE(backups, backup)}},
        // Runs after its round commits (request_handler::run_deferred).
        {"restore", {access::reads, FAIRLY_SERVICE(backups, restore)}},
        {"export.household", {access::reads, FAIRLY_SERVICE(exports, export_household)}},
        {"export.records", {access::reads, FAIRLY_SERVICE(exports, export_records)}},
        // Each also keeps a savepoint of its own, so a check can be rolled back.
        {"import.household", {access::writes, FAIRLY_SERVICE(imports, import_household)}},
        {"import.records", {access::writes, FAIRLY_SERVICE(imports, import_records)}},
    };
    return methods;
}

const method_entry* find_method(std::string_view method) {
    const auto& methods = method_table();
    auto found = methods.find(method);
    return found == methods.end() ? nullptr : &found->second;
}

#undef FAIRLY_SERVICE

} // namespace

bool phone_route::takes(std::string_view field) const {
    return std::any_of(fields.begin(), fields.end(), [&](const phone_field& f) { return field == f.name; });
}

const std::vector<phone_route>& phone_routes() {
    static const std::vector<phone_route> routes = [] {
        std::vector<phone_route> all;
        for (const auto& [name, entry] : method_table()) {
            if (entry.path) all.push_back(phone_route{name, entry.path, entry.post, entry.fields});
        }
        return all;
    }();
    return routes;
}

bool reachable(std::string_view method, bool over_http) {
    const method_entry* entry = find_method(method);
    if (!entry) return false;
    return over_http ? entry->who != reach::socket : entry->who != reach::phone;
}

request_handler::request_handler(store::database& db, handler_settings settings) : record_(db, std::move(settings)) {}

std::string request_handler::handle_line(std::string_view line, const caller& who) {
    json request = json::parse(line, nullptr, false);
    if (request.is_discarded()) {
        return rpc::to_line(rpc::make_error(nullptr, error_code::parse_error,
                                            "parse error: a request is one JSON object on one line"));
    }
    json reply = handle(request, who);
    if (has_deferred()) run_deferred(reply);
    before_commit(); // no commit queue here: each line is its own round
    return reply.is_null() ? std::string() : rpc::to_line(reply);
}

json request_handler::handle(const json& request, const caller& who, isolation mode) {
    if (!request.is_object()) {
        return rpc::make_error(nullptr, error_code::invalid_request, "invalid request: expected a JSON object");
    }
    json id = nullptr;
    bool notification = true;
    if (auto it = request.find("id"); it != request.end()) {
        notification = false;
        if (it->is_string() || it->is_number_integer() || it->is_null()) id = *it;
        else return rpc::make_error(nullptr, error_code::invalid_request, "invalid request: id must be a string or an integer");
    }
    auto version = request.find("jsonrpc");
    auto method = request.find("method");
    if (version == request.end() || *version != "2.0" || method == request.end() || !method->is_string()) {
        return rpc::make_error(id, error_code::invalid_request, "invalid request: needs \"jsonrpc\":\"2.0\" and a method name");
    }
    static const json no_params = json::object();
    const json* params = &no_params;
    if (auto it = request.find("params"); it != request.end() && !it->is_null()) {
        if (!it->is_object()) return rpc::make_error(id, error_code::invalid_params, "params: expected an object");
        params = &*it;
    }

    const method_entry* entry = find_method(method->get_ref<const std::string&>());
    if (!entry) {
        return notification ? json(nullptr)
                            : rpc::make_error(id, error_code::method_not_found,
                                              "unknown method \"" + method->get<std::string>() + "\"");
    }

    const std::string& name = method->get_ref<const std::string&>();
    const bool allowed = reachable(name, who.http);
    if (!allowed) {
        return notification ? json(nullptr)
                            : rpc::make_error(id, error_code::permission_denied,
                                              who.http ? "\"" + name + "\" is not reachable from the phone page; use `fairly` on the machine"
                                                       : "\"" + name + "\" is answered only over HTTP, to a phone opening its pairing link");
    }

    // A failed write leaves no trace in the shared group commit: it runs in
    // a savepoint, or (shared_round) the round runs again if it changed a
    // row before failing. A read needs neither.
    const bool writes = entry->kind == access::writes;
    std::optional<store::savepoint> request_scope;
    if (writes && mode == isolation::savepoint) request_scope.emplace(record_.db());
    const std::int64_t changes_before = record_.db().total_changes();
    const std::size_t book_mark = record_.book().mark();
    json reply;
    try {
        std::chrono::sys_seconds reference = record_.now();
        caller asking = who;
        std::optional<std::string> default_member;
        if (who.http) {
            // A device's request is judged now, as its member; the socket's
            // reference_time and default_member are not read from it.
            if (name != "device.claim") {
                const auto device = who.token_hash.empty() ? std::nullopt : services_.devices.identify(who.token_hash);
                if (!device) {
                    throw rpc_error(error_code::permission_denied,
                                    "this device is not paired with the household, or it was unpaired; pair it with `fairly pair`",
                                    json{{"unpaired", true}});
                }
                asking.device_id = device->id;
                asking.device_member = device->member;
            }
        } else {
            if (auto text = optional_string(*params, "reference_time")) {
                reference = checked_input([&] { return parse_iso_instant(*text, "reference_time"); });
            }
            default_member = optional_string(*params, "default_member");
        }
        const request_context ctx = record_.context_for(asking, default_member, reference);
        json result = entry->run(services_, record_, *params, ctx);
        if (request_scope) request_scope->release();
        reply = rpc::make_result(id, std::move(result));
    } catch (const std::exception& failure) {
        if (request_scope) request_scope->rollback();
        else if (writes && (record_.db().total_changes() != changes_before || !record_.db().in_transaction())) throw round_retry();
        record_.book().rollback_to(book_mark);
        record_.forget();
        reply = error_reply(id, failure);
    }
    return notification ? json(nullptr) : reply;
}

void request_handler::run_deferred(json& reply) {
    const bool notification = reply.is_null();
    const json id = notification ? json(nullptr) : reply.value("id", json(nullptr));
    json result;
    try {
        result = rpc::make_result(id, services_.backups.run_restore());
    } catch (const std::exception& failure) {
        record_.forget();
        result = error_reply(id, failure);
    }
    if (!notification) reply = std::move(result);
}

json request_handler::error_reply(const json& id, const std::exception& failure) {
    if (const auto* e = dynamic_cast<const rpc_error*>(&failure)) return rpc::make_error(id, e->code, e->what(), e->data);
    if (const auto* e = dynamic_cast<const input_error*>(&failure)) {
        return rpc::make_error(id, error_code::invalid_params, e->what(), json{{"field", e->field}});
    }
    if (const auto* e = dynamic_cast<const store::storage_error*>(&failure)) {
        return e->is_constraint()
                   ? rpc::make_error(id, error_code::conflict, std::string("refused by the record's rules: ") + e->what())
                   : rpc::make_error(id, error_code::storage_error,
                                     std::string("the database could not store this; nothing was changed: ") + e->what());
    }
    return rpc::make_error(id, error_code::internal_error, std::string("internal error: ") + failure.what());
}

} // namespace fairly::daemon
