// fairly-http-bench: a tap on the phone page, from the request leaving the
// phone to fairlyd's answer after the durable commit, over loopback: POST
// /api/log with a Bearer token on a kept-alive HTTP/1.1 connection, the same
// on a fresh connection per tap, and `fairly log` (process start, socket,
// commit) beside them against the same daemon. Prints machine facts and a
// Markdown table. Run it with bench/run-http (a Release build); ctest never
// runs it.
#include "harness.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace fairly::bench;
using json = nlohmann::json;

std::string milliseconds(double ns) { return format("%.2f ms", ns / 1e6); }

// ------------------------------------------------------------ a minimal HTTP/1.1 client

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw bench_error(std::string("cannot find a free port: ") + std::strerror(errno));
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

struct http_reply {
    int status = 0;
    std::string head; ///< status line and headers
    std::string body;
};

/// One TCP connection to fairlyd's HTTP address; every wait bounded by 10 s.
class http_connection {
public:
    explicit http_connection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            const int error = errno;
            if (fd_ >= 0) ::close(fd_);
            throw bench_error(std::string("cannot connect to 127.0.0.1:") + std::to_string(port) + ": " + std::strerror(error));
        }
        const int one = 1; // a phone's request is one small write; do not let Nagle hold it
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~http_connection() { ::close(fd_); }
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    http_reply exchange(const std::string& request) {
        for (std::string_view rest = request; !rest.empty();) {
            const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw bench_error(std::string("send: ") + std::strerror(errno));
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
        std::size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) fill();
        http_reply reply;
        reply.head = buffer_.substr(0, end + 2);
        buffer_.erase(0, end + 4);
        if (reply.head.size() < 12) throw bench_error("not an HTTP reply: " + reply.head);
        reply.status = std::stoi(reply.head.substr(9, 3));
        std::size_t length = 0;
        for (std::size_t at = 0; (at = reply.head.find("\r\n", at)) != std::string::npos;) {
            at += 2;
            if (reply.head.size() > at + 15 && ::strncasecmp(reply.head.c_str() + at, "content-length:", 15) == 0) {
                length = std::stoul(reply.head.substr(at + 15));
            }
        }
        while (buffer_.size() < length) fill();
        reply.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
        return reply;
    }

private:
    void fill() {
        for (;;) {
            check_interrupted();
            pollfd waiting{fd_, POLLIN, 0};
            const int ready = ::poll(&waiting, 1, 10'000);
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) throw bench_error("fairlyd did not answer over HTTP within 10 s");
            char chunk[8192];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw bench_error("fairlyd closed the HTTP connection");
            buffer_.append(chunk, static_cast<std::size_t>(n));
            return;
        }
    }

    int fd_ = -1;
    std::string buffer_;
};

std::string make_uuid(std::mt19937_64& random) {
    const std::uint64_t high = random(), low = random();
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                  static_cast<unsigned>(high & 0x0fff), static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(low & 0xffffffffffffULL));
    return text;
}

// ------------------------------------------------------------ the measure

struct bench_options {
    bench_program program{"fairly-http-bench", FAIRLY_BENCH_FAIRLY, FAIRLY_BENCH_FAIRLYD, {}};
    std::size_t runs = 300;
    std::size_t warmup = 10;
    std::string dir = default_scratch_dir();
};

/// A phone paired for alex the way a person pairs one: `fairly pair`, then
/// the form's POST; returns the device token from the cookie.
std::string pair_a_phone(const bench_options& options, household& home, int port) {
    const fs::path out = home.dir.path() / "pair.json";
    prepared_command({options.program.fairly, "pair", "--member", "alex", "--name", "bench", "--json"}, home.env, out,
                     home.dir.path() / "pair.err")
        .run();
    const std::string url = json::parse(read_text(out)).at("url").get<std::string>();
    const std::string code = url.substr(url.rfind("/pair/") + 6);
    const std::string form = "code=" + code + "&name=bench";
    http_connection connection(port);
    const http_reply reply = connection.exchange("POST /pair HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                                 "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n" + form);
    const auto cookie = reply.head.find("fairly_device=");
    if (reply.status != 303 || cookie == std::string::npos) throw bench_error("pairing failed: " + reply.head + reply.body);
    const auto start = cookie + 14;
    return reply.head.substr(start, reply.head.find_first_of(";\r", start) - start);
}

struct tap_samples {
    std::vector<double> kept_alive, fresh, fairly_log; // ns
};

int run_bench(const bench_options& options) {
    std::string file_system = file_system_of(options.dir);
    if (file_system == "tmpfs") file_system += " (fsync costs nothing here: durable numbers are not meaningful)";
    print_machine(std::cout, "fairly phone-page tap benchmark", options.dir, file_system, {options.program.fairly, options.program.fairlyd});
    std::cout << '\n';

    const int port = free_port();
    household home(options.program, options.dir, "Europe/London", {}, {"--http", "127.0.0.1:" + std::to_string(port)});
    const std::string token = pair_a_phone(options, home, port);
    std::this_thread::sleep_for(200ms); // settle after init

    std::mt19937_64 random{std::random_device{}()};
    auto tap_request = [&](bool close) {
        const std::string body = json{{"uuid", make_uuid(random)}, {"kind", "school-run"}}.dump();
        return "POST /api/log HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
               "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + (close ? "Connection: close\r\n" : "") +
               "\r\n" + body;
    };
    auto check = [](const http_reply& reply) {
        if (reply.status != 200) throw bench_error("a tap was answered " + std::to_string(reply.status) + ": " + reply.body);
    };

    http_connection kept(port);
    const prepared_command fairly_log({options.program.fairly, "log", "school-run", "--member", "alex"}, home.env);
    tap_samples samples;
    std::cerr << "fairly-http-bench: " << options.runs << " taps kept alive, " << options.runs << " on fresh connections and " << options.runs
              << " `fairly log`, round-robin...\n";
    ::sync();
    for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
        for (std::size_t i = 0; i < 3; ++i) {
            check_interrupted();
            const std::size_t which = (round + i) % 3;
            double ns = 0;
            if (which == 0) {
                const std::string request = tap_request(false); // built before the clock starts, as a page has its request ready
                const std::int64_t started = monotonic_ns();
                const http_reply reply = kept.exchange(request);
                ns = static_cast<double>(monotonic_ns() - started);
                check(reply);
                if (round >= options.warmup) samples.kept_alive.push_back(ns);
            } else if (which == 1) {
                const std::string request = tap_request(true);
                const std::int64_t started = monotonic_ns();
                http_connection fresh(port);
                const http_reply reply = fresh.exchange(request);
                ns = static_cast<double>(monotonic_ns() - started);
                check(reply);
                if (round >= options.warmup) samples.fresh.push_back(ns);
            } else {
                ns = static_cast<double>(fairly_log.run());
                if (round >= options.warmup) samples.fairly_log.push_back(ns);
            }
        }
    }
    // Exit status 0 from `fairly log` would also mean "spooled"; make sure every tap reached the record.
    const auto expected = static_cast<std::int64_t>(3 * (options.warmup + options.runs));
    if (const auto recorded = home.daemon.events_recorded(); recorded != expected) {
        throw bench_error(std::to_string(expected) + " taps and logs were acknowledged but fairlyd recorded " + std::to_string(recorded) + " events");
    }

    const std::string n = " (n=" + std::to_string(options.runs) + ")";
    const double log_median = median(samples.fairly_log), log_p99 = percentile(samples.fairly_log, 0.99);
    std::vector<std::vector<std::string>> rows{{"a tap to durable acknowledgement", "median", "p99", "÷ fairly log (median)"}};
    rows.push_back({"`POST /api/log`, Bearer, kept-alive HTTP/1.1 connection" + n, milliseconds(median(samples.kept_alive)),
                    milliseconds(percentile(samples.kept_alive, 0.99)), format("%.2f×", median(samples.kept_alive) / log_median)});
    rows.push_back({"`POST /api/log`, Bearer, a fresh TCP connection per tap" + n, milliseconds(median(samples.fresh)),
                    milliseconds(percentile(samples.fresh, 0.99)), format("%.2f×", median(samples.fresh) / log_median)});
    rows.push_back({"`fairly log school-run` (process start, Unix socket, commit)" + n, milliseconds(log_median), milliseconds(log_p99), "1.00×"});
    print_table(std::cout, rows);
    std::cout << "\nThe three ran round-robin against one fairlyd (" << options.warmup
              << " warm-up rounds not counted), each timed with CLOCK_MONOTONIC: a tap from its request's first byte sent\n"
              << "(for a fresh connection, from connect) to its reply's last byte read; fairly log around posix_spawn and waitpid.\n"
              << "Every tap was answered 200 after its commit, and the daemon's event count was checked. Load average at the end: "
              << load_average() << ".\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    bench_options options;
    CLI::App app{"fairly-http-bench: times a phone-page tap (POST /api/log over loopback HTTP) to durable acknowledgement,\n"
                 "beside `fairly log`, against one fairlyd of its own on a temporary socket, port and database.",
                 "fairly-http-bench"};
    app.add_option("--fairly", options.program.fairly, "the fairly CLI")->capture_default_str();
    app.add_option("--fairlyd", options.program.fairlyd, "the daemon")->capture_default_str();
    app.add_option("--runs", options.runs, "timed taps of each kind")->capture_default_str()->check(CLI::Range(1, 1'000'000));
    app.add_option("--warmup", options.warmup, "untimed rounds first")->capture_default_str();
    app.add_option("--dir", options.dir, "where the temporary household goes (env TMPDIR); put it on the disk you care about")
        ->capture_default_str()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);
    return run_guarded(options.program, [&] { return run_bench(options); });
}
