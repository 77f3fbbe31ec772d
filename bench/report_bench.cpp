// fairly-report-bench: how long `fairly report` takes as the household's
// history grows, end to end on the real binaries, beside the same sums done
// the plain way on the same data: the sqlite3 shell grouping the raw events,
// and timewarrior summarising the same intervals from its own data files.
// For each size it loads a generated history into a fresh fairlyd and
// database, times the reports, then stops the daemon and runs the others on
// a copy. Prints machine facts and a Markdown table. Run it with
// bench/run-report (a Release build); ctest never runs it.
//
// The process plumbing (spawn, wait, daemon, temporary directories) follows
// bench.cpp's; that file belongs to the log benchmark, so it is repeated here.
#include "client.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using json = nlohmann::json;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

/// The bench cannot go on: a child failed, the daemon died, or Ctrl-C.
struct bench_error : fairly::error {
    using fairly::error::error;
};

volatile std::sig_atomic_t interrupted = 0;
volatile std::sig_atomic_t alarm_rang = 0;

extern "C" void on_stop_signal(int) { interrupted = 1; }
extern "C" void on_alarm(int) { alarm_rang = 1; }

/// SIGINT/SIGTERM/SIGHUP set a flag and the bench unwinds: its destructors
/// stop daemons and remove files. SIGALRM bounds a child's run. Neither uses
/// SA_RESTART, so a blocked wait4 returns EINTR and looks at the flags.
void catch_signals() {
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;
    sigemptyset(&stop.sa_mask);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &stop, nullptr);
    struct sigaction alarm {};
    alarm.sa_handler = on_alarm;
    sigemptyset(&alarm.sa_mask);
    ::sigaction(SIGALRM, &alarm, nullptr);
}

void check_interrupted() {
    if (interrupted) throw bench_error("interrupted; cleaning up");
}

std::int64_t monotonic_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

/// A fresh directory under `parent`, removed with everything in it.
class temp_directory {
public:
    explicit temp_directory(const fs::path& parent) {
        std::string pattern = (parent / "fairly-report-bench.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw bench_error("cannot make a directory under " + parent.string() + ": " + std::strerror(errno));
        }
        path_ = pattern;
    }
    ~temp_directory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    temp_directory(const temp_directory&) = delete;
    temp_directory& operator=(const temp_directory&) = delete;

    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

/// The environment children get: ours without FAIRLY_*, TZ or TIMEWARRIORDB
/// (the person running the bench must not leak a clock, socket, zone or
/// timewarrior database in), HOME and XDG_STATE_HOME in the bench's directory
/// (no ~/.sqliterc, no user spool), plus `extra`.
class environment {
public:
    environment(const fs::path& home, std::vector<std::string> extra) {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            const std::string_view variable(*entry);
            if (variable.starts_with("FAIRLY_") || variable.starts_with("HOME=") || variable.starts_with("XDG_STATE_HOME=") ||
                variable.starts_with("TZ=") || variable.starts_with("TIMEWARRIORDB=")) {
                continue;
            }
            entries_.emplace_back(variable);
        }
        entries_.push_back("HOME=" + home.string());
        entries_.push_back("XDG_STATE_HOME=" + (home / "state").string());
        for (std::string& variable : extra) entries_.push_back(std::move(variable));
        for (std::string& variable : entries_) pointers_.push_back(variable.data());
        pointers_.push_back(nullptr);
    }
    environment(const environment&) = delete;
    environment& operator=(const environment&) = delete;

    char* const* envp() const { return pointers_.data(); }

private:
    std::vector<std::string> entries_;
    std::vector<char*> pointers_;
};

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

/// How one run of a command went.
struct run_outcome {
    int status = 0;
    std::int64_t elapsed_ns = 0;
    long peak_rss_kib = 0; ///< the child's, from wait4
    bool timed_out = false;

    bool succeeded() const { return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

/// A command made ready to start: argv, environment and redirections are
/// built once, so a timed run measures posix_spawn and wait4, nothing else.
class prepared_command {
public:
    prepared_command(std::vector<std::string> argv, const environment& env, const fs::path& out = "/dev/null",
                     const fs::path& err = "/dev/null")
        : argv_(std::move(argv)), env_(env), out_(out.string()), err_(err.string()) {
        for (std::string& word : argv_) pointers_.push_back(word.data());
        pointers_.push_back(nullptr);
        ::posix_spawn_file_actions_init(&actions_);
        ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
        ::posix_spawn_file_actions_addopen(&actions_, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::posix_spawn_file_actions_addopen(&actions_, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    ~prepared_command() { ::posix_spawn_file_actions_destroy(&actions_); }
    prepared_command(const prepared_command&) = delete;
    prepared_command& operator=(const prepared_command&) = delete;

    pid_t start() const {
        pid_t pid = -1;
        const int failed = ::posix_spawnp(&pid, pointers_[0], &actions_, nullptr, pointers_.data(), env_.envp());
        if (failed != 0) throw bench_error("cannot start " + argv_[0] + ": " + std::strerror(failed));
        return pid;
    }

    /// Runs to the end, or until `limit` (0: none) when it is killed and
    /// reported as timed out. Ctrl-C kills the child and throws.
    run_outcome execute(std::chrono::seconds limit = 0s) const {
        run_outcome outcome;
        alarm_rang = 0;
        if (limit > 0s) ::alarm(static_cast<unsigned>(limit.count()));
        const std::int64_t begin = monotonic_ns();
        const pid_t pid = start();
        rusage usage{};
        while (::wait4(pid, &outcome.status, 0, &usage) < 0) {
            if (errno != EINTR) {
                ::alarm(0);
                throw bench_error(std::string("wait4: ") + std::strerror(errno));
            }
            if (interrupted || alarm_rang) {
                outcome.timed_out = !interrupted;
                ::kill(pid, SIGKILL);
                while (::wait4(pid, &outcome.status, 0, &usage) < 0 && errno == EINTR) {}
                break;
            }
        }
        outcome.elapsed_ns = monotonic_ns() - begin;
        if (limit > 0s) ::alarm(0);
        outcome.peak_rss_kib = usage.ru_maxrss;
        check_interrupted(); // a Ctrl-C reaches the child too: say why it stopped
        return outcome;
    }

    /// Runs to the end; throws unless it exits 0. Returns the wall time in ns.
    std::int64_t run() const {
        const run_outcome outcome = execute();
        if (!outcome.succeeded()) throw bench_error(failure(outcome));
        return outcome.elapsed_ns;
    }

    std::string failure(const run_outcome& outcome) const {
        std::string why = name() + " failed (" + describe_status(outcome.status) + ")";
        if (err_ != "/dev/null") why += ": " + read_text(err_);
        return why;
    }

    std::string name() const {
        std::string words;
        for (const std::string& word : argv_) words += (words.empty() ? "" : " ") + word;
        return words;
    }

private:
    std::vector<std::string> argv_;
    std::vector<char*> pointers_;
    const environment& env_;
    std::string out_, err_;
    posix_spawn_file_actions_t actions_{};
};

struct bench_paths {
    std::string fairly, fairlyd, sample, sqlite3, timew;
};

/// A fairlyd of our own on a socket and database in `dir`, stopped (SIGTERM,
/// then SIGKILL after a bounded wait) at the latest when this goes out of scope.
class daemon_process {
public:
    daemon_process(const bench_paths& paths, const fs::path& dir, const environment& env)
        : socket_(dir / "fairly.sock"), log_(dir / "fairlyd.log") {
        const prepared_command command({paths.fairlyd, "--db", (dir / "household.db").string(), "--socket", socket_.string()}, env,
                                       "/dev/null", log_);
        pid_ = command.start();
        wait_until_serving();
    }
    ~daemon_process() {
        try {
            stop();
        } catch (...) {
            // A destructor never throws; the bench is already unwinding.
        }
    }
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    const fs::path& socket() const { return socket_; }

    /// Resident memory now ("VmRSS") or at its peak ("VmHWM"), in KiB.
    std::size_t memory_kib(std::string_view field = "VmRSS") const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(status, line);) {
            if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
                return std::stoul(line.substr(field.size() + 1));
            }
        }
        throw bench_error("no " + std::string(field) + " in /proc/" + std::to_string(pid_) + "/status");
    }

    /// Events the daemon has recorded, asked over the socket like any client.
    std::int64_t events_recorded() const {
        fairly::cli::client connection(socket_);
        return connection.call("status", json::object()).value("events_recorded", std::int64_t{-1});
    }

    /// SIGTERM, up to 5 s for a clean stop (the database closed), then SIGKILL.
    /// Returns the wait status.
    int stop() {
        if (pid_ <= 0) return 0;
        const pid_t pid = std::exchange(pid_, -1);
        ::kill(pid, SIGTERM);
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        for (;;) {
            const pid_t done = ::waitpid(pid, &status, WNOHANG);
            if (done == pid || (done < 0 && errno != EINTR)) return status;
            if (std::chrono::steady_clock::now() > deadline) break;
            std::this_thread::sleep_for(5ms);
        }
        std::cerr << "fairly-report-bench: fairlyd did not stop within 5 s of SIGTERM; killing it\n";
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return status;
    }

private:
    void wait_until_serving() {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        for (;;) {
            check_interrupted();
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw bench_error("fairlyd stopped at once (" + describe_status(status) + "): " + read_text(log_));
            }
            try {
                fairly::cli::client probe(socket_);
                return;
            } catch (const fairly::error&) {
                if (std::chrono::steady_clock::now() > deadline) throw bench_error("fairlyd did not serve within 10 s: " + read_text(log_));
            }
            std::this_thread::sleep_for(2ms);
        }
    }

    fs::path socket_, log_;
    pid_t pid_ = -1;
};

/// A household of its own: a directory, a daemon and `fairly init` done, the
/// daemon and the CLI both on the fixed clock `now`.
struct household {
    household(const bench_paths& paths, const fs::path& parent, const std::string& now, const std::string& tz)
        : dir(parent),
          env(dir.path(), {"FAIRLY_SOCKET=" + (dir.path() / "fairly.sock").string(), "FAIRLY_NOW=" + now}),
          daemon(paths, dir.path(), env) {
        prepared_command({paths.fairly, "init", "--member", "alex", "--member", "sam", "--tz", tz}, env, "/dev/null",
                         dir.path() / "init.err")
            .run();
    }

    fs::path database() const { return dir.path() / "household.db"; }

    temp_directory dir;
    environment env;
    daemon_process daemon; // declared last: stopped before its directory goes
};

// ------------------------------------------------------------ the household's calendar

/// The instant local day `day` begins in `tz` (as the report's day_start).
sys_seconds day_start(sys_days day, const std::string& tz) {
    fairly::time_expr midnight;
    midnight.kind = fairly::time_expr::form::local_date;
    midnight.date = std::chrono::year_month_day{day};
    return fairly::resolve_time(midnight, sys_seconds{}, tz);
}

/// The Monday starting the household week of local day `day` (a new
/// household's weeks start on Monday).
sys_days week_of(sys_days day) {
    const unsigned from_monday = std::chrono::weekday{day}.iso_encoding() - 1;
    return day - days{from_monday};
}

std::string date_text(sys_days day) {
    const std::chrono::year_month_day date{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()));
    return text;
}

/// "20261123T031000Z", as timewarrior writes an instant.
std::string timewarrior_instant(sys_seconds t) {
    const sys_days day = std::chrono::floor<days>(t);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss clock{t - day};
    char text[24];
    std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
    return text;
}

std::string seconds_literal(sys_seconds t) { return std::to_string(t.time_since_epoch().count()); }

// ------------------------------------------------------------ statistics and the table

/// Nearest-rank percentile of unsorted samples.
double percentile(std::vector<double> samples, double fraction) {
    if (samples.empty()) return 0.0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

double median(const std::vector<double>& samples) { return percentile(samples, 0.5); }

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

/// 3.2 ms, 412.0 ms, 12.4 s
std::string duration_text(double ns) {
    if (ns >= 10e9) return format("%.1f s", ns / 1e9);
    if (ns >= 1e9) return format("%.2f s", ns / 1e9);
    if (ns >= 100e6) return format("%.0f ms", ns / 1e6);
    return format("%.2f ms", ns / 1e6);
}

std::string mebibytes(double kib) {
    if (kib >= 1024.0 * 1024.0) return format("%.2f GiB", kib / (1024.0 * 1024.0));
    return format("%.1f MiB", kib / 1024.0);
}

/// 12345.6 -> "12,346"
std::string count_text(double value) {
    const std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

/// 10000 -> "10k", 1000000 -> "1M"
std::string size_label(std::size_t events) {
    if (events >= 1'000'000 && events % 1'000'000 == 0) return std::to_string(events / 1'000'000) + "M";
    if (events >= 1'000 && events % 1'000 == 0) return std::to_string(events / 1'000) + "k";
    return count_text(static_cast<double>(events));
}

std::string met(bool yes) { return yes ? "yes" : "**no**"; }

/// Columns are counted in characters, not bytes: "≤", "×" and "÷" are one each.
std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// A Markdown table, columns padded so it also reads as plain text.
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(rows.front().size(), 3);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
    }
    auto line = [&](const std::vector<std::string>& row) {
        std::cout << '|';
        for (std::size_t i = 0; i < row.size(); ++i) std::cout << ' ' << row[i] << std::string(width[i] - display_width(row[i]), ' ') << " |";
        std::cout << '\n';
    };
    line(rows.front());
    std::cout << '|';
    for (std::size_t w : width) std::cout << std::string(w + 2, '-') << '|';
    std::cout << '\n';
    for (std::size_t r = 1; r < rows.size(); ++r) line(rows[r]);
}

// ------------------------------------------------------------ the machine

std::string file_system_of(const fs::path& dir) {
    struct statfs facts {};
    if (::statfs(dir.c_str(), &facts) != 0) return "unknown";
    switch (static_cast<unsigned long>(facts.f_type)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    default: {
        char text[32];
        std::snprintf(text, sizeof text, "f_type 0x%lx", static_cast<unsigned long>(facts.f_type));
        return text;
    }
    }
}

std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

/// The 1, 5 and 15 minute load averages: other work on the machine is noise here.
std::string load_average() {
    std::ifstream loadavg("/proc/loadavg");
    std::string one, five, fifteen;
    loadavg >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

// ------------------------------------------------------------ measures

struct bench_options {
    bench_paths paths{FAIRLY_BENCH_FAIRLY, FAIRLY_BENCH_FAIRLYD, FAIRLY_BENCH_SAMPLE, "sqlite3", "timew"};
    std::vector<std::size_t> sizes{10'000, 100'000, 1'000'000};
    std::string now = "2026-11-23T12:00:00Z";
    std::string tz = "Europe/London";
    int weeks = 520;
    std::size_t clients = 16;
    std::size_t runs = 100;        ///< `fairly report`, this week
    std::size_t range_runs = 20;   ///< `fairly report --from --to`
    std::size_t compare_runs = 10; ///< sqlite3 and timew, each query
    std::size_t warmup = 5;
    int timew_limit = 120; ///< seconds, for the all-history summary
    bool timew = true;
    std::string dir;
};

/// Per member: counted events and minutes, from a report or from SQL.
using member_sums = std::map<std::string, std::pair<std::int64_t, std::int64_t>>;

/// Everything measured on one history.
struct size_result {
    std::size_t events = 0;
    double load_seconds = 0, load_rate = 0;
    std::string first_day, last_day;
    std::vector<double> report_week, report_all, bin_true; // ns
    std::string json_check;
    bool json_ok = false;
    double daemon_rss_kib = 0;
    std::uintmax_t database_bytes = 0;
    std::vector<double> sqlite_week, sqlite_all; // ns
    std::string sqlite_check;
    bool sqlite_ok = false;
    std::vector<double> timew_week; // ns; empty without timewarrior
    std::optional<run_outcome> timew_all;
    std::uintmax_t timew_bytes = 0;
};

/// The counted load (active, not disputed; care, household, logistics and
/// thinking) per member, as the report counts it.
constexpr std::string_view load_filter =
    "e.status = 'active' AND (k.category = 'care' OR k.category = 'household' OR k.category = 'logistics' OR k.category = 'thinking')";
constexpr std::string_view event_seconds = "coalesce(e.end_utc, e.start_utc + k.default_seconds) - e.start_utc";

std::string member_sums_sql(const std::string& where) {
    return "SELECT m.name, count(*), sum(" + std::string(event_seconds) + ") / 60 FROM event e JOIN kind k ON k.id = e.kind_id " +
           "JOIN member m ON m.id = e.member_id WHERE " + std::string(load_filter) + where + " GROUP BY m.name ORDER BY m.name;";
}

/// "alex|123|4567" lines from sqlite3.
member_sums parse_member_sums(const std::string& text) {
    member_sums sums;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto bar = line.find('|'), second = line.find('|', bar + 1);
        if (bar == std::string::npos || second == std::string::npos) continue;
        sums[line.substr(0, bar)] = {std::stoll(line.substr(bar + 1, second - bar - 1)), std::stoll(line.substr(second + 1))};
    }
    return sums;
}

member_sums report_member_sums(const json& report) {
    member_sums sums;
    for (const json& member : report.at("members")) {
        const auto events = member.at("events").get<std::int64_t>(), minutes = member.at("minutes").get<std::int64_t>();
        if (events == 0 && minutes == 0) continue; // SQL's GROUP BY has no row for a member without load
        sums[member.at("name").get<std::string>()] = {events, minutes};
    }
    return sums;
}

std::string sums_text(const member_sums& sums) {
    std::string text;
    for (const auto& [name, sum] : sums) {
        text += (text.empty() ? "" : ", ") + name + " " + std::to_string(sum.first) + " events/" + std::to_string(sum.second) + " min";
    }
    return text.empty() ? "nothing" : text;
}

/// Loads `events` events of plain load over `weeks` weeks ending at `now`,
/// with `clients` connections; returns fairly-sample's own seconds and rate.
std::pair<double, double> load_history(const bench_options& options, const household& home, std::size_t events) {
    const fs::path out = home.dir.path() / "sample.out";
    prepared_command({options.paths.sample, "--socket", home.daemon.socket().string(), "--events", std::to_string(events), "--weeks",
                      std::to_string(options.weeks), "--clients", std::to_string(options.clients), "--end", options.now, "--seed", "1",
                      "--quiet"},
                     home.env, out, home.dir.path() / "sample.err")
        .run();
    // "fairly-sample: wrote N events over W weeks (K clients) in S s, R events/s"
    const std::string line = read_text(out);
    const auto in = line.rfind(" in "), comma = line.rfind(", ");
    if (in == std::string::npos || comma == std::string::npos) throw bench_error("cannot read fairly-sample's summary: " + line);
    const auto recorded = home.daemon.events_recorded();
    if (recorded != static_cast<std::int64_t>(events)) {
        throw bench_error("fairly-sample sent " + std::to_string(events) + " events but fairlyd recorded " + std::to_string(recorded));
    }
    return {std::strtod(line.c_str() + in + 4, nullptr), std::strtod(line.c_str() + comma + 2, nullptr)};
}

/// Runs a command once with its output to `out` and returns what it wrote;
/// throws unless it exits 0.
std::string output_of(std::vector<std::string> argv, const environment& env, const fs::path& out, const fs::path& err) {
    prepared_command(std::move(argv), env, out, err).run();
    return read_text(out);
}

/// The events as timewarrior keeps intervals: data/YYYY-MM.data per local
/// month of the start, one `inc START - END # tags` line each, tags sorted and
/// quoted where they are not plain words, exactly as `timew track` writes
/// them; a tags.data with the counts (else the first summary rebuilds it);
/// an empty timewarrior.cfg. `exported` has "start end kind member" lines in
/// start order. Returns the bytes of interval data written.
std::uintmax_t write_timewarrior_db(const fs::path& exported, const fs::path& db, const std::string& tz) {
    fs::create_directories(db / "data");
    fs::create_directories(db / "extensions");
    std::ofstream(db / "timewarrior.cfg").flush();
    auto quoted = [](const std::string& tag) {
        const bool plain = std::all_of(tag.begin(), tag.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
        return plain ? tag : "\"" + tag + "\"";
    };
    std::map<std::string, std::int64_t> tag_counts;
    std::ifstream in(exported);
    std::ofstream month_file;
    std::string open_month;
    std::uintmax_t bytes = 0;
    std::int64_t start = 0, end = 0;
    std::string kind, member;
    for (std::size_t line = 0; in >> start >> end >> kind >> member; ++line) {
        if (line % 65536 == 0) check_interrupted();
        const sys_seconds from{std::chrono::seconds{start}}, to{std::chrono::seconds{end}};
        const std::string month = date_text(fairly::local_date_of(from, tz)).substr(0, 7);
        if (month != open_month) {
            month_file.close();
            month_file.open(db / "data" / (month + ".data"), std::ios::app);
            if (!month_file) throw bench_error("cannot write " + (db / "data" / (month + ".data")).string());
            open_month = month;
        }
        std::array<std::string, 2> tags{kind, member};
        std::sort(tags.begin(), tags.end());
        const std::string text =
            "inc " + timewarrior_instant(from) + " - " + timewarrior_instant(to) + " # " + quoted(tags[0]) + ' ' + quoted(tags[1]) + '\n';
        month_file << text;
        bytes += text.size();
        ++tag_counts[kind];
        ++tag_counts[member];
    }
    month_file.close();
    if (!month_file) throw bench_error("cannot write timewarrior data under " + db.string());
    std::ofstream tags(db / "data" / "tags.data");
    tags << "{\n";
    for (auto it = tag_counts.begin(); it != tag_counts.end(); ++it) {
        tags << "  \"" << it->first << "\":{\"count\":" << it->second << '}' << (std::next(it) == tag_counts.end() ? "\n" : ",\n");
    }
    tags << "}";
    return bytes;
}

size_result measure_history(const bench_options& options, std::size_t events) {
    size_result result;
    result.events = events;
    const std::string label = size_label(events);
    const std::string& tz = options.tz;
    const sys_seconds now = fairly::parse_iso_instant(options.now, "now");

    ::sync(); // what earlier sizes left dirty must not land in this one's fsyncs
    household home(options.paths, options.dir, options.now, tz);
    const fs::path dir = home.dir.path();
    const environment tools(dir, {"TZ=" + tz, "TIMEWARRIORDB=" + (dir / "timew").string()});

    std::cerr << "fairly-report-bench: " << label << ": loading " << count_text(static_cast<double>(events)) << " events over "
              << options.weeks << " weeks...\n";
    std::tie(result.load_seconds, result.load_rate) = load_history(options, home, events);

    // The history's first and last local days, read beside the live daemon.
    const std::string span = output_of({options.paths.sqlite3, "-readonly", home.database().string(),
                                        "SELECT min(start_utc), max(start_utc) FROM event;"},
                                       tools, dir / "span.out", dir / "span.err");
    const auto bar = span.find('|');
    if (bar == std::string::npos) throw bench_error("cannot read the history's span from sqlite3: " + span);
    const sys_days first_day = fairly::local_date_of(sys_seconds{std::chrono::seconds{std::stoll(span.substr(0, bar))}}, tz);
    const sys_days last_day = fairly::local_date_of(sys_seconds{std::chrono::seconds{std::stoll(span.substr(bar + 1))}}, tz);
    result.first_day = date_text(first_day);
    result.last_day = date_text(last_day);
    const sys_days this_week = week_of(fairly::local_date_of(now, tz));

    // fairly report, this week, round-robin with /bin/true (the process-start
    // floor) so both share the machine's noise; then the ten years.
    std::cerr << "fairly-report-bench: " << label << ": fairly report, " << options.runs << " runs; --from " << result.first_day << " --to "
              << result.last_day << ", " << options.range_runs << " runs...\n";
    const prepared_command report({options.paths.fairly, "report"}, home.env, "/dev/null", dir / "report.err");
    const prepared_command bin_true({"/bin/true"}, home.env);
    const prepared_command report_all({options.paths.fairly, "report", "--from", result.first_day, "--to", result.last_day}, home.env,
                                      "/dev/null", dir / "report.err");
    for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
        check_interrupted();
        const bool report_first = round % 2 == 0;
        const double a = static_cast<double>((report_first ? report : bin_true).run());
        const double b = static_cast<double>((report_first ? bin_true : report).run());
        if (round < options.warmup) continue;
        result.report_week.push_back(report_first ? a : b);
        result.bin_true.push_back(report_first ? b : a);
    }
    for (std::size_t round = 0; round < std::min<std::size_t>(options.warmup, 2) + options.range_runs; ++round) {
        check_interrupted();
        const double ns = static_cast<double>(report_all.run());
        if (round >= std::min<std::size_t>(options.warmup, 2)) result.report_all.push_back(ns);
    }
    result.daemon_rss_kib = static_cast<double>(home.daemon.memory_kib());

    // The same two reports as JSON, once each, kept to check against SQL.
    json week_json, all_json;
    {
        const prepared_command all_as_json({options.paths.fairly, "report", "--from", result.first_day, "--to", result.last_day, "--format",
                                            "json"},
                                           home.env, dir / "all.json", dir / "all.err");
        const run_outcome outcome = all_as_json.execute();
        const sys_days first_week = week_of(first_day), last_week = week_of(last_day);
        const std::size_t expected_weeks = static_cast<std::size_t>((last_week - first_week).count() / 7 + 1);
        if (!outcome.succeeded()) {
            result.json_check = "failed: " + first_line(all_as_json.failure(outcome));
        } else {
            try {
                all_json = json::parse(read_text(dir / "all.json"));
                const std::size_t weeks = all_json.at("trend").size();
                result.json_ok = weeks == expected_weeks && all_json.at("members").size() == 2;
                result.json_check = std::to_string(weeks) + " weeks" + (result.json_ok ? "" : " (expected " + std::to_string(expected_weeks) + ")");
            } catch (const json::exception& e) {
                result.json_check = std::string("not JSON: ") + e.what();
            }
        }
        week_json = json::parse(output_of({options.paths.fairly, "report", "--format", "json"}, home.env, dir / "week.json", dir / "week.err"));
    }

    // Stop the daemon (it closes the database cleanly), then work on a copy.
    if (const int status = home.daemon.stop(); !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw bench_error("fairlyd did not stop cleanly (" + describe_status(status) + "): " + read_text(dir / "fairlyd.log"));
    }
    const fs::path copy = dir / "copy.db";
    fs::copy_file(home.database(), copy);
    if (fs::exists(home.database().string() + "-wal")) fs::copy_file(home.database().string() + "-wal", copy.string() + "-wal");
    result.database_bytes = fs::file_size(home.database());

    // sqlite3 on the raw events: this week per member (the start_utc index),
    // and per week per member over all history (a full scan; weeks counted
    // in UTC seconds from the first Monday, which favours sqlite3).
    std::cerr << "fairly-report-bench: " << label << ": sqlite3, " << options.compare_runs << " runs each...\n";
    const sys_seconds week_from = day_start(this_week, tz), week_to = day_start(this_week + days{7}, tz);
    const std::string week_sql = member_sums_sql(" AND e.start_utc >= " + seconds_literal(week_from) + " AND e.start_utc < " + seconds_literal(week_to));
    const std::string all_sql = "SELECT (e.start_utc - " + seconds_literal(day_start(week_of(first_day), tz)) +
                                ") / 604800 AS week, e.member_id, count(*), sum(" + std::string(event_seconds) + ") / 60 " +
                                "FROM event e JOIN kind k ON k.id = e.kind_id WHERE " + std::string(load_filter) +
                                " GROUP BY week, e.member_id;";
    const prepared_command sqlite_week({options.paths.sqlite3, "-readonly", copy.string(), week_sql}, tools, "/dev/null", dir / "sqlite.err");
    const prepared_command sqlite_all({options.paths.sqlite3, "-readonly", copy.string(), all_sql}, tools, "/dev/null", dir / "sqlite.err");
    {
        // Untimed: what they answer, checked against the reports.
        const member_sums sql_week = parse_member_sums(output_of({options.paths.sqlite3, "-readonly", copy.string(), week_sql}, tools,
                                                                 dir / "sqlite.out", dir / "sqlite.err"));
        const member_sums sql_total = parse_member_sums(output_of({options.paths.sqlite3, "-readonly", copy.string(), member_sums_sql("")},
                                                                  tools, dir / "sqlite.out", dir / "sqlite.err"));
        const std::string all_rows = output_of({options.paths.sqlite3, "-readonly", copy.string(), all_sql}, tools, dir / "sqlite.out",
                                               dir / "sqlite.err");
        const auto groups = std::count(all_rows.begin(), all_rows.end(), '\n');
        const member_sums report_week_sums = report_member_sums(week_json);
        const bool week_same = sql_week == report_week_sums;
        const bool total_same = !all_json.is_null() && sql_total == report_member_sums(all_json);
        result.sqlite_ok = week_same && total_same && groups > 0;
        result.sqlite_check = std::string(week_same ? "this week = report" : "this week: report " + sums_text(report_week_sums) + ", SQL " + sums_text(sql_week)) +
                              "; " + (total_same ? "all history = report" : "all history: SQL " + sums_text(sql_total)) + "; " +
                              std::to_string(groups) + " week×member groups";
    }
    for (std::size_t round = 0; round < 1 + options.compare_runs; ++round) {
        check_interrupted();
        const double week_ns = static_cast<double>(sqlite_week.run());
        const double all_ns = static_cast<double>(sqlite_all.run());
        if (round == 0) continue; // warm-up
        result.sqlite_week.push_back(week_ns);
        result.sqlite_all.push_back(all_ns);
    }

    if (!options.timew) return result;

    // timewarrior on the same intervals (every active event, all kinds),
    // exported from the copy and written as its own data files.
    std::cerr << "fairly-report-bench: " << label << ": timewarrior data...\n";
    prepared_command({options.paths.sqlite3, "-readonly", "-separator", " ", copy.string(),
                      "SELECT e.start_utc, coalesce(e.end_utc, e.start_utc + k.default_seconds), k.name, m.name FROM event e "
                      "JOIN kind k ON k.id = e.kind_id JOIN member m ON m.id = e.member_id WHERE e.status = 'active' "
                      "ORDER BY e.start_utc, e.id;"},
                     tools, dir / "events.txt", dir / "export.err")
        .run();
    result.timew_bytes = write_timewarrior_db(dir / "events.txt", dir / "timew", tz);
    fs::remove(dir / "events.txt");

    // "This week" as explicit local dates: what `timew summary :week` means on
    // the fixed day, whatever the machine's clock says.
    const prepared_command timew_week({options.paths.timew, "summary", date_text(this_week), "-", date_text(this_week + days{7})}, tools,
                                      dir / "timew.out", dir / "timew.err");
    const run_outcome first = timew_week.execute(std::chrono::seconds{options.timew_limit});
    const std::string week_output = read_text(dir / "timew.out");
    if (!first.succeeded() || week_output.find("No filtered data") != std::string::npos) {
        throw bench_error("timew summary of this week did not work (" + describe_status(first.status) + "): " + first_line(week_output) +
                          read_text(dir / "timew.err"));
    }
    std::cerr << "fairly-report-bench: " << label << ": timew summary this week, " << options.compare_runs << " runs...\n";
    const prepared_command timew_week_quiet({options.paths.timew, "summary", date_text(this_week), "-", date_text(this_week + days{7})},
                                            tools, "/dev/null", dir / "timew.err");
    for (std::size_t round = 0; round < options.compare_runs; ++round) {
        const run_outcome outcome = timew_week_quiet.execute(std::chrono::seconds{options.timew_limit});
        if (!outcome.succeeded()) throw bench_error(timew_week_quiet.failure(outcome));
        result.timew_week.push_back(static_cast<double>(outcome.elapsed_ns));
    }
    // All history: once, bounded, --to inclusive as for the report.
    std::cerr << "fairly-report-bench: " << label << ": timew summary of all history, once (limit " << options.timew_limit << " s)...\n";
    const prepared_command timew_all({options.paths.timew, "summary", result.first_day, "-", date_text(last_day + days{1})}, tools,
                                     "/dev/null", dir / "timew.err");
    result.timew_all = timew_all.execute(std::chrono::seconds{options.timew_limit});
    if (!result.timew_all->timed_out && !result.timew_all->succeeded()) throw bench_error(timew_all.failure(*result.timew_all));
    return result;
}

// ------------------------------------------------------------ the report

std::string version_of(const std::string& program, const fs::path& scratch) {
    const temp_directory dir(scratch);
    const environment env(dir.path(), {});
    try {
        return first_line(output_of({program, "--version"}, env, dir.path() / "version", dir.path() / "version.err"));
    } catch (const bench_error&) {
        return "not found";
    }
}

void print_machine(const bench_options& options) {
    utsname system{};
    ::uname(&system);
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
    std::cout << "## fairly report benchmark\n\n"
              << "- machine: " << ::sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (nproc), " << cpu_model() << ", "
              << (static_cast<long long>(pages) * page_size) / (1024 * 1024) << " MiB RAM\n"
              << "- kernel: " << system.sysname << ' ' << system.release << ' ' << system.machine << '\n'
              << "- load average at start: " << load_average() << '\n'
              << "- files: " << options.dir << " on " << file_system_of(options.dir) << '\n'
              << "- binaries: " << options.paths.fairly << ", " << options.paths.fairlyd << ", " << options.paths.sample << '\n'
              << "- sqlite3 " << version_of(options.paths.sqlite3, options.dir).substr(0, 30) << "; timew "
              << (options.timew ? version_of(options.paths.timew, options.dir) : "not run") << '\n'
              << "- history: fairly-sample --events N --weeks " << options.weeks << " --clients " << options.clients << " --end " << options.now
              << " --seed 1 (alex and sam, " << options.tz << "); FAIRLY_NOW=" << options.now << " for fairlyd and fairly\n\n";
}

int run_bench(bench_options options) {
    std::sort(options.sizes.begin(), options.sizes.end());
    print_machine(options);
    std::cout.flush();

    std::vector<size_result> results;
    for (std::size_t events : options.sizes) results.push_back(measure_history(options, events));
    const size_result& largest = results.back();
    const size_result& smallest = results.front();
    const std::string big = size_label(largest.events), small = size_label(smallest.events);

    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> heading{"measure"};
    for (const size_result& r : results) heading.push_back(size_label(r.events));
    heading.push_back("target");
    heading.push_back("met?");
    rows.push_back(heading);
    auto row = [&](std::string measure, auto cell, std::string target = "", std::string verdict = "") {
        std::vector<std::string> cells{std::move(measure)};
        for (const size_result& r : results) cells.push_back(cell(r));
        cells.push_back(std::move(target));
        cells.push_back(std::move(verdict));
        rows.push_back(std::move(cells));
    };

    const std::string n_week = " (n=" + std::to_string(options.runs) + ")";
    const std::string n_all = " (n=" + std::to_string(options.range_runs) + ")";
    const std::string n_compare = " (n=" + std::to_string(options.compare_runs) + ")";
    row("history loaded by fairly-sample, " + std::to_string(options.clients) + " clients",
        [](const size_result& r) { return format("%.1f s", r.load_seconds) + " (" + count_text(r.load_rate) + "/s)"; });
    row("database file", [](const size_result& r) { return mebibytes(static_cast<double>(r.database_bytes) / 1024.0); });
    const double week_median = median(largest.report_week);
    row("`fairly report` (this week + 8-week trend), median" + n_week,
        [](const size_result& r) { return duration_text(median(r.report_week)); }, "≤ 15 ms at " + big, met(week_median <= 15e6));
    row("`fairly report`, p99", [](const size_result& r) { return duration_text(percentile(r.report_week, 0.99)); });
    const double base = median(smallest.report_week);
    row("`fairly report` median ÷ " + small + " median",
        [&](const size_result& r) { return &r == &smallest ? std::string("—") : format("%.2f×", median(r.report_week) / base); },
        "≤ 1.5× at " + big, met(week_median <= 1.5 * base));
    const double all_median = median(largest.report_all);
    row("`fairly report --from <first day> --to <last day>` (10 years), median" + n_all,
        [](const size_result& r) { return duration_text(median(r.report_all)); }, "≤ 100 ms at " + big, met(all_median <= 100e6));
    row("`fairly report --from … --to …`, p99", [](const size_result& r) { return duration_text(percentile(r.report_all, 0.99)); });
    row("`… --format json`: exit 0, parses, trend weeks", [](const size_result& r) { return (r.json_ok ? "ok, " : "**") + r.json_check + (r.json_ok ? "" : "**"); },
        "every week", met(std::all_of(results.begin(), results.end(), [](const size_result& r) { return r.json_ok; })));
    row("`/bin/true` (process start floor), median", [](const size_result& r) { return duration_text(median(r.bin_true)); });
    row("fairlyd RSS after the reports", [](const size_result& r) { return mebibytes(r.daemon_rss_kib); });
    row("`sqlite3` this week per member, raw events (start_utc index), median" + n_compare,
        [](const size_result& r) { return duration_text(median(r.sqlite_week)); });
    row("`sqlite3` per week per member, all history (full scan), median" + n_compare,
        [](const size_result& r) { return duration_text(median(r.sqlite_all)); });
    if (options.timew) {
        row("timewarrior data files", [](const size_result& r) { return mebibytes(static_cast<double>(r.timew_bytes) / 1024.0); });
        row("`timew summary` this week, median" + n_compare, [](const size_result& r) { return duration_text(median(r.timew_week)); });
        row("`timew summary <first> - <last>` (10 years), once; peak RSS",
            [&](const size_result& r) {
                if (!r.timew_all) return std::string("not run");
                if (r.timew_all->timed_out) return "timed out (" + std::to_string(options.timew_limit) + " s), " + mebibytes(static_cast<double>(r.timew_all->peak_rss_kib));
                return duration_text(static_cast<double>(r.timew_all->elapsed_ns)) + ", " + mebibytes(static_cast<double>(r.timew_all->peak_rss_kib));
            });
    }
    print_table(rows);

    std::cout << "\nEach history is loaded into a fresh fairlyd and database. Report runs are timed with CLOCK_MONOTONIC around "
                 "posix_spawn and wait4, stdout to /dev/null, against the daemon that loaded the data ("
              << options.warmup << " warm-up rounds not counted); `fairly report` ran round-robin with /bin/true.\n"
              << "Then fairlyd is stopped and sqlite3 and timew work on a copy of its database file (one warm-up run not counted).\n\n"
              << "- history spans:";
    for (const size_result& r : results) std::cout << (&r == &smallest ? " " : "; ") << size_label(r.events) << " " << r.first_day << " to " << r.last_day;
    std::cout << "\n- SQL against the JSON reports (events and minutes per member):";
    for (const size_result& r : results) std::cout << (&r == &smallest ? " " : "; ") << size_label(r.events) << ": " << (r.sqlite_ok ? "" : "**NO**, ") << r.sqlite_check;
    std::cout << "\n- SQL: counted load only (active; care, household, logistics, thinking), as the report; "
                 "the all-history GROUP BY cuts weeks at UTC Mondays 604800 s apart (no zone lookups: cheaper than the report's local weeks).\n";
    if (options.timew) {
        std::cout << "- timew: every active event as an interval tagged with its kind and member, data/YYYY-MM.data as `timew track` writes "
                     "them, TZ="
                  << options.tz << "; \"this week\" is `timew summary <Monday> - <next Monday>`, what `:week` means on the fixed day.\n";
    }
    std::cout << "- load average at the end: " << load_average() << '\n';
    return week_median <= 15e6 && week_median <= 1.5 * base && all_median <= 100e6 ? 0 : 2;
}

} // namespace

int main(int argc, char** argv) {
    bench_options options;
    const char* tmpdir = std::getenv("TMPDIR");
    options.dir = tmpdir && *tmpdir ? tmpdir : "/tmp";

    CLI::App app{"fairly-report-bench: times `fairly report` end to end on generated histories of growing size, beside the same sums\n"
                 "by the sqlite3 shell on the raw events and by `timew summary` on the same intervals. Starts its own daemons on\n"
                 "temporary sockets and databases and removes them afterwards. Exit 0: targets met; 2: a target missed.",
                 "fairly-report-bench"};
    app.add_option("--fairly", options.paths.fairly, "the fairly CLI")->capture_default_str();
    app.add_option("--fairlyd", options.paths.fairlyd, "the daemon")->capture_default_str();
    app.add_option("--sample", options.paths.sample, "fairly-sample")->capture_default_str();
    app.add_option("--sqlite3", options.paths.sqlite3, "the sqlite3 shell (Debian: apt install sqlite3)")->capture_default_str();
    app.add_option("--timew", options.paths.timew, "timewarrior (Debian: apt install timewarrior)")->capture_default_str();
    app.add_flag("!--no-timew", options.timew, "leave timewarrior out");
    app.add_option("--sizes", options.sizes, "history sizes in events; the targets apply to the largest")
        ->delimiter(',')->capture_default_str()->check(CLI::Range(std::size_t{100}, std::size_t{100'000'000}));
    app.add_option("--now", options.now, "FAIRLY_NOW for fairlyd and fairly, and the end of the history")->capture_default_str();
    app.add_option("--tz", options.tz, "the household's zone (also TZ for sqlite3 and timew)")->capture_default_str();
    app.add_option("--weeks", options.weeks, "weeks of history")->capture_default_str()->check(CLI::Range(2, 520));
    app.add_option("--clients", options.clients, "fairly-sample's connections")->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--runs", options.runs, "timed runs of `fairly report` (this week)")->capture_default_str()->check(CLI::Range(1, 100'000));
    app.add_option("--range-runs", options.range_runs, "timed runs of `fairly report --from --to`")->capture_default_str()->check(CLI::Range(1, 10'000));
    app.add_option("--compare-runs", options.compare_runs, "timed runs of each sqlite3 query and of `timew summary` this week")
        ->capture_default_str()->check(CLI::Range(1, 10'000));
    app.add_option("--warmup", options.warmup, "untimed rounds before the report runs")->capture_default_str();
    app.add_option("--timew-limit", options.timew_limit, "seconds before the all-history `timew summary` is killed")
        ->capture_default_str()->check(CLI::Range(1, 3600));
    app.add_option("--dir", options.dir, "where the temporary households go (env TMPDIR)")->capture_default_str()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);

    catch_signals();
    try {
        return run_bench(options);
    } catch (const std::exception& e) {
        std::cerr << "fairly-report-bench: " << e.what() << '\n';
        return 1;
    }
}
