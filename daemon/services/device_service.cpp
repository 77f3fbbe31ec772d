#include "device_service.hpp"

#include "catalogue.hpp"
#include "load_book.hpp"
#include "protocol.hpp"
#include "qr.hpp"
#include "secret.hpp"
#include "spelling.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

constexpr std::int64_t seen_every = 60; // seconds between writes of a device's last_seen_at

/// A device's name as the phone gave it: valid UTF-8, no control characters,
/// trimmed, at most longest_device_name characters; empty becomes "phone".
std::string checked_device_name(const std::string& given) {
    const auto length = utf8_length(given);
    if (!length) bad_param("name", "the device's name is not valid UTF-8 text");
    for (unsigned char c : given) {
        if (c < 0x20 || c == 0x7f) bad_param("name", "the device's name cannot hold control characters (a tab or a new line)");
    }
    if (*length > longest_device_name) {
        bad_param("name", "a device's name holds up to " + std::to_string(longest_device_name) + " characters");
    }
    const auto first = given.find_first_not_of(' ');
    if (first == std::string::npos) return "phone";
    return given.substr(first, given.find_last_not_of(' ') - first + 1);
}

} // namespace

json device_service::pair(const std::optional<std::string>& member, const std::optional<std::string>& name, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    const std::string& base = record_.settings().http_base_url;
    if (base.empty()) {
        throw rpc_error(error_code::conflict,
                        "fairlyd is not serving the phone page; start it with `fairlyd --http 127.0.0.1:8737` "
                        "(or `http = 127.0.0.1:8737` in its config file; 0.0.0.0:8737 to reach it from the home network)");
    }
    const std::int64_t for_member = record_.subject_member(ctx, member);
    if (ctx.binding && *ctx.binding != for_member && !ctx.privileged) {
        throw rpc_error(error_code::permission_denied,
                        "a phone acts as the member who pairs it: you can pair one for yourself (" + record_.member_name(*ctx.binding) +
                            "); " + record_.member_name(for_member) + " pairs their own with `fairly pair`");
    }
    const std::string device_name = checked_device_name(name.value_or(""));
    const std::string code = random_token(pairing_code_bytes);
    const std::int64_t now = record_.now_utc();
    const std::int64_t expires = now + std::chrono::duration_cast<seconds>(pairing_lifetime).count();
    record_.insert_pairing(sha256_hex(code), for_member, device_name, ctx.who.uid, now, expires);
    const std::string url = base + "/pair/" + code;
    const std::string& tz = record_.household().tz;
    return json{{"url", url},
                {"member", record_.member_name(for_member)},
                {"name", device_name},
                {"expires_at", format_iso_utc(sys_seconds{seconds{expires}})},
                {"expires_when", calendar_time(sys_seconds{seconds{expires}}, tz)},
                {"expires_in_minutes", pairing_lifetime.count()},
                {"qr", terminal_qr(url)}};
}

json device_service::claim(const std::string& code, const std::string& name) {
    const auto refused = [] {
        return rpc_error(error_code::permission_denied,
                         "this pairing link has already been used or has expired (a link works once, for 10 minutes); "
                         "ask for a new one with `fairly pair`",
                         json{{"pairing", "refused"}});
    };
    if (!looks_like_token(code, pairing_code_bytes)) throw refused();
    record_.household();
    const std::int64_t now = record_.now_utc();
    store::statement_use find(record_.db().cached(
        "SELECT p.id, p.code_hash, p.member_id, p.device_name, m.retired_at IS NOT NULL FROM pairing p JOIN member m ON m.id = p.member_id "
        "WHERE p.code_hash = ? AND p.used_at IS NULL AND p.expires_at > ?"));
    const std::string hash = sha256_hex(code);
    find->bind(1, hash).bind(2, now);
    if (!find->step() || !equal_constant_time(find->text(1), hash) || find->int64(4) != 0) throw refused();
    const std::int64_t pairing = find->int64(0), member = find->int64(2);
    std::string device_name = find->text(3);
    if (!name.empty()) device_name = checked_device_name(name);
    if (device_name.empty()) device_name = "phone";
    record_.use_pairing(pairing, now);
    const std::string token = random_token(device_token_bytes);
    const std::int64_t id = record_.insert_device(member, device_name, sha256_hex(token), pairing, now);
    return json{{"token", token}, {"member", record_.member_name(member)}, {"device", device_json(id)}};
}

std::optional<device_identity> device_service::identify(const std::string& token_hash) {
    store::statement_use find(record_.db().cached(
        "SELECT d.id, d.member_id, d.token_hash, d.last_seen_at, m.retired_at IS NOT NULL FROM device d JOIN member m ON m.id = d.member_id "
        "WHERE d.token_hash = ? AND d.revoked_at IS NULL"));
    find->bind(1, token_hash);
    if (!find->step() || !equal_constant_time(find->text(2), token_hash) || find->int64(4) != 0) return std::nullopt;
    device_identity found{find->int64(0), find->int64(1)};
    const auto seen = find->optional_int64(3);
    const std::int64_t now = record_.now_utc();
    if (!seen || now - *seen >= seen_every) {
        record_.touch_device(found.id, now);
    }
    return found;
}

namespace {

constexpr std::string_view device_columns =
    "SELECT d.id, m.name, d.name, d.paired_at, d.last_seen_at, d.revoked_at FROM device d JOIN member m ON m.id = d.member_id ";

json device_from_row(const store::statement& row, const std::string& tz) {
    const auto local = [&](std::optional<std::int64_t> at) { return at ? json(format_local_iso(sys_seconds{seconds{*at}}, tz)) : json(nullptr); };
    const auto said = [&](std::optional<std::int64_t> at) { return at ? json(calendar_time(sys_seconds{seconds{*at}}, tz)) : json(nullptr); };
    const std::int64_t paired = row.int64(3);
    const auto seen = row.optional_int64(4), revoked = row.optional_int64(5);
    return json{{"id", row.int64(0)},          {"member", row.text(1)},  {"name", row.text(2)},
                {"paired_at", local(paired)},   {"paired_when", said(paired)}, {"last_seen_at", local(seen)},
                {"last_seen_when", said(seen)}, {"revoked", revoked.has_value()}, {"revoked_at", local(revoked)}};
}

} // namespace

json device_service::device_json(std::int64_t id) {
    store::statement_use query(record_.db().cached(std::string(device_columns) + "WHERE d.id = ?"));
    query->bind(1, id);
    if (!query->step()) throw rpc_error(error_code::not_found, "id: no device " + std::to_string(id) + " (see `fairly devices`)", json{{"field", "id"}});
    return device_from_row(*query, record_.household().tz);
}

json device_service::list(const request_context& ctx) {
    record_.require_access(ctx);
    const std::string& tz = record_.household().tz;
    store::statement_use query(record_.db().cached(std::string(device_columns) + "ORDER BY d.revoked_at IS NOT NULL, d.id"));
    json devices = json::array();
    while (query->step()) devices.push_back(device_from_row(*query, tz));
    return json{{"devices", std::move(devices)}};
}

json device_service::revoke(std::int64_t id, const request_context& ctx) {
    record_.require_access(ctx);
    record_.household();
    std::int64_t member = 0;
    std::optional<std::int64_t> revoked;
    {
        store::statement_use query(record_.db().cached("SELECT member_id, revoked_at FROM device WHERE id = ?"));
        query->bind(1, id);
        if (!query->step()) throw rpc_error(error_code::not_found, "id: no device " + std::to_string(id) + " (see `fairly devices`)", json{{"field", "id"}});
        member = query->int64(0);
        revoked = query->optional_int64(1);
    }
    if (ctx.binding && *ctx.binding != member && !ctx.privileged) {
        throw rpc_error(error_code::permission_denied, "device " + std::to_string(id) + " is " + record_.member_name(member) +
                                                           "'s; only they (or root) can unpair it");
    }
    if (!revoked) {
        record_.revoke_device(id, ctx.who.uid, record_.now_utc());
    }
    json device = device_json(id);
    return json{{"device", std::move(device)}, {"duplicate", revoked.has_value()}};
}

json device_service::kinds_for(std::int64_t member) {
    const std::int64_t since = record_.now_utc() - 8 * 7 * 24 * 3600;
    store::statement_use query(record_.db().cached(
        "SELECT k.name, k.category, k.default_seconds, k.night_applies, "
        "(SELECT count(*) FROM event e WHERE e.kind_id = k.id AND e.member_id = ?1 AND e.start_utc >= ?2 AND e.status = 'active') AS mine, "
        "(SELECT count(*) FROM event e WHERE e.kind_id = k.id AND e.start_utc >= ?2 AND e.status = 'active') AS everyone "
        "FROM kind k ORDER BY mine DESC, everyone DESC, k.name"));
    query->bind(1, member).bind(2, since);
    json kinds = json::array();
    while (query->step()) {
        if (!is_loggable_category(query->text(1))) continue; // a career cost is `fairly moved`, not a tap
        kinds.push_back({{"name", query->text(0)},
                         {"category", query->text(1)},
                         {"default_minutes", query->int64(2) / 60},
                         {"night", query->int64(3) != 0},
                         {"uses", query->int64(4)}});
    }
    return kinds;
}

} // namespace fairly::daemon
