#include "handler.hpp"

#include "method_table.hpp"

#include "catalogue.hpp"
#include "duration.hpp"
#include "params.hpp"
#include "protocol.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

request_handler::request_handler(store::database& db, handler_settings settings) : record_(db, std::move(settings)) {}

json request_handler::handle(const json& request, const caller& who, isolation mode) {
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

    const std::string& name = method->get_ref<const std::string&>();
    const bool allowed = reachable(name, who.http);
    if (!allowed) {
        return notification ? json(nullptr)
                            : rpc::make_error(id, error_code::permission_denied,
                                              who.http ? "\"" + name + "\" is not reachable from the phone page; use `fairly` on the machine"
                                                       : "\"" + name + "\" is answered only over HTTP, to a phone opening its pairing link");
    }

    // A failed write leaves no trace in the shared group commit: it runs in
    // a savepoint, or (shared_round) the round runs again if it changed a
    // row before failing. A read needs neither.
    const bool writes = entry->kind == access::writes;
    std::optional<store::savepoint> request_scope;
    if (writes && mode == isolation::savepoint) request_scope.emplace(record_.db());
    const std::int64_t changes_before = record_.db().total_changes();
    const std::size_t book_mark = record_.book().mark();
    json reply;
    try {
        std::chrono::sys_seconds reference = record_.now();
        caller asking = who;
        std::optional<std::string> default_member;
        if (who.http) {
            // A device's request is judged now, as its member; the socket's
            // reference_time and default_member are not read from it.
            if (name != "device.claim") {
                const auto device = who.token_hash.empty() ? std::nullopt : services_.devices.identify(who.token_hash);
                if (!device) {
                    throw rpc_error(error_code::permission_denied,
                                    "this device is not paired with the household, or it was unpaired; pair it with `fairly pair`",
                                    json{{"unpaired", true}});
                }
                asking.device_id = device->id;
                asking.device_member = device->member;
            }
        } else {
            if (auto text = optional_string(*params, "reference_time")) {
                reference = checked_input([&] { return parse_iso_instant(*text, "reference_time"); });
            }
            default_member = optional_string(*params, "default_member");
        }
        const request_context ctx = record_.context_for(asking, default_member, reference);
        json result = entry->run(services_, record_, *params, ctx);
        if (request_scope) request_scope->release();
        reply = rpc::make_result(id, std::move(result));
    } catch (const std::exception& failure) {
        if (request_scope) request_scope->rollback();
        else if (writes && (record_.db().total_changes() != changes_before || !record_.db().in_transaction())) throw round_retry();
        record_.book().rollback_to(book_mark);
        record_.forget();
        reply = error_reply(id, failure);
    }
    return notification ? json(nullptr) : reply;
}

void request_handler::run_deferred(json& reply) {
    const bool notification = reply.is_null();
    const json id = notification ? json(nullptr) : reply.value("id", json(nullptr));
    json result;
    try {
        result = rpc::make_result(id, services_.backups.run_restore());
    } catch (const std::exception& failure) {
        record_.forget();
        result = error_reply(id, failure);
    }
    if (!notification) reply = std::move(result);
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

} // namespace fairly::daemon

