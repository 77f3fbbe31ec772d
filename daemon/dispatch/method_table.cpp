// The method table (method_table.hpp).
#include "method_table.hpp"

#include "params.hpp"
#include "protocol.hpp"
#include "read_requests.hpp"
#include "replies.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <map>

namespace fairly::daemon {

namespace {

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

} // namespace

const method_entry* find_method(std::string_view method) {
    const auto& methods = method_table();
    auto found = methods.find(method);
    return found == methods.end() ? nullptr : &found->second;
}

#undef FAIRLY_SERVICE



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

} // namespace fairly::daemon
