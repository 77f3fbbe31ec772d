// fairly-bench: what a household would notice, measured on the real binaries:
// how long `fairly log` takes from process start to durable reply, how many
// events a daemon takes in per second over persistent connections, and how
// much memory it holds. Prints machine facts and a Markdown table. Run it
// with bench/run (a Release build); ctest never runs it.
#include "harness.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace fairly::bench;

// ------------------------------------------------------------ numbers as text

/// 1234567 ns -> "1.23 ms"
std::string milliseconds(double ns) { return format("%.2f ms", ns / 1e6); }

/// 12345.6 -> "12,346/s"
std::string rate(double per_second) { return count_text(per_second) + "/s"; }

// ------------------------------------------------------------ measures

struct bench_options {
    bench_program program{"fairly-bench", FAIRLY_BENCH_FAIRLY, FAIRLY_BENCH_FAIRLYD, {}};
    std::string sample = FAIRLY_BENCH_SAMPLE;
    std::string floor_client = FAIRLY_BENCH_FLOOR;
    std::string sqlite3 = "sqlite3";
    std::string tz; // empty: a zone where it is midday now (midday_zone)
    std::size_t runs = 300;
    std::size_t warmup = 10;
    std::size_t single_events = 20'000;
    std::size_t serial_events = 2'000;
    std::size_t many_events = 100'000;
    std::size_t many_clients = 16;
    std::size_t ingest_runs = 3;
    std::size_t history_events = 20'000;
    std::string dir = default_scratch_dir();
};

struct latency_result {
    std::string zone;                                 // the timed household's
    std::vector<double> fairly_log, bin_true, floor;  // ns, the first rotation
    std::vector<double> sqlite, bin_true_beside_sqlite; // ns, the second; sqlite empty when sqlite3 is missing
    std::vector<double> log_cpu, true_cpu;            // ns of the child's own CPU time
    std::vector<double> durable_write;                // ns: a log's WAL pages written and fdatasync'd, in-process
    std::vector<double> log_with_history;             // ns: fairly log once the household holds history_events
    double daemon_cpu_per_log = 0;                    // ns of fairlyd's CPU time, per fairly log
    double idle_rss_kib = 0;
};

/// What one `fairly log` makes durable: its WAL frames (the event, its four
/// indexes and the week's aggregate: 6 pages of 4 KiB, read off a WAL) and
/// one fdatasync, in a file of its own on the same disk, overwritten in place
/// as fairlyd's preallocated WAL is.
class durable_write_probe {
public:
    explicit durable_write_probe(const fs::path& file) : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0) throw bench_error("cannot open " + file.string());
        const std::vector<char> zeros(file_bytes, 0);
        if (::pwrite(fd_, zeros.data(), zeros.size(), 0) != static_cast<ssize_t>(zeros.size()) || ::fsync(fd_) != 0) {
            throw bench_error("cannot preallocate " + file.string());
        }
    }
    ~durable_write_probe() { ::close(fd_); }
    durable_write_probe(const durable_write_probe&) = delete;
    durable_write_probe& operator=(const durable_write_probe&) = delete;

    double run() {
        std::vector<char> page(frame_bytes, static_cast<char>(round_));
        const std::int64_t begin = monotonic_ns();
        for (int i = 0; i < pages_per_log; ++i) {
            const off_t at = static_cast<off_t>(((round_ * pages_per_log + i) * frame_bytes) % (file_bytes - frame_bytes));
            if (::pwrite(fd_, page.data(), page.size(), at) != static_cast<ssize_t>(page.size())) throw bench_error("pwrite failed");
        }
        if (::fdatasync(fd_) != 0) throw bench_error("fdatasync failed");
        ++round_;
        return static_cast<double>(monotonic_ns() - begin);
    }

    static constexpr int pages_per_log = 6;

private:
    static constexpr std::size_t frame_bytes = 4096 + 24;
    static constexpr std::size_t file_bytes = 4 * 1024 * 1024;
    int fd_;
    std::size_t round_ = 0;
};

/// A fixed-offset zone (Etc/GMT-N is N hours east of UTC) where the local
/// time is now between 11:30 and 12:30.
std::string midday_zone() {
    const auto now = std::chrono::system_clock::now();
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - std::chrono::floor<std::chrono::days>(now)).count();
    const long east = (12 * 60 - minutes + 12 * 60 + 30) / 60 - 12; // hours east of UTC, -12 to +12
    if (east == 0) return "Etc/UTC";
    return east > 0 ? "Etc/GMT-" + std::to_string(east) : "Etc/GMT+" + std::to_string(-east);
}

/// `fairly log` against a warm daemon, `/bin/true` and fairly-floor-client
/// (one event.log line and its reply, nothing else), run round-robin
/// (rotating who goes first) so the three share the machine's noise; then, in
/// a rotation of their own with `/bin/true` again, one durable insert by the
/// sqlite3 shell and the disk alone. They are kept apart because each
/// sqlite3 run makes and deletes its WAL file: that metadata is the journal's
/// to commit, and a log whose fdatasync came next waited for it (at stop 24,
/// 3.37 ms in a rotation with sqlite3 against 1.99 ms alone).
///
/// The timed household lives where it is midday. At night each load logged
/// makes fairlyd look again at that night's load for the partner's longest
/// rest, and the 600-odd logs of the rotation would all land in one night: no
/// household's night, and it made the same run 15% slower at 3 am than at noon.
latency_result measure_log_latency(const bench_options& options) {
    latency_result result;
    result.zone = options.tz.empty() ? midday_zone() : options.tz;
    household home(options.program, options.dir, result.zone);
    std::this_thread::sleep_for(200ms); // settle after init
    result.idle_rss_kib = static_cast<double>(home.daemon.memory_kib());

    const prepared_command log({options.program.fairly, "log", "school-run", "--member", "alex"}, home.env);
    const prepared_command bin_true({"/bin/true"}, home.env);
    const prepared_command floor({options.floor_client, home.daemon.socket().string()}, home.env);
    std::optional<prepared_command> sqlite;
    const fs::path scratch = home.dir.path() / "scratch.db";
    try {
        prepared_command({options.sqlite3, scratch.string(), "PRAGMA journal_mode=WAL; CREATE TABLE load (id INTEGER PRIMARY KEY, at INTEGER);"},
                         home.env, "/dev/null", home.dir.path() / "sqlite.err")
            .run();
        sqlite.emplace(std::vector<std::string>{options.sqlite3, "-cmd", "PRAGMA synchronous=FULL", scratch.string(),
                                                "INSERT INTO load (at) VALUES (strftime('%s', 'now'));"},
                       home.env);
    } catch (const bench_error& e) {
        std::cerr << "fairly-bench: no sqlite3 comparison (" << e.what() << "); on Debian: apt install sqlite3\n";
    }

    durable_write_probe probe(home.dir.path() / "durable-write.probe");
    ::sync();
    std::int64_t daemon_cpu = 0;
    // The first rotation: fairly log, /bin/true and the floor client.
    for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
        for (std::size_t i = 0; i < 3; ++i) {
            check_interrupted();
            const std::size_t which = (round + i) % 3;
            if (which == 2) {
                const double ns = static_cast<double>(floor.run_timed().elapsed_ns);
                if (round >= options.warmup) result.floor.push_back(ns);
            } else if (which == 0) {
                const std::int64_t daemon_before = home.daemon.cpu_ns();
                const run_outcome outcome = log.run_timed();
                if (round < options.warmup) continue;
                daemon_cpu += home.daemon.cpu_ns() - daemon_before;
                result.fairly_log.push_back(static_cast<double>(outcome.elapsed_ns));
                result.log_cpu.push_back(static_cast<double>(outcome.cpu_ns));
            } else {
                const run_outcome outcome = bin_true.run_timed();
                if (round < options.warmup) continue;
                result.bin_true.push_back(static_cast<double>(outcome.elapsed_ns));
                result.true_cpu.push_back(static_cast<double>(outcome.cpu_ns));
            }
        }
    }
    // The second rotation: sqlite3, the disk alone, and /bin/true for scale.
    ::sync();
    for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
        for (std::size_t i = 0; i < 3; ++i) {
            check_interrupted();
            const std::size_t which = (round + i) % 3;
            if (which == 0) {
                const double ns = probe.run();
                if (round >= options.warmup) result.durable_write.push_back(ns);
            } else if (which == 1) {
                const double ns = static_cast<double>(bin_true.run_timed().elapsed_ns);
                if (round >= options.warmup) result.bin_true_beside_sqlite.push_back(ns);
            } else if (sqlite) {
                const double ns = static_cast<double>(sqlite->run_timed().elapsed_ns);
                if (round >= options.warmup) result.sqlite.push_back(ns);
            }
        }
    }
    result.daemon_cpu_per_log = static_cast<double>(daemon_cpu) / static_cast<double>(options.runs);
    // Exit status 0 would also mean "spooled"; make sure each one reached the record.
    const auto recorded = home.daemon.events_recorded();
    if (recorded != static_cast<std::int64_t>(2 * (options.warmup + options.runs))) {
        throw bench_error("fairly log and the floor client ran " + std::to_string(options.warmup + options.runs) +
                          " times each but fairlyd recorded " + std::to_string(recorded) + " events");
    }

    // The same log once the household has years of history: it must not
    // read that history (it did, before schema 11: 7 ms at 20,000 events).
    if (options.history_events > 0) {
        prepared_command({options.sample, "--socket", home.daemon.socket().string(), "--events", std::to_string(options.history_events),
                          "--weeks", "104", "--clients", "4", "--quiet"},
                         home.env, "/dev/null", home.dir.path() / "sample.err")
            .run();
        ::sync();
        for (std::size_t round = 0; round < options.warmup + options.runs; ++round) {
            check_interrupted();
            const double ns = static_cast<double>(log.run());
            if (round >= options.warmup) result.log_with_history.push_back(ns);
        }
    }
    return result;
}

struct ingest_case {
    std::string label;
    std::size_t events, clients, window;
    double target; // events/s
    bool settle = false; // also read fairlyd's memory once it has been quiet long enough to give the burst's back
};

struct ingest_result {
    std::vector<double> rates;     // events/s, one per run
    std::vector<double> rss_after; // KiB, one per run
    std::vector<double> rss_settled; // KiB, one per run, a quiet spell after the last reply (load.settle)
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
        household home(options.program, options.dir, "Europe/London");
        std::this_thread::sleep_for(100ms);
        result.idle_rss.push_back(static_cast<double>(home.daemon.memory_kib()));
        const fs::path out = home.dir.path() / "sample.out";
        // A household's density: the events spread over ten years (about 190
        // a week for 100k), not crammed into the default eight weeks.
        prepared_command({options.sample, "--socket", home.daemon.socket().string(), "--events", std::to_string(load.events),
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
        if (load.settle) {
            // fairlyd settles after 2 s without a request (server_options::settle_after).
            std::this_thread::sleep_for(3s);
            result.rss_settled.push_back(static_cast<double>(home.daemon.memory_kib()));
        }
    }
    return result;
}

// ------------------------------------------------------------ the report

void print_machine(const bench_options& options) {
    std::string file_system = file_system_of(options.dir);
    if (file_system == "tmpfs") file_system += " (fsync costs nothing here: durable numbers are not meaningful)";
    fairly::bench::print_machine(std::cout, "fairly benchmark", options.dir, file_system, {options.program.fairly, options.program.fairlyd, options.sample});
    std::cout << '\n';
}

/// Where the median `fairly log` goes, from three commands timed in one
/// rotation: /bin/true (starting a process), the floor client (that, a
/// socket round trip and fairlyd's commit) and `fairly log` (that and the
/// CLI's own work). Under the middle row, what can be measured on its own:
/// the disk alone, and fairlyd's CPU time (/proc/PID/schedstat).
void print_breakdown(const latency_result& latency) {
    const double total = median(latency.fairly_log);
    const double start = median(latency.bin_true);
    const double floor = median(latency.floor);
    const double commit = floor - start;
    const double cli = total - floor;
    const double cli_cpu = std::max(0.0, median(latency.log_cpu) - median(latency.true_cpu));
    const auto share = [&](double ns) { return format("%.0f%%", 100.0 * ns / total); };
    std::vector<std::vector<std::string>> rows{{"where the median `fairly log` goes", "time", "share", "how it is measured"}};
    rows.push_back({"process start and exit", milliseconds(start), share(start), "/bin/true's median, in the same rotation"});
    rows.push_back({"socket round trip, fairlyd's work, the durable commit", milliseconds(commit), share(commit),
                    "fairly-floor-client less /bin/true (a static client that only sends the line and waits; it starts faster than "
                    "the dynamic /bin/true, so this row is low by that much)"});
    rows.push_back({"  of which the disk alone", milliseconds(median(latency.durable_write)), share(median(latency.durable_write)),
                    std::to_string(durable_write_probe::pages_per_log) + " WAL frames pwritten and fdatasync'd, same disk (median, second rotation)"});
    rows.push_back({"  of which fairlyd's CPU", milliseconds(latency.daemon_cpu_per_log), share(latency.daemon_cpu_per_log),
                    "its CPU time over the logs ÷ logs (/proc/PID/schedstat), the kernel's part of its writes included"});
    rows.push_back({"fairly's own work", milliseconds(cli), share(cli),
                    "fairly log less the floor client: options, JSON, output; its CPU beyond /bin/true's (wait4): " + milliseconds(cli_cpu)});
    std::cout << '\n';
    print_table(std::cout, rows);
}

/// What /bin/true usually takes on an idle machine; above 1.5 times this the report warns.
constexpr double base_true_ns = 1.0e6;

int run_bench(const bench_options& options) {
    print_machine(options);
    std::vector<std::vector<std::string>> rows{{"measure", "median", "p99", "target", "met?"}};

    std::cerr << "fairly-bench: timing fairly log, /bin/true and the floor client, then sqlite3 and the disk, " << options.runs << " runs each...\n";
    const latency_result latency = measure_log_latency(options);
    const double log_median = median(latency.fairly_log), true_median = median(latency.bin_true);
    const std::string n = " (n=" + std::to_string(options.runs) + ")";
    rows.push_back({"`fairly log school-run` end to end" + n, milliseconds(log_median), milliseconds(percentile(latency.fairly_log, 0.99)),
                    "≤ 3 ms", met(log_median <= 3e6)});
    rows.push_back({"`/bin/true` (process start floor)", milliseconds(true_median), milliseconds(percentile(latency.bin_true, 0.99)), "", ""});
    rows.push_back({"fairly-floor-client: one event.log line, nothing else", milliseconds(median(latency.floor)),
                    milliseconds(percentile(latency.floor, 0.99)), "", ""});
    rows.push_back({"floor client ÷ /bin/true (p99 ÷ p99)", format("%.2f×", median(latency.floor) / true_median),
                    format("%.2f×", percentile(latency.floor, 0.99) / percentile(latency.bin_true, 0.99)), "", ""});
    if (!latency.sqlite.empty()) {
        rows.push_back({"`sqlite3` one durable insert (WAL, synchronous=FULL)", milliseconds(median(latency.sqlite)),
                        milliseconds(percentile(latency.sqlite, 0.99)), "", ""});
    }
    rows.push_back({"fairly log ÷ /bin/true (p99 ÷ p99)", format("%.2f×", log_median / true_median),
                    format("%.2f×", percentile(latency.fairly_log, 0.99) / percentile(latency.bin_true, 0.99)), "≤ 1.5×",
                    met(log_median <= 1.5 * true_median)});
    rows.push_back({"fairly log ÷ /bin/true, p99 ÷ /bin/true's median", "",
                    format("%.2f×", percentile(latency.fairly_log, 0.99) / true_median), "≤ 3×",
                    met(percentile(latency.fairly_log, 0.99) <= 3 * true_median)});
    if (!latency.sqlite.empty()) {
        rows.push_back({"fairly log ÷ sqlite3 insert", format("%.2f×", log_median / median(latency.sqlite)),
                        format("%.2f×", percentile(latency.fairly_log, 0.99) / percentile(latency.sqlite, 0.99)), "", ""});
    }
    if (!latency.log_with_history.empty()) {
        const double with_history = median(latency.log_with_history);
        rows.push_back({"`fairly log` after " + count_text(static_cast<double>(options.history_events)) + " more events (n=" +
                            std::to_string(options.runs) + ")",
                        milliseconds(with_history), milliseconds(percentile(latency.log_with_history, 0.99)),
                        "≤ 1.2× the first", met(with_history <= 1.2 * log_median)});
    }

    const std::vector<ingest_case> loads{
        {"ingest, 1 client, pipelined 32 in flight", options.single_events, 1, 32, 3'500},
        {"ingest, 1 client, one request at a time", options.serial_events, 1, 1, 3'500},
        {"ingest, " + std::to_string(options.many_clients) + " clients, 32 in flight each", options.many_events, options.many_clients, 32,
         50'000, true},
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
        const std::string events = count_text(static_cast<double>(options.many_events)) + " events";
        rows.push_back({"fairlyd RSS at the last reply of " + events, mebibytes(median(many->rss_after)),
                        mebibytes(*std::max_element(many->rss_after.begin(), many->rss_after.end())) + " (max)", "", ""});
        const double settled = median(many->rss_settled);
        rows.push_back({"fairlyd RSS after " + events + ", then 3 s quiet", mebibytes(settled),
                        mebibytes(*std::max_element(many->rss_settled.begin(), many->rss_settled.end())) + " (max)", "≤ 16 MiB",
                        met(settled <= rss_target_kib)});
    }

    print_table(std::cout, rows);
    print_breakdown(latency);
    std::cout << "\nfairly log, /bin/true and the floor client ran round-robin, then sqlite3, the disk alone and /bin/true again in a rotation of their own\n"
              << "(/bin/true there: " << milliseconds(median(latency.bin_true_beside_sqlite)) << "; " << options.warmup
              << " warm-up rounds of each not counted), each command timed with CLOCK_MONOTONIC around posix_spawn and waitpid.\n"
              << "Their household's zone was " << latency.zone << (options.tz.empty() ? ", where it was midday" : "")
              << " (at night each logged load makes fairlyd look at that night again for the longest rest).\n"
              << "Ingest rates are fairly-sample's own (all connections open to the last reply), a fresh daemon and database each run;\n"
              << "every run's event count was checked against the daemon's. RSS is VmRSS, shared libraries' pages included; fairlyd\n"
              << "keeps what a burst grew (page cache, free heap) until 2 s pass without a request, then gives it back.\n"
              << "Load average at the end: " << load_average() << ".\n";
    if (true_median > 1.5 * base_true_ns) {
        std::cout << "Note: /bin/true took " << milliseconds(true_median)
                  << "; the machine was busy (or slow to start processes), so the latencies carry that noise.\n";
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    bench_options options;
    CLI::App app{"fairly-bench: times `fairly log` end to end, fairlyd's ingest over persistent connections, and its memory.\n"
                 "Starts its own daemons on temporary sockets and databases, and removes them afterwards.",
                 "fairly-bench"};
    add_binary_options(app, options.program, options.sample);
    app.add_option("--floor-client", options.floor_client, "fairly-floor-client")->capture_default_str();
    app.add_option("--sqlite3", options.sqlite3, "the sqlite3 shell, for comparison")->capture_default_str();
    app.add_option("--runs", options.runs, "timed runs of each command")->capture_default_str()->check(CLI::Range(1, 1'000'000));
    app.add_option("--single-events", options.single_events, "events for 1 pipelined client")->capture_default_str();
    app.add_option("--serial-events", options.serial_events, "events for 1 client, one at a time")->capture_default_str();
    app.add_option("--many-events", options.many_events, "events for the concurrent clients (and the RSS after)")->capture_default_str();
    app.add_option("--many-clients", options.many_clients, "concurrent clients")->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--history-events", options.history_events, "events added before timing fairly log again (0: not)")->capture_default_str();
    app.add_option("--ingest-runs", options.ingest_runs, "runs of each ingest measure")->capture_default_str()->check(CLI::Range(1, 100));
    app.add_option("--tz", options.tz, "the timed household's zone (default: a fixed-offset zone where it is midday now)");
    app.add_option("--dir", options.dir, "where the temporary households go (env TMPDIR); put it on the disk you care about")
        ->capture_default_str()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);

    return run_guarded(options.program, [&] { return run_bench(options); });
}
