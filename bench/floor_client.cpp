// fairly-floor-client SOCKET: the least a client of fairlyd can do to log one
// event. It connects, sends one event.log line (school-run for alex, with a
// fresh UUID made as `fairly` makes them) and waits for the durable reply; no
// options, no JSON library, no iostreams, linked statically like `fairly`.
// fairly-bench times it beside `fairly log` and /bin/true: what it takes is
// process start, one socket round trip and fairlyd's commit, so `fairly log`
// less this is the CLI's own cost. Exit status 0 only for a reply that is a
// result, not an error.
#include "uuid.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

int main(int argc, char** argv) {
    if (argc != 2 || std::strlen(argv[1]) >= sizeof(sockaddr_un::sun_path)) {
        std::fputs("usage: fairly-floor-client SOCKET\n", stderr);
        return 64;
    }
    const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"event.log","params":{"kind":"school-run","member":"alex","uuid":")" +
                                fairly::make_uuid() + "\"}}\n";

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, argv[1]);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 69;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return 74;
    char buffer[64 * 1024];
    std::size_t got = 0;
    while (got < sizeof buffer && !std::memchr(buffer, '\n', got)) {
        const ssize_t n = ::recv(fd, buffer + got, sizeof buffer - got, 0);
        if (n <= 0) return 74;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    const std::string_view reply(buffer, got);
    return reply.find("\"result\"") != std::string_view::npos && reply.find("\"error\"") == std::string_view::npos ? 0 : 65;
}
