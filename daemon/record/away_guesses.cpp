// Time away and guesses: each written by one writer, with its limits, for
// the live path (fairly away, fairly guess) and an import alike.
#include "record.hpp"

namespace fairly::daemon {

std::int64_t household_record::insert_away(std::int64_t member, std::int64_t from_day, std::int64_t to_day, const std::string& note,
                                           std::optional<std::int64_t> by, std::int64_t uid, std::int64_t created) {
    if (to_day < from_day) bad_param("to", "the last day away (" + date_text(to_day) + ") is before the first (" + date_text(from_day) + ")");
    if (to_day - from_day >= 366) bad_param("to", "at most a year at a time");
    check_note(note, "note");
    store::statement_use insert(db_.cached(
        "INSERT INTO away (member_id, from_day, to_day, note, by_member_id, uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, member).bind(2, from_day).bind(3, to_day).bind(4, note).bind(5, by).bind(6, uid).bind(7, created).step();
    forget();
    return db_.last_insert_rowid();
}

bool household_record::set_guess(std::int64_t member, std::int64_t week_day, double share, std::optional<double> night_share,
                                  std::int64_t uid, std::int64_t created) {
    if (!(share >= 0 && share <= 1)) bad_param("share", "a share of the week's load, from 0 to 100%");
    if (night_share && !(*night_share >= 0 && *night_share <= 1)) bad_param("night", "a share of the night load, from 0 to 100%");
    // The newest guess stands: a later one replaces it, an older one (an
    // import of a file made before it) does not.
    store::statement_use upsert(db_.cached(
        "INSERT INTO guess (member_id, week_day, share, night_share, uid, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (member_id, week_day) DO UPDATE SET share = excluded.share, night_share = excluded.night_share, uid = excluded.uid, "
        "created_at = excluded.created_at WHERE excluded.created_at >= guess.created_at"));
    upsert->bind(1, member).bind(2, week_day).bind(3, share).bind(4, night_share).bind(5, uid).bind(6, created).step();
    return db_.changes() > 0;
}

} // namespace fairly::daemon
