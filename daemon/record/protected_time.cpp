// Protected time's removals (goals and slots are set by the writers in record.cpp).
#include "record.hpp"

namespace fairly::daemon {

bool household_record::remove_goal(std::optional<std::int64_t> member) {
    store::statement_use remove(db_.cached("DELETE FROM protected_goal WHERE coalesce(member_id, 0) = ?"));
    remove->bind(1, member.value_or(0)).step();
    return db_.changes() > 0;
}

bool household_record::remove_slot(std::int64_t id, std::int64_t at) {
    store::statement_use update(db_.cached("UPDATE protected_slot SET removed_at = ? WHERE id = ? AND removed_at IS NULL"));
    update->bind(1, at).bind(2, id).step();
    return db_.changes() > 0;
}

} // namespace fairly::daemon
