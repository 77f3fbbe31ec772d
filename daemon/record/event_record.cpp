#include "event_record.hpp"

#include "catalogue.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

namespace fairly::daemon {

using std::chrono::seconds;
using std::chrono::sys_seconds;

// The columns event_row() reads, in this order.
const std::string_view event_columns =
    "SELECT e.id, e.uuid, m.name, k.name, k.category, e.start_utc, e.end_utc, k.default_seconds, e.role, e.note, "
    "e.status, e.supersedes, lb.name, e.logged_by_uid, e.source, e.created_at, e.void_reason, "
    "(SELECT s.id FROM event s WHERE s.supersedes = e.id), e.member_id, e.logged_by_member_id, "
    "(SELECT r.verdict FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), "
    "(SELECT r.reason FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), e.kind_id "
    "FROM event e JOIN member m ON m.id = e.member_id JOIN kind k ON k.id = e.kind_id "
    "LEFT JOIN member lb ON lb.id = e.logged_by_member_id ";

const std::string awaiting_answer =
    "e.member_id = ?1 AND e.status = 'active' AND e.logged_by_member_id IS NOT NULL AND e.logged_by_member_id <> ?1 "
    "AND NOT EXISTS (SELECT 1 FROM event_review r WHERE r.event_id = e.id) "
    "AND NOT (k.name = '" + std::string(couple_time_kind) + "' AND EXISTS (SELECT 1 FROM event both_of_us "
    "WHERE both_of_us.member_id = e.logged_by_member_id AND both_of_us.logged_by_member_id = e.logged_by_member_id "
    "AND both_of_us.kind_id = e.kind_id AND both_of_us.start_utc = e.start_utc AND both_of_us.end_utc IS e.end_utc)) ";

json event_json(const event_record& e, std::string_view tz) {
    const sys_seconds start{seconds{e.start_utc}};
    const seconds length = e.end_utc ? seconds{*e.end_utc - e.start_utc} : instant_length(seconds{e.default_seconds}, e.role);
    // Member by member into the object: a braced list of pairs builds each
    // pair as an array of two and copies it in, three times the allocations
    // on the path of every `fairly log` reply and every listed event.
    json event(json::value_t::object);
    auto& fields = *event.get_ptr<json::object_t*>();
    const auto set = [&fields](const char* key, json value) { fields.emplace(key, std::move(value)); };
    const auto optional = [](const auto& value) { return value ? json(*value) : json(nullptr); };
    set("id", e.id);
    set("uuid", e.uuid);
    set("member", e.member);
    set("kind", e.kind);
    set("category", e.category);
    set("start", format_local_iso(start, tz));
    set("when", calendar_time(start, tz)); // "Thu 22 Oct 18:00"; the hour the clocks go back says "01:30 BST" / "01:30 GMT"
    set("start_utc", format_iso_utc(start));
    set("end", e.end_utc ? json(format_local_iso(sys_seconds{seconds{*e.end_utc}}, tz)) : json(nullptr));
    set("instant", !e.end_utc.has_value());
    set("minutes", static_cast<double>(length.count()) / 60.0);
    set("role", e.role);
    set("note", e.note);
    set("status", e.status);
    set("supersedes", optional(e.supersedes));
    set("logged_by", optional(e.logged_by));
    set("logged_by_uid", e.logged_by_uid);
    set("logged_for_other", e.logged_by_member_id && *e.logged_by_member_id != e.member_id);
    set("source", e.source);
    set("created_at", format_iso_utc(sys_seconds{seconds{e.created_at}}));
    set("void_reason", optional(e.void_reason));
    set("superseded_by", optional(e.superseded_by));
    set("review", optional(e.review));
    set("dispute_reason", e.review == "disputed" ? json(e.review_reason.value_or("")) : json(nullptr));
    return event;
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
