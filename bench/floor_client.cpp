// fairly-floor-client SOCKET: the least a client of fairlyd can do to log one
// event. It connects, sends one event.log line (school-run for alex, a fresh
// UUID) and waits for the durable reply; no options, no JSON library, no
// iostreams, linked statically like `fairly`. fairly-bench times it beside
// `fairly log` and /bin/true: what it takes is process start, one socket
// round trip and fairlyd's commit, so `fairly log` less this is the CLI's own
// cost. Exit status 0 only for a reply that is a result, not an error.
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 2 || std::strlen(argv[1]) >= sizeof(sockaddr_un::sun_path)) {
        std::fputs("usage: fairly-floor-client SOCKET\n", stderr);
        return 64;
    }
    unsigned char bytes[16];
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) return 70;
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40); // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
    char uuid[37];
    char* at = uuid;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *at++ = '-';
        at += std::snprintf(at, 3, "%02x", bytes[i]);
    }
    char request[256];
    const int length = std::snprintf(request, sizeof request,
                                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"event.log\","
                                     "\"params\":{\"kind\":\"school-run\",\"member\":\"alex\",\"uuid\":\"%s\"}}\n",
                                     uuid);

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, argv[1]);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 69;
    if (::send(fd, request, static_cast<std::size_t>(length), MSG_NOSIGNAL) != length) return 74;
    char reply[64 * 1024];
    std::size_t got = 0;
    while (got < sizeof reply) {
        const ssize_t n = ::recv(fd, reply + got, sizeof reply - got, 0);
        if (n <= 0) return 74;
        got += static_cast<std::size_t>(n);
        if (std::memchr(reply, '\n', got)) break;
    }
    ::close(fd);
    const bool result = std::strstr(reply, "\"result\"") != nullptr && std::strstr(reply, "\"error\"") == nullptr;
    return result ? 0 : 65;
}
