#include "process.hpp"

#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fairly::test {

std::string binary(const char* name, const char* built) {
    // scripts/test points this at the installed binaries.
    if (const char* dir = std::getenv("FAIRLY_TEST_BINDIR"); dir && *dir) {
        return (std::filesystem::path(dir) / (std::string(name) == "fairlyd" ? "sbin" : "bin") / name).string();
    }
    return built;
}

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// fork + exec with stdout/stderr into files. Everything the child needs is
/// prepared before fork, so the child only makes async-signal-safe calls.
pid_t spawn(const std::string& program, const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err, std::optional<uid_t> as_uid, int err_terminal = -1) {
    std::vector<std::string> argv_text{program};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::map<std::string, std::string> full_env{{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"TZ", "Pacific/Auckland"}};
    for (const auto& [k, v] : env) full_env[k] = v;
    std::vector<std::string> env_text;
    for (const auto& [k, v] : full_env) env_text.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open output files for a child process");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(null_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_terminal >= 0 ? err_terminal : err_fd, 2);
        if (as_uid && (::setgid(*as_uid) != 0 || ::setuid(*as_uid) != 0)) ::_exit(126);
        ::execve(program.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    ::close(null_fd);
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    return pid;
}

/// Waits for `pid` up to `timeout`; kills it after that. Returns the exit code.
/// `meanwhile` runs between looks (to drain a terminal the child writes to).
int wait_bounded(pid_t pid, std::chrono::milliseconds timeout, const std::function<void()>& meanwhile = {}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return -1;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -2; // timed out
        }
        if (meanwhile) meanwhile();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

bool socket_answers(const std::filesystem::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

} // namespace

temp_dir::temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fairly-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

run_result run(const std::string& program, const std::vector<std::string>& args, const run_options& options) {
    static std::atomic<unsigned> counter{0};
    const unsigned n = counter++;
    const auto scratch = std::filesystem::temp_directory_path();
    const auto out = scratch / ("fairly-run-" + std::to_string(::getpid()) + "-" + std::to_string(n) + ".out");
    const auto err = scratch / ("fairly-run-" + std::to_string(::getpid()) + "-" + std::to_string(n) + ".err");
    int terminal = -1, terminal_side = -1;
    if (options.stderr_on_terminal) {
        if (::openpty(&terminal, &terminal_side, nullptr, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
        ::fcntl(terminal, F_SETFD, FD_CLOEXEC);
        ::fcntl(terminal_side, F_SETFD, FD_CLOEXEC);
    }
    pid_t pid = spawn(program, args, options.env, out, err, options.as_uid, terminal_side);
    run_result result;
    // What the child writes to the terminal is read as it comes, so it never
    // blocks on a full terminal; the child's side stays open here until the
    // end, so what it wrote just before exiting can still be read.
    auto drain = [&] {
        pollfd ready{terminal, POLLIN, 0};
        while (::poll(&ready, 1, 0) > 0 && (ready.revents & POLLIN)) {
            char chunk[4096];
            const ssize_t n = ::read(terminal, chunk, sizeof chunk);
            if (n <= 0) break;
            result.err.append(chunk, static_cast<std::size_t>(n));
        }
    };
    result.exit_code = wait_bounded(pid, options.timeout, terminal >= 0 ? std::function<void()>(drain) : std::function<void()>());
    result.out = read_file(out);
    if (terminal >= 0) {
        drain();
        ::close(terminal);
        ::close(terminal_side);
    } else {
        result.err = read_file(err);
    }
    std::error_code ec;
    std::filesystem::remove(out, ec);
    std::filesystem::remove(err, ec);
    return result;
}

daemon_process::daemon_process(const std::filesystem::path& dir, std::vector<std::string> extra_args,
                               std::map<std::string, std::string> env, bool paths_from_config)
    : socket_(dir / "run" / "fairly.sock"), database_(dir / "household.db"), log_(dir / "fairlyd.log") {
    std::vector<std::string> args;
    if (!paths_from_config) args = {"--socket", socket_.string(), "--db", database_.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::ofstream(log_, std::ios::app); // exists even if the daemon never writes
    pid_ = spawn(FAIRLYD, args, env, dir / "fairlyd.out", log_, std::nullopt);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!socket_answers(socket_)) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("fairlyd exited at start: " + read_file(log_));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop(SIGKILL);
            throw std::runtime_error("fairlyd did not start listening within 10 s: " + read_file(log_));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

daemon_process::~daemon_process() {
    if (pid_ > 0) {
        if (stop(SIGTERM, std::chrono::seconds(5)) < 0 && pid_ > 0) stop(SIGKILL);
    }
}

std::string daemon_process::log() const { return read_file(log_); }

int daemon_process::stop(int signal, std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int code = wait_bounded(pid_, timeout);
    pid_ = -1;
    return code;
}

raw_socket::raw_socket(const std::filesystem::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot connect to " + path.string());
    }
}

raw_socket::~raw_socket() { ::close(fd_); }

void raw_socket::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::optional<std::string> raw_socket::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return std::nullopt;
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

json raw_socket::call(const json& request) {
    send(request.dump() + "\n");
    auto line = read_line();
    if (!line) throw std::runtime_error("no reply from fairlyd");
    return json::parse(*line);
}

bool raw_socket::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char chunk[4096];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
    }
}

unix_user::unix_user(const std::string& tag) : name_("fy" + std::to_string(::getpid()) + tag) {
    // useradd takes a lock on /etc/passwd; tests running at once may meet it.
    for (int attempt = 0; attempt < 50; ++attempt) {
        auto made = run("/usr/sbin/useradd", {"--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", name_});
        if (made.exit_code == 0) break;
        if (made.exit_code == 9) run("/usr/sbin/userdel", {name_}); // left over from a killed run
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const passwd* entry = ::getpwnam(name_.c_str());
    if (!entry) throw std::runtime_error("could not create the test user " + name_);
    uid_ = entry->pw_uid;
}

unix_user::~unix_user() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (run("/usr/sbin/userdel", {name_}).exit_code != 10) break; // 10: passwd file busy
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::filesystem::path unix_user::home(const std::filesystem::path& parent) const {
    auto path = parent / name_;
    std::filesystem::create_directories(path);
    if (::chown(path.c_str(), uid_, uid_) != 0) throw std::runtime_error("chown failed for " + path.string());
    return path;
}

void skip_test(const std::string& why) {
    std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
    std::fflush(stderr);
    std::_Exit(77);
}

void require_root(const std::string& for_what) {
    if (::geteuid() != 0) skip_test("needs root to " + for_what);
}

void open_to_others(const std::filesystem::path& dir, const std::filesystem::path& socket) {
    using std::filesystem::perms;
    std::filesystem::permissions(dir, perms::owner_all | perms::group_exec | perms::others_exec);
    std::filesystem::permissions(socket.parent_path(), perms::owner_all | perms::group_exec | perms::others_exec);
    std::filesystem::permissions(socket, perms::owner_read | perms::owner_write | perms::others_read | perms::others_write);
}

std::map<std::string, std::string> cli_env(const std::filesystem::path& dir, const std::filesystem::path& socket) {
    return {{"FAIRLY_SOCKET", socket.string()}, {"XDG_STATE_HOME", (dir / "state").string()}, {"HOME", dir.string()}};
}

run_result run_fairly(const std::filesystem::path& dir, const std::filesystem::path& socket, const std::vector<std::string>& args,
                  std::map<std::string, std::string> extra) {
    run_options options;
    options.env = cli_env(dir, socket);
    for (auto& [k, v] : extra) options.env[k] = v;
    return run(FAIRLY, args, options);
}

std::string joined(const std::vector<std::string>& args) {
    std::string text = "fairly";
    for (const auto& a : args) text += " " + a;
    return text;
}

std::string without_exported_at(const std::string& text) {
    std::istringstream in(text);
    std::string kept;
    for (std::string line; std::getline(in, line);) {
        if (line.find("\"exported_at\":") == std::string::npos) kept += line + "\n";
    }
    return kept;
}

} // namespace fairly::test
