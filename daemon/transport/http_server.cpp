#include "http_server.hpp"
#include "http_routes.hpp"


#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <deque>
#include <map>
#include <set>

namespace fairly::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using steady = std::chrono::steady_clock;
using request = http_request;
using response = http_response;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

std::pair<std::string, unsigned short> parse_listen_address(const std::string& text) {
    std::string host = "127.0.0.1", port_text = text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find("]:");
        if (close == std::string::npos) throw http_error("--http " + text + ": write an IPv6 address as [::1]:8737");
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        if (host == "localhost") host = "127.0.0.1";
    }
    unsigned long port = 0;
    try {
        std::size_t used = 0;
        port = std::stoul(port_text, &used);
        if (used != port_text.size() || port > 65535) throw std::invalid_argument("port");
    } catch (const std::exception&) {
        throw http_error("--http " + text + ": expected ADDRESS:PORT, e.g. 127.0.0.1:8737 (or 0.0.0.0:8737 for the home network)");
    }
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec) throw http_error("--http " + text + ": \"" + host + "\" is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or [::1])");
    return {host, static_cast<unsigned short>(port)};
}

// ---------------------------------------------------------------- the server

struct http_server::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io_context, commit_queue& commit, http_options opts)
        : io(io_context), queue(commit), options(std::move(opts)), acceptor(io_context), tls(asio::ssl::context::tls_server) {}

    asio::io_context& io;
    commit_queue& queue;
    http_options options;
    tcp::acceptor acceptor;
    asio::ssl::context tls;
    bool secure = false;
    bool stopping = false;
    std::string host;
    unsigned short port = 0;
    std::size_t connections = 0;
    std::set<beast::tcp_stream*> idle; ///< connections waiting for a request: closed at shutdown
    http_routes routes{io, queue, options, [this] { return base_url(); }};

    void bind() {
        auto [address, wanted_port] = parse_listen_address(options.listen);
        host = address;
        if (!options.cert_file.empty() || !options.key_file.empty()) {
            if (options.cert_file.empty() || options.key_file.empty()) {
                throw http_error("HTTPS needs both http-cert (a PEM certificate chain) and http-key (its private key)");
            }
            boost::system::error_code ec;
            tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                            asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
            tls.use_certificate_chain_file(options.cert_file, ec);
            if (ec) throw http_error("cannot read the certificate " + options.cert_file + ": " + ec.message());
            tls.use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
            if (ec) throw http_error("cannot read the private key " + options.key_file + ": " + ec.message());
            secure = true;
            routes.set_secure(true);
        }
        const tcp::endpoint endpoint(asio::ip::make_address(address), wanted_port);
        boost::system::error_code ec;
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw http_error("cannot serve HTTP on " + options.listen + ": " + ec.message());
        port = acceptor.local_endpoint().port();
    }

    std::string base_url() const {
        if (!options.url.empty()) {
            std::string url = options.url;
            while (!url.empty() && url.back() == '/') url.pop_back();
            return url;
        }
        std::string shown = host;
        if (host == "0.0.0.0" || host == "::") shown = lan_address().value_or(host == "::" ? "::1" : "127.0.0.1");
        if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";
        return std::string(secure ? "https://" : "http://") + shown + ":" + std::to_string(port);
    }

    /// This machine's first IPv4 address on an interface that is up and not loopback.
    static std::optional<std::string> lan_address() {
        ifaddrs* list = nullptr;
        if (::getifaddrs(&list) != 0) return std::nullopt;
        std::optional<std::string> found;
        for (ifaddrs* at = list; at && !found; at = at->ifa_next) {
            if (!at->ifa_addr || at->ifa_addr->sa_family != AF_INET || !(at->ifa_flags & IFF_UP) || (at->ifa_flags & IFF_LOOPBACK)) continue;
            const auto* v4 = reinterpret_cast<const sockaddr_in*>(at->ifa_addr);
            found = asio::ip::address_v4(ntohl(v4->sin_addr.s_addr)).to_string();
        }
        ::freeifaddrs(list);
        return found;
    }

    awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (acceptor.is_open()) {
            auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
                asio::steady_timer pause(io, std::chrono::milliseconds(50)); // EMFILE and friends: back off
                co_await pause.async_wait(use_nothrow);
                continue;
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (connections >= options.max_connections) {
                asio::co_spawn(io, refuse(std::move(socket)), asio::detached);
                continue;
            }
            ++connections;
            asio::co_spawn(io, serve(std::move(socket)), asio::detached);
        }
    }

    /// Over the bound: a short 503, then close.
    awaitable<void> refuse(tcp::socket socket) {
        auto self = shared_from_this();
        beast::tcp_stream stream(std::move(socket));
        stream.expires_after(std::chrono::seconds(2));
        static const std::string busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 2\r\nConnection: close\r\n"
            "Content-Length: 42\r\n\r\nfairly is busy (too many connections); retry";
        co_await asio::async_write(stream, asio::buffer(busy), use_nothrow);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
    }

    awaitable<void> serve(tcp::socket socket) {
        auto self = shared_from_this();
        if (secure) {
            beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls);
            beast::get_lowest_layer(stream).expires_after(options.timeout);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
            if (!ec) co_await exchange(stream, beast::get_lowest_layer(stream));
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
            if (!ec) co_await stream.async_shutdown(use_nothrow);
            beast::get_lowest_layer(stream).close();
        } else {
            beast::tcp_stream stream(std::move(socket));
            co_await exchange(stream, stream);
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream.close();
        }
        --connections;
    }

    /// Requests and replies on one connection, until it closes, fails, times out or asks to close.
    template <typename Stream> awaitable<void> exchange(Stream& stream, beast::tcp_stream& lowest) {
        boost::system::error_code peer_error;
        const auto peer = lowest.socket().remote_endpoint(peer_error);
        const std::string address = peer_error ? std::string("unknown") : peer.address().to_string();
        beast::flat_buffer buffer(options.max_header_bytes + options.max_body_bytes);
        while (!stopping) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
            parser.body_limit(options.max_body_bytes);
            lowest.expires_after(options.timeout);
            idle.insert(&lowest);
            auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
            idle.erase(&lowest);
            if (ec) {
                std::optional<response> refusal;
                if (ec == http::error::header_limit) {
                    refusal = routes.text_reply(http::status::request_header_fields_too_large, "the request's headers are over " +
                                                                                            std::to_string(options.max_header_bytes / 1024) + " KiB");
                } else if (ec == http::error::body_limit) {
                    refusal = routes.json_error(http::status::payload_too_large,
                                         "the request's body is over " + std::to_string(options.max_body_bytes / 1024) + " KiB");
                } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream &&
                           ec != http::error::partial_message) {
                    refusal = routes.text_reply(http::status::bad_request, "this is not an HTTP/1.1 request fairly can read");
                }
                if (refusal) {
                    refusal->keep_alive(false);
                    refusal->prepare_payload();
                    lowest.expires_after(std::chrono::seconds(5));
                    co_await http::async_write(stream, *refusal, use_nothrow);
                }
                co_return;
            }
            request req = parser.release();
            response res = co_await routes.answer(req, address);
            res.keep_alive(req.keep_alive() && !stopping);
            res.prepare_payload();
            lowest.expires_after(options.timeout);
            auto [write_ec, written] = co_await http::async_write(stream, res, use_nothrow);
            if (write_ec || !res.keep_alive()) co_return;
        }
    }

    void shutdown() {
        if (stopping) return;
        stopping = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        for (beast::tcp_stream* stream : idle) stream->socket().cancel(ignored);
    }
};

http_server::http_server(asio::io_context& io, commit_queue& queue, http_options options)
    : impl_(std::make_shared<impl>(io, queue, std::move(options))) {}

http_server::~http_server() = default;

void http_server::start() {
    impl_->bind();
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
}

std::string http_server::base_url() const { return impl_->base_url(); }

void http_server::shutdown() { impl_->shutdown(); }

} // namespace fairly::daemon

