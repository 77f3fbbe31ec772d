// fairlyd: owns the household's database and answers fairly over a Unix socket.
// main() only wires the parts together and turns errors into exit codes.
#include "commit_queue.hpp"
#include "handler.hpp"
#include "http_server.hpp"
#include "migrations.hpp"
#include "paths.hpp"
#include "server.hpp"
#include "time_expr.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <iostream>

#ifndef FAIRLY_VERSION
#define FAIRLY_VERSION "0.0.0"
#endif

namespace {

/// Holds an exclusive lock beside the database for the daemon's lifetime, so
/// a second fairlyd on another socket cannot open the same household.
class database_lock {
public:
    explicit database_lock(const std::filesystem::path& database) {
        const std::string path = database.string() + ".lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw fairly::error("cannot open the lock file " + path + ": " + std::strerror(errno));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw fairly::error("another fairlyd already has the database " + database.string() + " open; stop it first");
        }
    }
    ~database_lock() { ::close(fd_); }
    database_lock(const database_lock&) = delete;
    database_lock& operator=(const database_lock&) = delete;

private:
    int fd_ = -1;
};

std::function<std::chrono::sys_seconds()> make_clock() {
    if (const char* fixed = std::getenv("FAIRLY_NOW"); fixed && *fixed) {
        const auto now = fairly::parse_iso_instant(fixed, "FAIRLY_NOW");
        return [now] { return now; };
    }
    return [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"fairlyd: keeps a household's shared load record and serves `fairly` over a Unix socket.\n"
                 "Runs in the foreground and logs to stderr; stop it with SIGTERM or Ctrl-C.",
                 "fairlyd"};
    std::string database = fairly::default_database_path().string();
    std::string socket = fairly::default_socket_path().string();
    std::size_t max_connections = 64;
    long idle_timeout = 300;
    fairly::daemon::http_options http;
    long http_timeout = 20;
    app.set_version_flag("--version", "fairlyd " FAIRLY_VERSION);
    app.set_config("--config", "", "read options from this file (key = value, as in /etc/fairly/fairlyd.conf)");
    app.add_option("--db", database, "the household database (created if missing)")->capture_default_str();
    app.add_option("--socket", socket, "the Unix socket to serve (env FAIRLY_SOCKET)")->capture_default_str();
    app.add_option("--max-connections", max_connections, "connections served at once; more are refused")
        ->capture_default_str()->check(CLI::Range(1, 100000));
    app.add_option("--idle-timeout", idle_timeout, "seconds before a silent connection is closed")
        ->capture_default_str()->check(CLI::Range(1L, 86400L));
    app.add_option("--http", http.listen,
                   "also serve the phone page on ADDRESS:PORT (127.0.0.1:8737; 0.0.0.0:8737 for the home network; a port alone "
                   "is loopback); off unless given");
    app.add_option("--http-url", http.url, "the address phones reach the page at, for pairing links (behind a reverse proxy)");
    app.add_option("--http-cert", http.cert_file, "serve HTTPS with this PEM certificate chain (with --http-key)");
    app.add_option("--http-key", http.key_file, "the private key of --http-cert (PEM)");
    app.add_option("--http-max-connections", http.max_connections, "HTTP connections served at once; more get 503")
        ->capture_default_str()->check(CLI::Range(1, 10000));
    app.add_option("--http-timeout", http_timeout, "seconds to read a whole HTTP request (or write a reply) before closing")
        ->capture_default_str()->check(CLI::Range(1L, 3600L));
    CLI11_PARSE(app, argc, argv);

    try {
        // Each group commit allocates and frees its round's requests and
        // replies. glibc would hand that memory back to the kernel after every
        // round and fault it in again for the next (TLB shootdowns across both
        // threads); keeping a few MiB at the top of the heap avoids that.
        ::mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
        ::mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
        // Nothing in fairlyd reads SQLite's memory statistics: without them
        // each of SQLite's allocations (Debian's SQLite has no lookaside
        // pool, so every statement makes some) skips a global mutex.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        ::umask(0077); // the database and its WAL are the household's private record: 0600
        std::filesystem::path database_path(database);
        if (database_path.has_parent_path()) {
            std::filesystem::create_directories(database_path.parent_path());
        }
        database_lock lock(database_path);
        fairly::store::database db(database);
        const int schema = fairly::store::apply_migrations(db);
        db.preallocate_wal();

        fairly::daemon::request_handler handler(db, {static_cast<std::int64_t>(::getuid()), FAIRLY_VERSION, make_clock(), {}});
        fairly::daemon::commit_queue queue(db, handler);
        boost::asio::io_context io(1);
        fairly::daemon::server_options options;
        options.socket_path = socket;
        options.max_connections = max_connections;
        options.idle_timeout = std::chrono::seconds(idle_timeout);
        std::optional<fairly::daemon::http_server> web;
        if (!http.listen.empty()) {
            http.timeout = std::chrono::seconds(http_timeout);
            http.daemon_uid = static_cast<std::int64_t>(::getuid());
            web.emplace(io, queue, http);
            web->start();
            handler.set_http_base_url(web->base_url());
            options.on_shutdown = [&web] { web->shutdown(); };
        }
        fairly::daemon::server server(io, queue, options);
        server.start();
        std::cerr << "fairlyd " FAIRLY_VERSION ": serving " << socket << " (database " << database << ", schema " << schema
                  << ")" << std::endl;
        if (web) std::cerr << "fairlyd: serving the phone page at " << web->base_url() << " (pair a phone with `fairly pair`)" << std::endl;
        server.run();
        std::cerr << "fairlyd: stopped cleanly after " << queue.requests() << " requests in " << queue.commits() << " commits";
        if (queue.retried() > 0) std::cerr << " (" << queue.retried() << " of them run again after a write failed half-way)";
        std::cerr << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "fairlyd: " << e.what() << std::endl;
        return 1;
    }
}
