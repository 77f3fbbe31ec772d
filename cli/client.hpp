#pragma once
/// A blocking JSON-RPC client over fairlyd's Unix socket. The CLI is one
/// short-lived process: plain POSIX calls start faster than an event loop.
#include "errors.hpp"
#include "protocol.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fairly::cli {

using json = nlohmann::json;

/// fairlyd could not be reached, or went away before answering.
struct unreachable : fairly::error {
    using fairly::error::error;
};

/// The socket exists but this user may not open it.
struct socket_permission : fairly::error {
    using fairly::error::error;
};

class client {
public:
    /// Connects; throws unreachable or socket_permission.
    explicit client(const std::filesystem::path& socket);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Sends one request and waits for its reply. Throws rpc::rpc_error for an
    /// error reply, unreachable if the connection breaks.
    json call(std::string_view method, json params);

    /// Sends complete request objects back to back (pipelined), then reads one
    /// reply each, in order. Throws unreachable if the connection breaks.
    std::vector<json> call_many(const std::vector<json>& requests);

    /// For a stream of requests kept a few in flight (import): send() one,
    /// and receive() the replies in the order they were sent. receive()
    /// throws rpc::rpc_error for an error reply, like call().
    void send(std::string_view method, const json& params);
    /// send() with the params already serialised (one JSON object).
    void send_text(std::string_view method, std::string_view params);
    json receive();

private:
    void send_all(std::string_view bytes);
    json read_reply();

    int fd_ = -1;
    std::int64_t next_id_ = 1;
    std::string received_;
    std::string line_;
};

} // namespace fairly::cli
