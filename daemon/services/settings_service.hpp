#pragma once
/// Kinds and their weights, the night window, and the change log of both (`fairly changes`).
#include "record.hpp"

namespace fairly::daemon {

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

/// `fairly agree --kind NAME | --night --accept | --decline`.
struct setting_answer_request {
    std::string subject;             ///< kind or night
    std::optional<std::string> name; ///< the kind
    bool accept = true;
    std::optional<std::string> member;
};

/// The change log's columns as change_json reads them, and where they come from.
constexpr std::string_view change_columns =
    "SELECT c.id, c.subject, c.subject_name, c.old_value, c.new_value, c.changed_by_uid, m.name, c.changed_at, "
    "c.proposal_id, p.name, c.proposed_by_uid, c.accepted_by FROM change_log c "
    "LEFT JOIN member m ON m.id = c.changed_by_member_id LEFT JOIN member p ON p.id = c.proposed_by_member_id ";

/// A row of the change log (change_columns) as replies show it: with
/// `in_force` (false for an agreement's proposal, decline or withdrawal) and,
/// for a change in force by consent, who proposed and who accepted it.
json change_json(const store::statement& row, const std::string& tz, household_record& record);

class settings_service {
public:
    explicit settings_service(household_record& record) : record_(record) {}

    json kinds_list(const json& params, const request_context& ctx);
    json kind_add(const kind_request& request, const request_context& ctx);
    json kind_edit(const kind_request& request, const request_context& ctx);
    json kind_history(const json& params, const request_context& ctx);
    /// Every change to the household's settings since `since` (all, without):
    /// who, when, from what to what (`fairly changes`).
    json changes(const std::optional<std::string>& since, const request_context& ctx);
    json night_get(const json& params, const request_context& ctx);
    json night_set(const night_request& request, const request_context& ctx);
    /// Changes of weights and the night waiting for consent.
    json proposals_list(const request_context& ctx);
    json proposal_answer(const setting_answer_request& request, const request_context& ctx);
    /// `member`'s answer to proposal `id` (waiting), putting it in force once
    /// every member still in the household has accepted; the proposer
    /// declining withdraws it. Returns the proposal as proposals.list shows it.
    /// Shared with a bare `fairly agree --accept` (agreement_service).
    json answer(std::int64_t id, std::int64_t member, bool accept, const request_context& ctx);
    /// After a member left: every waiting proposal that nobody still in the
    /// household has yet to accept is put in force. Returns those, described.
    json decide_waiting(const request_context& ctx);
    /// A proposal as proposals.list shows it: its setting, before and after, who proposed it, who is awaited.
    json describe(std::int64_t id);

private:
    json night_settings();
    json kind_json(const std::string& name);
    /// Puts proposal `id` in force once nobody still in the household has yet to accept it.
    bool settle(std::int64_t id, const request_context& ctx);
    /// A change that moves figures: made at once when nobody else need
    /// consent, else proposed. Returns the proposal's id, or none when made.
    std::optional<std::int64_t> propose(const std::string& subject, const std::string& name, std::optional<std::int64_t> kind_id,
                                        const json& before, const json& after, const request_context& ctx);
    /// Puts a setting as proposed (its fields that differ from `old_value`) in force.
    void apply(const std::string& subject, const std::string& name, const json& old_value, const json& new_value, const request_context& ctx,
               const change_consent& consent);
    household_record& record_;
};

} // namespace fairly::daemon
