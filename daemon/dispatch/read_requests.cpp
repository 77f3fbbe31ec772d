// The edge: params in, typed requests out (read_requests.hpp).
#include "read_requests.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "params.hpp"
#include "protocol.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

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

} // namespace fairly::daemon
