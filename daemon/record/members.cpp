// The member table's writers and their checks: a name is valid, not
// reserved ("couple"), and distinct from every other member's whatever the
// case; a uid is bound to one member at most.
#include "record.hpp"

#include "catalogue.hpp"
#include "protocol.hpp"
#include "spelling.hpp"

#include <cstdint>
#include <limits>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

void household_record::check_member_name(const std::string& name, const char* field) {
    if (!is_valid_name(name)) bad_param(field, "a member name is " + std::string(name_rule));
    if (is_reserved_name(name)) {
        bad_param(field, "\"" + name + "\" names the two of you together (protected time); choose another name");
    }
}

void household_record::rename_member(std::int64_t id, const std::string& to, const char* field) {
    check_member_name(to, field);
    for (const member_entry& member : names().members) {
        if (member.id == id) continue;
        if (member.name == to) throw rpc_error(error_code::conflict, to + " is already a member");
        if (same_name(member.name, to)) {
            throw rpc_error(error_code::conflict, to + " and " + member.name +
                                                      " differ only in case, and names match whatever the case; choose another name");
        }
    }
    store::statement_use update(db_.cached("UPDATE member SET name = ? WHERE id = ?"));
    update->bind(1, to).bind(2, id).step();
    forget();
}

void household_record::retire_member(std::int64_t id, std::int64_t at) {
    store::statement_use update(db_.cached("UPDATE member SET retired_at = ?, unix_uid = NULL WHERE id = ? AND retired_at IS NULL"));
    update->bind(1, at).bind(2, id).step();
    forget();
}

void household_record::bind_member(std::int64_t id, std::int64_t uid) {
    if (uid < 0 || uid > std::numeric_limits<std::uint32_t>::max()) bad_param("unix_uid", "not a uid");
    {
        store::statement_use taken(db_.cached("SELECT name FROM member WHERE unix_uid = ? AND id <> ?"));
        taken->bind(1, uid).bind(2, id);
        if (taken->step()) throw rpc_error(error_code::conflict, "uid " + std::to_string(uid) + " is already bound to " + taken->text(0));
    }
    store::statement_use bind(db_.cached("UPDATE member SET unix_uid = ? WHERE id = ?"));
    bind->bind(1, uid).bind(2, id).step();
    forget();
}

} // namespace fairly::daemon
