#pragma once
/// What an HTTP request means (docs/phone.md): the page and its files, pairing,
/// the JSON endpoint, each turned into a request of the socket's protocol and
/// submitted to the commit queue; the replies, the device token and CSRF, the
/// pairing limits. The listener and its sessions (http_server) only move bytes.
#include "commit_queue.hpp"
#include "http_server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <memory>
#include <string>

namespace fairly::daemon {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

class http_routes {
public:
    /// `base_url` names the address phones use (known once the listener is bound).
    http_routes(boost::asio::io_context& io, commit_queue& queue, const http_options& options, std::function<std::string()> base_url);
    ~http_routes();
    http_routes(const http_routes&) = delete;
    http_routes& operator=(const http_routes&) = delete;

    /// Served over TLS here (HSTS, Secure cookies, the origin's scheme).
    void set_secure(bool secure);

    /// The reply to one request from `address`, after its commit when it wrote.
    boost::asio::awaitable<http_response> answer(const http_request& req, const std::string& address);

    /// The session's own refusals: a request it could not read.
    http_response text_reply(boost::beast::http::status status, std::string text) const;
    http_response json_error(boost::beast::http::status status, const std::string& message) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace fairly::daemon
