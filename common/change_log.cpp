#include "change_log.hpp"

#include <algorithm>

namespace fairly {

const std::vector<change_subject>& change_subjects() {
    //  subject      figure history told   weight setting
    static const std::vector<change_subject> all{
        {"kind", true, true, false, true},       {"night", true, true, false, true},     {"drift", true, false, false, true},
        {"timer", false, false, false, false},   {"agreement", true, false, false, false}, {"member", true, false, false, false},
        {"binding", false, false, true, false},  {"goal", false, false, true, false},    {"slot", false, false, true, false},
        {"away", true, false, true, false},
    };
    return all;
}

const change_subject* find_change_subject(std::string_view name) {
    const auto& all = change_subjects();
    const auto found = std::find_if(all.begin(), all.end(), [&](const change_subject& s) { return s.name == name; });
    return found == all.end() ? nullptr : &*found;
}

std::string change_label(std::string_view subject, std::string_view name) {
    const change_subject* found = find_change_subject(subject);
    if (!found || !found->moves_a_figure) return "";
    const std::string named{name};
    if (subject == "agreement") return name == "load" ? "the agreed split" : "the split of " + named.substr(named.find(' ') + 1);
    if (subject == "kind") return "the kind " + named;
    if (subject == "night") return "the night window";
    if (subject == "drift") return name == "talked" ? "" : "the drift settings";
    if (subject == "away") return "time away for " + named;
    return "the member " + named;
}

std::string change_subjects_sql(bool change_subject::*flag) {
    std::string list;
    for (const change_subject& subject : change_subjects()) {
        if (subject.*flag) list += std::string(list.empty() ? "(" : ", ") + "'" + std::string(subject.name) + "'";
    }
    return list.empty() ? "('')" : list + ")";
}

} // namespace fairly
