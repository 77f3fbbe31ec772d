// Time away: a member away is not drift (docs/fairness.md, "Away").
#include "away_service.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "migrations.hpp"
#include "night.hpp"
#include "params.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "turns.hpp"
#include "zone.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <pwd.h>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;


json away_service::away_add(const away_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    const std::int64_t member = record_.member_id(request.member, "member");
    auto day_of = [&](const std::string& text, const char* field) {
        const sys_seconds at = checked_input([&] { return resolve_time(parse_time_expr(text, field), ctx.reference, tz, field); });
        return local_date_of(at, tz).time_since_epoch().count();
    };
    const std::int64_t from = day_of(request.from, "from"), to = day_of(request.to, "to");
    const std::optional<std::int64_t> by = household_record::logger(ctx, std::nullopt);
    const std::int64_t id = record_.insert_away(member, from, to, request.note, by, ctx.who.uid, record_.now_utc());
    const std::string name = record_.member_name(member); // as the household spells it, whatever the case typed
    record_.log_change("away", name, nullptr, json{{"from", date_text(from)}, {"to", date_text(to)}, {"note", request.note}}, ctx);
    record_.forget();
    return json{{"away", {{"id", id}, {"member", name}, {"from", date_text(from)}, {"to", date_text(to)}, {"days", to - from + 1},
                          {"note", request.note}}}};
}

json away_service::away_list(const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    store::statement_use query(record_.db().cached(
        "SELECT a.id, m.name, a.from_day, a.to_day, a.note FROM away a JOIN member m ON m.id = a.member_id ORDER BY a.from_day, a.id"));
    json list = json::array();
    while (query->step()) {
        list.push_back({{"id", query->int64(0)}, {"member", query->text(1)}, {"from", date_text(query->int64(2))}, {"to", date_text(query->int64(3))},
                        {"days", query->int64(3) - query->int64(2) + 1}, {"note", query->text(4)}});
    }
    return json{{"away", std::move(list)}};
}


} // namespace fairly::daemon
