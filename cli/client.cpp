#include "client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fairly::cli {

client::client(const std::filesystem::path& socket) {
    sockaddr_un address{};
    if (socket.native().size() >= sizeof address.sun_path) throw unreachable("socket path too long: " + socket.string());
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socket.c_str(), socket.native().size());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw unreachable(std::string("cannot make a socket: ") + std::strerror(errno));
    // A daemon that hangs must not hang the shell (or cron) with it.
    timeval timeout{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(fd_);
        fd_ = -1;
        if (error == EACCES || error == EPERM) {
            throw socket_permission("no permission to reach fairlyd at " + socket.string() +
                                    "; with the system service, join the group: `sudo adduser $USER fairly` and log in again");
        }
        throw unreachable("fairlyd is not running at " + socket.string() + " (" + std::strerror(error) + ")");
    }
}

client::~client() {
    if (fd_ >= 0) ::close(fd_);
}

void client::send_all(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            throw unreachable(std::string("lost the connection to fairlyd: ") + std::strerror(errno));
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

json client::read_reply() {
    for (;;) {
        if (auto newline = received_.find('\n'); newline != std::string::npos) {
            json reply = json::parse(std::string_view(received_).substr(0, newline), nullptr, false);
            received_.erase(0, newline + 1);
            if (reply.is_discarded() || !reply.is_object()) throw unreachable("fairlyd sent something that is not a reply");
            return reply;
        }
        char buffer[64 * 1024];
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) throw unreachable("fairlyd did not answer within 30 s");
        if (got <= 0) throw unreachable("fairlyd closed the connection before answering");
        received_.append(buffer, static_cast<std::size_t>(got));
    }
}

json client::call(std::string_view method, json params) {
    send(method, params);
    return receive();
}

void client::send(std::string_view method, const json& params) {
    const std::int64_t id = next_id_++;
    send_all(rpc::to_line(rpc::make_request(id, method, params)));
}

void client::send_text(std::string_view method, std::string_view params) {
    line_.clear();
    line_ += "{\"jsonrpc\":\"2.0\",\"id\":";
    line_ += std::to_string(next_id_++);
    line_ += ",\"method\":";
    line_ += json(method).dump();
    line_ += ",\"params\":";
    line_ += params;
    line_ += "}\n";
    send_all(line_);
}

json client::receive() {
    json reply = read_reply();
    if (auto error = reply.find("error"); error != reply.end() && error->is_object()) {
        throw rpc::rpc_error(static_cast<rpc::error_code>(error->value("code", -32603)),
                             error->value("message", std::string("error")), error->value("data", json(nullptr)));
    }
    return reply.value("result", json(nullptr));
}

std::vector<json> client::call_many(const std::vector<json>& requests) {
    // A window below the daemon's per-connection in-flight cap: it stops
    // reading beyond that, and a client that only writes would then block.
    constexpr std::size_t window = 32;
    std::vector<json> replies;
    replies.reserve(requests.size());
    for (std::size_t first = 0; first < requests.size(); first += window) {
        const std::size_t last = std::min(requests.size(), first + window);
        std::string batch;
        for (std::size_t i = first; i < last; ++i) batch += rpc::to_line(requests[i]);
        send_all(batch);
        for (std::size_t i = first; i < last; ++i) replies.push_back(read_reply());
    }
    return replies;
}

} // namespace fairly::cli
