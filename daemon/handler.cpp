#include "handler.hpp"

#include "params.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "migrations.hpp"
#include "protocol.hpp"
#include "time_expr.hpp"
#include "uuid.hpp"
#include "zone.hpp"

#include <pwd.h>
#include <sys/types.h>

#include <algorithm>
#include <filesystem>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;
using std::chrono::seconds;
using std::chrono::sys_seconds;


request_handler::request_handler(store::database& db, handler_settings settings) : db_(db), settings_(std::move(settings)) {
    if (!settings_.clock) settings_.clock = [] { return std::chrono::time_point_cast<seconds>(std::chrono::system_clock::now()); };
}

std::string request_handler::handle_line(std::string_view line, const caller& who) {
    json request = json::parse(line, nullptr, false);
    if (request.is_discarded()) {
        return rpc::to_line(rpc::make_error(nullptr, error_code::parse_error,
                                            "parse error: a request is one JSON object on one line"));
    }
    json reply = handle(request, who);
    before_commit(); // no commit queue here: each line is its own round
    return reply.is_null() ? std::string() : rpc::to_line(reply);
}

json request_handler::handle(const json& request, const caller& who) {
    if (!request.is_object()) {
        return rpc::make_error(nullptr, error_code::invalid_request, "invalid request: expected a JSON object");
    }
    json id = nullptr;
    bool notification = true;
    if (auto it = request.find("id"); it != request.end()) {
        notification = false;
        if (it->is_string() || it->is_number_integer() || it->is_null()) id = *it;
        else return rpc::make_error(nullptr, error_code::invalid_request, "invalid request: id must be a string or an integer");
    }
    auto version = request.find("jsonrpc");
    auto method = request.find("method");
    if (version == request.end() || *version != "2.0" || method == request.end() || !method->is_string()) {
        return rpc::make_error(id, error_code::invalid_request, "invalid request: needs \"jsonrpc\":\"2.0\" and a method name");
    }
    static const json no_params = json::object();
    const json* params = &no_params;
    if (auto it = request.find("params"); it != request.end() && !it->is_null()) {
        if (!it->is_object()) return rpc::make_error(id, error_code::invalid_params, "params: expected an object");
        params = &*it;
    }

    const method_entry* entry = find_method(method->get_ref<const std::string&>());
    if (!entry) {
        return notification ? json(nullptr)
                            : rpc::make_error(id, error_code::method_not_found,
                                              "unknown method \"" + method->get<std::string>() + "\"");
    }

    // A request that writes more than once runs in a savepoint, so a failure
    // half-way leaves no trace in the shared group commit. One that only reads,
    // or checks everything before its single write, needs none: SQLite undoes
    // a failed statement by itself, and the savepoint's journal is a real cost
    // on the ingest path.
    std::optional<store::savepoint> request_scope;
    if (entry->writes_more_than_once) request_scope.emplace(db_);
    const std::size_t book_mark = book_.mark();
    json reply;
    try {
        json result = (this->*entry->run)(*params, who);
        if (request_scope) request_scope->release();
        reply = rpc::make_result(id, std::move(result));
    } catch (const std::exception& failure) {
        if (request_scope) request_scope->rollback();
        book_.rollback_to(book_mark);
        forget_cached_state();
        reply = error_reply(id, failure);
    }
    return notification ? json(nullptr) : reply;
}

json request_handler::error_reply(const json& id, const std::exception& failure) {
    if (const auto* e = dynamic_cast<const rpc_error*>(&failure)) return rpc::make_error(id, e->code, e->what(), e->data);
    if (const auto* e = dynamic_cast<const input_error*>(&failure)) {
        return rpc::make_error(id, error_code::invalid_params, e->what(), json{{"field", e->field}});
    }
    if (const auto* e = dynamic_cast<const store::storage_error*>(&failure)) {
        return e->is_constraint()
                   ? rpc::make_error(id, error_code::conflict, std::string("refused by the record's rules: ") + e->what())
                   : rpc::make_error(id, error_code::storage_error,
                                     std::string("the database could not store this; nothing was changed: ") + e->what());
    }
    return rpc::make_error(id, error_code::internal_error, std::string("internal error: ") + failure.what());
}

json request_handler::backup(const json& params, const caller& who) {
    require_access(who);
    const std::string target = required_string(params, "path");
    if (target.empty() || target.front() != '/') bad_param("path", "give an absolute path for the copy");
    std::error_code ec;
    if (std::filesystem::exists(target, ec)) bad_param("path", target + " exists; a backup never overwrites a file");
    const auto parent = std::filesystem::path(target).parent_path();
    if (!std::filesystem::is_directory(parent, ec)) bad_param("path", parent.string() + " is not a directory fairlyd can see");
    if (db_.path() == ":memory:") throw rpc_error(error_code::conflict, "an in-memory household has no file to back up");
    const int pages = store::backup_database(db_.path(), target);
    return json{{"path", target}, {"pages", pages}, {"bytes", std::filesystem::file_size(target, ec)}};
}

void request_handler::before_commit() {
    if (book_.pending()) book_.flush(household().load);
}

const request_handler::method_entry* request_handler::find_method(std::string_view method) {
    static const std::map<std::string_view, method_entry> methods{
        // name                  handler                                  writes more than once
        {"status", {&request_handler::status, false}},
        {"init", {&request_handler::init, true}},
        {"member.add", {&request_handler::member_add, true}},
        {"event.log", {&request_handler::event_log, true}},
        {"timer.start", {&request_handler::timer_start, true}},
        {"timer.stop", {&request_handler::timer_stop, true}},
        {"events.list", {&request_handler::events_list, false}},
        {"event.void", {&request_handler::event_void, true}},
        {"event.edit", {&request_handler::event_edit, true}},
        {"kinds.list", {&request_handler::kinds_list, false}},
        {"kind.add", {&request_handler::kind_add, true}},
        {"kind.edit", {&request_handler::kind_edit, true}},
        {"kind.history", {&request_handler::kind_history, false}},
        {"night.get", {&request_handler::night_get, false}},
        {"night.set", {&request_handler::night_set, true}},
        {"moved.log", {&request_handler::moved_log, false}},
        {"moved.list", {&request_handler::moved_list, false}},
        {"turn.take", {&request_handler::turn_take, false}},
        {"turn.whose", {&request_handler::turn_whose, false}},
        {"thanks.give", {&request_handler::thanks_give, false}},
        {"thanks.list", {&request_handler::thanks_list, false}},
        {"events.pending", {&request_handler::events_pending, false}},
        {"event.confirm", {&request_handler::event_confirm, true}},
        {"event.dispute", {&request_handler::event_dispute, true}},
        {"report", {&request_handler::report, false}},
        {"balance", {&request_handler::balance, false}},
        {"drift.set", {&request_handler::drift_set, false}},
        {"protect.set", {&request_handler::protect_set, true}},
        {"protect.list", {&request_handler::protect_list, false}},
        {"slot.add", {&request_handler::slot_add, false}},
        {"slot.list", {&request_handler::slot_list, false}},
        {"slot.remove", {&request_handler::slot_remove, false}},
        {"slots.ics", {&request_handler::slots_ics, false}},
        {"remind.check", {&request_handler::remind_check, false}},
        {"remind.mark", {&request_handler::remind_mark, true}},
        {"backup", {&request_handler::backup, false}},
        // Each keeps a savepoint of its own, so a check can be rolled back.
        {"export.household", {&request_handler::export_household, false}},
        {"export.records", {&request_handler::export_records, false}},
        {"import.household", {&request_handler::import_household, false}},
        {"import.records", {&request_handler::import_records, false}},
    };
    auto found = methods.find(method);
    return found == methods.end() ? nullptr : &found->second;
}

bool request_handler::privileged(const caller& who) const { return who.uid == 0 || who.uid == settings_.daemon_uid; }

const request_handler::directory& request_handler::names() {
    if (!directory_) {
        directory loaded;
        {
            store::statement_use query(db_.cached("SELECT id, name, unix_uid FROM member ORDER BY id"));
            while (query->step()) {
                loaded.members.emplace_back(query->int64(0), query->text(1));
                if (!query->is_null(2)) loaded.bindings.emplace(query->int64(2), query->int64(0));
            }
        }
        {
            store::statement_use query(db_.cached("SELECT id, name, category, default_seconds FROM kind"));
            while (query->step()) {
                loaded.kinds.emplace(query->text(1), kind_entry{query->int64(0), query->text(1), query->text(2), query->int64(3)});
            }
        }
        directory_ = std::move(loaded);
    }
    return *directory_;
}

std::optional<std::int64_t> request_handler::bound_member(const caller& who) {
    const auto& bindings = names().bindings;
    if (auto found = bindings.find(who.uid); found != bindings.end()) return found->second;
    return std::nullopt;
}

std::optional<std::int64_t> request_handler::require_access(const caller& who) {
    auto binding = bound_member(who);
    if (!binding && !privileged(who)) {
        throw rpc_error(error_code::permission_denied,
                        "your Unix user (uid " + std::to_string(who.uid) +
                            ") is not bound to a member of this household; someone with access can bind you with "
                            "`fairly member add NAME --unix-user YOUR_USER`");
    }
    return binding;
}

const request_handler::household_info& request_handler::household() {
    if (!household_) {
        store::statement_use query(db_.cached(
            "SELECT tz, week_start, night_start_minute, night_end_minute, night_multiplier, drift_slack, drift_threshold "
            "FROM household WHERE id = 1"));
        if (!query->step()) {
            throw rpc_error(error_code::not_initialized,
                            "this household is not set up yet; run `fairly init --member NAME --member NAME --tz ZONE`");
        }
        household_info info;
        info.tz = query->text(0);
        info.week_start = static_cast<int>(query->int64(1));
        info.load.tz = info.tz;
        info.load.week_start = info.week_start;
        info.load.night = night_window{std::chrono::minutes{query->int64(2)}, std::chrono::minutes{query->int64(3)}, query->real(4)};
        info.drift.slack = query->real(5);
        info.drift.threshold = query->real(6);
        household_ = std::move(info);
    }
    return *household_;
}

bool request_handler::set_up() {
    if (household_) return true;
    store::statement_use existing(db_.cached("SELECT count(*) FROM household"));
    existing->step();
    return existing->int64(0) > 0;
}

std::string request_handler::member_list() {
    std::string list;
    for (const auto& [id, name] : names().members) list += (list.empty() ? "" : ", ") + name;
    return list;
}

std::int64_t request_handler::member_id(std::string_view name, std::string_view field) {
    for (const auto& [id, member] : names().members) {
        if (member == name) return id;
    }
    throw rpc_error(error_code::not_found,
                    std::string(field) + ": no member named \"" + std::string(name) + "\"; members are " + member_list(),
                    json{{"field", field}});
}

std::optional<std::int64_t> request_handler::logger(const json& params, std::optional<std::int64_t> binding,
                                                    std::optional<std::int64_t> fallback) {
    if (binding) return binding;
    if (auto name = optional_string(params, "default_member")) return member_id(*name, "FAIRLY_MEMBER");
    return fallback;
}

std::string request_handler::member_name(std::int64_t id) {
    for (const auto& [member_id, name] : names().members) {
        if (member_id == id) return name;
    }
    return std::string();
}

const request_handler::kind_entry& request_handler::kind_named(std::string_view name) {
    const auto& kinds = names().kinds;
    if (auto found = kinds.find(std::string(name)); found != kinds.end()) return found->second;
    throw rpc_error(error_code::not_found,
                    "kind: no kind named \"" + std::string(name) + "\"; see `fairly kinds` for the catalogue",
                    json{{"field", "kind"}});
}

std::int64_t request_handler::kind_id(std::string_view name) { return kind_named(name).id; }

const request_handler::kind_entry& request_handler::kind_by_id(std::int64_t id) {
    for (const auto& [name, kind] : names().kinds) {
        if (kind.id == id) return kind;
    }
    throw rpc_error(error_code::internal_error, "kind #" + std::to_string(id) + " is missing from the catalogue");
}

bool request_handler::is_load_category(std::string_view category) {
    return category == "care" || category == "household" || category == "logistics" || category == "thinking";
}

std::optional<load_event> request_handler::counted_event(std::int64_t id) {
    store::statement_use query(db_.cached(
        "SELECT e.member_id, e.kind_id, e.role <> 'did', e.start_utc, e.end_utc, e.status, "
        "coalesce((SELECT r.verdict FROM event_review r WHERE r.event_id = e.id ORDER BY r.id DESC LIMIT 1), '') "
        "FROM event e WHERE e.id = ?"));
    query->bind(1, id);
    if (!query->step() || query->text(5) != "active" || query->text(6) == "disputed") return std::nullopt;
    const kind_entry& kind = kind_by_id(query->int64(1));
    const std::int64_t start = query->int64(3);
    return load_event{query->int64(0), query->int64(1), query->int64(2) != 0, is_load_category(kind.category), start,
                      query->optional_int64(4).value_or(start + kind.default_seconds)};
}

std::int64_t request_handler::subject_member(const json& params, std::optional<std::int64_t> binding) {
    if (auto name = optional_string(params, "member")) return member_id(*name, "member");
    if (binding) return *binding;
    if (auto name = optional_string(params, "default_member")) return member_id(*name, "FAIRLY_MEMBER");
    if (names().members.size() == 1) return names().members.front().first;
    bad_param("member", "say who this is for: --member NAME (" + member_list() +
                            "), or set FAIRLY_MEMBER, or bind your Unix user with `fairly member add NAME --unix-user USER`");
}

sys_seconds request_handler::reference_time(const json& params) {
    if (auto text = optional_string(params, "reference_time")) {
        return checked_input([&] { return parse_iso_instant(*text, "reference_time"); });
    }
    return settings_.clock();
}

std::optional<sys_seconds> request_handler::time_param(const json& params, const char* field, sys_seconds reference) {
    auto text = optional_string(params, field);
    if (!text) return std::nullopt;
    const std::string& tz = household().tz;
    return checked_input([&] { return resolve_time(parse_time_expr(*text, field), reference, tz, field); });
}

json request_handler::event_by_id(std::int64_t event_id) {
    store::statement_use query(db_.cached(std::string(event_columns) + "WHERE e.id = ?"));
    query->bind(1, event_id);
    if (!query->step()) throw rpc_error(error_code::not_found, "no event #" + std::to_string(event_id));
    return event_row(*query, household().tz);
}

json request_handler::find_event_by_uuid(std::string_view uuid) {
    store::statement_use query(db_.cached("SELECT id FROM event WHERE uuid = ?"));
    query->bind(1, uuid);
    if (!query->step()) return nullptr;
    return event_by_id(query->int64(0));
}

// ---------------------------------------------------------------- methods

json request_handler::status(const json&, const caller& who) {
    auto binding = require_access(who);
    json result{
        {"version", settings_.version},
        {"database", db_.path()},
        {"schema_version", store::latest_schema_version()},
        {"now", format_iso_utc(settings_.clock())},
        {"caller", {{"uid", who.uid}, {"member", nullptr}}},
    };
    if (binding) {
        store::statement_use query(db_.cached("SELECT name FROM member WHERE id = ?"));
        query->bind(1, *binding);
        if (query->step()) result["caller"]["member"] = query->text(0);
    }
    store::statement_use house(db_.cached("SELECT tz, week_start FROM household WHERE id = 1"));
    result["initialized"] = house->step();
    if (!result["initialized"].get<bool>()) return result;
    result["tz"] = house->text(0);
    result["members"] = json::array();
    {
        store::statement_use members(db_.cached("SELECT name, agreed_share, unix_uid FROM member ORDER BY id"));
        while (members->step()) {
            result["members"].push_back({{"name", members->text(0)},
                                         {"agreed_share", members->real(1)},
                                         {"unix_uid", members->is_null(2) ? json(nullptr) : json(members->int64(2))}});
        }
    }
    {
        store::statement_use counts(db_.cached(
            "SELECT count(*), coalesce(sum(status = 'active'), 0), (SELECT count(*) FROM timer), (SELECT count(*) FROM kind) FROM event"));
        counts->step();
        result["events"] = counts->int64(1);
        result["events_recorded"] = counts->int64(0);
        result["timers_running"] = counts->int64(2);
        result["kinds"] = counts->int64(3);
    }
    return result;
}

json request_handler::init(const json& params, const caller& who) {
    if (!privileged(who)) {
        throw rpc_error(error_code::permission_denied, "only root or the user fairlyd runs as can set up the household");
    }
    if (set_up()) throw rpc_error(error_code::conflict, "this household is already set up; see `fairly status`");
    const std::string tz = required_string(params, "tz");
    if (!is_known_zone(tz)) bad_param("tz", "\"" + tz + "\" is not a time zone of the system's tz database (e.g. Europe/London)");

    const json* members = find(params, "members");
    if (!members || !members->is_array() || members->empty()) bad_param("members", "give at least one member name");
    std::vector<std::string> names;
    for (const json& name : *members) {
        if (!name.is_string() || !is_valid_name(name.get<std::string>())) {
            bad_param("members", "a member name is 1-40 letters, digits, '.', '_' or '-'");
        }
        if (name.get<std::string>() == "couple") bad_param("members", "\"couple\" names the two of you together (protected time); choose another name");
        if (std::find(names.begin(), names.end(), name.get<std::string>()) != names.end()) {
            bad_param("members", "\"" + name.get<std::string>() + "\" is named twice");
        }
        names.push_back(name.get<std::string>());
    }

    std::map<std::string, double> split;
    if (const json* given = find(params, "split")) {
        if (!given->is_object()) bad_param("split", "expected an object of member: percent");
        double total = 0;
        for (const auto& [name, share] : given->items()) {
            if (std::find(names.begin(), names.end(), name) == names.end()) bad_param("split", "\"" + name + "\" is not one of the members");
            if (!share.is_number() || share.get<double>() < 0 || share.get<double>() > 100 || !std::isfinite(share.get<double>())) {
                bad_param("split", "the share of \"" + name + "\" must be a number from 0 to 100");
            }
            split[name] = share.get<double>();
            total += share.get<double>();
        }
        if (split.size() != names.size()) bad_param("split", "give a share for every member");
        if (std::fabs(total - 100.0) > 0.01) bad_param("split", "the shares add up to " + std::to_string(total) + ", not 100");
    } else {
        for (const auto& name : names) split[name] = 100.0 / static_cast<double>(names.size());
    }

    auto week_start = optional_integer(params, "week_start").value_or(1);
    if (week_start < 0 || week_start > 6) bad_param("week_start", "0 (Sunday) to 6 (Saturday)");

    const std::int64_t now = settings_.clock().time_since_epoch().count();
    {
        store::statement_use insert(db_.cached("INSERT INTO household (id, tz, week_start, created_at) VALUES (1, ?, ?, ?)"));
        insert->bind(1, tz).bind(2, week_start).bind(3, now).step();
    }
    for (const auto& name : names) {
        store::statement_use insert(db_.cached("INSERT INTO member (name, agreed_share, created_at) VALUES (?, ?, ?)"));
        insert->bind(1, name).bind(2, split[name]).bind(3, now).step();
    }
    for (const kind_definition& kind : default_kinds()) {
        store::statement_use insert(db_.cached(
            "INSERT INTO kind (name, category, points, points_per_hour, default_seconds, night_applies, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, kind.name).bind(2, kind.category).bind(3, kind.points).bind(4, kind.points_per_hour)
            .bind(5, static_cast<std::int64_t>(std::chrono::duration_cast<seconds>(kind.default_length).count()))
            .bind(6, kind.night_applies ? 1 : 0).bind(7, now).step();
    }
    forget_cached_state();
    return status(params, who);
}

json request_handler::member_add(const json& params, const caller& who) {
    household();
    if (!privileged(who)) {
        throw rpc_error(error_code::permission_denied,
                        "only root or the user fairlyd runs as can add members or bind Unix users (they decide who is who)");
    }
    const std::string name = required_string(params, "name");
    if (!is_valid_name(name)) bad_param("name", "a member name is 1-40 letters, digits, '.', '_' or '-'");
    if (name == "couple") bad_param("name", "\"couple\" names the two of you together (protected time); choose another name");

    std::optional<std::int64_t> uid = optional_integer(params, "unix_uid");
    if (auto user = optional_string(params, "unix_user")) {
        if (user->find_first_not_of("0123456789") == std::string::npos && !user->empty()) {
            uid = std::stoll(*user);
        } else {
            const passwd* entry = ::getpwnam(user->c_str());
            if (!entry) bad_param("unix_user", "no Unix user named \"" + *user + "\" on this machine");
            uid = entry->pw_uid;
        }
    }
    if (uid && (*uid < 0 || *uid > std::numeric_limits<std::uint32_t>::max())) bad_param("unix_uid", "not a uid");

    if (uid) {
        store::statement_use taken(db_.cached("SELECT name FROM member WHERE unix_uid = ? AND name <> ?"));
        taken->bind(1, *uid).bind(2, name);
        if (taken->step()) {
            throw rpc_error(error_code::conflict, "uid " + std::to_string(*uid) + " is already bound to " + taken->text(0));
        }
    }

    bool created = false;
    {
        store::statement_use existing(db_.cached("SELECT id FROM member WHERE name = ?"));
        existing->bind(1, name);
        created = !existing->step();
    }
    if (created) {
        auto share = find(params, "share");
        double agreed = share && share->is_number() ? share->get<double>() : 0.0;
        if (agreed < 0 || agreed > 100) bad_param("share", "a percent from 0 to 100");
        store::statement_use insert(db_.cached("INSERT INTO member (name, unix_uid, agreed_share, created_at) VALUES (?, ?, ?, ?)"));
        insert->bind(1, name).bind(2, uid).bind(3, agreed).bind(4, settings_.clock().time_since_epoch().count()).step();
    } else if (uid) {
        store::statement_use bind(db_.cached("UPDATE member SET unix_uid = ? WHERE name = ?"));
        bind->bind(1, *uid).bind(2, name).step();
    }
    forget_cached_state();
    store::statement_use query(db_.cached("SELECT name, unix_uid, agreed_share FROM member WHERE name = ?"));
    query->bind(1, name);
    query->step();
    return json{{"name", query->text(0)},
                {"unix_uid", query->is_null(1) ? json(nullptr) : json(query->int64(1))},
                {"agreed_share", query->real(2)},
                {"created", created}};
}

namespace {

struct time_span {
    sys_seconds start;
    std::optional<sys_seconds> end;
};

} // namespace

json request_handler::event_log(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string uuid = uuid_param(params);
    // Bulk clients (import, the sample generator) ask for a brief reply: the
    // id and the durable acknowledgement, without the event read back.
    const bool brief = optional_bool(params, "brief");
    if (brief) {
        store::statement_use again(db_.cached("SELECT id FROM event WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return json{{"id", again->int64(0)}, {"duplicate", true}};
    } else if (json original = find_event_by_uuid(uuid); !original.is_null()) {
        return json{{"event", std::move(original)}, {"duplicate", true}};
    }
    const std::string& tz = household().tz;
    const std::int64_t member = subject_member(params, binding);
    const std::string kind_name = required_string(params, "kind");
    const std::int64_t kind = kind_id(kind_name);
    const sys_seconds reference = reference_time(params);

    auto at = optional_string(params, "at");
    auto length = optional_string(params, "for");
    auto until = optional_string(params, "until");
    if (length && until) bad_param("for", "give either a length (--for) or an end (--until), not both");

    time_span span{reference, std::nullopt};
    if (at) span.start = checked_input([&] { return resolve_time(parse_time_expr(*at, "at"), reference, tz, "at"); });
    if (length) {
        const seconds how_long = checked_input([&] { return parse_duration(*length, "for"); });
        // With no --at, "--for 35m" is something just finished: it ends now.
        if (!at) span.start = reference - how_long;
        span.end = span.start + how_long;
    }
    if (until) {
        span.end = checked_input([&] { return resolve_time(parse_time_expr(*until, "until"), reference, tz, "until"); });
        if (*span.end <= span.start) bad_param("until", "the end " + format_local(*span.end, tz) + " is not after the start " + format_local(span.start, tz));
        if (*span.end - span.start > longest_event) bad_param("until", "an event lasts at most 7 days");
    }
    if (span.start > reference + future_tolerance) {
        bad_param("at", format_local(span.start, tz) + " is in the future; log things that happened (or start a timer)");
    }

    const std::optional<std::int64_t> logged_by = logger(params, binding, member);
    event_record event;
    event.uuid = uuid;
    event.member_id = member;
    event.start_utc = span.start.time_since_epoch().count();
    if (span.end) event.end_utc = span.end->time_since_epoch().count();
    event.role = role_param(params, "did");
    event.note = note_param(params).value_or("");
    event.logged_by_member_id = logged_by;
    event.logged_by_uid = who.uid;
    event.source = source_param(params);
    event.created_at = settings_.clock().time_since_epoch().count();
    {
        store::statement_use insert(db_.cached(
            "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, role, note, logged_by_member_id, logged_by_uid, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, event.start_utc).bind(5, event.end_utc).bind(6, event.role)
            .bind(7, event.note).bind(8, logged_by).bind(9, who.uid).bind(10, event.source).bind(11, event.created_at);
        insert->step();
    }
    event.id = db_.last_insert_rowid();
    {
        const kind_entry& counted_kind = kind_by_id(kind);
        book_.add(household().load,
                  load_event{member, kind, event.role != "did", is_load_category(counted_kind.category), event.start_utc,
                             event.end_utc.value_or(event.start_utc + counted_kind.default_seconds)},
                  +1);
    }
    if (brief) return json{{"id", event.id}, {"duplicate", false}};
    // The reply is built from what is in hand rather than read back: this is
    // the hot path of every `fairly log`.
    const kind_entry& kind_details = kind_named(kind_name);
    event.kind = kind_details.name;
    event.category = kind_details.category;
    event.default_seconds = kind_details.default_seconds;
    event.member = member_name(member);
    if (logged_by) event.logged_by = member_name(*logged_by);
    return json{{"event", event_json(event, tz)}, {"duplicate", false}};
}

json request_handler::timer_start(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string uuid = uuid_param(params);
    const std::string& tz = household().tz;
    auto timer_json = [&](std::int64_t timer_id, bool duplicate) {
        store::statement_use query(db_.cached(
            "SELECT t.id, m.name, k.name, t.start_utc, t.note, t.role FROM timer t JOIN member m ON m.id = t.member_id "
            "JOIN kind k ON k.id = t.kind_id WHERE t.id = ?"));
        query->bind(1, timer_id);
        query->step();
        const sys_seconds start{seconds{query->int64(3)}};
        return json{{"timer", {{"id", query->int64(0)}, {"member", query->text(1)}, {"kind", query->text(2)},
                               {"start", format_local_iso(start, tz)}, {"start_utc", format_iso_utc(start)},
                               {"note", query->text(4)}, {"role", query->text(5)}}},
                    {"duplicate", duplicate}};
    };
    {
        store::statement_use again(db_.cached("SELECT id FROM timer WHERE uuid = ?"));
        again->bind(1, uuid);
        if (again->step()) return timer_json(again->int64(0), true);
    }
    const std::int64_t member = subject_member(params, binding);
    const std::string kind_name = required_string(params, "kind");
    const std::int64_t kind = kind_id(kind_name);
    const sys_seconds reference = reference_time(params);
    sys_seconds start = reference;
    if (auto at = optional_string(params, "at")) {
        start = checked_input([&] { return resolve_time(parse_time_expr(*at, "at"), reference, tz, "at"); });
        if (start > reference + future_tolerance) bad_param("at", format_local(start, tz) + " is in the future");
    }
    {
        store::statement_use running(db_.cached("SELECT start_utc FROM timer WHERE member_id = ? AND kind_id = ?"));
        running->bind(1, member).bind(2, kind);
        if (running->step()) {
            throw rpc_error(error_code::conflict, "a " + kind_name + " timer is already running since " +
                                                      format_local(sys_seconds{seconds{running->int64(0)}}, tz) +
                                                      "; stop it with `fairly stop " + kind_name + "`");
        }
    }
    store::statement_use insert(db_.cached(
        "INSERT INTO timer (uuid, member_id, kind_id, start_utc, role, note, started_by_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, start.time_since_epoch().count())
        .bind(5, role_param(params, "did")).bind(6, note_param(params).value_or("")).bind(7, who.uid)
        .bind(8, settings_.clock().time_since_epoch().count());
    insert->step();
    return timer_json(db_.last_insert_rowid(), false);
}

json request_handler::timer_stop(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string uuid = uuid_param(params);
    if (json original = find_event_by_uuid(uuid); !original.is_null()) {
        return json{{"event", std::move(original)}, {"duplicate", true}};
    }
    const std::string& tz = household().tz;
    const std::int64_t member = subject_member(params, binding);
    const sys_seconds reference = reference_time(params);

    std::optional<std::string> kind_name = optional_string(params, "kind");
    std::int64_t timer_id = 0, kind = 0, start_utc = 0;
    std::string role, note;
    int found = 0;
    std::string running_kinds;
    {
        store::statement_use running(db_.cached(
            "SELECT t.id, t.kind_id, t.start_utc, t.role, t.note, k.name FROM timer t JOIN kind k ON k.id = t.kind_id "
            "WHERE t.member_id = ? ORDER BY t.start_utc"));
        running->bind(1, member);
        while (running->step()) {
            running_kinds += (running_kinds.empty() ? "" : ", ") + running->text(5);
            if (kind_name && running->text(5) != *kind_name) continue;
            ++found;
            timer_id = running->int64(0);
            kind = running->int64(1);
            start_utc = running->int64(2);
            role = running->text(3);
            note = running->text(4);
        }
    }
    if (found == 0) {
        throw rpc_error(error_code::not_found,
                        kind_name ? "no " + *kind_name + " timer is running" +
                                        (running_kinds.empty() ? std::string() : " (running: " + running_kinds + ")")
                                  : std::string("no timer is running; start one with `fairly start KIND`"));
    }
    if (found > 1) bad_param("kind", "several timers are running (" + running_kinds + "); say which to stop");

    sys_seconds end = reference;
    if (auto at = optional_string(params, "at")) {
        end = checked_input([&] { return resolve_time(parse_time_expr(*at, "at"), reference, tz, "at"); });
    }
    const sys_seconds start{seconds{start_utc}};
    if (end <= start) bad_param("at", "the end " + format_local(end, tz) + " is not after the start " + format_local(start, tz));
    if (end - start > longest_event) bad_param("at", "a timer runs at most 7 days; void it or log the event with --at and --for");
    if (auto stop_note = note_param(params)) note = note.empty() ? *stop_note : note + "; " + *stop_note;

    const std::optional<std::int64_t> logged_by = logger(params, binding, member);
    {
        store::statement_use insert(db_.cached(
            "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, role, note, logged_by_member_id, logged_by_uid, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, start_utc).bind(5, end.time_since_epoch().count())
            .bind(6, role).bind(7, note).bind(8, logged_by).bind(9, who.uid).bind(10, source_param(params))
            .bind(11, settings_.clock().time_since_epoch().count());
        insert->step();
    }
    const std::int64_t event_id = db_.last_insert_rowid();
    if (auto counted = counted_event(event_id)) book_.add(household().load, *counted, +1);
    store::statement_use remove(db_.cached("DELETE FROM timer WHERE id = ?"));
    remove->bind(1, timer_id).step();
    return json{{"event", event_by_id(event_id)}, {"duplicate", false}};
}

json request_handler::events_list(const json& params, const caller& who) {
    require_access(who);
    const household_info& house = household();
    const sys_seconds reference = reference_time(params);

    static constexpr std::array<std::string_view, 7> day_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    sys_seconds since{};
    if (auto text = optional_string(params, "since")) {
        since = checked_input([&] { return resolve_time(parse_time_expr(*text, "since"), reference, house.tz, "since"); });
    } else {
        // Default: this household week so far.
        since = resolve_time(parse_time_expr(day_names[static_cast<std::size_t>(house.week_start)]), reference, house.tz);
    }
    std::int64_t until = std::numeric_limits<std::int64_t>::max();
    if (auto text = optional_string(params, "until")) {
        until = checked_input([&] { return resolve_time(parse_time_expr(*text, "until"), reference, house.tz, "until"); })
                    .time_since_epoch().count();
    }
    std::optional<std::int64_t> member, kind;
    if (auto name = optional_string(params, "member")) member = member_id(*name, "member");
    if (auto name = optional_string(params, "kind")) kind = kind_id(*name);
    const bool all = optional_bool(params, "all");
    const std::int64_t limit = optional_integer(params, "limit").value_or(10000);
    if (limit < 1 || limit > 1000000) bad_param("limit", "from 1 to 1000000");

    store::statement_use query(db_.cached(
        std::string(event_columns) +
        "WHERE e.start_utc >= ?1 AND e.start_utc < ?2 AND (?3 IS NULL OR e.member_id = ?3) AND (?4 IS NULL OR e.kind_id = ?4) "
        "AND (?5 OR e.status = 'active') ORDER BY e.start_utc, e.id LIMIT ?6"));
    query->bind(1, since.time_since_epoch().count()).bind(2, until).bind(3, member).bind(4, kind).bind(5, all ? 1 : 0).bind(6, limit);
    json events = json::array();
    while (query->step()) events.push_back(event_row(*query, house.tz));
    return json{{"events", std::move(events)}, {"since", format_local_iso(since, house.tz)}, {"tz", house.tz}};
}

namespace {

struct event_owner {
    std::int64_t member_id;
    std::optional<std::int64_t> logged_by;
    std::string status;
    std::string member_name;
};

} // namespace

json request_handler::event_void(const json& params, const caller& who) {
    auto binding = require_access(who);
    household();
    const auto id = optional_integer(params, "id");
    if (!id) bad_param("id", "is required (the event's number, see `fairly events`)");
    auto reason = optional_string(params, "reason");
    if (!reason || reason->empty()) bad_param("reason", "say why the event is voided (e.g. \"logged twice\")");
    if (reason->size() > longest_note) bad_param("reason", "longer than " + std::to_string(longest_note) + " bytes");

    store::statement_use query(db_.cached(
        "SELECT e.member_id, e.logged_by_member_id, e.status, m.name, e.void_reason, e.voided_by_uid FROM event e "
        "JOIN member m ON m.id = e.member_id WHERE e.id = ?"));
    query->bind(1, *id);
    if (!query->step()) throw rpc_error(error_code::not_found, "id: no event #" + std::to_string(*id), json{{"field", "id"}});
    const std::string status = query->text(2);
    if (binding && query->optional_int64(1) != binding) {
        throw rpc_error(error_code::permission_denied,
                        "event #" + std::to_string(*id) + " was logged by someone else; only they (or an admin) can void it" +
                            (*binding == query->int64(0) ? "; if it is wrong, `fairly dispute " + std::to_string(*id) + " REASON`" : ""));
    }
    if (status == "voided") {
        // A retried void (same reason, same person) is answered as done.
        if (query->optional_text(4) == reason && query->optional_int64(5) == who.uid) return json{{"event", event_by_id(*id)}, {"duplicate", true}};
        throw rpc_error(error_code::conflict, "event #" + std::to_string(*id) + " is already voided: " + query->text(4));
    }
    if (status == "superseded") {
        throw rpc_error(error_code::conflict, "event #" + std::to_string(*id) + " was corrected by a later event; void that one instead");
    }
    const auto counted = counted_event(*id);
    {
        store::statement_use update(db_.cached(
            "UPDATE event SET status = 'voided', void_reason = ?, voided_by_uid = ?, voided_at = ? WHERE id = ? AND status = 'active'"));
        update->bind(1, *reason).bind(2, who.uid).bind(3, settings_.clock().time_since_epoch().count()).bind(4, *id).step();
    }
    // Uncounted after the change, so the night's rest is computed without it.
    if (counted) book_.add(household().load, *counted, -1);
    return json{{"event", event_by_id(*id)}, {"duplicate", false}};
}

json request_handler::event_edit(const json& params, const caller& who) {
    auto binding = require_access(who);
    const std::string& tz = household().tz;
    const std::string uuid = uuid_param(params);
    const auto id = optional_integer(params, "id");
    if (!id) bad_param("id", "is required (the event's number, see `fairly events`)");
    if (json earlier = find_event_by_uuid(uuid); !earlier.is_null()) {
        if (earlier["supersedes"] == *id) return json{{"event", std::move(earlier)}, {"duplicate", true}};
        bad_param("uuid", "already used by another event");
    }
    std::int64_t member = 0, kind = 0, start_utc = 0;
    std::optional<std::int64_t> end_utc, logged_by;
    std::string role, note, status, owner_name;
    {
        store::statement_use query(db_.cached(
            "SELECT e.member_id, e.kind_id, e.start_utc, e.end_utc, e.role, e.note, e.status, e.logged_by_member_id, m.name "
            "FROM event e JOIN member m ON m.id = e.member_id WHERE e.id = ?"));
        query->bind(1, *id);
        if (!query->step()) throw rpc_error(error_code::not_found, "id: no event #" + std::to_string(*id), json{{"field", "id"}});
        member = query->int64(0);
        kind = query->int64(1);
        start_utc = query->int64(2);
        end_utc = query->optional_int64(3);
        role = query->text(4);
        note = query->text(5);
        status = query->text(6);
        logged_by = query->optional_int64(7);
        owner_name = query->text(8);
    }
    if (binding && logged_by != binding) {
        throw rpc_error(error_code::permission_denied,
                        "event #" + std::to_string(*id) + " (" + owner_name +
                            "'s) was logged by someone else; only they (or an admin) can correct it");
    }
    if (status != "active") {
        throw rpc_error(error_code::conflict, "event #" + std::to_string(*id) + " is " + status + "; only an active event can be corrected");
    }
    const sys_seconds reference = reference_time(params);
    if (auto name = optional_string(params, "member")) member = member_id(*name, "member");
    if (auto name = optional_string(params, "kind")) kind = kind_id(*name);
    role = role_param(params, role);
    if (auto given = note_param(params)) note = *given;

    auto at = optional_string(params, "at");
    auto length = optional_string(params, "for");
    auto until = optional_string(params, "until");
    if (length && until) bad_param("for", "give either a length (--for) or an end (--until), not both");
    std::optional<seconds> kept_length;
    if (end_utc) kept_length = seconds{*end_utc - start_utc};
    sys_seconds start{seconds{start_utc}};
    if (at) start = checked_input([&] { return resolve_time(parse_time_expr(*at, "at"), reference, tz, "at"); });
    std::optional<sys_seconds> end;
    if (kept_length) end = start + *kept_length;
    if (length) end = start + checked_input([&] { return parse_duration(*length, "for"); });
    if (until) end = checked_input([&] { return resolve_time(parse_time_expr(*until, "until"), reference, tz, "until"); });
    if (end && *end <= start) bad_param(until ? "until" : "at", "the end " + format_local(*end, tz) + " is not after the start " + format_local(start, tz));
    if (end && *end - start > longest_event) bad_param(until ? "until" : "for", "an event lasts at most 7 days");
    if (at && start > reference + future_tolerance) bad_param("at", format_local(start, tz) + " is in the future");

    const auto counted = counted_event(*id);
    {
        store::statement_use supersede(db_.cached("UPDATE event SET status = 'superseded' WHERE id = ? AND status = 'active'"));
        supersede->bind(1, *id).step();
    }
    if (counted) book_.add(household().load, *counted, -1);
    std::optional<std::int64_t> end_value;
    if (end) end_value = end->time_since_epoch().count();
    const std::optional<std::int64_t> editor = logger(params, binding, logged_by);
    store::statement_use insert(db_.cached(
        "INSERT INTO event (uuid, member_id, kind_id, start_utc, end_utc, role, note, supersedes, logged_by_member_id, logged_by_uid, source, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->bind(1, uuid).bind(2, member).bind(3, kind).bind(4, start.time_since_epoch().count()).bind(5, end_value)
        .bind(6, role).bind(7, note).bind(8, *id).bind(9, editor).bind(10, who.uid).bind(11, source_param(params))
        .bind(12, settings_.clock().time_since_epoch().count());
    insert->step();
    const std::int64_t new_id = db_.last_insert_rowid();
    if (auto now_counted = counted_event(new_id)) book_.add(household().load, *now_counted, +1);
    return json{{"event", event_by_id(new_id)}, {"duplicate", false}};
}

json request_handler::kinds_list(const json&, const caller& who) {
    require_access(who);
    household();
    store::statement_use query(db_.cached(
        "SELECT name, category, points, points_per_hour, default_seconds, night_applies FROM kind ORDER BY category, name"));
    json kinds = json::array();
    while (query->step()) {
        kinds.push_back({{"name", query->text(0)}, {"category", query->text(1)}, {"points", query->real(2)},
                         {"points_per_hour", query->real(3)}, {"default_minutes", query->int64(4) / 60},
                         {"night_applies", query->int64(5) != 0}});
    }
    return json{{"kinds", std::move(kinds)}};
}

} // namespace fairly::daemon
