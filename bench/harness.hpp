#pragma once
/// What fairly's benchmark programs share: children started with posix_spawn
/// and timed, households of their own (a temporary directory, a fairlyd and
/// `fairly init`), a clean unwind on Ctrl-C, nearest-rank statistics, the
/// Markdown table and the machine's facts. fairly-bench and
/// fairly-report-bench link it; ctest never runs them.
#include "errors.hpp"

#include <spawn.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace fairly::bench {

/// The bench cannot go on: a child failed, the daemon died, or Ctrl-C.
struct bench_error : fairly::error {
    using fairly::error::error;
};

/// What a benchmark program tells the plumbing about itself.
struct bench_program {
    std::string name;             ///< "fairly-bench": begins its messages and its temporary directories' names
    std::string fairly, fairlyd;  ///< the binaries under test
    /// Prefixes ("TZ=") of the caller's variables kept from the children,
    /// besides FAIRLY_*, HOME and XDG_STATE_HOME, which always are.
    std::vector<std::string> left_out;
};

// ------------------------------------------------------------ main

/// $TMPDIR when set and not empty, else /tmp: where the temporary
/// households go unless --dir says otherwise.
std::string default_scratch_dir();

/// --fairly, --fairlyd and --sample, each shown with its built-in default.
void add_binary_options(CLI::App& app, bench_program& program, std::string& sample);

/// Catches the stop signals (catch_signals) and runs `bench`; an exception
/// becomes "<program>: <what>" on stderr and exit status 1.
int run_guarded(const bench_program& program, const std::function<int()>& bench);

// ------------------------------------------------------------ signals and time

/// SIGINT/SIGTERM/SIGHUP set a flag and the bench unwinds: its destructors
/// stop daemons and remove files. SIGALRM bounds a child's run (see
/// prepared_command::execute). Neither uses SA_RESTART, so a blocked wait
/// returns EINTR and looks at the flags.
void catch_signals();

/// Throws bench_error once a stop signal has come.
void check_interrupted();

/// CLOCK_MONOTONIC in nanoseconds.
std::int64_t monotonic_ns();

/// The whole file; empty when it cannot be read.
std::string read_text(const std::filesystem::path& file);

/// "exit status 3", "killed by signal Killed", for messages.
std::string describe_status(int status);

// ------------------------------------------------------------ children

/// A fresh directory `<name>.XXXXXX` under `parent`, removed with everything in it.
class temp_directory {
public:
    temp_directory(const std::filesystem::path& parent, std::string_view name);
    ~temp_directory();
    temp_directory(const temp_directory&) = delete;
    temp_directory& operator=(const temp_directory&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// The environment children get: ours without FAIRLY_* (a FAIRLY_NOW or
/// FAIRLY_SOCKET of the person running the bench must not leak in) and
/// without the `left_out` prefixes, with HOME and XDG_STATE_HOME in the
/// bench's directory (no ~/.sqliterc, and a spool, should there be one, that
/// is not the user's), plus `extra`.
class environment {
public:
    environment(const std::filesystem::path& home, std::vector<std::string> extra, const std::vector<std::string>& left_out = {});
    environment(const environment&) = delete;
    environment& operator=(const environment&) = delete;

    char* const* envp() const { return pointers_.data(); }

private:
    std::vector<std::string> entries_;
    std::vector<char*> pointers_;
};

/// How one run of a command went.
struct run_outcome {
    int status = 0;
    std::int64_t elapsed_ns = 0;
    long peak_rss_kib = 0; ///< the child's, from wait4
    std::int64_t cpu_ns = 0; ///< the child's user and system time, from wait4
    bool timed_out = false;

    bool succeeded() const;
};

/// A command made ready to start: argv, environment and redirections are
/// built once, so a timed run measures posix_spawn and wait4, nothing else.
/// Stdin is /dev/null; `out` and `err` are truncated on each start.
class prepared_command {
public:
    prepared_command(std::vector<std::string> argv, const environment& env, const std::filesystem::path& out = "/dev/null",
                     const std::filesystem::path& err = "/dev/null");
    ~prepared_command();
    prepared_command(const prepared_command&) = delete;
    prepared_command& operator=(const prepared_command&) = delete;

    /// Starts it and returns its pid; the caller waits for it.
    pid_t start() const;

    /// Runs to the end, or until `limit` (0: none) when it is killed and
    /// reported as timed out. Ctrl-C kills the child and throws.
    run_outcome execute(std::chrono::seconds limit = std::chrono::seconds{0}) const;

    /// Runs to the end; throws unless it exits 0. Returns the wall time in ns.
    std::int64_t run() const;
    /// The same, returning the whole outcome (wall time and CPU time).
    run_outcome run_timed() const;

    /// "argv failed (exit status 1): what it wrote to `err`".
    std::string failure(const run_outcome& outcome) const;

    /// The argv, joined by spaces.
    std::string name() const;

private:
    std::vector<std::string> argv_;
    std::vector<char*> pointers_;
    const environment& env_;
    std::string out_, err_;
    posix_spawn_file_actions_t actions_{};
};

/// A fairlyd of our own on a socket and database in `dir`, stopped (SIGTERM,
/// then SIGKILL after a bounded wait) at the latest when this goes out of scope.
class daemon_process {
public:
    /// `daemon_args` go after --db and --socket (`--http 127.0.0.1:PORT`, say).
    daemon_process(const bench_program& program, const std::filesystem::path& dir, const environment& env,
                   const std::vector<std::string>& daemon_args = {});
    ~daemon_process();
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    const std::filesystem::path& socket() const { return socket_; }

    /// Resident memory now ("VmRSS") or at its peak ("VmHWM"), in KiB.
    std::size_t memory_kib(std::string_view field = "VmRSS") const;

    /// The CPU time the daemon has used so far, in ns (/proc/PID/schedstat).
    std::int64_t cpu_ns() const;

    /// Events the daemon has recorded, asked over the socket like any client.
    std::int64_t events_recorded() const;

    /// SIGTERM, up to 5 s for a clean stop (the database closed), then SIGKILL.
    /// Returns the wait status.
    int stop();

private:
    void wait_until_serving();

    std::string program_name_;
    std::filesystem::path socket_, log_;
    pid_t pid_ = -1;
};

/// A household of its own: a directory, a daemon and `fairly init` done
/// (alex and sam, in `tz`). The daemon and the CLI get FAIRLY_SOCKET and then
/// `extra` (a fixed FAIRLY_NOW, say) in their environment; the daemon also
/// gets `daemon_args` on its command line.
struct household {
    household(const bench_program& program, const std::filesystem::path& parent, const std::string& tz,
              std::vector<std::string> extra = {}, const std::vector<std::string>& daemon_args = {});

    std::filesystem::path database() const { return dir.path() / "household.db"; }

    temp_directory dir;
    environment env;
    daemon_process daemon; // declared last: stopped before its directory goes
};

// ------------------------------------------------------------ statistics and the table

/// Nearest-rank percentile of unsorted samples; 0 for none.
double percentile(std::vector<double> samples, double fraction);

double median(const std::vector<double>& samples);

/// printf of one number: format("%.2f×", 1.5).
std::string format(const char* pattern, double value);

/// 12345.6 -> "12,346"
std::string count_text(double value);

/// 2048 -> "2.0 MiB"
std::string mebibytes(double kib);

/// The table's verdict: "yes", or "**no**" to stand out.
std::string met(bool yes);

/// A Markdown table whose first row is the heading, columns padded (counted
/// in characters, not bytes) so it also reads as plain text.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// ------------------------------------------------------------ the machine

/// "ext2/3/4", "tmpfs", "xfs", …, or "f_type 0x…" for the file system holding `dir`.
std::string file_system_of(const std::filesystem::path& dir);

/// The 1, 5 and 15 minute load averages: other work on the machine is noise here.
std::string load_average();

/// "## <title>", then the machine, kernel, load average, where the files go
/// (`dir` on `file_system`) and the binaries, one list item each.
void print_machine(std::ostream& out, std::string_view title, const std::string& dir, const std::string& file_system,
                   const std::vector<std::string>& binaries);

} // namespace fairly::bench
