#include "agreement_service.hpp"

#include "catalogue.hpp"
#include "protocol.hpp"
#include "settings_service.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

std::string percent_text(double percent) {
    char text[16];
    std::snprintf(text, sizeof text, "%g", std::round(percent * 10) / 10);
    return text;
}

/// "load" or the thing: the change log's name of an agreement.
std::string subject_of(const std::optional<std::string>& thing) { return thing ? "thing " + *thing : std::string("load"); }

std::optional<std::int64_t> pending_of(household_record& record, const std::optional<std::string>& thing) {
    store::statement_use query(record.db().cached("SELECT id FROM agreement WHERE coalesce(thing, '') = ? AND state = 'proposed'"));
    query->bind(1, thing.value_or(""));
    if (query->step()) return query->int64(0);
    return std::nullopt;
}

/// The members who have not accepted proposal `id` yet.
std::vector<std::int64_t> awaiting(household_record& record, std::int64_t id) {
    std::set<std::int64_t> accepted;
    store::statement_use query(record.db().cached("SELECT member_id FROM agreement_answer WHERE agreement_id = ? AND answer = 'accept'"));
    query->bind(1, id);
    while (query->step()) accepted.insert(query->int64(0));
    std::vector<std::int64_t> left;
    for (const member_entry& member : record.names().members) {
        if (!member.retired && !accepted.count(member.id)) left.push_back(member.id);
    }
    return left;
}

json shares_json(household_record& record, std::int64_t id) {
    json shares = json::object();
    store::statement_use query(record.db().cached("SELECT member_id, share FROM agreement_share WHERE agreement_id = ?"));
    query->bind(1, id);
    std::map<std::int64_t, double> found;
    while (query->step()) found[query->int64(0)] = query->real(1);
    for (const member_entry& member : record.names().members) shares[member.name] = (found.count(member.id) ? found[member.id] : 0.0) / 100.0;
    return shares;
}

/// The split in force for `thing` in week `week_day`, as JSON shares (fractions).
json in_force_shares(household_record& record, const std::optional<std::string>& thing, std::int64_t week_day) {
    json shares = json::object();
    const std::vector<double> split = thing ? record.thing_shares(*thing, week_day) : record.agreed_shares(week_day, false);
    const auto& members = record.names().members;
    for (std::size_t m = 0; m < members.size(); ++m) shares[members[m].name] = split[m];
    return shares;
}

void set_state(household_record& record, std::int64_t id, const char* state, std::int64_t at) {
    record.decide_agreement(id, state, at);
}

void add_answer(household_record& record, std::int64_t id, std::int64_t member, const char* answer, std::int64_t uid, std::int64_t at) {
    record.answer_agreement(id, member, answer, uid, at);
}

/// Puts proposal `id` in force once nobody is left to accept it.
bool settle(household_record& record, std::int64_t id, const std::optional<std::string>& thing, std::int64_t from_day,
            const request_context& ctx) {
    if (!awaiting(record, id).empty()) return false;
    const json before = in_force_shares(record, thing, from_day);
    set_state(record, id, "agreed", record.now_utc());
    // The change names who proposed it and who accepted it, in the order they did.
    change_consent consent{id, std::nullopt, std::nullopt, std::vector<std::int64_t>{}};
    {
        store::statement_use proposal(record.db().cached("SELECT proposed_by_member_id, proposed_by_uid FROM agreement WHERE id = ?"));
        proposal->bind(1, id);
        proposal->step();
        consent.proposed_by = proposal->optional_int64(0);
        consent.proposed_by_uid = proposal->int64(1);
        store::statement_use answers(record.db().cached(
            "SELECT member_id FROM agreement_answer WHERE agreement_id = ? AND answer = 'accept' ORDER BY at, member_id"));
        answers->bind(1, id);
        while (answers->step()) {
            if (answers->int64(0) != consent.proposed_by) consent.accepted_by->push_back(answers->int64(0));
        }
    }
    record.log_change("agreement", subject_of(thing), json{{"shares", before}},
                      json{{"state", "agreed"}, {"from", date_text(from_day)}, {"shares", shares_json(record, id)}}, ctx, consent);
    return true;
}

} // namespace

std::int64_t agreement_service::propose_split(household_record& record, const std::optional<std::string>& thing,
                                              const std::vector<std::pair<std::int64_t, double>>& split, std::int64_t from_day,
                                              std::optional<std::int64_t> proposer, const std::string& note, const request_context& ctx) {
    const auto& members = record.names().members;
    // Every member once, each 0 to 100, adding up to 100.
    std::map<std::int64_t, double> shares;
    std::string listed;
    double total = 0;
    for (const auto& [member, share] : split) {
        if (!(share >= 0 && share <= 100)) bad_param("split", "the share of " + record.member_name(member) + " must be from 0 to 100");
        if (shares.count(member)) bad_param("split", record.member_name(member) + " is named twice");
        shares[member] = share;
        total += share;
        listed += (listed.empty() ? "" : " + ") + record.member_name(member) + " " + percent_text(share);
    }
    std::string missing;
    for (const member_entry& member : members) {
        if (member.retired) {
            if (shares.count(member.id) && shares[member.id] > 0) bad_param("split", member.name + " has left the household; their share is 0");
            shares[member.id] = 0; // a member who left is in no new split
            continue;
        }
        if (!shares.count(member.id)) missing += (missing.empty() ? "" : ", ") + member.name;
    }
    if (!missing.empty()) bad_param("split", "give a share for every member (missing: " + missing + ")");
    if (std::fabs(total - 100.0) > 0.01) bad_param("split", "the shares add up to " + percent_text(total) + " (" + listed + "), not 100");
    // Never before the agreement in force last: history is not rewritten behind it.
    {
        store::statement_use last(record.db().cached(
            "SELECT max(from_day) FROM agreement WHERE coalesce(thing, '') = ? AND state = 'agreed'"));
        last->bind(1, thing.value_or(""));
        if (last->step() && !last->is_null(0) && from_day < last->int64(0)) {
            bad_param("from", "the last agreement is in force from the week of " + date_text(last->int64(0)) +
                                  "; a new one can start that week or later");
        }
    }
    const std::int64_t now = record.now_utc();
    if (const auto pending = pending_of(record, thing)) {
        set_state(record, *pending, "withdrawn", now);
        record.log_change("agreement", subject_of(thing), json{{"state", "proposed"}, {"shares", shares_json(record, *pending)}},
                          json{{"state", "withdrawn"}, {"by", "a new proposal"}}, ctx, change_consent{*pending, std::nullopt, std::nullopt, std::nullopt});
    }
    household_record::agreement_row row{thing, from_day, proposer, ctx.who.uid, now, note, {}};
    for (const auto& [member, share] : shares) row.shares.emplace_back(member, share);
    const std::int64_t id = record.insert_agreement(row);
    if (proposer) add_answer(record, id, *proposer, "accept", ctx.who.uid, now); // proposing is consenting
    record.log_change("agreement", subject_of(thing), json{{"shares", in_force_shares(record, thing, from_day)}},
                      json{{"state", "proposed"}, {"from", date_text(from_day)}, {"shares", shares_json(record, id)}}, ctx,
                      change_consent{id, proposer, ctx.who.uid, std::nullopt});
    settle(record, id, thing, from_day, ctx); // a household of one agrees with itself
    return id;
}

json agreement_service::describe(household_record& record, std::int64_t id) {
    const std::string& tz = record.household().tz;
    store::statement_use query(record.db().cached(
        "SELECT a.thing, a.from_day, a.state, m.name, a.proposed_at, a.decided_at, a.note FROM agreement a "
        "LEFT JOIN member m ON m.id = a.proposed_by_member_id WHERE a.id = ?"));
    query->bind(1, id);
    query->step();
    json described{{"id", id},
                   {"thing", query->optional_text(0) ? json(*query->optional_text(0)) : json(nullptr)},
                   {"from", date_text(query->int64(1))},
                   {"state", query->text(2)},
                   {"proposed_by", query->optional_text(3) ? json(*query->optional_text(3)) : json(nullptr)},
                   {"proposed_at", format_local_iso(sys_seconds{seconds{query->int64(4)}}, tz)},
                   {"decided_at", query->is_null(5) ? json(nullptr) : json(format_local_iso(sys_seconds{seconds{query->int64(5)}}, tz))},
                   {"note", query->text(6)},
                   {"shares", shares_json(record, id)}};
    if (described["state"] == "proposed") {
        json waiting = json::array();
        for (const std::int64_t member : awaiting(record, id)) waiting.push_back(record.member_name(member));
        described["awaiting"] = std::move(waiting);
    }
    return described;
}

json agreement_service::show(const std::optional<std::string>& thing, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    const std::int64_t week = week_day_of(ctx.reference, house.load);
    const agreement_entry* in_force = record_.agreement_in_force(week, thing);
    json current{{"shares", in_force_shares(record_, thing, week)},
                 {"from", in_force ? json(date_text(in_force->from_day)) : json(nullptr)},
                 {"first", in_force == nullptr}};
    if (in_force) current["id"] = in_force->id;
    json history = json::array();
    store::statement_use query(record_.db().cached("SELECT id FROM agreement WHERE coalesce(thing, '') = ? ORDER BY id DESC"));
    query->bind(1, thing.value_or(""));
    std::vector<std::int64_t> ids;
    while (query->step()) ids.push_back(query->int64(0));
    for (const std::int64_t id : ids) history.push_back(describe(id));
    const auto pending = pending_of(record_, thing);
    json first = json::object(); // the household's first agreement (load), from the beginning
    for (const member_entry& member : record_.names().members) first[member.name] = member.agreed_share;
    return json{{"thing", thing ? json(*thing) : json(nullptr)},
                {"first", std::move(first)},
                {"in_force", std::move(current)},
                {"proposal", pending ? describe(*pending) : json(nullptr)},
                {"history", std::move(history)}};
}

json agreement_service::propose(const agreement_proposal& request, const request_context& ctx) {
    record_.require_access(ctx);
    const household_info& house = record_.household();
    if (request.thing && !is_valid_name(*request.thing)) bad_param("thing", "a thing is " + std::string(name_rule) + ", e.g. lie-in");
    std::vector<std::pair<std::int64_t, double>> split;
    for (const auto& [name, share] : request.split) split.emplace_back(record_.member_id(name, "split"), share);
    std::int64_t from_day = week_day_of(ctx.reference, house.load);
    if (request.from) {
        const sys_seconds at = checked_input([&] { return resolve_time(parse_time_expr(*request.from, "from"), ctx.reference, house.tz, "from"); });
        from_day = week_day_of(at, house.load);
    }
    // Who proposes: the caller's member, or whom root names; root alone proposes for nobody.
    std::optional<std::int64_t> proposer = ctx.binding;
    if (!proposer && request.member) proposer = record_.member_id(*request.member, "member");
    if (!proposer) proposer = ctx.acting_for;
    const std::int64_t id = propose_split(record_, request.thing, split, from_day, proposer, request.note, ctx);
    return json{{"agreement", describe(id)}};
}

json agreement_service::answer(const agreement_answer_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::int64_t me = record_.own_member(ctx, request.member, "an answer to a proposal");
    record_.check_active(me);
    const auto pending = pending_of(record_, request.thing);
    if (!pending && !request.thing) return answer_setting(me, request.accept, ctx);
    if (!pending) {
        throw rpc_error(error_code::not_found, std::string("no proposal is waiting") + (request.thing ? " for " + *request.thing : std::string()) +
                                                   "; `fairly agree` shows the split in force");
    }
    store::statement_use query(record_.db().cached("SELECT from_day, proposed_by_member_id FROM agreement WHERE id = ?"));
    query->bind(1, *pending);
    query->step();
    const std::int64_t from_day = query->int64(0);
    const std::optional<std::int64_t> proposer = query->optional_int64(1);
    const std::int64_t now = record_.now_utc();
    if (!request.accept) {
        // The proposer declining their own proposal withdraws it.
        const char* state = proposer == me ? "withdrawn" : "declined";
        add_answer(record_, *pending, me, "decline", ctx.who.uid, now);
        set_state(record_, *pending, state, now);
        record_.log_change("agreement", subject_of(request.thing), json{{"state", "proposed"}, {"shares", shares_json(record_, *pending)}},
                           json{{"state", state}}, ctx, change_consent{*pending, std::nullopt, std::nullopt, std::nullopt});
        return json{{"agreement", describe(*pending)}};
    }
    add_answer(record_, *pending, me, "accept", ctx.who.uid, now);
    settle(record_, *pending, request.thing, from_day, ctx);
    return json{{"agreement", describe(*pending)}};
}

json agreement_service::answer_setting(std::int64_t me, bool accept, const request_context& ctx) {
    const std::vector<std::int64_t> waiting = record_.setting_proposals_waiting_for(me);
    if (waiting.empty()) {
        throw rpc_error(error_code::not_found, "no proposal is waiting for your answer; `fairly agree` shows the split in force and what is waiting");
    }
    if (waiting.size() > 1) {
        // Which one is the member's to say: each with the command that answers it.
        std::string each;
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            const setting_proposal_row row = *record_.setting_proposal(waiting[i]);
            const bool night = row.subject == "night";
            each += std::string(i == 0 ? "" : i + 1 == waiting.size() ? " or " : ", ") + "`fairly agree " + (night ? "--night" : "--kind " + row.name) +
                    (accept ? " --accept" : " --decline") + "` (" + (night ? "the night" : row.name) + ")";
        }
        throw rpc_error(error_code::conflict, std::to_string(waiting.size()) + " changes are waiting for your answer; answer one at a time: " + each);
    }
    settings_service settings(record_);
    return json{{"proposal", settings.answer(waiting.front(), me, accept, ctx)}};
}

json agreement_service::decide_waiting(household_record& record, std::int64_t left, const request_context& ctx) {
    struct waiting {
        std::int64_t id;
        std::optional<std::string> thing;
        std::int64_t from_day;
    };
    std::vector<waiting> proposals; // read whole first: deciding one writes the table
    {
        store::statement_use query(record.db().cached("SELECT id, thing, from_day FROM agreement WHERE state = 'proposed' ORDER BY id"));
        while (query->step()) proposals.push_back({query->int64(0), query->optional_text(1), query->int64(2)});
    }
    json decided = json::array();
    for (const auto& [id, thing, from_day] : proposals) {
        double theirs = 0;
        {
            store::statement_use share(record.db().cached("SELECT share FROM agreement_share WHERE agreement_id = ? AND member_id = ?"));
            share->bind(1, id).bind(2, left);
            if (share->step()) theirs = share->real(0);
        }
        if (theirs > 0) {
            // A split with a share for someone who left cannot come into force as it is.
            const json shares = shares_json(record, id);
            set_state(record, id, "withdrawn", record.now_utc());
            record.log_change("agreement", subject_of(thing), json{{"state", "proposed"}, {"shares", shares}},
                              json{{"state", "withdrawn"}, {"by", record.member_name(left) + " left the household"}}, ctx,
                              change_consent{id, std::nullopt, std::nullopt, std::nullopt});
        } else if (!settle(record, id, thing, from_day, ctx)) {
            continue;
        }
        decided.push_back(describe(record, id));
    }
    return decided;
}

} // namespace fairly::daemon
