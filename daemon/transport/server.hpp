#pragma once
/// fairlyd's socket side: the acceptor (with its connection limit and signal
/// handling) and one session per connection. They move bytes; the meaning of
/// a request is the request_handler's, answered in rounds by the commit_queue.
#include "commit_queue.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>

namespace fairly::daemon {

struct server_options {
    std::filesystem::path socket_path;
    std::size_t max_connections = 64;
    std::chrono::seconds idle_timeout{300};
    std::size_t max_in_flight = 64;               ///< per connection: reading pauses beyond this
    std::size_t max_outbox_bytes = 1024 * 1024;   ///< per connection: replies the client has not read
    std::chrono::seconds shutdown_grace{5};       ///< how long SIGTERM waits for replies to go out
    std::chrono::seconds settle_after{2};         ///< quiet after the last round before memory is given back
    std::function<void()> on_shutdown;            ///< also stops what else serves on the io_context (HTTP)
};

/// Thrown when the socket cannot be served (a live fairlyd holds it, or the path is unusable).
struct socket_error : fairly::error {
    using fairly::error::error;
};

class server {
public:
    server(boost::asio::io_context& io, commit_queue& queue, server_options options);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds the socket (replacing a stale one, refusing a live one), starts
    /// accepting and handles SIGTERM/SIGINT.
    void start();

    /// Serves until a signal has stopped everything: reads requests, commits
    /// them in rounds (see commit_queue), writes replies. One thread.
    void run();

    /// Stops accepting, removes the socket, lets sessions send what they owe, closes them.
    void shutdown();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace fairly::daemon
