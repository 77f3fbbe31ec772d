#include "server.hpp"

#include "framing.hpp"
#include "protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>

namespace fairly::daemon {

namespace asio = boost::asio;
using asio::awaitable;
using asio::local::stream_protocol;
using steady = std::chrono::steady_clock;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

/// A steady_timer used as a condition: wait() parks a coroutine until
/// notify(). The io_context is single-threaded, so checking the condition and
/// starting the wait cannot be split by another handler.
class wakeup {
public:
    explicit wakeup(const asio::any_io_executor& ex) : timer_(ex, steady::time_point::max()) {}
    awaitable<void> wait() {
        timer_.expires_at(steady::time_point::max());
        co_await timer_.async_wait(use_nothrow);
    }
    void notify() { timer_.cancel(); }

private:
    asio::steady_timer timer_;
};

caller peer_of(stream_protocol::socket& socket) {
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return caller{};
    return caller{static_cast<std::int64_t>(credentials.uid), static_cast<std::int64_t>(credentials.pid)};
}

class session : public std::enable_shared_from_this<session> {
public:
    session(stream_protocol::socket socket, commit_queue& worker, const server_options& options, std::function<void(session*)> on_close)
        : socket_(std::move(socket)), worker_(worker), options_(options), on_close_(std::move(on_close)),
          splitter_(rpc::max_line_bytes), reader_wakeup_(socket_.get_executor()), writer_wakeup_(socket_.get_executor()),
          watchdog_(socket_.get_executor()), peer_(peer_of(socket_)), last_progress_(steady::now()) {}

    void start() {
        auto self = shared_from_this();
        asio::co_spawn(socket_.get_executor(), [self] { return self->reader(); }, asio::detached);
        asio::co_spawn(socket_.get_executor(), [self] { return self->writer(); }, asio::detached);
        asio::co_spawn(socket_.get_executor(), [self] { return self->watch(); }, asio::detached);
    }

    /// Stop reading; answer what was already received; then close.
    void drain() {
        draining_ = true;
        boost::system::error_code ignored;
        socket_.shutdown(stream_protocol::socket::shutdown_receive, ignored);
        reader_wakeup_.notify();
        writer_wakeup_.notify();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored);
        reader_wakeup_.notify();
        writer_wakeup_.notify();
        watchdog_.cancel();
        if (on_close_) on_close_(this);
    }

private:
    awaitable<void> reader() {
        std::array<char, 16 * 1024> buffer;
        std::string line;
        while (!closed_ && !draining_) {
            while (!closed_ && !draining_ && (in_flight_ >= options_.max_in_flight || outbox_bytes_ > options_.max_outbox_bytes)) {
                co_await reader_wakeup_.wait();
            }
            if (closed_ || draining_) break;
            auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
            if (ec || n == 0) break;
            last_progress_ = steady::now();
            splitter_.feed(std::string_view(buffer.data(), n));
            for (;;) {
                auto status = splitter_.next(line);
                if (status == line_splitter::status::need_more) break;
                if (status == line_splitter::status::too_long) {
                    // The rest of the stream cannot be framed: answer, then close.
                    enqueue(rpc::to_line(rpc::make_error(nullptr, rpc::error_code::too_large,
                                                         "request line longer than 64 KiB (a note holds up to 2000 characters, far less); closing the connection")));
                    reading_done_ = true;
                    writer_wakeup_.notify();
                    co_return;
                }
                if (line.find_first_not_of(" \t") == std::string::npos) continue;
                submit(line);
            }
        }
        reading_done_ = true;
        writer_wakeup_.notify();
    }

    void submit(const std::string& line) {
        ++in_flight_;
        // Same thread: the reply is handed over directly after its commit.
        worker_.submit_line(line, peer_,
                       [self = shared_from_this()](std::string reply) { self->delivered(std::move(reply)); });
    }

    void delivered(std::string reply) {
        --in_flight_;
        if (!reply.empty() && !closed_) enqueue(std::move(reply));
        reader_wakeup_.notify();
        writer_wakeup_.notify();
    }

    void enqueue(std::string reply) {
        outbox_bytes_ += reply.size();
        outbox_.push_back(std::move(reply));
        writer_wakeup_.notify();
    }

    awaitable<void> writer() {
        std::string chunk;
        while (!closed_) {
            if (outbox_.empty()) {
                if ((reading_done_ || draining_) && in_flight_ == 0) break;
                co_await writer_wakeup_.wait();
                continue;
            }
            chunk.clear();
            while (!outbox_.empty() && chunk.size() < 256 * 1024) {
                chunk += outbox_.front();
                outbox_.pop_front();
            }
            auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(chunk), use_nothrow);
            if (ec) break;
            outbox_bytes_ -= chunk.size();
            last_progress_ = steady::now();
            reader_wakeup_.notify();
        }
        close();
    }

    /// Closes a connection that made no progress for the idle timeout: idle
    /// between requests, stuck half-way through a line, or not reading replies.
    awaitable<void> watch() {
        const auto period = std::max<steady::duration>(std::chrono::milliseconds(200), options_.idle_timeout / 4);
        while (!closed_) {
            watchdog_.expires_after(period);
            co_await watchdog_.async_wait(use_nothrow);
            if (closed_) break;
            const bool waiting_on_database = in_flight_ > 0 && outbox_.empty();
            if (!waiting_on_database && steady::now() - last_progress_ > options_.idle_timeout) close();
        }
    }

    stream_protocol::socket socket_;
    commit_queue& worker_;
    const server_options& options_;
    std::function<void(session*)> on_close_;
    line_splitter splitter_;
    wakeup reader_wakeup_;
    wakeup writer_wakeup_;
    asio::steady_timer watchdog_;
    caller peer_;
    steady::time_point last_progress_;
    std::deque<std::string> outbox_;
    std::size_t outbox_bytes_ = 0;
    std::size_t in_flight_ = 0;
    bool reading_done_ = false;
    bool draining_ = false;
    bool closed_ = false;
};

/// True when something answers on `path`: a live fairlyd.
bool someone_listens(const std::filesystem::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return live;
}

} // namespace

struct server::impl {
    impl(asio::io_context& io_context, commit_queue& commit, server_options opts)
        : io(io_context), worker(commit), options(std::move(opts)), acceptor(io_context), signals(io_context, SIGINT, SIGTERM),
          grace(io_context), settling(io_context) {}

    void bind() {
        const auto& path = options.socket_path;
        if (path.native().size() >= sizeof(sockaddr_un::sun_path)) {
            throw socket_error("socket path too long (" + std::to_string(path.native().size()) + " bytes): " + path.string());
        }
        std::error_code ec;
        if (path.has_parent_path() && !std::filesystem::exists(path.parent_path(), ec)) {
            std::filesystem::create_directories(path.parent_path(), ec);
            if (ec) throw socket_error("cannot create the socket directory " + path.parent_path().string() + ": " + ec.message());
            ::chmod(path.parent_path().c_str(), 0700);
        }
        auto status = std::filesystem::symlink_status(path, ec);
        if (!ec && std::filesystem::exists(status)) {
            if (!std::filesystem::is_socket(status)) {
                throw socket_error(path.string() + " exists and is not a socket; refusing to replace it");
            }
            if (someone_listens(path)) {
                throw socket_error("another fairlyd is already serving " + path.string() +
                                   "; stop it first, or give this one another --socket");
            }
            std::filesystem::remove(path, ec); // stale: left by a daemon that did not exit cleanly
        }
        boost::system::error_code bec;
        acceptor.open(stream_protocol(), bec);
        if (!bec) acceptor.bind(stream_protocol::endpoint(path.string()), bec);
        if (!bec) acceptor.listen(asio::socket_base::max_listen_connections, bec);
        if (bec) throw socket_error("cannot listen on " + path.string() + ": " + bec.message());
        ::chmod(path.c_str(), 0660);
        bound = true;
    }

    awaitable<void> accept_loop() {
        while (acceptor.is_open()) {
            auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
                // EMFILE and friends: back off briefly rather than spin.
                asio::steady_timer pause(io, std::chrono::milliseconds(50));
                co_await pause.async_wait(use_nothrow);
                continue;
            }
            if (sessions.size() >= options.max_connections) {
                refuse(std::move(socket), "too many connections (limit " + std::to_string(options.max_connections) + "); try again shortly");
                continue;
            }
            auto fresh = std::make_shared<session>(std::move(socket), worker, options, [this](session* gone) { forget(gone); });
            sessions.emplace(fresh.get(), fresh);
            fresh->start();
        }
    }

    void refuse(stream_protocol::socket socket, std::string message) {
        auto owned = std::make_shared<stream_protocol::socket>(std::move(socket));
        auto line = std::make_shared<std::string>(rpc::to_line(rpc::make_error(nullptr, rpc::error_code::busy, message)));
        asio::async_write(*owned, asio::buffer(*line), [owned, line](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            owned->close(ignored);
        });
    }

    void forget(session* gone) {
        // Called from session::close(); the session's coroutines hold it alive.
        sessions.erase(gone);
        if (stopping && sessions.empty()) grace.cancel();
    }

    /// After each round: settle the queue's memory once nothing has come in
    /// for settle_after. The timer is armed once per quiet spell, not per
    /// round, and nothing is armed while the daemon sleeps.
    void after_round() {
        last_round = steady::now();
        if (settling_armed || stopping) return;
        settling_armed = true;
        settle_at(last_round + options.settle_after);
    }

    void settle_at(steady::time_point when) {
        settling.expires_at(when);
        settling.async_wait([this](boost::system::error_code ec) {
            if (ec || stopping) {
                settling_armed = false;
                return;
            }
            const auto due = last_round + options.settle_after;
            if (steady::now() < due) return settle_at(due); // a round came since: wait for quiet again
            settling_armed = false;
            worker.settle();
        });
    }

    void shutdown() {
        if (stopping) return;
        stopping = true;
        boost::system::error_code ignored;
        settling.cancel();
        acceptor.close(ignored);
        signals.cancel(ignored);
        remove_socket();
        if (options.on_shutdown) options.on_shutdown();
        auto draining = sessions; // sessions may leave the map while we walk it
        for (auto& [raw, owner] : draining) owner->drain();
        if (sessions.empty()) return;
        grace.expires_after(options.shutdown_grace);
        grace.async_wait([this](boost::system::error_code) {
            auto remaining = sessions;
            for (auto& [raw, owner] : remaining) owner->close();
        });
    }

    void remove_socket() {
        if (!bound) return;
        std::error_code ec;
        std::filesystem::remove(options.socket_path, ec);
        bound = false;
    }

    asio::io_context& io;
    commit_queue& worker;
    server_options options;
    stream_protocol::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer grace;
    asio::steady_timer settling;
    bool settling_armed = false;
    steady::time_point last_round;
    std::map<session*, std::shared_ptr<session>> sessions;
    bool stopping = false;
    bool bound = false;
};

server::server(asio::io_context& io, commit_queue& worker, server_options options)
    : impl_(std::make_unique<impl>(io, worker, std::move(options))) {}

server::~server() {
    if (impl_) impl_->remove_socket();
}

void server::start() {
    impl_->bind();
    impl_->signals.async_wait([this](boost::system::error_code ec, int) {
        if (!ec) shutdown();
    });
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
}

void server::shutdown() { impl_->shutdown(); }

void server::run() {
    auto& io = impl_->io;
    auto& queue = impl_->worker;
    for (;;) {
        if (queue.empty()) {
            queue.maintain(true);
            if (io.run_one() == 0) break; // nothing left to do: shut down
        }
        // Gather every request that is ready before committing them together.
        io.poll();
        if (!queue.empty()) {
            queue.commit_round();
            queue.maintain(false);
            impl_->after_round();
        }
        if (io.stopped()) break;
    }
    // Anything still queued (a request read as the loop ended) is answered.
    while (!queue.empty()) queue.commit_round();
}

} // namespace fairly::daemon
