#pragma once
/// The agreed split over time, changed only by consent (docs/fairness.md,
/// "The agreed split"): `fairly agree` shows the agreement in force and any
/// proposal; a member proposes a split from a household week on (consenting
/// by proposing), and it is in force once every other member has accepted.
/// A contested thing (a turn) may have a split of its own.
#include "record.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fairly::daemon {

/// `fairly agree [--thing THING] alex=60,sam=40 [--from DATE]`.
struct agreement_proposal {
    std::optional<std::string> thing;
    std::vector<std::pair<std::string, double>> split; ///< member name, percent
    std::optional<std::string> from;                   ///< a time expression: the week containing it
    std::optional<std::string> member;                 ///< who proposes (root: FAIRLY_MEMBER or none)
    std::string note;
};

/// `fairly agree [--thing THING] --accept | --decline`.
struct agreement_answer_request {
    std::optional<std::string> thing;
    bool accept = true;
    std::optional<std::string> member;
};

class agreement_service {
public:
    explicit agreement_service(household_record& record) : record_(record) {}

    json show(const std::optional<std::string>& thing, const request_context& ctx);
    json propose(const agreement_proposal& request, const request_context& ctx);
    json answer(const agreement_answer_request& request, const request_context& ctx);

    /// A proposal with its checks: every member named once, each 0-100, adding
    /// up to 100, from a week not before the last agreement. The proposer (if
    /// a member) consents by proposing; a pending proposal of the same thing
    /// is withdrawn. Returns the proposal's id. Shared with `member add --share`.
    static std::int64_t propose_split(household_record& record, const std::optional<std::string>& thing,
                                      const std::vector<std::pair<std::int64_t, double>>& split, std::int64_t from_day,
                                      std::optional<std::int64_t> proposer, const std::string& note, const request_context& ctx);

    /// After member `left` left the household: each proposed split is
    /// decided without them, in force once everyone who stays has accepted
    /// it; one that gives them a share is withdrawn (a split without them is
    /// proposed on its own). Returns what was decided, described.
    static json decide_waiting(household_record& record, std::int64_t left, const request_context& ctx);

private:
    /// A bare `--accept` or `--decline` with no split waiting: the one change
    /// of weights or the night waiting for `me`, answered; refused, naming
    /// each, when several wait.
    json answer_setting(std::int64_t me, bool accept, const request_context& ctx);
    static json describe(household_record& record, std::int64_t id);
    json describe(std::int64_t id) { return describe(record_, id); }
    household_record& record_;
};

} // namespace fairly::daemon
