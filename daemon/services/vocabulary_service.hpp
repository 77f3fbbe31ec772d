#pragma once
/// The household's vocabulary: its members, kinds and their weights, the
/// night window, meetings moved, turns at contested things, and thanks.
#include "record.hpp"

namespace fairly::daemon {

/// `fairly init`: the household's zone, its members and their agreed split (percent).
struct init_request {
    std::string tz;
    std::vector<std::string> members;
    std::optional<std::vector<std::pair<std::string, double>>> split;
    std::int64_t week_start = 1;
};

/// `fairly member add NAME [--unix-user U] [--share S]`.
struct member_request {
    std::string name;
    std::optional<std::int64_t> unix_uid;
    std::optional<std::string> unix_user;
    std::optional<double> share;
};

/// `fairly kind add|edit NAME`: what is not given is kept (edit) or the default (add).
struct kind_request {
    std::string name;
    std::optional<std::string> category, default_for;
    std::optional<double> points, per_hour;
    std::optional<bool> night;
};

/// `fairly night --from --to --multiplier`.
struct night_request {
    std::optional<std::string> from, to;
    std::optional<double> multiplier;
};

/// `fairly moved WHAT`: whose work was moved, for which task, how much it mattered.
struct moved_request {
    std::string uuid;
    std::optional<std::string> member;
    std::string what;
    std::optional<std::string> for_kind;
    std::optional<std::int64_t> for_event;
    std::string impact = "minor";
    std::optional<std::string> at;
    std::string note;
};

/// `fairly turn THING`: a member takes their turn.
struct turn_request {
    std::string uuid, thing;
    std::optional<std::string> member, at;
    std::string note;
};

/// `fairly thanks MEMBER "for what"`.
struct thanks_request {
    std::string uuid, to;
    std::optional<std::string> member;
    std::string note;
};

/// A row of the change log (id, subject, name, old, new, uid, member, at) as replies show it.
json change_json(const store::statement& row, const std::string& tz);

/// `fairly away NAME --from DATE --to DATE [--note TEXT]`.
struct away_request {
    std::string member, from, to;
    std::string note;
};

/// `fairly guess 65 [--night 40] [--member NAME]`: a member's own estimate of this week's share.
struct guess_request {
    double share = 0;                  ///< percent
    std::optional<double> night;       ///< percent of the night load
    std::optional<std::string> member;
};

class vocabulary_service {
public:
    explicit vocabulary_service(household_record& record) : record_(record) {}

    json status(const json& params, const request_context& ctx);
    json init(const init_request& request, const request_context& ctx);
    json member_add(const member_request& request, const request_context& ctx);
    /// `fairly member rename OLD NEW`: the history follows the member.
    json member_rename(const std::string& from, const std::string& to, const request_context& ctx);
    /// `fairly member retire NAME`: their past stays; a split without them is proposed.
    json member_retire(const std::string& name, const request_context& ctx);
    json kinds_list(const json& params, const request_context& ctx);
    json kind_add(const kind_request& request, const request_context& ctx);
    json kind_edit(const kind_request& request, const request_context& ctx);
    json kind_history(const json& params, const request_context& ctx);
    /// Every change to the household's settings since `since` (all, without):
    /// who, when, from what to what (`fairly changes`).
    json changes(const std::optional<std::string>& since, const request_context& ctx);
    /// Records that a member was away (travel, illness): not drift (docs/fairness.md, "Away").
    json away_add(const away_request& request, const request_context& ctx);
    json away_list(const request_context& ctx);
    /// A member's guess of their own share of this week's load, private to them until the week is over.
    json guess_set(const guess_request& request, const request_context& ctx);
    /// The caller's own guesses, this week's first.
    json guess_list(const std::optional<std::string>& member, const request_context& ctx);
    json night_get(const json& params, const request_context& ctx);
    json night_set(const night_request& request, const request_context& ctx);
    json moved_log(const moved_request& request, const request_context& ctx);
    json moved_list(const json& params, const request_context& ctx);
    json turn_take(const turn_request& request, const request_context& ctx);
    json turn_whose(const json& params, const request_context& ctx);
    json thanks_give(const thanks_request& request, const request_context& ctx);
    json thanks_list(const json& params, const request_context& ctx);

private:
    /// Whose turn it is at `thing`, over its last `window` turns.
    json standing(const std::string& thing, std::int64_t window, std::chrono::sys_seconds reference);
    json night_settings();
    json household_status(const request_context& ctx);
    household_record& record_;
};

} // namespace fairly::daemon
