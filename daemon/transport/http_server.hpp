#pragma once
/// fairlyd's HTTP side (docs/phone.md): the phone page, pairing, and a small
/// JSON endpoint for a member's own scripts. Boost.Beast on the daemon's own
/// io_context; every request that reads or writes the record becomes a
/// request of the socket's protocol, answered by the same handler in the same
/// group commits, and its reply is sent only after its commit is durable.
#include "commit_queue.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace fairly::daemon {

struct http_options {
    std::string listen;                        ///< "127.0.0.1:8737", "[::1]:8737", "0.0.0.0:8737", or a port alone (loopback)
    std::string url;                           ///< the address phones use, if not the one listened on (a reverse proxy)
    std::string cert_file, key_file;           ///< both given: HTTPS (a PEM certificate chain and its key)
    std::size_t max_connections = 64;          ///< more are answered 503 and closed
    std::chrono::seconds timeout{20};          ///< to read a whole request, or to write a reply; also the keep-alive idle limit
    std::size_t max_header_bytes = 8 * 1024;   ///< larger request heads get 431
    std::size_t max_body_bytes = 16 * 1024;    ///< larger bodies get 413
    std::int64_t daemon_uid = 0;               ///< recorded as the uid of what a device writes
    std::size_t pairing_failures = 10;         ///< failed pairing attempts a minute before 429
};

/// Thrown when the HTTP address cannot be served (taken, not an address, a bad certificate).
struct http_error : fairly::error {
    using fairly::error::error;
};

class http_server {
public:
    http_server(boost::asio::io_context& io, commit_queue& queue, http_options options);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds and starts accepting. Throws http_error.
    void start();

    /// The address a pairing link names: `url` if given, else the scheme,
    /// the address listened on (for 0.0.0.0, this machine's first LAN
    /// address) and the port bound.
    std::string base_url() const;

    /// Stops accepting and closes connections once their reply is out.
    void shutdown();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

/// Splits "HOST:PORT" ("[v6]:PORT", or a port alone for 127.0.0.1); throws http_error.
std::pair<std::string, unsigned short> parse_listen_address(const std::string& text);

} // namespace fairly::daemon
