// A member's private guess of their own share of the week.
#include "guess_service.hpp"

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


json guess_service::guess_set(const guess_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    // A guess is one's own: a bound member naming another is refused, not taken as themself.
    const std::int64_t me = record_.own_member(ctx, request.member, "a guess");
    if (!(request.share >= 0 && request.share <= 100)) bad_param("share", "your share of this week's load, in percent from 0 to 100");
    if (request.night && !(*request.night >= 0 && *request.night <= 100)) bad_param("night", "your share of the night load, in percent from 0 to 100");
    const std::int64_t week = week_day_of(ctx.reference, house.load);
    std::optional<double> night;
    if (request.night) night = *request.night / 100.0;
    record_.set_guess(me, week, request.share / 100.0, night, ctx.who.uid, record_.now_utc());
    return guess_list(record_.member_name(me), ctx);
}

json guess_service::guess_list(const std::optional<std::string>& member, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::int64_t me = record_.acting_member(ctx, member);
    store::statement_use query(record_.db().cached(
        "SELECT week_day, share, night_share FROM guess WHERE member_id = ? ORDER BY week_day DESC LIMIT 52"));
    query->bind(1, me);
    json list = json::array();
    while (query->step()) {
        list.push_back({{"week", date_text(query->int64(0))}, {"guess", query->real(1)},
                        {"night_guess", query->is_null(2) ? json(nullptr) : json(query->real(2))}});
    }
    return json{{"member", record_.member_name(me)}, {"this_week", date_text(week_day_of(ctx.reference, house.load))}, {"guesses", std::move(list)}};
}


} // namespace fairly::daemon
