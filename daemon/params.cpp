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

// The columns event_row() reads, in this order.
const std::string_view event_columns =
    "SELECT e.id, e.uuid, m.name, k.name, k.category, e.start_utc, e.end_utc, k.default_seconds, e.role, e.note, "
    "e.status, e.supersedes, lb.name, e.logged_by_uid, e.source, e.created_at, e.void_reason, "
    "(SELECT s.id FROM event s WHERE s.supersedes = e.id), e.member_id, e.logged_by_member_id, "
    "(SELECT r.verdict FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), "
    "(SELECT r.reason FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), e.kind_id "
    "FROM event e JOIN member m ON m.id = e.member_id JOIN kind k ON k.id = e.kind_id "
    "LEFT JOIN member lb ON lb.id = e.logged_by_member_id ";

std::string clock_text(std::int64_t minutes) {
    const auto two_digits = [](std::int64_t n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    return two_digits(minutes / 60) + ":" + two_digits(minutes % 60);
}

json event_json(const event_record& e, std::string_view tz) {
    const sys_seconds start{seconds{e.start_utc}};
    const seconds length = e.end_utc ? seconds{*e.end_utc - e.start_utc} : seconds{e.default_seconds};
    return json{
        {"id", e.id},
        {"uuid", e.uuid},
        {"member", e.member},
        {"kind", e.kind},
        {"category", e.category},
        {"start", format_local_iso(start, tz)},
        {"start_utc", format_iso_utc(start)},
        {"end", e.end_utc ? json(format_local_iso(sys_seconds{seconds{*e.end_utc}}, tz)) : json(nullptr)},
        {"instant", !e.end_utc.has_value()},
        {"minutes", static_cast<double>(length.count()) / 60.0},
        {"role", e.role},
        {"note", e.note},
        {"status", e.status},
        {"supersedes", e.supersedes ? json(*e.supersedes) : json(nullptr)},
        {"logged_by", e.logged_by ? json(*e.logged_by) : json(nullptr)},
        {"logged_by_uid", e.logged_by_uid},
        {"logged_for_other", e.logged_by_member_id && *e.logged_by_member_id != e.member_id},
        {"source", e.source},
        {"created_at", format_iso_utc(sys_seconds{seconds{e.created_at}})},
        {"void_reason", e.void_reason ? json(*e.void_reason) : json(nullptr)},
        {"superseded_by", e.superseded_by ? json(*e.superseded_by) : json(nullptr)},
        {"review", e.review ? json(*e.review) : json(nullptr)},
        {"dispute_reason", e.review == "disputed" ? json(e.review_reason.value_or("")) : json(nullptr)},
    };
}

event_record event_from_row(const store::statement& row) {
    event_record e;
    e.id = row.int64(0);
    e.uuid = row.text(1);
    e.member = row.text(2);
    e.kind = row.text(3);
    e.category = row.text(4);
    e.start_utc = row.int64(5);
    e.end_utc = row.optional_int64(6);
    e.default_seconds = row.int64(7);
    e.role = row.text(8);
    e.note = row.text(9);
    e.status = row.text(10);
    e.supersedes = row.optional_int64(11);
    e.logged_by = row.optional_text(12);
    e.logged_by_uid = row.int64(13);
    e.source = row.text(14);
    e.created_at = row.int64(15);
    e.void_reason = row.optional_text(16);
    e.superseded_by = row.optional_int64(17);
    e.member_id = row.int64(18);
    e.logged_by_member_id = row.optional_int64(19);
    e.review = row.optional_text(20);
    e.review_reason = row.optional_text(21);
    e.kind_id = row.int64(22);
    return e;
}

json event_row(const store::statement& row, std::string_view tz) { return event_json(event_from_row(row), tz); }


} // namespace fairly::daemon
