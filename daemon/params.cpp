#include "params.hpp"

#include "catalogue.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"
#include "zone.hpp"

#include <cctype>
#include <cmath>
#include <limits>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;


[[noreturn]] void bad_param(std::string_view field, const std::string& message) {
    throw rpc_error(error_code::invalid_params, std::string(field) + ": " + message, json{{"field", field}});
}

const json* find(const json& params, const char* field) {
    auto it = params.find(field);
    if (it == params.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<std::string> optional_string(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (!value->is_string()) bad_param(field, "expected a string");
    return value->get<std::string>();
}

std::string required_string(const json& params, const char* field) {
    auto value = optional_string(params, field);
    if (!value || value->empty()) bad_param(field, "is required");
    return *value;
}

std::optional<std::int64_t> optional_integer(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (value->is_number_unsigned()) {
        if (value->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            bad_param(field, "number out of range");
        return static_cast<std::int64_t>(value->get<std::uint64_t>());
    }
    if (!value->is_number_integer()) bad_param(field, "expected an integer");
    return value->get<std::int64_t>();
}

std::optional<double> optional_number(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return std::nullopt;
    if (!value->is_number() || !std::isfinite(value->get<double>())) bad_param(field, "expected a number");
    return value->get<double>();
}

bool optional_bool(const json& params, const char* field) {
    const json* value = find(params, field);
    if (!value) return false;
    if (!value->is_boolean()) bad_param(field, "expected true or false");
    return value->get<bool>();
}

std::string role_param(const json& params, std::string fallback) {
    auto role = optional_string(params, "role");
    if (!role) return fallback;
    if (!is_role(*role)) bad_param("role", "\"" + *role + "\" is not a role; use noticed, planned, decided, followed-up or did");
    return *role;
}

std::optional<std::string> note_param(const json& params, const char* field) {
    auto note = optional_string(params, field);
    if (note && note->size() > longest_note) bad_param(field, "longer than " + std::to_string(longest_note) + " bytes");
    return note;
}

std::string source_param(const json& params) {
    auto source = optional_string(params, "source");
    if (!source) return "cli";
    if (!is_valid_name(*source)) bad_param("source", "expected a short word such as cli, spool or import");
    return *source;
}

std::string uuid_param(const json& params) {
    auto uuid = optional_string(params, "uuid");
    if (!uuid) bad_param("uuid", "is required (the client makes one per event, so a retry is recognised)");
    if (!is_uuid(*uuid)) bad_param("uuid", "\"" + *uuid + "\" is not a UUID");
    std::string lower = *uuid;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

// The columns event_json() and events.list read, in this order.
const std::string_view event_columns =
    "SELECT e.id, e.uuid, m.name, k.name, k.category, e.start_utc, e.end_utc, k.default_seconds, e.role, e.note, "
    "e.status, e.supersedes, lb.name, e.logged_by_uid, e.source, e.created_at, e.void_reason, "
    "(SELECT s.id FROM event s WHERE s.supersedes = e.id), e.member_id, e.logged_by_member_id, "
    "(SELECT r.verdict FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), "
    "(SELECT r.reason FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1) "
    "FROM event e JOIN member m ON m.id = e.member_id JOIN kind k ON k.id = e.kind_id "
    "LEFT JOIN member lb ON lb.id = e.logged_by_member_id ";

json event_row(const store::statement& row, std::string_view tz) {
    const sys_seconds start{seconds{row.int64(5)}};
    const auto end_utc = row.optional_int64(6);
    const seconds length = end_utc ? seconds{*end_utc - row.int64(5)} : seconds{row.int64(7)};
    json event{
        {"id", row.int64(0)},
        {"uuid", row.text(1)},
        {"member", row.text(2)},
        {"kind", row.text(3)},
        {"category", row.text(4)},
        {"start", format_local_iso(start, tz)},
        {"start_utc", format_iso_utc(start)},
        {"end", end_utc ? json(format_local_iso(sys_seconds{seconds{*end_utc}}, tz)) : json(nullptr)},
        {"instant", !end_utc.has_value()},
        {"minutes", static_cast<double>(length.count()) / 60.0},
        {"role", row.text(8)},
        {"note", row.text(9)},
        {"status", row.text(10)},
        {"supersedes", row.is_null(11) ? json(nullptr) : json(row.int64(11))},
        {"logged_by", row.is_null(12) ? json(nullptr) : json(row.text(12))},
        {"logged_by_uid", row.int64(13)},
        {"logged_for_other", !row.is_null(19) && row.int64(19) != row.int64(18)},
        {"source", row.text(14)},
        {"created_at", format_iso_utc(sys_seconds{seconds{row.int64(15)}})},
        {"void_reason", row.is_null(16) ? json(nullptr) : json(row.text(16))},
        {"superseded_by", row.is_null(17) ? json(nullptr) : json(row.int64(17))},
        {"review", row.is_null(20) ? json(nullptr) : json(row.text(20))},
        {"dispute_reason", row.is_null(20) || row.text(20) != "disputed" ? json(nullptr) : json(row.text(21))},
    };
    return event;
}

std::string list_names(store::database& db, std::string_view sql) {
    store::statement_use query(db.cached(sql));
    std::string names;
    while (query->step()) names += (names.empty() ? "" : ", ") + query->text(0);
    return names;
}

} // namespace fairly::daemon
