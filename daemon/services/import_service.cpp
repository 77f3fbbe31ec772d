// Import: a history kept elsewhere brought in, idempotently by uuid,
// through the record's own writers and checks.
//
// import.records takes a batch of rows and either writes them all or none;
// with dry_run it reads and checks every field of every row by the same
// code and stops short of writing. A row may correct (supersede) one
// earlier in the file: in a check that one was never written, so the
// client marks such rows "earlier_in_file".
#include "import_service.hpp"

#include "catalogue.hpp"
#include "export_service.hpp"
#include "night.hpp"
#include "params.hpp"
#include "time_expr.hpp"
#include "transfer_format.hpp"
#include "uuid.hpp"
#include "zone.hpp"

#include <limits>
#include <unordered_map>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using namespace transfer;

namespace {

constexpr std::size_t largest_batch = 5000;

/// What a member may not merge: the household part of a file is root's or
/// fairlyd's user's to bring in.
constexpr std::string_view merge_rule = "merging a household from a file is for root or the user fairlyd runs as (`sudo fairly import FILE`)";

/// Runs one of the record's rights checks for an imported row, naming what
/// the row does in its refusal ("a void of sam's entry #12: ...").
template <class Check>
void as_caller(const std::string& what, Check check) {
    try {
        check();
    } catch (const rpc_error& e) {
        if (e.code != error_code::permission_denied) throw;
        throw rpc_error(e.code, what + ": " + e.what(), e.data);
    }
}

} // namespace

// ---------------------------------------------------------------- import: the household

sys_seconds import_service::import_time(const json& row, const char* field, bool required) {
    auto text = optional_string(row, field);
    if (!text) {
        if (required) bad_param(field, "is required");
        return sys_seconds{};
    }
    const time_expr expr = checked_input([&] { return parse_time_expr(*text, field); });
    if (expr.kind == time_expr::form::instant) return expr.at;
    if (expr.kind != time_expr::form::local_date_time) {
        bad_param(field, "\"" + *text + "\" is not a date and time; an import needs them written out, e.g. 2026-11-01T22:00:00+00:00 "
                         "or 2026-11-01 22:00 (the household's local time)");
    }
    return checked_input([&] { return resolve_time(expr, record_.now(), record_.household().tz, field); });
}

std::int64_t import_service::import_created(const json& row, const char* field) {
    if (!find(row, field)) return record_.now_utc();
    return import_time(row, field, true).time_since_epoch().count();
}

json import_service::import_household(const json& params, const request_context& ctx) {
    const json* file = find(params, "household");
    if (!file || !file->is_object()) bad_param("household", "expected the household part of a fairly export");
    store::savepoint scope(record_.db());
    json result;
    try {
        result = apply_household(*file, ctx);
    } catch (...) {
        scope.rollback();
        record_.forget();
        throw;
    }
    if (optional_bool(params, "dry_run")) {
        scope.rollback();
        record_.forget();
    } else {
        scope.release();
    }
    result["dry_run"] = optional_bool(params, "dry_run");
    return result;
}

json import_service::apply_household(const json& file, const request_context& ctx) {
    if (auto format = optional_string(file, "format"); format && *format != "fairly-export") {
        bad_param("format", "this is not a fairly export (format \"" + *format + "\")");
    }
    if (auto version = optional_integer(file, "version"); version && *version > export_version) {
        bad_param("version", "this export is version " + std::to_string(*version) + "; this fairlyd reads up to version " +
                                 std::to_string(export_version) + " (upgrade fairly)");
    }
    const json* settings = find(file, "household");
    if (!settings || !settings->is_object()) bad_param("household", "the export has no household settings");
    const json* members = find(file, "members");
    if (!members || !members->is_array()) bad_param("members", "the export has no member list");
    const json* kinds = find(file, "kinds");
    if (!kinds || !kinds->is_array()) bad_param("kinds", "the export has no kind list");

    const bool fresh = !record_.set_up();
    // A member (neither root nor fairlyd's user) may import a file whose
    // household part is this household's already; anything it would add is
    // refused by name, and with it the whole import.
    const bool as_member = !ctx.privileged && ctx.binding.has_value();
    const std::int64_t me = as_member ? *ctx.binding : 0;
    auto refuse_merge = [&](const std::string& what, const std::string& rule) {
        if (ctx.privileged) return;
        throw rpc_error(error_code::permission_denied, "the household part of the file: " + what + ": " + rule + "; nothing was imported");
    };
    json notes = json::array();
    int members_added = 0, kinds_added = 0;
    if (fresh) {
        // A new household restored whole from the file: settings, members
        // with their Unix users, kinds with their history.
        if (!ctx.privileged) {
            throw rpc_error(error_code::permission_denied,
                            "this household is not set up; only root or the user fairlyd runs as can set it up from an export");
        }
        const std::string tz = required_string(*settings, "tz");
        if (!is_known_zone(tz)) bad_param("tz", "\"" + tz + "\" is not a time zone of this system's tz database");
        const std::int64_t week_start = optional_integer(*settings, "week_start").value_or(1);
        if (week_start < 0 || week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");
        const json empty = json::object();
        const json* night = find(*settings, "night");
        if (!night) night = &empty;
        const json* drift = find(*settings, "drift");
        if (!drift) drift = &empty;
        const json* couple = find(*settings, "couple_check");
        if (!couple) couple = &empty;
        auto minutes_of = [](const json& object, const char* field, std::int64_t fallback) {
            auto text = optional_string(object, field);
            return text ? checked_input([&] { return parse_time_of_day(*text, field); }).count() : fallback;
        };
        const night_window usual_night; // the defaults, for a file that leaves them out
        const double multiplier = optional_number(*night, "multiplier").value_or(usual_night.multiplier);
        checked_input([&] { check_night_multiplier(multiplier); });
        const std::int64_t couple_day = optional_integer(*couple, "weekday").value_or(4);
        if (couple_day < 0 || couple_day > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
        household_record::household_row house;
        house.tz = tz;
        house.week_start = week_start;
        house.night_start = minutes_of(*night, "from", usual_night.start.count());
        house.night_end = minutes_of(*night, "to", usual_night.end.count());
        house.multiplier = multiplier;
        // In sigma since schema 6 (k, h); an older file's fixed shares (slack, threshold) are not carried over.
        house.slack = optional_number(*drift, "k").value_or(0.5);
        house.threshold = optional_number(*drift, "h").value_or(4);
        house.couple_weekday = couple_day;
        house.couple_minute = minutes_of(*couple, "time", 1080);
        house.created = import_created(*settings, "created_at");
        record_.insert_household(house);
    } else {
        record_.require_access(ctx);
        const household_info& house = record_.household();
        if (auto tz = optional_string(*settings, "tz"); tz && *tz != house.tz) {
            notes.push_back("kept this household's time zone " + house.tz + " (the file's is " + *tz + ")");
        }
    }

    for (const json& member : *members) {
        if (!member.is_object()) bad_param("members", "each member is an object");
        const std::string name = required_string(member, "name");
        household_record::check_member_name(name, "members");
        {
            store::statement_use existing(record_.db().cached("SELECT 1 FROM member WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) continue;
        }
        if (!fresh && !ctx.privileged) {
            throw rpc_error(error_code::permission_denied,
                            "member " + name + " is in the file but not in this household; add them first with `fairly member add " +
                                name + "` (root or fairlyd's user), or import as root");
        }
        const double share = optional_number(member, "agreed_share").value_or(0);
        if (share < 0 || share > 100) bad_param("agreed_share", "a percent from 0 to 100");
        // Unix users are carried into a new household only: in an existing
        // one the uid may already mean someone else.
        std::optional<std::int64_t> uid = fresh ? uid_field(member, "unix_uid") : std::nullopt;
        const std::int64_t added = record_.insert_member(name, uid, share, import_created(member, "created_at"), "members");
        if (fresh && find(member, "retired_at") && !find(member, "retired_at")->is_null()) {
            record_.retire_member(added, import_time(member, "retired_at", true).time_since_epoch().count());
        }
        ++members_added;
        if (!fresh) notes.push_back("added member " + name + " with no Unix user bound");
    }
    record_.forget();

    for (const json& kind : *kinds) {
        if (!kind.is_object()) bad_param("kinds", "each kind is an object");
        const std::string name = required_string(kind, "name");
        if (!is_valid_name(name)) bad_param("kinds", "\"" + name + "\" is not a kind name");
        const std::string category = required_string(kind, "category");
        if (!is_category(category)) bad_param("category", "\"" + category + "\" is not a category");
        const double points = optional_number(kind, "points").value_or(0), per_hour = optional_number(kind, "points_per_hour").value_or(0);
        if (points < 0 || points > 1000 || per_hour < 0 || per_hour > 1000) bad_param("points", "a weight from 0 to 1000");
        const std::int64_t usual = optional_integer(kind, "default_seconds").value_or(1800);
        if (usual < 0 || usual > 7 * 86400) bad_param("default_seconds", "from 0 to a week");
        const bool night = optional_bool(kind, "night_applies");
        {
            store::statement_use existing(record_.db().cached("SELECT points, points_per_hour, default_seconds, night_applies, category FROM kind WHERE name = ?"));
            existing->bind(1, name);
            if (existing->step()) {
                if (existing->real(0) != points || existing->real(1) != per_hour || existing->int64(2) != usual ||
                    (existing->int64(3) != 0) != night || existing->text(4) != category) {
                    notes.push_back("kept this household's weights for kind " + name + " (the file's differ)");
                }
                continue;
            }
        }
        refuse_merge("kind " + name + ", not in this household", std::string(merge_rule));
        record_.insert_kind({name, category, points, per_hour, usual, night, import_created(kind, "created_at")});
        ++kinds_added;
        if (!fresh) {
            record_.log_change("kind", name, nullptr,
                       json{{"name", name}, {"category", category}, {"points", points}, {"points_per_hour", per_hour},
                            {"default_minutes", usual / 60}, {"night_applies", night}},
                       ctx);
            notes.push_back("added kind " + name + " from the file");
        }
    }
    record_.forget();

    // The history of weights and of the night goes with a new household; in
    // an existing one it describes changes that did not happen there.
    if (const json* changes = find(file, "changes"); changes && fresh) {
        if (!changes->is_array()) bad_param("changes", "expected a list");
        for (const json& change : *changes) {
            const std::string subject = required_string(change, "subject");
            if (!household_record::is_change_subject(subject)) bad_param("subject", "not a setting the change log keeps: " + subject);
            const json* old_value = find(change, "old");
            const json* new_value = find(change, "new");
            if (!new_value) bad_param("new", "is required");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(change, "changed_by")) by = record_.member_id(*name, "changed_by");
            change_consent consent{optional_integer(change, "proposal"), std::nullopt, uid_field(change, "proposed_by_uid"), std::nullopt};
            if (auto name = optional_string(change, "proposed_by")) consent.proposed_by = record_.member_id(*name, "proposed_by");
            if (const json* accepted = find(change, "accepted_by")) {
                if (!accepted->is_array()) bad_param("accepted_by", "expected a list of members");
                consent.accepted_by.emplace();
                for (const json& name : *accepted) {
                    if (!name.is_string()) bad_param("accepted_by", "expected a list of members");
                    consent.accepted_by->push_back(record_.member_id(name.get<std::string>(), "accepted_by"));
                }
            }
            record_.log_change(subject, required_string(change, "name"), old_value ? *old_value : json(nullptr), *new_value,
                               uid_field(change, "changed_by_uid").value_or(ctx.who.uid), by, import_created(change, "changed_at"), consent);
        }
        // The proposals of weights and the night go with them, in order (their ids are the change log's).
        if (const json* proposals = find(file, "setting_proposals")) {
            if (!proposals->is_array()) bad_param("setting_proposals", "expected a list");
            for (const json& proposal : *proposals) {
                const std::string subject = required_string(proposal, "subject"), name = required_string(proposal, "name");
                const json* old_value = find(proposal, "old");
                const json* new_value = find(proposal, "new");
                if (!old_value || !new_value) bad_param("setting_proposals", "a proposal has its old and new value");
                setting_proposal_row row{0, subject, name, std::nullopt, *old_value, *new_value, "proposed", std::nullopt,
                                         uid_field(proposal, "proposed_by_uid").value_or(ctx.who.uid), import_created(proposal, "proposed_at"),
                                         std::nullopt};
                if (subject == "kind") row.kind_id = record_.kind_named(name).id;
                if (auto by = optional_string(proposal, "proposed_by")) row.proposed_by = record_.member_id(*by, "proposed_by");
                const std::int64_t id = record_.insert_setting_proposal(row);
                if (const json* answers = find(proposal, "answers"); answers && answers->is_array()) {
                    for (const json& answer : *answers) {
                        const std::string said = required_string(answer, "answer");
                        if (said != "accept" && said != "decline") bad_param("answer", "accept or decline");
                        record_.answer_setting_proposal(id, record_.member_id(required_string(answer, "member"), "member"), said == "accept",
                                                        uid_field(answer, "uid").value_or(ctx.who.uid), import_created(answer, "at"));
                    }
                }
                const std::string state = optional_string(proposal, "state").value_or("proposed");
                if (state != "proposed") {
                    std::int64_t decided = row.proposed_at;
                    if (const json* at = find(proposal, "decided_at"); at && !at->is_null()) decided = import_created(proposal, "decided_at");
                    record_.decide_setting_proposal(id, state, decided);
                }
            }
        }
    } else if (changes && !changes->empty() && *changes != change_log_json(record_)) {
        notes.push_back("left out the file's history of weight changes: it belongs to the household it came from");
    }

    if (const json* talks = find(file, "drift_talks")) {
        if (!talks->is_array()) bad_param("drift_talks", "expected a list");
        for (const json& talk : *talks) {
            const std::int64_t at = import_time(talk, "at", true).time_since_epoch().count();
            const std::string note = optional_string(talk, "note").value_or("");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(talk, "by")) by = record_.member_id(*name, "by");
            store::statement_use same(record_.db().cached("SELECT 1 FROM drift_talk WHERE at_utc = ? AND note = ?"));
            same->bind(1, at).bind(2, note);
            if (same->step()) continue;
            if (as_member && by && *by != me) {
                const std::string name = record_.member_name(*by);
                refuse_merge("a talk about the drift recorded as " + name + "'s",
                             "what was said is recorded as whoever records it; only " + name + " can record it as " + name);
            }
            refuse_merge("a talk about the drift, not in this household", std::string(merge_rule));
            record_.insert_talk(at, note, by, fresh ? uid_field(talk, "uid").value_or(ctx.who.uid) : ctx.who.uid,
                                import_created(talk, "created_at"));
        }
    }

    auto owner = [&](const json& row) -> std::optional<std::int64_t> {
        const std::string who_name = required_string(row, "who");
        if (is_reserved_name(who_name)) return std::nullopt;
        return record_.member_id(who_name, "who");
    };
    int goals_added = 0, slots_added = 0, timers_added = 0;
    if (const json* goals = find(file, "protected_goals")) {
        if (!goals->is_array()) bad_param("protected_goals", "expected a list");
        for (const json& goal : *goals) {
            const auto member = owner(goal);
            const auto weekly = optional_integer(goal, "weekly_seconds");
            if (!weekly || *weekly <= 0) bad_param("weekly_seconds", "a positive number of seconds");
            {
                store::statement_use there(record_.db().cached("SELECT 1 FROM protected_goal WHERE coalesce(member_id, 0) = ?"));
                there->bind(1, member.value_or(0));
                if (!there->step()) refuse_merge("a protected-time goal for " + required_string(goal, "who") + ", not in this household", std::string(merge_rule));
            }
            if (record_.add_goal(member, *weekly, fresh ? uid_field(goal, "set_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                 import_created(goal, "created_at"))) {
                ++goals_added;
                continue;
            }
            store::statement_use kept(record_.db().cached("SELECT weekly_seconds FROM protected_goal WHERE member_id IS ?"));
            kept->bind(1, member);
            if (kept->step() && kept->int64(0) != *weekly) {
                notes.push_back("kept this household's protected-time goal for " + required_string(goal, "who") + " (the file's differs)");
            }
        }
    }
    if (const json* slots = find(file, "protected_slots")) {
        if (!slots->is_array()) bad_param("protected_slots", "expected a list");
        for (const json& slot : *slots) {
            const auto member = owner(slot);
            const std::string label = optional_string(slot, "label").value_or("");
            const auto weekday = optional_integer(slot, "weekday");
            if (!weekday || *weekday < 0 || *weekday > 6) bad_param("weekday", "0 (Sunday) to 6 (Saturday)");
            const std::int64_t start = checked_input([&] { return parse_time_of_day(required_string(slot, "start"), "start"); }).count();
            const auto length = optional_integer(slot, "length_seconds");
            if (!length || *length <= 0 || *length > 86400) bad_param("length_seconds", "from 1 second to a day");
            std::optional<std::int64_t> removed;
            if (find(slot, "removed_at")) removed = import_time(slot, "removed_at", true).time_since_epoch().count();
            {
                store::statement_use same(record_.db().cached(
                    "SELECT 1 FROM protected_slot WHERE member_id IS ? AND label = ? AND weekday = ? AND start_minute = ? "
                    "AND length_seconds = ? AND (removed_at IS NULL) = (? IS NULL)"));
                same->bind(1, member).bind(2, label).bind(3, *weekday).bind(4, start).bind(5, *length).bind(6, removed);
                if (same->step()) continue;
            }
            refuse_merge("a protected slot for " + required_string(slot, "who") + " (" + label + "), not in this household", std::string(merge_rule));
            record_.insert_slot(member, label, *weekday, start, *length,
                                fresh ? uid_field(slot, "created_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                import_created(slot, "created_at"), removed);
            ++slots_added;
        }
    }
    if (const json* timers = find(file, "timers")) {
        if (!timers->is_array()) bad_param("timers", "expected a list");
        for (const json& timer : *timers) {
            const std::string uuid = row_uuid(timer);
            const std::int64_t member = record_.member_id(required_string(timer, "member"), "member");
            const std::int64_t kind = record_.kind_named(required_string(timer, "kind")).id;
            {
                store::statement_use same(record_.db().cached("SELECT 1 FROM timer WHERE uuid = ? OR (member_id = ? AND kind_id = ?)"));
                same->bind(1, uuid).bind(2, member).bind(3, kind);
                if (same->step()) continue;
            }
            refuse_merge("a running timer, not in this household", std::string(merge_rule));
            record_.insert_timer(uuid, member, kind, import_time(timer, "start", true).time_since_epoch().count(), role_param(timer, "did"),
                                 note_param(timer).value_or(""), fresh ? uid_field(timer, "started_by_uid").value_or(ctx.who.uid) : ctx.who.uid,
                                 import_created(timer, "created_at"));
            ++timers_added;
        }
    }
    // The agreed split's history belongs to the household it came from: it goes with a new household only.
    if (const json* agreements = find(file, "agreements"); agreements && !agreements->empty()) {
        if (!agreements->is_array()) bad_param("agreements", "expected a list");
        if (!fresh) notes.push_back("left out the file's agreements: this household's split is agreed here (`fairly agree`)");
        for (const json& agreement : fresh ? *agreements : json::array()) {
            const std::string state = required_string(agreement, "state");
            if (state != "proposed" && state != "agreed" && state != "declined" && state != "withdrawn") bad_param("state", "not a state of an agreement");
            const auto from_day = optional_integer(agreement, "from_day");
            if (!from_day) bad_param("from_day", "is required");
            std::optional<std::int64_t> by;
            if (auto name = optional_string(agreement, "proposed_by")) by = record_.member_id(*name, "proposed_by");
            std::optional<std::int64_t> decided;
            if (find(agreement, "decided_at") && !find(agreement, "decided_at")->is_null()) decided = import_time(agreement, "decided_at", true).time_since_epoch().count();
            // Written as proposed, its shares and answers added, then decided: the record's writers and rules, as live.
            household_record::agreement_row row{optional_string(agreement, "thing"), *from_day, by,
                                                uid_field(agreement, "proposed_by_uid").value_or(ctx.who.uid),
                                                import_created(agreement, "proposed_at"), optional_string(agreement, "note").value_or(""), {}};
            if (const json* shares = find(agreement, "shares"); shares && shares->is_object()) {
                for (const auto& [name, share] : shares->items()) {
                    if (!share.is_number()) bad_param("shares", "a percent from 0 to 100");
                    row.shares.emplace_back(record_.member_id(name, "shares"), share.get<double>());
                }
            }
            const std::int64_t id = record_.insert_agreement(row);
            if (const json* answers = find(agreement, "answers"); answers && answers->is_array()) {
                for (const json& answer : *answers) {
                    record_.answer_agreement(id, record_.member_id(required_string(answer, "member"), "member"), required_string(answer, "answer"),
                                             uid_field(answer, "uid").value_or(ctx.who.uid), import_created(answer, "at"));
                }
            }
            if (state != "proposed") record_.decide_agreement(id, state, decided.value_or(import_created(agreement, "proposed_at")));
        }
    }
    int away_added = 0;
    if (const json* away = find(file, "away")) {
        if (!away->is_array()) bad_param("away", "expected a list");
        for (const json& entry : *away) {
            const std::int64_t member = record_.member_id(required_string(entry, "member"), "member");
            const auto from = optional_integer(entry, "from_day"), to = optional_integer(entry, "to_day");
            if (!from || !to) bad_param("to_day", "the first and last day away (from_day, to_day) are required");
            const std::string note = optional_string(entry, "note").value_or("");
            store::statement_use same(record_.db().cached("SELECT 1 FROM away WHERE member_id = ? AND from_day = ? AND to_day = ?"));
            same->bind(1, member).bind(2, *from).bind(3, *to);
            if (same->step()) continue;
            std::optional<std::int64_t> by;
            if (auto name = optional_string(entry, "by")) by = record_.member_id(*name, "by");
            const std::string what = "time away of " + record_.member_name(member) + " from " + date_text(*from) + " to " + date_text(*to);
            if (as_member && by && *by != me) {
                const std::string name = record_.member_name(*by);
                refuse_merge(what + " recorded by " + name, "time away is recorded as whoever records it; only " + name + " can record it as " + name);
            }
            refuse_merge(what + ", not in this household", std::string(merge_rule));
            record_.insert_away(member, *from, *to, note, by, fresh ? uid_field(entry, "uid").value_or(ctx.who.uid) : ctx.who.uid,
                                import_created(entry, "created_at"));
            ++away_added;
        }
    }
    if (const json* guesses = find(file, "guesses")) {
        if (!guesses->is_array()) bad_param("guesses", "expected a list");
        for (const json& guess : *guesses) {
            const std::int64_t member = record_.member_id(required_string(guess, "member"), "member");
            const auto week = optional_integer(guess, "week_day");
            const auto share = optional_number(guess, "share");
            if (!week || !share || *share < 0 || *share > 1) bad_param("share", "a fraction from 0 to 1");
            const auto night = optional_number(guess, "night_share");
            if (night && (*night < 0 || *night > 1)) bad_param("night_share", "a fraction from 0 to 1");
            {
                store::statement_use same(record_.db().cached(
                    "SELECT 1 FROM guess WHERE member_id = ? AND week_day = ? AND share = ? AND night_share IS ?"));
                same->bind(1, member).bind(2, *week).bind(3, *share).bind(4, night);
                if (same->step()) continue;
            }
            const std::string name = record_.member_name(member);
            if (as_member && member != me) {
                refuse_merge(name + "'s guess for the week of " + date_text(*week), "a guess is one's own; only " + name + " can make it");
            }
            refuse_merge(name + "'s guess for the week of " + date_text(*week) + ", not in this household", std::string(merge_rule));
            // One guess a member and week: the newest stands (household_record::set_guess).
            record_.set_guess(member, *week, *share, night, fresh ? uid_field(guess, "uid").value_or(ctx.who.uid) : ctx.who.uid,
                              import_created(guess, "created_at"));
        }
    }
    record_.forget();
    return json{{"created", fresh},     {"members_added", members_added}, {"kinds_added", kinds_added}, {"away_added", away_added},
                {"goals_added", goals_added}, {"slots_added", slots_added}, {"timers_added", timers_added},
                {"notes", std::move(notes)}};
}

// ---------------------------------------------------------------- import: records

json import_service::import_records(const json& params, const request_context& ctx) {
    const json* rows = find(params, "rows");
    if (!rows || !rows->is_array()) bad_param("rows", "expected a list of records");
    if (rows->size() > largest_batch) bad_param("rows", "at most " + std::to_string(largest_batch) + " records in one batch");
    const bool dry_run = optional_bool(params, "dry_run");
    checking_import_ = dry_run;
    const std::size_t book_mark = record_.book().mark();
    store::savepoint scope(record_.db());
    try {
        // A check of a file meant for a household not set up yet sets it up
        // from the file inside this savepoint, so the rows are checked against
        // the names they will meet.
        const json* file = find(params, "household");
        const bool set_up_here = file && dry_run && !record_.set_up();
        if (set_up_here) apply_household(*file, ctx);
        // Who the caller is, once the household (perhaps just set up) has its members.
        request_context here = record_.context_for(ctx.who, std::nullopt, ctx.reference);
        here.acting_for = ctx.acting_for;
        record_.require_access(here);
        record_.household();
        std::int64_t added = 0, skipped = 0;
        import_updated_ = 0;
        json refused = json::array();
        for (std::size_t index = 0; index < rows->size(); ++index) {
            const json& row = (*rows)[index];
            try {
                if (!row.is_object()) bad_param("row", "expected an object");
                const std::string type = optional_string(row, "type").value_or("event");
                bool is_new = false;
                if (type == "event") is_new = import_event(row, here);
                else if (type == "turn") is_new = import_turn(row, here);
                else if (type == "thanks") is_new = import_thanks(row, here);
                else if (type == "moved") is_new = import_moved(row, here);
                else bad_param("type", "\"" + type + "\" is not a record type; event, turn, thanks or moved");
                ++(is_new ? added : skipped);
            } catch (const rpc_error& e) {
                // A row that speaks for another member refuses the whole
                // import: a member's file adds only what they could add
                // themself, as themself (the CLI names the row as the file has it).
                if (e.code == error_code::permission_denied) {
                    json data = e.data.is_object() ? e.data : json::object();
                    data["index"] = index;
                    throw rpc_error(e.code, "row " + std::to_string(index + 1) + ": " + e.what(), data);
                }
                json entry{{"index", index}, {"reason", e.what()}};
                if (e.data.is_object() && e.data.contains("field")) entry["field"] = e.data["field"];
                refused.push_back(std::move(entry));
            } catch (const store::storage_error& e) {
                if (!e.is_constraint()) throw; // the disk, not the row: the whole batch fails
                refused.push_back({{"index", index}, {"reason", std::string("refused by the record's rules: ") + e.what()}});
            }
        }
        // All or nothing: a batch with a refused row writes none of it, and a
        // check writes nothing at all.
        const bool written = !dry_run && refused.empty();
        if (written) {
            scope.release();
        } else {
            scope.rollback();
            record_.book().rollback_to(book_mark);
            record_.forget();
        }
        return json{{"added", added}, {"skipped", skipped}, {"updated", import_updated_}, {"refused", std::move(refused)},
                    {"written", written}, {"dry_run", dry_run}};
    } catch (...) {
        scope.rollback();
        record_.book().rollback_to(book_mark);
        record_.forget();
        throw;
    }
}

std::optional<std::int64_t> import_service::import_logger(const json& row, const request_context& ctx,
                                                          std::int64_t fallback) {
    // What the file says about who logged a record stands when an admin
    // restores it; a member importing is recorded as having logged it.
    if (!ctx.privileged) return ctx.binding;
    if (!row.contains("logged_by")) return fallback;
    if (auto name = optional_string(row, "logged_by")) return record_.member_id(*name, "logged_by");
    return std::nullopt; // logged by root or fairlyd's user, bound to nobody
}

std::int64_t import_service::import_uid(const json& row, const char* field, const request_context& ctx) {
    return ctx.privileged ? uid_field(row, field).value_or(ctx.who.uid) : ctx.who.uid;
}

bool import_service::import_event(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    {
        const std::optional<recorded_event> recorded = record_.find_event(uuid);
        if (recorded) {
            if (catch_up_event(*recorded, row, ctx)) ++import_updated_;
            return false;
        }
    }
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const kind_entry& kind = record_.kind_named(required_string(row, "kind"));
    const sys_seconds start = import_time(row, "start", true);
    if (!is_loggable_category(kind.category)) return import_career_event(row, ctx, member, kind, start);
    std::optional<std::int64_t> end_utc;
    if (find(row, "end")) {
        const sys_seconds end = import_time(row, "end", true);
        if (end <= start) bad_param("end", "the end is not after the start");
        if (end - start > longest_event) bad_param("end", "an event lasts at most 7 days");
        end_utc = end.time_since_epoch().count();
    }
    checked_input([&] { check_has_happened(start, record_.now(), record_.household().tz, "start"); });
    const std::string role = role_param(row, "did");
    const std::string note = note_param(row).value_or("");
    const std::string status = optional_string(row, "status").value_or("active");
    if (status != "active" && status != "voided" && status != "superseded") bad_param("status", "active, voided or superseded");
    std::optional<std::string> void_reason;
    std::optional<std::int64_t> voided_by, voided_at;
    if (status == "superseded") {
        // Why it was corrected (`fairly edit --reason`) goes with it.
        void_reason = note_param(row, "void_reason");
        if (void_reason && void_reason->empty()) void_reason.reset();
    }
    if (status == "voided") {
        void_reason = import_void_reason(row);
        voided_by = import_uid(row, "voided_by_uid", ctx);
        voided_at = import_created(row, "voided_at");
    }
    std::optional<std::int64_t> supersedes;
    if (auto earlier = optional_string(row, "supersedes")) {
        std::string earlier_status;
        if (const auto original = record_.find_event(*earlier)) {
            supersedes = original->id;
            earlier_status = original->status;
            as_caller("a correction of " + record_.member_name(original->member_id) + "'s entry #" + std::to_string(original->id),
                      [&] { record_.check_may_correct(ctx, original->id, *original); });
        } else if (!(checking_import_ && optional_bool(row, "earlier_in_file"))) {
            bad_param("supersedes", "corrects event " + *earlier + ", which is neither in the file before it nor in this household");
        }
        // In a check, an original earlier in the file was rolled back with
        // its batch; the rest of this row is still checked.
        if (!supersedes) earlier_status = "absent";
        if (earlier_status == "voided") bad_param("supersedes", "corrects event " + *earlier + ", which is voided");
        if (supersedes) {
            store::statement_use taken(record_.db().cached("SELECT uuid FROM event WHERE supersedes = ?"));
            taken->bind(1, *supersedes);
            if (taken->step()) bad_param("supersedes", "event " + *earlier + " was already corrected by " + taken->text(0));
        }
    }
    const std::vector<imported_review> reviews = import_reviews(row, 0, ctx);
    if (!ctx.privileged) {
        // A review in the file is the reviewer's own: a member imports only theirs, of their own entries.
        recorded_event as_new;
        as_new.member_id = member;
        for (const imported_review& review : reviews) {
            as_caller("a " + std::string(review.verdict == "disputed" ? "dispute" : "confirmation") + " of " + record_.member_name(member) +
                          "'s entry " + uuid,
                      [&] { record_.check_may_review(ctx, 0, as_new, review.member); });
        }
    }
    const std::optional<std::int64_t> logged_by = import_logger(row, ctx, member);
    auto source = optional_string(row, "source");
    if (source && !is_valid_name(*source)) bad_param("source", "a short word such as cli or timewarrior");
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx);
    const std::int64_t created_at = import_created(row, "created_at");
    event_record event;
    event.uuid = uuid;
    event.member_id = member;
    event.kind_id = kind.id;
    event.start_utc = start.time_since_epoch().count();
    event.end_utc = end_utc;
    event.role = role;
    event.note = note;
    event.status = status;
    event.supersedes = supersedes;
    event.logged_by_member_id = logged_by;
    event.logged_by_uid = logged_by_uid;
    event.source = source.value_or("import");
    event.created_at = created_at;
    event.void_reason = void_reason;
    event.voided_by_uid = voided_by;
    event.voided_at = voided_at;
    // The same checks as the live path (a career kind is refused, lengths and notes).
    record_.check_event(event, kind, "end");
    // A check stops here: every field has been read and found usable, and
    // rows that depend on earlier ones were vouched for by the client.
    if (checking_import_) return true;
    std::vector<review_row> rows;
    for (const imported_review& review : reviews) rows.push_back({review.member, review.verdict, review.reason, review.uid, review.at});
    std::optional<std::string> correction_reason;
    if (supersedes) {
        if (auto kept = correction_reasons_.find(*supersedes); kept != correction_reasons_.end()) {
            correction_reason = kept->second;
            correction_reasons_.erase(kept);
        }
    }
    record_.insert_event(event, rows, correction_reason);
    return true;
}

bool import_service::import_career_event(const json& row, const request_context& ctx, std::int64_t member, const kind_entry& kind,
                                           sys_seconds start) {
    // A career cost logged as an event (fairly before it refused them) is
    // brought in as what it is, a meeting moved, under the same uuid; a voided
    // or superseded one stays out, as it counted for nothing.
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::meeting_moved, uuid)) return false;
    if (optional_string(row, "status").value_or("active") != "active") return false;
    const std::string note = optional_string(row, "note").value_or("");
    const household_record::moved_row moved{uuid, member, note.empty() ? kind.name : note, std::nullopt, std::nullopt, "minor",
                                            start.time_since_epoch().count(), std::string(), import_logger(row, ctx, member),
                                            import_uid(row, "logged_by_uid", ctx), import_created(row, "created_at")};
    record_.check_moved(moved);
    if (checking_import_) return true;
    record_.insert_moved(moved);
    return true;
}

std::string import_service::import_void_reason(const json& row) {
    auto reason = note_param(row, "void_reason");
    if (!reason || reason->empty()) bad_param("void_reason", "a voided event needs the reason it was voided");
    return *reason;
}

std::vector<import_service::imported_review> import_service::import_reviews(const json& row, std::size_t skip, const request_context& ctx) {
    std::vector<imported_review> reviews;
    const json* given = find(row, "reviews");
    if (!given) return reviews;
    if (!given->is_array()) bad_param("reviews", "expected a list");
    for (std::size_t i = skip; i < given->size(); ++i) {
        const json& review = (*given)[i];
        const std::int64_t by = record_.member_id(required_string(review, "member"), "reviews");
        const std::string verdict = required_string(review, "verdict");
        if (verdict != "confirmed" && verdict != "disputed") bad_param("verdict", "confirmed or disputed");
        reviews.push_back({by, verdict, note_param(review, "reason").value_or(""), import_uid(review, "reviewed_by_uid", ctx),
                           import_created(review, "created_at")});
    }
    return reviews;
}

bool import_service::catch_up_event(const recorded_event& event, const json& row, const request_context& ctx) {
    // The record is append-only, so only what can follow is taken: a void of
    // an event still active here, and reviews beyond those recorded here.
    // (A correction arrives as its own record and supersedes the original.)
    const bool voided_since = event.status == "active" && optional_string(row, "status") == "voided";
    const std::string whose = record_.member_name(event.member_id) + "'s entry #" + std::to_string(event.id);
    if (voided_since) as_caller("a void of " + whose, [&] { record_.check_may_void(ctx, event.id, event); });
    const std::vector<imported_review> added = import_reviews(row, event.reviews, ctx);
    for (const imported_review& review : added) {
        as_caller("a " + std::string(review.verdict == "disputed" ? "dispute" : "confirmation") + " of " + whose,
                  [&] { record_.check_may_review(ctx, event.id, event, review.member); });
    }
    // Why an event was corrected is kept with it; its correction comes as a row of its own.
    if (event.status == "active" && optional_string(row, "status") == "superseded") {
        if (auto reason = note_param(row, "void_reason"); reason && !reason->empty()) correction_reasons_[event.id] = *reason;
    }
    if (!voided_since && added.empty()) return false;
    std::optional<std::string> void_reason;
    if (voided_since) void_reason = import_void_reason(row);
    const std::int64_t voided_by = import_uid(row, "voided_by_uid", ctx), voided_at = import_created(row, "voided_at");
    if (checking_import_) return true;
    if (voided_since) record_.void_event(event.id, *void_reason, voided_by, voided_at);
    std::vector<review_row> rows;
    for (const imported_review& review : added) rows.push_back({review.member, review.verdict, review.reason, review.uid, review.at});
    record_.add_reviews(event.id, rows);
    return true;
}

bool import_service::import_turn(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::turn, uuid)) return false;
    const std::string thing = required_string(row, "thing");
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const sys_seconds at = import_time(row, "at", true);
    const std::string note = optional_string(row, "note").value_or("");
    record_.check_turn(thing, at.time_since_epoch().count(), note, record_.now());
    const auto logged_by = import_logger(row, ctx, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    record_.insert_turn(uuid, thing, member, at.time_since_epoch().count(), note, logged_by, logged_by_uid, created_at);
    return true;
}

bool import_service::import_thanks(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::thanks, uuid)) return false;
    const std::string from_name = required_string(row, "from");
    const std::int64_t from = record_.member_id(from_name, "from");
    const std::int64_t to = record_.member_id(required_string(row, "to"), "to");
    as_caller("a thanks from " + record_.member_name(from) + " to " + record_.member_name(to),
              [&] { record_.own_member(ctx, from_name, "a thanks"); });
    const std::string note = optional_string(row, "note").value_or("");
    record_.check_thanks(from, to, note);
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::int64_t from_uid = import_uid(row, "from_uid", ctx), created_at = import_created(row, "created_at");
    if (checking_import_) return true;
    record_.insert_thanks(uuid, from, to, note, at, from_uid, created_at);
    return true;
}

bool import_service::import_moved(const json& row, const request_context& ctx) {
    const std::string uuid = row_uuid(row);
    if (record_.id_by_uuid(household_record::uuid_table::meeting_moved, uuid)) return false;
    const std::int64_t member = record_.member_id(required_string(row, "member"), "member");
    const std::string what = optional_string(row, "what").value_or("");
    std::optional<std::int64_t> for_kind, for_event;
    if (auto name = optional_string(row, "for_kind")) for_kind = record_.kind_named(*name).id;
    if (auto event = optional_string(row, "for_event")) {
        for_event = record_.event_id(*event);
        if (!for_event && !(checking_import_ && optional_bool(row, "earlier_in_file"))) {
            bad_param("for_event", "event " + *event + " is neither in the file before it nor in this household");
        }
    }
    const std::string impact = optional_string(row, "impact").value_or("minor");
    const std::int64_t at = import_time(row, "at", true).time_since_epoch().count();
    const std::string note = optional_string(row, "note").value_or("");
    const auto logged_by = import_logger(row, ctx, member);
    const std::int64_t logged_by_uid = import_uid(row, "logged_by_uid", ctx), created_at = import_created(row, "created_at");
    const household_record::moved_row moved{uuid, member, what, for_kind, for_event, impact, at, note, logged_by, logged_by_uid, created_at};
    record_.check_moved(moved);
    if (checking_import_) return true;
    record_.insert_moved(moved);
    return true;
}

} // namespace fairly::daemon
