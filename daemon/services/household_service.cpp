// The household and its members: status, init, adding, renaming and retiring a member.
#include "household_service.hpp"

#include "agreement_service.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "migrations.hpp"
#include "night.hpp"
#include "params.hpp"
#include "settings_service.hpp"
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


// ---------------------------------------------------------------- the household and its members

json household_service::status(const json&, const request_context& ctx) {
    record_.require_access(ctx);
    return household_status(ctx);
}

json household_service::household_status(const request_context& ctx) {
    json result{
        {"version", record_.settings().version},
        {"database", record_.db().path()},
        {"schema_version", store::latest_schema_version()},
        {"now", format_iso_utc(record_.now())},
        {"caller", {{"uid", ctx.who.uid}, {"member", nullptr}}},
    };
    if (ctx.binding) {
        store::statement_use query(record_.db().cached("SELECT name FROM member WHERE id = ?"));
        query->bind(1, *ctx.binding);
        if (query->step()) result["caller"]["member"] = query->text(0);
    }
    store::statement_use house(record_.db().cached("SELECT tz, week_start FROM household WHERE id = 1"));
    result["initialized"] = house->step();
    if (!result["initialized"].get<bool>()) return result;
    result["tz"] = house->text(0);
    result["members"] = json::array();
    {
        // The split in force this week (the first agreement, or a later one agreed).
        const std::vector<double> agreed = record_.agreed_shares(week_day_of(ctx.reference, record_.household().load), false);
        std::size_t index = 0;
        store::statement_use members(record_.db().cached("SELECT name, agreed_share, unix_uid FROM member ORDER BY id"));
        while (members->step()) {
            result["members"].push_back({{"name", members->text(0)},
                                         {"agreed_share", index < agreed.size() ? agreed[index++] : members->real(1) / 100.0},
                                         {"unix_uid", members->is_null(2) ? json(nullptr) : json(members->int64(2))}});
        }
    }
    {
        store::statement_use counts(record_.db().cached(
            "SELECT count(*), coalesce(sum(status = 'active'), 0), (SELECT count(*) FROM timer), (SELECT count(*) FROM kind) FROM event"));
        counts->step();
        result["events"] = counts->int64(1);
        result["events_recorded"] = counts->int64(0);
        result["timers_running"] = counts->int64(2);
        result["kinds"] = counts->int64(3);
    }
    result["timers"] = json::array();
    {
        store::statement_use timers(record_.db().cached(
            "SELECT m.name, k.name, t.start_utc FROM timer t JOIN member m ON m.id = t.member_id JOIN kind k ON k.id = t.kind_id "
            "ORDER BY t.start_utc, t.id"));
        while (timers->step()) {
            result["timers"].push_back({{"member", timers->text(0)}, {"kind", timers->text(1)},
                                        {"start", format_local_iso(sys_seconds{seconds{timers->int64(2)}}, result["tz"].get<std::string>())}});
        }
    }
    return result;
}

json household_service::init(const init_request& request, const request_context& ctx) {
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can set up the household");
    }
    if (record_.set_up()) throw rpc_error(error_code::conflict, "this household is already set up; see `fairly status`");
    const std::string& tz = request.tz;
    if (!is_known_zone(tz)) bad_param("tz", "\"" + tz + "\" is not a time zone of the system's tz database (e.g. Europe/London)");

    if (request.members.empty()) bad_param("members", "give at least one member name");
    std::vector<std::string> names;
    for (const std::string& name : request.members) {
        household_record::check_member_name(name, "members");
        if (std::any_of(names.begin(), names.end(), [&](const std::string& other) { return same_name(other, name); })) {
            bad_param("members", "\"" + name + "\" is named twice (names match whatever the case)");
        }
        names.push_back(name);
    }

    std::map<std::string, double> split;
    if (request.split) {
        double total = 0;
        for (const auto& [given, share] : *request.split) {
            // A share is for a member whatever the case ("josé=40" for José).
            const std::string& typed = given; // a structured binding is not captured by clang 14's lambdas
            const auto member = std::find_if(names.begin(), names.end(), [&](const std::string& other) { return same_name(other, typed); });
            if (member == names.end()) bad_param("split", "\"" + typed + "\" is not one of the members" + did_you_mean(typed, names));
            const std::string& name = *member;
            if (split.count(name)) bad_param("split", "\"" + name + "\" has two shares");
            if (!(share >= 0 && share <= 100)) bad_param("split", "the share of \"" + name + "\" must be a number from 0 to 100");
            split[name] = share;
            total += share;
        }
        if (split.size() != names.size()) bad_param("split", "give a share for every member");
        if (std::fabs(total - 100.0) > 0.01) bad_param("split", "the shares add up to " + std::to_string(total) + ", not 100");
    } else {
        for (const auto& name : names) split[name] = 100.0 / static_cast<double>(names.size());
    }

    const std::int64_t week_start = request.week_start;
    if (week_start < 0 || week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");

    const std::int64_t now = record_.now_utc();
    household_record::household_row house;
    house.tz = tz;
    house.week_start = week_start;
    house.created = now;
    record_.insert_household(house);
    for (const auto& name : names) record_.insert_member(name, std::nullopt, split[name], now, "members");
    for (const kind_definition& kind : default_kinds()) {
        record_.insert_kind({std::string(kind.name), std::string(kind.category), kind.points, kind.points_per_hour,
                             static_cast<std::int64_t>(std::chrono::duration_cast<seconds>(kind.default_length).count()),
                             kind.night_applies, now});
    }
    return household_status(record_.context_for(ctx.who, std::nullopt, ctx.reference));
}

json household_service::member_rename(const std::string& from, const std::string& to, const request_context& ctx) {
    record_.household();
    if (!ctx.privileged) throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can rename members");
    const std::int64_t id = record_.member_id(from, "name");
    record_.rename_member(id, to, "new_name");
    record_.log_change("member", to, json{{"name", from}}, json{{"name", to}}, ctx);
    record_.forget();
    return json{{"renamed", {{"from", from}, {"to", to}}}};
}

json household_service::member_retire(const std::string& name, const request_context& ctx) {
    const household_info& house = record_.household();
    if (!ctx.privileged) throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can retire members");
    const std::int64_t id = record_.member_id(name, "name");
    record_.check_active(id);
    std::size_t staying = 0;
    for (const member_entry& member : record_.names().members) staying += member.retired || member.id == id ? 0 : 1;
    if (staying == 0) bad_param("name", name + " is the last member of the household");
    {
        store::statement_use running(record_.db().cached("SELECT count(*) FROM timer WHERE member_id = ?"));
        running->bind(1, id);
        running->step();
        if (running->int64(0) > 0) {
            throw rpc_error(error_code::conflict, name + " has a timer running; stop or cancel it first (`fairly timers`)");
        }
    }
    const std::int64_t week = week_day_of(ctx.reference, house.load);
    const std::vector<double> before = record_.agreed_shares(week, false);
    record_.retire_member(id, record_.now_utc());
    record_.log_change("member", name, json{{"retired", false}}, json{{"retired", true}}, ctx);
    record_.forget();
    // A new split without them must be agreed: proposed with the others' shares scaled up.
    json proposal = nullptr;
    const auto& members = record_.names().members;
    double mine = 0, others = 0;
    for (std::size_t m = 0; m < members.size(); ++m) {
        if (members[m].id == id) mine = before[m];
        else if (!members[m].retired) others += before[m];
    }
    if (mine > 0) {
        std::vector<std::pair<std::int64_t, double>> split;
        std::size_t active = 0;
        for (const member_entry& member : members) active += member.retired ? 0 : 1;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].retired) continue;
            split.emplace_back(members[m].id, others > 0 ? before[m] / others * 100.0 : 100.0 / static_cast<double>(active));
        }
        const std::int64_t proposed = agreement_service::propose_split(record_, std::nullopt, split, week, ctx.binding ? ctx.binding : ctx.acting_for,
                                                                       name + " left the household", ctx);
        store::statement_use state(record_.db().cached("SELECT state FROM agreement WHERE id = ?"));
        state->bind(1, proposed);
        state->step();
        json shares = json::object();
        for (const auto& [member, percent] : split) shares[record_.member_name(member)] = percent / 100.0;
        proposal = {{"id", proposed}, {"shares", std::move(shares)}, {"state", state->text(0)}};
    }
    // What was waiting only for them is decided without them: a proposal does not wait for someone who left.
    json decided = agreement_service::decide_waiting(record_, id, ctx);
    for (json& setting : settings_service(record_).decide_waiting(ctx)) decided.push_back(std::move(setting));
    return json{{"retired", name}, {"proposal", std::move(proposal)}, {"decided", std::move(decided)}};
}

json household_service::member_add(const member_request& request, const request_context& ctx) {
    record_.household();
    if (!ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "only root or the user fairlyd runs as can add members or bind Unix users (they decide who is who)");
    }
    const std::string& name = request.name;
    household_record::check_member_name(name, "name");

    std::optional<std::int64_t> uid = request.unix_uid;
    if (const auto& user = request.unix_user) {
        if (user->find_first_not_of("0123456789") == std::string::npos && !user->empty()) {
            uid = std::stoll(*user);
        } else {
            const passwd* entry = ::getpwnam(user->c_str());
            if (!entry) bad_param("unix_user", "no Unix user named \"" + *user + "\" on this machine");
            uid = entry->pw_uid;
        }
    }
    if (uid && (*uid < 0 || *uid > std::numeric_limits<std::uint32_t>::max())) bad_param("unix_uid", "not a uid");

    if (uid) {
        store::statement_use taken(record_.db().cached("SELECT name FROM member WHERE unix_uid = ? AND name <> ?"));
        taken->bind(1, *uid).bind(2, name);
        if (taken->step()) {
            throw rpc_error(error_code::conflict, "uid " + std::to_string(*uid) + " is already bound to " + taken->text(0));
        }
    }

    bool created = false;
    double old_share = 0;
    {
        store::statement_use existing(record_.db().cached("SELECT agreed_share, unix_uid FROM member WHERE name = ?"));
        existing->bind(1, name);
        created = !existing->step();
        if (!created) {
            old_share = existing->real(0);
            if (!uid && !request.share) {
                throw rpc_error(error_code::conflict,
                                name + " is already a member (agreed " + std::to_string(static_cast<int>(std::lround(old_share))) + "%" +
                                    (existing->is_null(1) ? ", no Unix user bound" : ", bound to uid " + std::to_string(existing->int64(1))) +
                                    "); nothing changed. Give --unix-user to bind them, or --share to change the agreed split");
            }
        }
    }
    const std::optional<double> share = request.share;
    if (share && !(*share >= 0 && *share <= 100)) bad_param("share", "a percent from 0 to 100");
    if (created) {
        // A member who joins a household with an agreement in force starts
        // outside it (share 0 before they were agreed in); the first member is 100%.
        const bool first = record_.names().members.empty();
        if (first && share && *share != 100) bad_param("share", name + " is the only member, so their share is 100%");
        record_.insert_member(name, uid, first ? 100.0 : 0.0, record_.now_utc());
        record_.log_change("member", name, nullptr, json{{"added", true}}, ctx);
        if (uid) record_.log_change("binding", name, nullptr, json{{"uid", *uid}}, ctx);
    } else if (uid) {
        std::optional<std::int64_t> before;
        {
            store::statement_use existing(record_.db().cached("SELECT unix_uid FROM member WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) before = existing->optional_int64(0);
        }
        record_.bind_member(record_.member_id(name, "name"), *uid);
        if (before != uid) record_.log_change("binding", name, before ? json{{"uid", *before}} : json(nullptr), json{{"uid", *uid}}, ctx);
    }
    record_.forget();
    // A share is a proposal to the household, never an edit in place: the
    // others' shares are scaled to make room, keeping their proportions, and
    // it is in force once every other member accepts (`fairly agree --accept`).
    json proposal = nullptr;
    if (share && record_.names().members.size() > 1) {
        const std::int64_t me = record_.member_id(name, "name");
        const household_info& house = record_.household();
        const std::int64_t week = week_day_of(ctx.reference, house.load);
        const std::vector<double> now_agreed = record_.agreed_shares(week, false);
        const auto& members = record_.names().members;
        double others = 0;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].id != me) others += now_agreed[m];
        }
        std::vector<std::pair<std::int64_t, double>> split;
        const double left = 100.0 - *share;
        for (std::size_t m = 0; m < members.size(); ++m) {
            if (members[m].id == me) split.emplace_back(me, *share);
            else split.emplace_back(members[m].id, others > 0 ? now_agreed[m] * left / others : left / static_cast<double>(members.size() - 1));
        }
        std::optional<std::int64_t> proposer = ctx.binding ? ctx.binding : ctx.acting_for;
        const std::int64_t id = agreement_service::propose_split(record_, std::nullopt, split, week, proposer, "", ctx);
        json shares = json::object();
        for (const auto& [member, percent] : split) shares[record_.member_name(member)] = percent / 100.0;
        store::statement_use state(record_.db().cached("SELECT state FROM agreement WHERE id = ?"));
        state->bind(1, id);
        state->step();
        proposal = {{"id", id}, {"shares", std::move(shares)}, {"state", state->text(0)}};
    }
    store::statement_use query(record_.db().cached("SELECT name, unix_uid, agreed_share FROM member WHERE name = ?"));
    query->bind(1, name);
    query->step();
    return json{{"name", query->text(0)},
                {"unix_uid", query->is_null(1) ? json(nullptr) : json(query->int64(1))},
                {"agreed_share", record_.agreed_shares(week_day_of(ctx.reference, record_.household().load), false)[static_cast<std::size_t>(
                                     std::find_if(record_.names().members.begin(), record_.names().members.end(),
                                                  [&](const member_entry& m) { return m.name == name; }) -
                                     record_.names().members.begin())]},
                {"created", created},
                {"proposal", std::move(proposal)}};
}


} // namespace fairly::daemon
