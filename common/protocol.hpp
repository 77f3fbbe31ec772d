#pragma once
/// The JSON-RPC 2.0 messages between fairly and fairlyd: one JSON object per
/// line over a Unix socket. Error codes are named here once, for both sides.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace fairly::rpc {

using json = nlohmann::json;

/// Longest request or reply line, newline excluded. Longer requests get an
/// error and the connection is closed (no way to find the next message).
inline constexpr std::size_t max_line_bytes = 64 * 1024;

/// JSON-RPC error codes. The standard ones, then fairly's (-32000..-32099).
enum class error_code : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    permission_denied = -32001,  ///< the caller's uid may not do this
    not_found = -32002,          ///< no such event, member, kind
    conflict = -32003,           ///< already initialised, already voided, timer running
    not_initialized = -32004,    ///< the household has not been set up (`fairly init`)
    storage_error = -32005,      ///< the database refused the write; nothing was stored
    too_large = -32006,          ///< request line over max_line_bytes
    busy = -32007,               ///< too many connections, or shutting down
};

/// An error reply received by a client, or raised by a handler to become one.
struct rpc_error : std::runtime_error {
    rpc_error(error_code c, const std::string& message, json data_value = nullptr)
        : std::runtime_error(message), code(c), data(std::move(data_value)) {}
    error_code code;
    json data;
};

/// {"jsonrpc":"2.0","id":id,"method":method,"params":params}
json make_request(const json& id, std::string_view method, json params);

/// {"jsonrpc":"2.0","id":id,"result":result}
json make_result(const json& id, json result);

/// {"jsonrpc":"2.0","id":id,"error":{"code":c,"message":m[,"data":d]}}
json make_error(const json& id, error_code code, std::string_view message, const json& data = nullptr);

/// Serialises a message as one line (with the trailing newline). Invalid UTF-8
/// in strings is replaced rather than thrown on, so a reply is always sent.
std::string to_line(const json& message);

} // namespace fairly::rpc
