#include "protocol.hpp"

namespace fairly::rpc {

json make_request(const json& id, std::string_view method, json params) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json make_result(const json& id, json result) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, error_code code, std::string_view message, const json& data) {
    json error{{"code", static_cast<int>(code)}, {"message", message}};
    if (!data.is_null()) error["data"] = data;
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

std::string to_line(const json& message) {
    // Serialise into a buffer sized for a typical reply at once: growing it
    // by doubling makes malloc consolidate its free lists on every reply.
    std::string line;
    line.reserve(1024);
    nlohmann::detail::serializer<json> writer(nlohmann::detail::output_adapter<char, std::string>(line), ' ',
                                              json::error_handler_t::replace);
    writer.dump(message, false, false, 0);
    line.push_back('\n');
    return line;
}

} // namespace fairly::rpc
