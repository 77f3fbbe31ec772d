#include "harness.hpp"

#include "client.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <utility>

extern char** environ;

namespace fairly::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Set by the handlers, read by the waits: a signal handler can only reach
// the rest of the program through flags like these.
volatile std::sig_atomic_t interrupted = 0;
volatile std::sig_atomic_t alarm_rang = 0;

extern "C" void on_stop_signal(int) { interrupted = 1; }
extern "C" void on_alarm(int) { alarm_rang = 1; }

std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

/// Columns are counted in characters, not bytes: "≤", "×" and "÷" are one each.
std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string> household_variables(const fs::path& dir, std::vector<std::string> extra) {
    std::vector<std::string> variables{"FAIRLY_SOCKET=" + (dir / "fairly.sock").string()};
    for (std::string& variable : extra) variables.push_back(std::move(variable));
    return variables;
}

} // namespace

// ------------------------------------------------------------ main

std::string default_scratch_dir() {
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

void add_binary_options(CLI::App& app, bench_program& program, std::string& sample) {
    app.add_option("--fairly", program.fairly, "the fairly CLI")->capture_default_str();
    app.add_option("--fairlyd", program.fairlyd, "the daemon")->capture_default_str();
    app.add_option("--sample", sample, "fairly-sample")->capture_default_str();
}

int run_guarded(const bench_program& program, const std::function<int()>& bench) {
    catch_signals();
    try {
        return bench();
    } catch (const std::exception& e) {
        std::cerr << program.name << ": " << e.what() << '\n';
        return 1;
    }
}

// ------------------------------------------------------------ signals and time

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

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

// ------------------------------------------------------------ children

temp_directory::temp_directory(const fs::path& parent, std::string_view name) {
    std::string pattern = (parent / (std::string(name) + ".XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw bench_error("cannot make a directory under " + parent.string() + ": " + std::strerror(errno));
    }
    path_ = pattern;
}

temp_directory::~temp_directory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

environment::environment(const fs::path& home, std::vector<std::string> extra, const std::vector<std::string>& left_out) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view variable(*entry);
        const auto kept_out = [&](std::string_view prefix) { return variable.starts_with(prefix); };
        if (kept_out("FAIRLY_") || kept_out("HOME=") || kept_out("XDG_STATE_HOME=") || std::any_of(left_out.begin(), left_out.end(), kept_out)) {
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

bool run_outcome::succeeded() const { return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

prepared_command::prepared_command(std::vector<std::string> argv, const environment& env, const fs::path& out, const fs::path& err)
    : argv_(std::move(argv)), env_(env), out_(out.string()), err_(err.string()) {
    for (std::string& word : argv_) pointers_.push_back(word.data());
    pointers_.push_back(nullptr);
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions_, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::posix_spawn_file_actions_addopen(&actions_, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

prepared_command::~prepared_command() { ::posix_spawn_file_actions_destroy(&actions_); }

pid_t prepared_command::start() const {
    pid_t pid = -1;
    const int failed = ::posix_spawnp(&pid, pointers_[0], &actions_, nullptr, pointers_.data(), env_.envp());
    if (failed != 0) throw bench_error("cannot start " + argv_[0] + ": " + std::strerror(failed));
    return pid;
}

run_outcome prepared_command::execute(std::chrono::seconds limit) const {
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
    const auto ns = [](const timeval& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(t.tv_usec) * 1000; };
    outcome.cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
    check_interrupted(); // a Ctrl-C reaches the child too: say why it stopped
    return outcome;
}

std::int64_t prepared_command::run() const { return run_timed().elapsed_ns; }

run_outcome prepared_command::run_timed() const {
    const run_outcome outcome = execute();
    if (!outcome.succeeded()) throw bench_error(failure(outcome));
    return outcome;
}

std::string prepared_command::failure(const run_outcome& outcome) const {
    std::string why = name() + " failed (" + describe_status(outcome.status) + ")";
    if (err_ != "/dev/null") why += ": " + read_text(err_);
    return why;
}

std::string prepared_command::name() const {
    std::string words;
    for (const std::string& word : argv_) words += (words.empty() ? "" : " ") + word;
    return words;
}

daemon_process::daemon_process(const bench_program& program, const fs::path& dir, const environment& env,
                               const std::vector<std::string>& daemon_args)
    : program_name_(program.name), socket_(dir / "fairly.sock"), log_(dir / "fairlyd.log") {
    std::vector<std::string> argv{program.fairlyd, "--db", (dir / "household.db").string(), "--socket", socket_.string()};
    argv.insert(argv.end(), daemon_args.begin(), daemon_args.end());
    const prepared_command command(std::move(argv), env, "/dev/null", log_);
    pid_ = command.start();
    wait_until_serving();
}

daemon_process::~daemon_process() {
    try {
        stop();
    } catch (...) {
        // A destructor never throws; the bench is already unwinding.
    }
}

std::size_t daemon_process::memory_kib(std::string_view field) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
            return std::stoul(line.substr(field.size() + 1));
        }
    }
    throw bench_error("no " + std::string(field) + " in /proc/" + std::to_string(pid_) + "/status");
}

std::int64_t daemon_process::cpu_ns() const {
    // The first field is the time spent on a CPU, in ns (the kernel's own
    // accounting, finer than the clock ticks of /proc/PID/stat).
    std::ifstream schedstat("/proc/" + std::to_string(pid_) + "/schedstat");
    std::int64_t on_cpu = -1;
    if (!(schedstat >> on_cpu)) throw bench_error("cannot read /proc/" + std::to_string(pid_) + "/schedstat");
    return on_cpu;
}

std::int64_t daemon_process::events_recorded() const {
    fairly::cli::client connection(socket_);
    return connection.call("status", nlohmann::json::object()).value("events_recorded", std::int64_t{-1});
}

int daemon_process::stop() {
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
    std::cerr << program_name_ << ": fairlyd did not stop within 5 s of SIGTERM; killing it\n";
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

void daemon_process::wait_until_serving() {
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

household::household(const bench_program& program, const fs::path& parent, const std::string& tz, std::vector<std::string> extra,
                     const std::vector<std::string>& daemon_args)
    : dir(parent, program.name), env(dir.path(), household_variables(dir.path(), std::move(extra)), program.left_out),
      daemon(program, dir.path(), env, daemon_args) {
    prepared_command({program.fairly, "init", "--member", "alex", "--member", "sam", "--tz", tz}, env, "/dev/null", dir.path() / "init.err")
        .run();
}

// ------------------------------------------------------------ statistics and the table

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

std::string count_text(double value) {
    const std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

std::string mebibytes(double kib) { return format("%.1f MiB", kib / 1024.0); }

std::string met(bool yes) { return yes ? "yes" : "**no**"; }

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(rows.front().size(), 3);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
    }
    auto line = [&](const std::vector<std::string>& row) {
        out << '|';
        for (std::size_t i = 0; i < row.size(); ++i) out << ' ' << row[i] << std::string(width[i] - display_width(row[i]), ' ') << " |";
        out << '\n';
    };
    line(rows.front());
    out << '|';
    for (std::size_t w : width) out << std::string(w + 2, '-') << '|';
    out << '\n';
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

std::string load_average() {
    std::ifstream loadavg("/proc/loadavg");
    std::string one, five, fifteen;
    loadavg >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

void print_machine(std::ostream& out, std::string_view title, const std::string& dir, const std::string& file_system,
                   const std::vector<std::string>& binaries) {
    utsname system{};
    ::uname(&system);
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
    out << "## " << title << "\n\n"
        << "- machine: " << ::sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (nproc), " << cpu_model() << ", "
        << (static_cast<long long>(pages) * page_size) / (1024 * 1024) << " MiB RAM\n"
        << "- kernel: " << system.sysname << ' ' << system.release << ' ' << system.machine << '\n'
        << "- load average at start: " << load_average() << '\n'
        << "- files: " << dir << " on " << file_system << '\n'
        << "- binaries: ";
    for (std::size_t i = 0; i < binaries.size(); ++i) out << (i == 0 ? "" : ", ") << binaries[i];
    out << '\n';
}

} // namespace fairly::bench
