#pragma once
/// What the household's change log (`fairly changes`) keeps, and what each
/// kind of change does: whether it moves a figure of the report (and how the
/// report words it), whether it reweighs the whole history, whether the
/// member it concerns is told. The one list: the record checks subjects
/// against it, the report, its renderers and the reminders read it.
#include <string>
#include <string_view>
#include <vector>

namespace fairly {

struct change_subject {
    std::string_view name;          ///< as the change log keeps it: "kind", "night", ...
    bool moves_a_figure;            ///< the report lists it among the period's changes
    bool reweighs_history;          ///< changes the points of every past week (the report's "weights last changed")
    bool told_to_whom_it_concerns;  ///< a reminder tells the member it concerns, when someone else made it
    bool is_weight_setting;         ///< how the record is weighed and read (a kind's weights, the night, the drift
                                    ///< detector's settings): `fairly kind history` lists it
};

/// kind, night, drift, timer, agreement, member, binding, goal, slot, away.
const std::vector<change_subject>& change_subjects();

/// The subject named `name`, or nullptr when the change log keeps no such thing.
const change_subject* find_change_subject(std::string_view name);

/// How the report words a change that moves a figure ("the kind cooking",
/// "the night window", "the agreed split", "time away for sam"); empty for
/// one that moves none, and for the drift talk, which the report says on its own.
std::string change_label(std::string_view subject, std::string_view name);

/// "('kind', 'night')": the subjects with `flag` set, for an SQL IN clause.
std::string change_subjects_sql(bool change_subject::*flag);

} // namespace fairly
