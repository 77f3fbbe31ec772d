// The agreed split's tables: a proposal with its shares, the members'
// answers, and its decision. The live path (fairly agree) and an import of
// a household's history write through the same three writers.
#include "record.hpp"

#include <algorithm>

namespace fairly::daemon {

std::int64_t household_record::insert_agreement(const agreement_row& row) {
    for (const auto& [member, share] : row.shares) {
        if (!(share >= 0 && share <= 100)) bad_param("split", "the share of " + member_name(member) + " must be from 0 to 100");
    }
    check_note(row.note, "note");
    store::statement_use insert(db_.cached(
        "INSERT INTO agreement (thing, from_day, proposed_by_member_id, proposed_by_uid, proposed_at, note) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->bind(1, row.thing).bind(2, row.from_day).bind(3, row.proposed_by).bind(4, row.uid).bind(5, row.at).bind(6, row.note).step();
    const std::int64_t id = db_.last_insert_rowid();
    for (const auto& [member, share] : row.shares) {
        store::statement_use share_row(db_.cached("INSERT INTO agreement_share (agreement_id, member_id, share) VALUES (?, ?, ?)"));
        share_row->bind(1, id).bind(2, member).bind(3, share).step();
    }
    return id;
}

void household_record::answer_agreement(std::int64_t id, std::int64_t member, std::string_view answer, std::int64_t uid, std::int64_t at) {
    if (answer != "accept" && answer != "decline") bad_param("answer", "accept or decline");
    store::statement_use insert(db_.cached(
        "INSERT INTO agreement_answer (agreement_id, member_id, answer, uid, at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (agreement_id, member_id) DO UPDATE SET answer = excluded.answer, uid = excluded.uid, at = excluded.at"));
    insert->bind(1, id).bind(2, member).bind(3, answer).bind(4, uid).bind(5, at).step();
}

bool household_record::decide_agreement(std::int64_t id, std::string_view state, std::int64_t at) {
    if (state != "agreed" && state != "declined" && state != "withdrawn") bad_param("state", "agreed, declined or withdrawn");
    store::statement_use update(db_.cached("UPDATE agreement SET state = ?, decided_at = ? WHERE id = ? AND state = 'proposed'"));
    update->bind(1, state).bind(2, at).bind(3, id).step();
    forget();
    return db_.changes() > 0;
}

std::vector<std::int64_t> household_record::agreements_waiting_for(std::int64_t member) {
    std::vector<std::int64_t> ids;
    if (std::any_of(names().members.begin(), names().members.end(), [&](const member_entry& m) { return m.id == member && m.retired; })) return ids;
    store::statement_use query(db_.cached(
        "SELECT g.id FROM agreement g WHERE g.state = 'proposed' AND NOT EXISTS (SELECT 1 FROM agreement_answer a "
        "WHERE a.agreement_id = g.id AND a.member_id = ?1 AND a.answer = 'accept') ORDER BY g.id"));
    query->bind(1, member);
    while (query->step()) ids.push_back(query->int64(0));
    return ids;
}

} // namespace fairly::daemon
