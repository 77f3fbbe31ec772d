// Paired phones: the one-time pairing links (pairing) and the devices (device).
#include "record.hpp"

namespace fairly::daemon {

std::int64_t household_record::insert_pairing(const std::string& code_hash, std::int64_t member, const std::string& device_name,
                                              std::int64_t uid, std::int64_t created, std::int64_t expires) {
    if (expires <= created) bad_param("expires_at", "a pairing link expires after it is made");
    store::statement_use insert(db_.cached(
        "INSERT INTO pairing (code_hash, member_id, device_name, created_by_uid, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->bind(1, code_hash).bind(2, member).bind(3, device_name).bind(4, uid).bind(5, created).bind(6, expires).step();
    return db_.last_insert_rowid();
}

bool household_record::use_pairing(std::int64_t id, std::int64_t at) {
    store::statement_use use(db_.cached("UPDATE pairing SET used_at = ? WHERE id = ? AND used_at IS NULL"));
    use->bind(1, at).bind(2, id).step();
    return db_.changes() > 0;
}

std::int64_t household_record::insert_device(std::int64_t member, const std::string& name, const std::string& token_hash,
                                             std::int64_t pairing, std::int64_t at) {
    store::statement_use insert(db_.cached(
        "INSERT INTO device (member_id, name, token_hash, pairing_id, paired_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
    insert->bind(1, member).bind(2, name).bind(3, token_hash).bind(4, pairing).bind(5, at).bind(6, at);
    insert->step();
    return insert->int64(0);
}

void household_record::touch_device(std::int64_t id, std::int64_t at) {
    store::statement_use touch(db_.cached("UPDATE device SET last_seen_at = ? WHERE id = ?"));
    touch->bind(1, at).bind(2, id).step();
}

void household_record::revoke_device(std::int64_t id, std::int64_t uid, std::int64_t at) {
    store::statement_use update(db_.cached("UPDATE device SET revoked_at = ?, revoked_by_uid = ? WHERE id = ? AND revoked_at IS NULL"));
    update->bind(1, at).bind(2, uid).bind(3, id).step();
}

} // namespace fairly::daemon
