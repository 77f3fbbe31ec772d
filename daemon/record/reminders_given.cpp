// The reminders given (reminder_given): each once per member, whichever way
// it was given (`fairly remind`, printed or handed to --exec).
#include "record.hpp"

namespace fairly::daemon {

bool household_record::mark_reminder_given(const std::string& key, std::int64_t member, const std::string& text, std::int64_t at) {
    store::statement_use insert(db_.cached("INSERT OR IGNORE INTO reminder_given (key, member_id, text, given_at) VALUES (?, ?, ?, ?)"));
    insert->bind(1, key).bind(2, member).bind(3, text).bind(4, at).step();
    return db_.changes() > 0;
}

} // namespace fairly::daemon
