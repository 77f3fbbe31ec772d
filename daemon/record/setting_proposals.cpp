// The writers of proposed changes to a kind's weights and to the night
// (docs/fairness.md, "Weights and the night, by consent"): every statement
// that writes them is here (the night itself: settings.cpp, set_night).
#include "record.hpp"

#include <algorithm>

namespace fairly::daemon {

std::int64_t household_record::insert_setting_proposal(const setting_proposal_row& row) {
    if (row.subject != "kind" && row.subject != "night") bad_param("subject", "kind or night");
    if (const auto pending = pending_setting_proposal(row.subject, row.name)) decide_setting_proposal(*pending, "withdrawn", row.proposed_at);
    store::statement_use insert(db_.cached(
        "INSERT INTO setting_proposal (subject, subject_name, kind_id, old_value, new_value, proposed_by_member_id, proposed_by_uid, proposed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, row.subject).bind(2, row.name).bind(3, row.kind_id).bind(4, row.old_value.dump()).bind(5, row.new_value.dump());
    insert->bind(6, row.proposed_by).bind(7, row.proposed_by_uid).bind(8, row.proposed_at).step();
    const std::int64_t id = db_.last_insert_rowid();
    if (row.proposed_by) answer_setting_proposal(id, *row.proposed_by, true, row.proposed_by_uid, row.proposed_at); // proposing is consenting
    return id;
}

void household_record::answer_setting_proposal(std::int64_t id, std::int64_t member, bool accept, std::int64_t uid, std::int64_t at) {
    store::statement_use insert(db_.cached(
        "INSERT INTO setting_proposal_answer (proposal_id, member_id, answer, uid, at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (proposal_id, member_id) DO UPDATE SET answer = excluded.answer, uid = excluded.uid, at = excluded.at"));
    insert->bind(1, id).bind(2, member).bind(3, accept ? "accept" : "decline").bind(4, uid).bind(5, at).step();
}

void household_record::decide_setting_proposal(std::int64_t id, std::string_view state, std::int64_t at) {
    if (state != "agreed" && state != "declined" && state != "withdrawn") bad_param("state", "agreed, declined or withdrawn");
    store::statement_use update(db_.cached("UPDATE setting_proposal SET state = ?, decided_at = ? WHERE id = ? AND state = 'proposed'"));
    update->bind(1, state).bind(2, at).bind(3, id).step();
}

std::optional<setting_proposal_row> household_record::setting_proposal(std::int64_t id) {
    store::statement_use query(db_.cached(
        "SELECT id, subject, subject_name, kind_id, old_value, new_value, state, proposed_by_member_id, proposed_by_uid, proposed_at, decided_at "
        "FROM setting_proposal WHERE id = ?"));
    query->bind(1, id);
    if (!query->step()) return std::nullopt;
    return setting_proposal_row{query->int64(0),
                                query->text(1),
                                query->text(2),
                                query->optional_int64(3),
                                json::parse(query->text(4)),
                                json::parse(query->text(5)),
                                query->text(6),
                                query->optional_int64(7),
                                query->int64(8),
                                query->int64(9),
                                query->optional_int64(10)};
}

std::optional<std::int64_t> household_record::pending_setting_proposal(std::string_view subject, std::string_view name) {
    store::statement_use query(db_.cached("SELECT id FROM setting_proposal WHERE subject = ? AND subject_name = ? AND state = 'proposed'"));
    query->bind(1, subject).bind(2, name);
    if (query->step()) return query->int64(0);
    return std::nullopt;
}

std::vector<std::int64_t> household_record::pending_setting_proposals() {
    store::statement_use query(db_.cached("SELECT id FROM setting_proposal WHERE state = 'proposed' ORDER BY id"));
    std::vector<std::int64_t> ids;
    while (query->step()) ids.push_back(query->int64(0));
    return ids;
}

std::vector<std::int64_t> household_record::setting_proposal_accepted(std::int64_t id) {
    store::statement_use query(db_.cached(
        "SELECT member_id FROM setting_proposal_answer WHERE proposal_id = ? AND answer = 'accept' ORDER BY at, member_id"));
    query->bind(1, id);
    std::vector<std::int64_t> members;
    while (query->step()) members.push_back(query->int64(0));
    return members;
}

std::vector<std::int64_t> household_record::setting_proposals_waiting_for(std::int64_t member) {
    std::vector<std::int64_t> ids;
    if (std::any_of(names().members.begin(), names().members.end(), [&](const member_entry& m) { return m.id == member && m.retired; })) return ids;
    store::statement_use query(db_.cached(
        "SELECT p.id FROM setting_proposal p WHERE p.state = 'proposed' AND NOT EXISTS (SELECT 1 FROM setting_proposal_answer a "
        "WHERE a.proposal_id = p.id AND a.member_id = ?1 AND a.answer = 'accept') ORDER BY p.id"));
    query->bind(1, member);
    while (query->step()) ids.push_back(query->int64(0));
    return ids;
}

} // namespace fairly::daemon
