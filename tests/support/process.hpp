#pragma once
/// Test support: temporary directories, running the real `fairly` binary and
/// the real `fairlyd`, and a raw socket for hostile input. Every process is
/// bounded in time and killed on scope exit.
#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fairly::test {

using json = nlohmann::json;

/// The binary under test: the installed one when FAIRLY_TEST_BINDIR is set
/// (scripts/test does), else the one in the build tree.
std::string binary(const char* name, const char* built);
#define FAIRLY fairly::test::binary("fairly", FAIRLY_BIN)
#define FAIRLYD fairly::test::binary("fairlyd", FAIRLYD_BIN)

/// A fresh directory, removed with its contents at scope exit.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
    json out_json() const { return json::parse(out); }
};

struct run_options {
    std::map<std::string, std::string> env;   ///< added to (or replacing) a minimal environment
    std::optional<uid_t> as_uid;               ///< run as this user (needs root)
    std::chrono::seconds timeout{30};
    bool stderr_on_terminal = false;           ///< stderr is a pseudo-terminal, as when a person types the command
};

/// Runs `program args...`, waits (bounded), returns exit code and output.
run_result run(const std::string& program, const std::vector<std::string>& args, const run_options& options = {});

/// A fairlyd on a temporary socket and database, stopped at scope exit.
class daemon_process {
public:
    /// Starts fairlyd with --socket DIR/fairly.sock --db DIR/household.db
    /// plus `extra_args`, and waits until the socket answers.
    /// With `paths_from_config`, --socket and --db are not passed (a config
    /// file given in `extra_args` must name DIR/run/fairly.sock).
    explicit daemon_process(const std::filesystem::path& dir, std::vector<std::string> extra_args = {},
                            std::map<std::string, std::string> env = {}, bool paths_from_config = false);
    ~daemon_process();
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    const std::filesystem::path& socket() const { return socket_; }
    const std::filesystem::path& database() const { return database_; }
    pid_t pid() const { return pid_; }
    /// The daemon's stderr so far.
    std::string log() const;

    /// Sends `signal` and waits (bounded) for the exit; returns the exit code
    /// (128 + signal when killed by one).
    int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(10));
    bool running() const { return pid_ > 0; }

private:
    std::filesystem::path socket_;
    std::filesystem::path database_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
};

/// A raw client connection for feeding the daemon arbitrary bytes.
class raw_socket {
public:
    explicit raw_socket(const std::filesystem::path& path);
    ~raw_socket();
    raw_socket(const raw_socket&) = delete;
    raw_socket& operator=(const raw_socket&) = delete;
    void send(std::string_view bytes);
    /// The next line, or nullopt when the daemon closed the connection (or timeout).
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    /// Sends one request and parses the reply line.
    json call(const json& request);
    /// True when the peer has closed (read returns 0) within the timeout.
    bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

private:
    int fd_ = -1;
    std::string buffer_;
};

/// A Unix user made for one test (needs root) and removed at scope exit.
class unix_user {
public:
    /// `tag` keeps names apart between tests running at once.
    explicit unix_user(const std::string& tag);
    ~unix_user();
    unix_user(const unix_user&) = delete;
    unix_user& operator=(const unix_user&) = delete;
    const std::string& name() const { return name_; }
    uid_t uid() const { return uid_; }
    /// A state directory of this user's own, under `parent`.
    std::filesystem::path home(const std::filesystem::path& parent) const;

private:
    std::string name_;
    uid_t uid_ = 0;
};

/// Opens `dir` (and every directory up to the socket) to other users, as the
/// `fairly` group does in production, so test users can reach the daemon.
/// Skips the running test case: ctest counts exit 77 as a skip
/// (SKIP_RETURN_CODE), never a pass. Call it before making anything that
/// needs cleaning up; it does not return.
[[noreturn]] void skip_test(const std::string& why);

/// Skips the test case unless it runs as root (creating Unix users, mounting).
void require_root(const std::string& for_what);

void open_to_others(const std::filesystem::path& dir, const std::filesystem::path& socket);

/// The environment every test gives `fairly`: its own state directory (so the
/// spool is the test's), the daemon's socket, and fixed zone and clock.
std::map<std::string, std::string> cli_env(const std::filesystem::path& dir, const std::filesystem::path& socket);

/// Runs the real fairly binary with cli_env() plus `extra`.
run_result run_fairly(const std::filesystem::path& dir, const std::filesystem::path& socket, const std::vector<std::string>& args,
                  std::map<std::string, std::string> extra = {});

/// "fairly log night-feed --at 03:10": a command as it was typed, for test messages.
std::string joined(const std::vector<std::string>& args);

/// An export without its "exported_at" line, the one line that says when, so
/// two exports of the same record compare equal.
std::string without_exported_at(const std::string& text);

} // namespace fairly::test
