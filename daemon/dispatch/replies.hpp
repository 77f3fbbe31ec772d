#pragma once
/// The edge the other way: a service's typed result as the JSON a reply carries.
#include "service_set.hpp"

#include <chrono>
#include <vector>

namespace fairly::daemon {

json event_reply(household_record& record, const event_outcome& outcome);
json log_reply(household_record& record, const log_outcome& outcome);
json timer_json(household_record& record, const timer_record& timer, std::chrono::sys_seconds reference);
json timer_reply(household_record& record, const timer_outcome& outcome, std::chrono::sys_seconds reference);
json event_list(household_record& record, const std::vector<event_record>& events);

} // namespace fairly::daemon
