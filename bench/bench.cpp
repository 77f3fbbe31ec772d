// fairly-bench: what a household would notice, measured on the real binaries:
// how long `fairly log` takes from process start to durable reply, how many
// events a daemon takes in per second over persistent connections, and how
// much memory it holds. Prints machine facts and a Markdown table. Run it
// with bench/run (a Release build); ctest never runs it.
#include "client.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using json = nlohmann::json;

/// The bench cannot go on: a child failed, the daemon died, or Ctrl-C.
struct bench_error : fairly::error {
    using fairly::error::error;
};

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_signal(int) { interrupted = 1; }

/// SIGINT/SIGTERM/SIGHUP set a flag (no SA_RESTART, so a waitpid returns
/// EINTR) and the bench unwinds: its destructors stop daemons, remove files.
void catch_stop_signals() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
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

/// A fresh directory under `parent`, removed with everything in it.
class temp_directory {
public:
    explicit temp_directory(const fs::path& parent) {
        std::string pattern = (parent / "fairly-bench.XXXXXX").string();
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

/// The environment children get: ours without FAIRLY_* (a FAIRLY_NOW or
/// FAIRLY_SOCKET of the person running the bench must not leak in), with
/// HOME and XDG_STATE_HOME in the bench's directory (no ~/.sqliterc, and a
/// spool, should there be one, that is not the user's), plus `extra`.
class environment {
public:
    environment(const fs::path& home, std::vector<std::string> extra) {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            const std::string_view variable(*entry);
            if (variable.starts_with("FAIRLY_") || variable.starts_with("HOME=") || variable.starts_with("XDG_STATE_HOME=")) continue;
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

/// Waits for `pid` and returns its wait status. If the bench is interrupted
/// meanwhile, the child is killed and reaped before the bench unwinds.
int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw bench_error(std::string("waitpid: ") + std::strerror(errno));
        if (interrupted) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            check_interrupted();
        }
    }
    return status;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

/// A command made ready to start: argv, environment and redirections are
/// built once, so a timed run measures posix_spawn and waitpid, nothing else.
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

    /// Runs to the end; throws unless it exits 0. Returns the wall time in ns.
    std::int64_t run() const {
        const std::int64_t begin = monotonic_ns();
        const int status = wait_for(start());
        const std::int64_t elapsed = monotonic_ns() - begin;
        check_interrupted(); // a Ctrl-C reaches the child too: say why it stopped
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::string why = name() + " failed (" + describe_status(status) + ")";
            if (err_ != "/dev/null") why += ": " + read_text(err_);
            throw bench_error(why);
        }
        return elapsed;
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
    std::string fairly, fairlyd, sample, sqlite3;
};

/// A fairlyd of our own on a socket and database in `dir`, stopped (SIGTERM,
/// then SIGKILL after a bounded wait) when this goes out of scope.
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

    /// SIGTERM, up to 5 s for a clean stop, then SIGKILL. Returns the wait status.
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
        std::cerr << "fairly-bench: fairlyd did not stop within 5 s of SIGTERM; killing it\n";
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

/// A household of its own: a directory, a daemon, and `fairly init` done.
struct household {
    household(const bench_paths& paths, const fs::path& parent)
        : dir(parent), env(dir.path(), {"FAIRLY_SOCKET=" + (dir.path() / "fairly.sock").string()}), daemon(paths, dir.path(), env) {
        prepared_command({paths.fairly, "init", "--member", "alex", "--member", "sam", "--tz", "Europe/London"}, env, "/dev/null",
                         dir.path() / "init.err")
            .run();
    }

    temp_directory dir;
    environment env;
    daemon_process daemon; // declared last: stopped before its directory goes
};

// ------------------------------------------------------------ statistics

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

std::string milliseconds(double ns) { return format("%.2f ms", ns / 1e6); }
std::string mebibytes(double kib) { return format("%.1f MiB", kib / 1024.0); }

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

std::string rate(double per_second) { return count_text(per_second) + "/s"; }

std::string met(bool yes) { return yes ? "yes" : "**no**"; }

struct table_row {
    std::string measure, median, p99, target, met;
};

/// Columns are counted in characters, not bytes: "≤", "×" and "—" are one each.
std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void print_table(const std::vector<table_row>& rows) {
    std::array<std::size_t, 5> width{7, 6, 3, 6, 4};
    auto cells = [](const table_row& row) { return std::array<const std::string*, 5>{&row.measure, &row.median, &row.p99, &row.target, &row.met}; };
    for (const table_row& row : rows) {
        const auto c = cells(row);
        for (std::size_t i = 0; i < c.size(); ++i) width[i] = std::max(width[i], display_width(*c[i]));
    }
    auto line = [&](const std::array<const std::string*, 5>& c) {
        std::cout << '|';
        for (std::size_t i = 0; i < c.size(); ++i) std::cout << ' ' << *c[i] << std::string(width[i] - display_width(*c[i]), ' ') << " |";
        std::cout << '\n';
    };
    const table_row heading{"measure", "median", "p99", "target", "met?"};
    line(cells(heading));
    std::cout << '|';
    for (std::size_t w : width) std::cout << std::string(w + 2, '-') << '|';
    std::cout << '\n';
    for (const table_row& row : rows) line(cells(row));
}

// ------------------------------------------------------------ measures

struct bench_options {
    bench_paths paths{FAIRLY_BENCH_FAIRLY, FAIRLY_BENCH_FAIRLYD, FAIRLY_BENCH_SAMPLE, "sqlite3"};
    std::size_t runs = 300;
    std::size_t warmup = 10;
    std::size_t single_events = 20'000;
    std::size_t serial_events = 2'000;
    std::size_t many_events = 100'000;
    std::size_t many_clients = 16;
    std::size_t ingest_runs = 3;
    std::string dir;
};

struct latency_result {
    std::vector<double> fairly_log, bin_true, sqlite; // ns; sqlite empty when sqlite3 is missing
    double idle_rss_kib = 0;
};

/// `fairly log` against a warm daemon, `/bin/true`, and one durable insert by
/// the sqlite3 shell, run round-robin (rotating who goes first) so the three
/// share the machine's noise.
latency_result measure_log_latency(const bench_options& options) {
    household home(options.paths, options.dir);
    latency_result result;
    std::this_thread::sleep_for(200ms); // settle after init
    result.idle_rss_kib = static_cast<double>(home.daemon.memory_kib());

    std::vector<std::unique_ptr<prepared_command>> commands;
    commands.push_back(std::make_unique<prepared_command>(
        std::vector<std::string>{options.paths.fairly, "log", "school-run", "--member", "alex"}, home.env));
    commands.push_back(std::make_unique<prepared_command>(std::vector<std::string>{"/bin/true"}, home.env));
    const fs::path scratch = home.dir.path() / "scratch.db";
    try {
        prepared_command({options.paths.sqlite3, scratch.string(), "PRAGMA journal_mode=WAL; CREATE TABLE load (id INTEGER PRIMARY KEY, at INTEGER);"},
                         home.env, "/dev/null", home.dir.path() / "sqlite.err")
            .run();
        commands.push_back(std::make_unique<prepared_command>(
            std::vector<std::string>{options.paths.sqlite3, "-cmd", "PRAGMA synchronous=FULL", scratch.string(),
                                     "INSERT INTO load (at) VALUES (strftime('%s', 'now'));"},
            home.env));
    } catch (const bench_error& e) {
        std::cerr << "fairly-bench: no sqlite3 comparison (" << e.what() << "); on Debian: apt install sqlite3\n";
    }

    ::sync();
    std::vector<std::vector<double>*> samples{&result.fairly_log, &result.bin_true, &result.sqlite};
    for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
        for (std::size_t i = 0; i < commands.size(); ++i) {
            check_interrupted();
            const std::size_t which = (round + i) % commands.size();
            const double ns = static_cast<double>(commands[which]->run());
            if (round >= options.warmup) samples[which]->push_back(ns);
        }
    }
    // Exit status 0 would also mean "spooled"; make sure each one reached the record.
    const auto recorded = home.daemon.events_recorded();
    if (recorded != static_cast<std::int64_t>(options.warmup + options.runs)) {
        throw bench_error("fairly log ran " + std::to_string(options.warmup + options.runs) + " times but fairlyd recorded " +
                          std::to_string(recorded) + " events");
    }
    return result;
}

struct ingest_case {
    std::string label;
    std::size_t events, clients, window;
    double target; // events/s
};

struct ingest_result {
    std::vector<double> rates;     // events/s, one per run
    std::vector<double> rss_after; // KiB, one per run
    std::vector<double> idle_rss;  // KiB, one per run, after init
};

/// fairly-sample --events N against a fresh daemon and database, `runs` times.
/// The rate is fairly-sample's own: from all connections open to the last reply.
ingest_result measure_ingest(const bench_options& options, const ingest_case& load) {
    ingest_result result;
    for (std::size_t run = 0; run < options.ingest_runs; ++run) {
        check_interrupted();
        // Write back what earlier runs left dirty, so their writeback does not
        // land in this run's fsyncs.
        ::sync();
        household home(options.paths, options.dir);
        std::this_thread::sleep_for(100ms);
        result.idle_rss.push_back(static_cast<double>(home.daemon.memory_kib()));
        const fs::path out = home.dir.path() / "sample.out";
        // A household's density: the events spread over ten years (about 190
        // a week for 100k), not crammed into the default eight weeks.
        prepared_command({options.paths.sample, "--socket", home.daemon.socket().string(), "--events", std::to_string(load.events),
                          "--weeks", "520",
                          "--clients", std::to_string(load.clients), "--window", std::to_string(load.window), "--seed",
                          std::to_string(run + 1), "--quiet"},
                         home.env, out, home.dir.path() / "sample.err")
            .run();
        // "fairly-sample: wrote N events over W weeks (K clients) in S s, R events/s"
        const std::string line = read_text(out);
        const auto comma = line.rfind(", ");
        if (comma == std::string::npos) throw bench_error("cannot read fairly-sample's summary: " + line);
        result.rates.push_back(std::strtod(line.c_str() + comma + 2, nullptr));
        result.rss_after.push_back(static_cast<double>(home.daemon.memory_kib()));
        const auto recorded = home.daemon.events_recorded();
        if (recorded != static_cast<std::int64_t>(load.events)) {
            throw bench_error(load.label + ": fairly-sample sent " + std::to_string(load.events) + " events but fairlyd recorded " +
                              std::to_string(recorded));
        }
    }
    return result;
}

// ------------------------------------------------------------ the report

std::string file_system_of(const fs::path& dir) {
    struct statfs facts {};
    if (::statfs(dir.c_str(), &facts) != 0) return "unknown";
    switch (static_cast<unsigned long>(facts.f_type)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs (fsync costs nothing here: durable numbers are not meaningful)";
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

void print_machine(const bench_options& options) {
    utsname system{};
    ::uname(&system);
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
    std::cout << "## fairly benchmark\n\n"
              << "- machine: " << ::sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (nproc), " << cpu_model() << ", "
              << (static_cast<long long>(pages) * page_size) / (1024 * 1024) << " MiB RAM\n"
              << "- kernel: " << system.sysname << ' ' << system.release << ' ' << system.machine << '\n'
              << "- load average at start: " << load_average() << '\n'
              << "- files: " << options.dir << " on " << file_system_of(options.dir) << '\n'
              << "- binaries: " << options.paths.fairly << ", " << options.paths.fairlyd << ", " << options.paths.sample << "\n\n";
}

/// What /bin/true usually takes on an idle machine; above 1.5 times this the report warns.
constexpr double base_true_ns = 1.0e6;

int run_bench(const bench_options& options) {
    print_machine(options);
    std::vector<table_row> rows;

    std::cerr << "fairly-bench: timing fairly log, /bin/true and sqlite3, " << options.runs << " runs each...\n";
    const latency_result latency = measure_log_latency(options);
    const double log_median = median(latency.fairly_log), true_median = median(latency.bin_true);
    const std::string n = " (n=" + std::to_string(options.runs) + ")";
    rows.push_back({"`fairly log school-run` end to end" + n, milliseconds(log_median), milliseconds(percentile(latency.fairly_log, 0.99)),
                    "≤ 3 ms", met(log_median <= 3e6)});
    rows.push_back({"`/bin/true` (process start floor)", milliseconds(true_median), milliseconds(percentile(latency.bin_true, 0.99)), "", ""});
    if (!latency.sqlite.empty()) {
        rows.push_back({"`sqlite3` one durable insert (WAL, synchronous=FULL)", milliseconds(median(latency.sqlite)),
                        milliseconds(percentile(latency.sqlite, 0.99)), "", ""});
    }
    rows.push_back({"fairly log ÷ /bin/true", format("%.2f×", log_median / true_median),
                    format("%.2f×", percentile(latency.fairly_log, 0.99) / percentile(latency.bin_true, 0.99)), "≤ 1.5×",
                    met(log_median <= 1.5 * true_median)});
    if (!latency.sqlite.empty()) {
        rows.push_back({"fairly log ÷ sqlite3 insert", format("%.2f×", log_median / median(latency.sqlite)),
                        format("%.2f×", percentile(latency.fairly_log, 0.99) / percentile(latency.sqlite, 0.99)), "", ""});
    }

    const std::vector<ingest_case> loads{
        {"ingest, 1 client, pipelined 32 in flight", options.single_events, 1, 32, 3'500},
        {"ingest, 1 client, one request at a time", options.serial_events, 1, 1, 3'500},
        {"ingest, " + std::to_string(options.many_clients) + " clients, 32 in flight each", options.many_events, options.many_clients, 32,
         50'000},
    };
    std::vector<double> idle_rss{latency.idle_rss_kib};
    std::optional<ingest_result> many;
    for (const ingest_case& load : loads) {
        std::cerr << "fairly-bench: " << load.label << ", " << load.events << " events, " << options.ingest_runs << " runs...\n";
        ingest_result result = measure_ingest(options, load);
        const double typical = median(result.rates);
        rows.push_back({load.label + " (" + count_text(load.events) + " events)", rate(typical),
                        "worst " + rate(*std::min_element(result.rates.begin(), result.rates.end())), "≥ " + rate(load.target),
                        met(typical >= load.target)});
        idle_rss.insert(idle_rss.end(), result.idle_rss.begin(), result.idle_rss.end());
        if (load.events == options.many_events) many = std::move(result);
    }

    constexpr double rss_target_kib = 16 * 1024;
    const double idle = median(idle_rss);
    rows.push_back({"fairlyd RSS idle after init (median of " + std::to_string(idle_rss.size()) + " daemons)", mebibytes(idle),
                    mebibytes(*std::max_element(idle_rss.begin(), idle_rss.end())) + " (max)", "≤ 16 MiB", met(idle <= rss_target_kib)});
    if (many) {
        const double after = median(many->rss_after);
        rows.push_back({"fairlyd RSS after " + count_text(static_cast<double>(options.many_events)) + " events", mebibytes(after),
                        mebibytes(*std::max_element(many->rss_after.begin(), many->rss_after.end())) + " (max)", "≤ 16 MiB",
                        met(after <= rss_target_kib)});
    }

    print_table(rows);
    std::cout << "\nfairly log, /bin/true and sqlite3 ran round-robin (" << options.warmup
              << " warm-up rounds not counted), each timed with CLOCK_MONOTONIC around posix_spawn and waitpid.\n"
              << "Ingest rates are fairly-sample's own (all connections open to the last reply), a fresh daemon and database each run;\n"
              << "every run's event count was checked against the daemon's. Load average at the end: " << load_average() << ".\n";
    if (true_median > 1.5 * base_true_ns) {
        std::cout << "Note: /bin/true took " << milliseconds(true_median)
                  << "; the machine was busy (or slow to start processes), so the latencies carry that noise.\n";
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    bench_options options;
    const char* tmpdir = std::getenv("TMPDIR");
    options.dir = tmpdir && *tmpdir ? tmpdir : "/tmp";

    CLI::App app{"fairly-bench: times `fairly log` end to end, fairlyd's ingest over persistent connections, and its memory.\n"
                 "Starts its own daemons on temporary sockets and databases, and removes them afterwards.",
                 "fairly-bench"};
    app.add_option("--fairly", options.paths.fairly, "the fairly CLI")->capture_default_str();
    app.add_option("--fairlyd", options.paths.fairlyd, "the daemon")->capture_default_str();
    app.add_option("--sample", options.paths.sample, "fairly-sample")->capture_default_str();
    app.add_option("--sqlite3", options.paths.sqlite3, "the sqlite3 shell, for comparison")->capture_default_str();
    app.add_option("--runs", options.runs, "timed runs of each command")->capture_default_str()->check(CLI::Range(1, 1'000'000));
    app.add_option("--single-events", options.single_events, "events for 1 pipelined client")->capture_default_str();
    app.add_option("--serial-events", options.serial_events, "events for 1 client, one at a time")->capture_default_str();
    app.add_option("--many-events", options.many_events, "events for the concurrent clients (and the RSS after)")->capture_default_str();
    app.add_option("--many-clients", options.many_clients, "concurrent clients")->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--ingest-runs", options.ingest_runs, "runs of each ingest measure")->capture_default_str()->check(CLI::Range(1, 100));
    app.add_option("--dir", options.dir, "where the temporary households go (env TMPDIR); put it on the disk you care about")
        ->capture_default_str()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);

    catch_stop_signals();
    try {
        return run_bench(options);
    } catch (const std::exception& e) {
        std::cerr << "fairly-bench: " << e.what() << '\n';
        return 1;
    }
}
