#pragma once
/// The edge: a request's params read once into the typed request its service
/// takes, each error naming the field (`bad_param`).
#include "service_set.hpp"

#include <string>
#include <vector>

namespace fairly::daemon {

span_request read_span(const json& params);
/// The `id` param (an event's number); `hint` names the command that lists them.
std::int64_t read_id(const json& params, const char* hint);
log_request read_log(const json& params);
timer_start_request read_timer_start(const json& params);
timer_stop_request read_timer_stop(const json& params);
void_request read_void(const json& params);
edit_request read_edit(const json& params);
review_request read_review(const json& params, std::string verdict);
moved_request read_moved(const json& params);
turn_request read_turn(const json& params);
thanks_request read_thanks(const json& params);
init_request read_init(const json& params);
member_request read_member(const json& params);
goal_request read_goal(const json& params);
slot_request read_slot(const json& params);
remind_request read_remind(const json& params);
std::vector<delivered_reminder> read_delivered(const json& params);
agreement_proposal read_proposal(const json& params);
agreement_answer_request read_answer(const json& params);
setting_answer_request read_setting_answer(const json& params);
kind_request read_kind(const json& params);
night_request read_night(const json& params);
report_request read_report(const json& params);
drift_request read_drift(const json& params);
events_query read_events_query(const json& params);

} // namespace fairly::daemon
