// Typed results out, JSON back (replies.hpp).
#include "replies.hpp"

#include "protocol.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

namespace fairly::daemon {

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

} // namespace fairly::daemon
