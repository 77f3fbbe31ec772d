// The reminders, each addressed. Who hears what (docs: README, "Reminders"):
//   a member's slot coming up     the member ("Your long run is at 09:00"),
//                                 the others ("Sam's long run is at 09:00; keep it clear")
//   a couple slot coming up       every member
//   a goal at risk                the member, and the others as an offer of help
//                                 (the couple's, once some was had: every member)
//   a slot load took over         the member, and the others as an offer of help
//   a slot with nothing logged    the member (the couple's: every member)
//   couple time not had yet       every member
//   a new drift alert             every member
//   logged for you by someone     the member it is for, once per entry
//   a forgotten timer             the member running it
//   a change another member made to your goal, slot, binding or time away   you
//   a proposal (a split, a kind's weights, the night) waiting for your answer   you, once a proposal
#include "reminder_service.hpp"

#include "calendar.hpp"
#include "catalogue.hpp"
#include "change_log.hpp"
#include "duration.hpp"
#include "protocol.hpp"
#include "zone.hpp"

#include <pwd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <map>
#include <set>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

namespace {

constexpr std::int64_t day = 24 * 3600;
/// Entries logged for someone are reminded of while recent; older ones wait in `fairly pending`.
constexpr std::int64_t pending_window = 14 * day;
/// More entries than this for one member at once are one reminder.
constexpr std::size_t pending_batch = 3;

std::string hours_text(std::int64_t secs) { return format_duration(seconds{secs}); }

std::string capitalized(std::string name) {
    if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

/// "at 09:00", "tomorrow at 09:00", "on Saturday at 09:00".
std::string when_text(std::int64_t date, std::int64_t today, std::int64_t minute) {
    const std::string clock = "at " + clock_text(minute);
    if (date == today) return clock;
    if (date == today + 1) return "tomorrow " + clock;
    return "on " + std::string(weekday_name(weekday_of(date))) + " " + clock;
}

struct slot_row {
    std::int64_t id = 0;
    std::optional<std::int64_t> member;
    std::string owner, label;
    std::int64_t weekday = 0, minute = 0, length = 0, created = 0;
};

/// "Sam's long run", "Your long run", "Couple time (walk, no phones)".
std::string slot_name(const slot_row& slot, bool yours) {
    const bool plain = slot.label == "protected time";
    if (!slot.member) return plain ? "Couple time" : "Couple time (" + slot.label + ")";
    return (yours ? std::string("Your") : capitalized(slot.owner) + "'s") + " " + slot.label;
}

/// The login name of `uid` ("" when it has none): for --exec to mail them.
std::string user_name(std::int64_t uid) {
    passwd entry{}, *found = nullptr;
    std::array<char, 4096> buffer{};
    if (::getpwuid_r(static_cast<uid_t>(uid), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return {};
    return found->pw_name;
}

/// "Your long run" -> "your long run", "Couple time" -> "couple time"; a name ("Sam's") stays.
std::string lowered_first(std::string text) {
    if (text.rfind("Your ", 0) == 0 || text.rfind("Couple ", 0) == 0) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

} // namespace

// ---------------------------------------------------------------- whose reminders

std::vector<std::int64_t> reminder_service::addressees(const remind_request& request, const request_context& ctx) {
    const directory& names = record_.names();
    if (request.all) {
        if (!ctx.privileged) {
            throw rpc_error(error_code::permission_denied,
                            "only root or fairlyd's user gives every member's reminders (--all); yours come with `fairly remind`");
        }
        if (request.member) bad_param("member", "give --member or --all, not both");
        std::vector<std::int64_t> everyone;
        for (const member_entry& member : names.members) everyone.push_back(member.id);
        return everyone;
    }
    if (ctx.binding) {
        if (request.member && record_.member_id(*request.member, "member") != *ctx.binding) {
            const std::string mine = record_.member_name(*ctx.binding);
            throw rpc_error(error_code::permission_denied,
                            "you are " + mine + "; " + *request.member + "'s reminders go to " + *request.member +
                                " (root or fairlyd's user can give everyone's with `fairly remind --all`)");
        }
        return {*ctx.binding};
    }
    if (request.member) return {record_.member_id(*request.member, "member")};
    if (ctx.acting_for) return {*ctx.acting_for};
    if (names.members.size() == 1) return {names.members.front().id};
    bad_param("member", "whose reminders? --member NAME, or --all for every member's (your Unix user is not bound to a member)");
}

bool reminder_service::given(const std::string& key, std::int64_t member) {
    store::statement_use query(record_.db().cached("SELECT 1 FROM reminder_given WHERE key = ? AND member_id = ?"));
    query->bind(1, key).bind(2, member);
    return query->step();
}

// ---------------------------------------------------------------- what there is to say

void reminder_service::slot_notices(const seconds within, const sys_seconds now, std::vector<notice>& out) {
    const household_info& house = record_.household();
    const std::string& tz = house.tz;
    const std::vector<member_entry>& members = record_.names().members;
    const std::int64_t today = local_date_of(now, tz).time_since_epoch().count();
    std::vector<slot_row> rows;
    {
        store::statement_use query(record_.db().cached(
            "SELECT s.id, s.member_id, coalesce(m.name, 'couple'), s.label, s.weekday, s.start_minute, s.length_seconds, s.created_at "
            "FROM protected_slot s LEFT JOIN member m ON m.id = s.member_id WHERE s.removed_at IS NULL ORDER BY s.id"));
        while (query->step()) {
            rows.push_back({query->int64(0), query->optional_int64(1), query->text(2), query->text(3), query->int64(4), query->int64(5),
                            query->int64(6), query->int64(7)});
        }
    }
    for (const slot_row& slot : rows) {
        // Occurrences from a week ago to a week ahead, in local time.
        for (std::int64_t date = today - 7; date <= today + 7; ++date) {
            if (weekday_of(date) != slot.weekday) continue;
            const sys_seconds start = local_at(date, slot.minute, tz), end = start + seconds{slot.length};
            const std::string occurrence = std::to_string(slot.id) + ":" + format_local_iso(start, tz).substr(0, 10);
            const std::string length = " (" + hours_text(slot.length) + ")";
            if (start > now && start - now <= within) {
                notice coming{"slot:" + occurrence, "slot", slot.owner, start, {}};
                const std::string when = when_text(date, today, slot.minute);
                for (const member_entry& member : members) {
                    const bool yours = slot.member == member.id;
                    coming.texts.emplace_back(member.id, slot_name(slot, yours) + " is " + when + length +
                                                             (yours ? "." : "; keep it clear."));
                }
                out.push_back(std::move(coming));
            }
            if (end <= now && end > now - seconds{7 * day} && start.time_since_epoch().count() >= slot.created) {
                // Load logged over it by its owner (any member, for the
                // couple's), or no protected time kept in it.
                std::vector<std::string> load_kinds;
                bool kept = false;
                store::statement_use query(record_.db().cached(
                    "SELECT kind, category, member_id, is_load FROM counted_event "
                    "WHERE start_utc < ?2 AND end_utc > ?1 AND start_utc >= ?1 - 86400"));
                query->bind(1, start.time_since_epoch().count()).bind(2, end.time_since_epoch().count());
                while (query->step()) {
                    if (slot.member && query->int64(2) != *slot.member) continue;
                    if (query->text(1) == "protected") {
                        // A member's slot is kept by any protected time of theirs; the couple's by couple time.
                        if (slot.member || query->text(0) == couple_time_kind) kept = true;
                    } else if (query->int64(3) != 0 && std::find(load_kinds.begin(), load_kinds.end(), query->text(0)) == load_kinds.end()) {
                        load_kinds.push_back(query->text(0));
                    }
                }
                if (load_kinds.empty() && kept) continue;
                const std::string when = "on " + std::string(weekday_name(slot.weekday)) + " " + clock_text(slot.minute);
                const std::string key = "eaten:" + occurrence; // the key of schema 5, so an upgrade repeats nothing
                if (!load_kinds.empty()) {
                    notice taken{key, "slot-taken", slot.owner, start, {}};
                    const std::string kinds = list_text(load_kinds);
                    for (const member_entry& member : members) {
                        const bool yours = !slot.member || slot.member == member.id;
                        // A slot that load took over: said about the slot, never about who did the load.
                        std::string text = "Load took over " + lowered_first(slot_name(slot, yours)) + " " + when + " (" + kinds + ").";
                        if (!yours) text += " Is there a part of it you could take next time, so the slot stays " + capitalized(slot.owner) + "'s?";
                        taken.texts.emplace_back(member.id, std::move(text));
                    }
                    out.push_back(std::move(taken));
                } else {
                    notice empty{key, "slot-unlogged", slot.owner, start, {}};
                    for (const member_entry& member : members) {
                        if (slot.member && slot.member != member.id) continue; // theirs to log, nobody else's business
                        empty.texts.emplace_back(member.id, slot_name(slot, true) + " " + when + " has no " +
                                                                (slot.member ? "protected time" : "couple time") +
                                                                " logged in it; if you had it, log it (`fairly log KIND --at TIME --for LENGTH`).");
                    }
                    out.push_back(std::move(empty));
                }
            }
        }
    }
}

void reminder_service::goal_notices(const sys_seconds now, std::vector<notice>& out) {
    const household_info& house = record_.household();
    const std::string& tz = house.tz;
    const std::vector<member_entry>& members = record_.names().members;
    const household_week this_week = week_of(now, house.load);
    const std::int64_t week = this_week.day_number();
    const sys_seconds week_end = (this_week + 1).begins(tz);
    const std::string week_label = date_text(week);
    const json goals = protected_.goals(now);

    // Slot time still to come this week, per owner (0: the couple).
    std::map<std::int64_t, std::int64_t> planned;
    {
        const std::int64_t today = local_date_of(now, tz).time_since_epoch().count();
        store::statement_use query(record_.db().cached(
            "SELECT coalesce(member_id, 0), weekday, start_minute, length_seconds FROM protected_slot WHERE removed_at IS NULL"));
        while (query->step()) {
            for (std::int64_t date = today; date <= today + 7; ++date) {
                if (weekday_of(date) != query->int64(1)) continue;
                const sys_seconds start = local_at(date, query->int64(2), tz);
                if (start > now && start <= week_end) planned[query->int64(0)] += query->int64(3);
            }
        }
    }

    // At risk: what is still to do needs more than twice the even pace over
    // the days left, and the week's remaining slots do not cover it.
    const double days_left = static_cast<double>((week_end - now).count()) / day;
    const int whole_days = static_cast<int>(std::floor(days_left));
    const std::string left =
        whole_days >= 1 ? std::to_string(whole_days) + (whole_days == 1 ? " day" : " days") + " left" : std::string("less than a day left");
    for (const json& goal : goals) {
        const std::string owner = goal["who"];
        const double target = goal["weekly_minutes"].get<double>() * 60, kept = goal["kept_minutes"].get<double>() * 60;
        const double remaining = target - kept;
        const std::int64_t owner_id = owner == "couple" ? 0 : record_.member_id(owner, "who");
        if (!(remaining > 0 && static_cast<double>(planned[owner_id]) < remaining && remaining > 2 * days_left * target / 7)) continue;
        // Couple time not had at all is said once, at the household's chosen time (below).
        if (owner == "couple" && kept == 0) continue;
        const std::string so_far = (kept == 0 ? "none of its " + hours_text(static_cast<std::int64_t>(target))
                                              : hours_text(static_cast<std::int64_t>(kept)) + " of " + hours_text(static_cast<std::int64_t>(target))) +
                                   " so far, " + left + ".";
        notice risk{"goal:" + owner + ":" + week_label, "goal", owner, now, {}};
        for (const member_entry& member : members) {
            if (owner == "couple") {
                risk.texts.emplace_back(member.id, "Your couple time is at risk this week: " + so_far);
            } else if (member.id == owner_id) {
                risk.texts.emplace_back(member.id, "Your protected time is at risk this week: " + so_far);
            } else {
                risk.texts.emplace_back(member.id, capitalized(owner) + "'s protected time is at risk this week: " + so_far +
                                                       " Is there something you could take on so " + capitalized(owner) + " gets it?");
            }
        }
        out.push_back(std::move(risk));
    }

    // Couple time not had yet this week, by the household's check time.
    store::statement_use setting(record_.db().cached("SELECT couple_check_weekday, couple_check_minute FROM household WHERE id = 1"));
    setting->step();
    const std::int64_t check_weekday = setting->int64(0), check_minute = setting->int64(1);
    const sys_seconds check_at = local_at(week + ((check_weekday - weekday_of(week) + 7) % 7), check_minute, tz);
    for (const json& goal : goals) {
        if (goal["who"] != "couple" || now < check_at || goal["kept_minutes"].get<std::int64_t>() != 0) continue;
        notice couple{"couple:" + week_label, "couple", "couple", check_at, {}};
        for (const member_entry& member : members) {
            couple.texts.emplace_back(member.id, "No couple time yet this week (the goal is " +
                                                     hours_text(goal["weekly_minutes"].get<std::int64_t>() * 60) +
                                                     "). Is there an evening for it before the week ends?");
        }
        out.push_back(std::move(couple));
    }
}

void reminder_service::drift_notices(const sys_seconds now, std::vector<notice>& out) {
    const json weekly = reports_.weekly(now);
    const json& drift = weekly["drift"];
    if (!drift.value("alert", false)) return;
    const std::string member = drift["member"], direction = drift.value("direction", ""), since = drift.value("since", "");
    notice alert{"drift:" + member + ":" + direction + ":" + since, "drift", member, now, {}};
    // About the split, not a person (docs/wording.md): "since the week of 12 Oct".
    const std::string week = drift["since_from"].is_string() ? "the week of " + date_as_said(drift["since_from"].get<std::string>()) : since;
    for (const member_entry& addressee : record_.names().members) {
        alert.texts.emplace_back(addressee.id, "Since " + week + ", the load has been moving away from your agreed split, a little each week. "
                                               "`fairly report` has the weeks; it might be worth a talk.");
    }
    out.push_back(std::move(alert));
}

void reminder_service::pending_notices(const std::vector<std::int64_t>& to, const sys_seconds now, std::vector<notice>& out) {
    const std::string& tz = record_.household().tz;
    for (const std::int64_t member : to) {
        std::vector<event_record> waiting;
        store::statement_use query(record_.db().cached(
            std::string(event_columns) + "WHERE " + awaiting_answer + "AND e.start_utc >= ?2 ORDER BY e.start_utc, e.id"));
        query->bind(1, member).bind(2, now.time_since_epoch().count() - pending_window);
        while (query->step()) {
            event_record event = event_from_row(*query);
            if (!given("pending:" + std::to_string(event.id), member)) waiting.push_back(std::move(event));
        }
        if (waiting.empty()) continue;
        const std::string owner = record_.member_name(member);
        if (waiting.size() <= pending_batch) {
            for (const event_record& event : waiting) {
                const std::string id = std::to_string(event.id);
                const sys_seconds at{seconds{event.start_utc}};
                out.push_back({"pending:" + id, "pending", owner, at,
                               {{member, event.logged_by.value_or("someone") + " logged " + event.kind + " for you " + spoken_time(at, now, tz) +
                                             ": `fairly confirm " + id + "` or `fairly dispute " + id + " REASON`."}}});
            }
            continue;
        }
        // Many at once (a partner catching up, an import): one reminder for them all.
        std::string key = "pending:";
        std::vector<std::string> loggers;
        for (const event_record& event : waiting) {
            key += (key.size() > 8 ? "+" : "") + std::to_string(event.id);
            const std::string by = event.logged_by.value_or("someone");
            if (std::find(loggers.begin(), loggers.end(), by) == loggers.end()) loggers.push_back(by);
        }
        const sys_seconds first{seconds{waiting.front().start_utc}};
        out.push_back({key, "pending", owner, first,
                       {{member, list_text(loggers) + " logged " + std::to_string(waiting.size()) + " entries for you since " +
                                     spoken_time(first, now, tz) + ": `fairly pending` lists them to confirm or dispute."}}});
    }
}

void reminder_service::timer_notices(const sys_seconds now, std::vector<notice>& out) {
    const std::string& tz = record_.household().tz;
    store::statement_use query(record_.db().cached(
        "SELECT t.uuid, t.member_id, m.name, k.name, t.start_utc, k.default_seconds FROM timer t JOIN member m ON m.id = t.member_id "
        "JOIN kind k ON k.id = t.kind_id ORDER BY t.start_utc, t.id"));
    while (query->step()) {
        const sys_seconds start{seconds{query->int64(4)}};
        const seconds usual{query->int64(5)};
        if (now - start < forgotten_after(usual)) continue;
        const std::string kind = query->text(3);
        const std::string stop_at = typed_time(start + usual, now, tz);
        out.push_back({"timer:" + query->text(0), "timer", query->text(2), start,
                       {{query->int64(1), kind + " timer running " + format_duration(now - start) + " (since " + spoken_time(start, now, tz) +
                                              "): stop it with `fairly stop " + kind + " --at \"" + stop_at + "\"`, or `fairly cancel " + kind +
                                              "` if it should never have run."}}});
    }
}

void reminder_service::change_notices(const sys_seconds now, std::vector<notice>& out) {
    const std::string& tz = record_.household().tz;
    static const std::string told_sql =
        "SELECT c.id, c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_member_id, m.name, c.changed_at FROM change_log c "
        "LEFT JOIN member m ON m.id = c.changed_by_member_id WHERE c.subject IN " +
        change_subjects_sql(&change_subject::told_to_whom_it_concerns) + " AND c.changed_at >= ? ORDER BY c.id";
    store::statement_use query(record_.db().cached(told_sql));
    query->bind(1, now.time_since_epoch().count() - pending_window);
    struct row {
        std::int64_t id;
        std::string subject, name;
        json before, after;
        std::optional<std::int64_t> by;
        std::string by_name;
        std::int64_t at;
    };
    std::vector<row> rows;
    while (query->step()) {
        rows.push_back({query->int64(0), query->text(1), query->text(2), query->is_null(3) ? json(nullptr) : json::parse(query->text(3)),
                        json::parse(query->text(4)), query->optional_int64(5), query->optional_text(6).value_or("an admin"), query->int64(7)});
    }
    for (const row& change : rows) {
        if (!change.by) continue; // made by root for nobody: a set-up, not one member's change to another's
        // Whose it is: the member it names (a slot's owner), or everyone for the couple's.
        std::string owner = change.name;
        if (change.subject == "slot") owner = change.after.value("who", change.before.is_object() ? change.before.value("who", "") : "");
        std::string what;
        if (change.subject == "goal") {
            what = change.after.value("removed", false) ? "removed " + std::string(owner == "couple" ? "the couple's" : "your") + " protected-time goal"
                                                        : "set " + std::string(owner == "couple" ? "the couple's" : "your") + " protected-time goal to " +
                                                              hours_text(change.after.value("weekly_minutes", 0) * 60) + " a week";
        } else if (change.subject == "slot") {
            const json& slot = change.after.value("removed", false) ? change.before : change.after;
            const std::string described = slot.value("label", "") + ", " + slot.value("weekday", "") + " " + slot.value("time", "");
            what = change.after.value("removed", false) ? "removed " + std::string(owner == "couple" ? "the couple's" : "your") + " slot " + described
                                                        : "added a slot for " + std::string(owner == "couple" ? "the two of you" : "you") + ": " + described;
        } else if (change.subject == "binding") {
            what = "bound your member to the Unix user with uid " + std::to_string(change.after.value("uid", -1));
        } else if (change.subject == "away") {
            what = "recorded you away from " + date_as_said(change.after.value("from", ""), true) + " to " +
                   date_as_said(change.after.value("to", ""), true);
        } else {
            continue; // a subject told of (change_log.hpp) without words here yet
        }
        notice told{"change:" + std::to_string(change.id), "change", owner, sys_seconds{seconds{change.at}}, {}};
        for (const member_entry& member : record_.names().members) {
            if (member.retired || (change.by && *change.by == member.id)) continue; // one's own change is no news to oneself
            if (owner != "couple" && member.name != owner) continue;
            told.texts.emplace_back(member.id, change.by_name + " " + what + " (" + spoken_time(sys_seconds{seconds{change.at}}, now, tz) +
                                                   "); `fairly changes` has it.");
        }
        if (!told.texts.empty()) out.push_back(std::move(told));
    }
}

void reminder_service::proposal_notices(const std::vector<std::int64_t>& to, const sys_seconds now, std::vector<notice>& out) {
    const std::string& tz = record_.household().tz;
    const auto proposer_name = [&](std::optional<std::int64_t> by) { return by ? record_.member_name(*by) : std::string("an admin"); };
    for (const std::int64_t member : to) {
        const std::string name = record_.member_name(member);
        // A split: the load's, or a thing's (turns).
        for (const std::int64_t id : record_.agreements_waiting_for(member)) {
            store::statement_use query(record_.db().cached("SELECT thing, from_day, proposed_by_member_id, proposed_at FROM agreement WHERE id = ?"));
            query->bind(1, id);
            query->step();
            const std::optional<std::string> thing = query->optional_text(0);
            const std::int64_t from_day = query->int64(1);
            const std::optional<std::int64_t> by = query->optional_int64(2);
            const sys_seconds at{seconds{query->int64(3)}};
            std::string shares;
            store::statement_use share(record_.db().cached(
                "SELECT m.name, s.share FROM agreement_share s JOIN member m ON m.id = s.member_id "
                "WHERE s.agreement_id = ? AND m.retired_at IS NULL ORDER BY m.name"));
            share->bind(1, id);
            while (share->step()) {
                char percent[16];
                std::snprintf(percent, sizeof percent, "%g%%", std::round(share->real(1) * 10) / 10);
                shares += (shares.empty() ? "" : ", ") + share->text(0) + " " + percent;
            }
            const std::string answer = "`fairly agree" + (thing ? " --thing " + *thing : std::string()) + " --accept` or `--decline`";
            out.push_back({"agreement:" + std::to_string(id), "proposal", name, at,
                           {{member, proposer_name(by) + " proposed the " + (thing ? *thing + " " : std::string()) + "split " + shares +
                                         ", from the week of " + date_as_said(sys_days{std::chrono::days{from_day}}) + " (" + spoken_time(at, now, tz) +
                                         "); it waits for your answer: " + answer + "."}}});
        }
        // A kind's weights, or the night.
        for (const std::int64_t id : record_.setting_proposals_waiting_for(member)) {
            const setting_proposal_row row = *record_.setting_proposal(id);
            const bool night = row.subject == "night";
            const sys_seconds at{seconds{row.proposed_at}};
            out.push_back({"setting:" + std::to_string(id), "proposal", name, at,
                           {{member, proposer_name(row.proposed_by) + " proposed a change to " + (night ? std::string("the night") : row.name) + " (" +
                                         spoken_time(at, now, tz) + "); it waits for your answer: `fairly agree " +
                                         (night ? std::string("--night") : "--kind " + row.name) +
                                         " --accept` or `--decline`, and `fairly agree` shows it."}}});
        }
    }
}

// ---------------------------------------------------------------- the two calls

json reminder_service::check(const remind_request& request, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::vector<std::int64_t> to = addressees(request, ctx);
    const sys_seconds now = ctx.reference;
    std::vector<notice> notices;
    slot_notices(request.within, now, notices);
    goal_notices(now, notices);
    drift_notices(now, notices);
    pending_notices(to, now, notices);
    timer_notices(now, notices);
    change_notices(now, notices);
    proposal_notices(to, now, notices);

    const std::string& tz = record_.household().tz;
    std::map<std::int64_t, std::optional<std::int64_t>> uid_of; // an addressee's Unix user, for --exec
    for (const auto& [uid, member] : record_.names().bindings) {
        auto& known = uid_of[member];
        if (!known || uid < *known) known = uid;
    }
    json reminders = json::array();
    for (const std::int64_t member : to) {
        const std::string name = record_.member_name(member);
        for (const notice& item : notices) {
            for (const auto& [addressee, text] : item.texts) {
                if (addressee != member || given(item.key, member)) continue;
                reminders.push_back({{"key", item.key}, {"type", item.type}, {"who", item.about}, {"to", name},
                                     {"to_uid", uid_of[member] ? json(*uid_of[member]) : json(nullptr)},
                                     {"to_user", uid_of[member] ? user_name(*uid_of[member]) : std::string()},
                                     {"at", format_local_iso(item.at, tz)}, {"text", text}});
            }
        }
    }
    return json{{"reminders", std::move(reminders)}};
}

json reminder_service::mark(const std::vector<delivered_reminder>& delivered, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    std::int64_t marked = 0;
    for (const delivered_reminder& item : delivered) {
        const std::int64_t member = record_.member_id(item.to, "to");
        if (ctx.binding && *ctx.binding != member) {
            throw rpc_error(error_code::permission_denied, "a reminder for " + item.to + " is theirs to receive, not yours to mark");
        }
        // A reminder of many entries logged for someone stands for each of them.
        std::vector<std::string> keys;
        if (item.key.rfind("pending:", 0) == 0 && item.key.find('+') != std::string::npos) {
            std::size_t from = 8;
            for (std::size_t plus; (plus = item.key.find('+', from)) != std::string::npos; from = plus + 1) {
                keys.push_back("pending:" + item.key.substr(from, plus - from));
            }
            keys.push_back("pending:" + item.key.substr(from));
        } else {
            keys.push_back(item.key);
        }
        for (const std::string& key : keys) {
            marked += record_.mark_reminder_given(key, member, item.text, ctx.reference.time_since_epoch().count()) ? 1 : 0;
        }
    }
    return json{{"marked", marked}};
}

} // namespace fairly::daemon
