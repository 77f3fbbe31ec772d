// fairly-report-bench: how long `fairly report` takes as the household's
// history grows, end to end on the real binaries, beside the same sums done
// the plain way on the same data: the sqlite3 shell grouping the raw events,
// and timewarrior summarising the same intervals from its own data files.
// For each size it loads a generated history into a fresh fairlyd and
// database, times the reports, then stops the daemon and runs the others on
// a copy. Prints machine facts and a Markdown table. Run it with
// bench/run-report (a Release build); ctest never runs it.
// The process plumbing, the households, the statistics and the table are
// bench/harness.hpp's, shared with fairly-bench.
#include "harness.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace fairly::bench;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

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

// ------------------------------------------------------------ numbers as text

/// 3.2 ms, 412.0 ms, 12.4 s
std::string duration_text(double ns) {
    if (ns >= 10e9) return format("%.1f s", ns / 1e9);
    if (ns >= 1e9) return format("%.2f s", ns / 1e9);
    if (ns >= 100e6) return format("%.0f ms", ns / 1e6);
    return format("%.2f ms", ns / 1e6);
}

/// Memory as MiB, or GiB from one up.
std::string memory_text(double kib) {
    if (kib >= 1024.0 * 1024.0) return format("%.2f GiB", kib / (1024.0 * 1024.0));
    return mebibytes(kib);
}

/// 10000 -> "10k", 1000000 -> "1M"
std::string size_label(std::size_t events) {
    if (events >= 1'000'000 && events % 1'000'000 == 0) return std::to_string(events / 1'000'000) + "M";
    if (events >= 1'000 && events % 1'000 == 0) return std::to_string(events / 1'000) + "k";
    return count_text(static_cast<double>(events));
}

// ------------------------------------------------------------ measures

struct bench_options {
    bench_program program{"fairly-report-bench", FAIRLY_BENCH_FAIRLY, FAIRLY_BENCH_FAIRLYD, {"TZ=", "TIMEWARRIORDB="}};
    std::string sample = FAIRLY_BENCH_SAMPLE;
    std::string sqlite3 = "sqlite3";
    std::string timew = "timew";
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
    bool with_timew = true;
    std::string dir = default_scratch_dir();
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
    prepared_command({options.sample, "--socket", home.daemon.socket().string(), "--events", std::to_string(events), "--weeks",
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
    household home(options.program, options.dir, tz, {"FAIRLY_NOW=" + options.now});
    const fs::path dir = home.dir.path();
    const environment tools(dir, {"TZ=" + tz, "TIMEWARRIORDB=" + (dir / "timew").string()}, options.program.left_out);

    std::cerr << "fairly-report-bench: " << label << ": loading " << count_text(static_cast<double>(events)) << " events over "
              << options.weeks << " weeks...\n";
    std::tie(result.load_seconds, result.load_rate) = load_history(options, home, events);

    // The history's first and last local days, read beside the live daemon.
    const std::string span = output_of({options.sqlite3, "-readonly", home.database().string(),
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
    const prepared_command report({options.program.fairly, "report"}, home.env, "/dev/null", dir / "report.err");
    const prepared_command bin_true({"/bin/true"}, home.env);
    const prepared_command report_all({options.program.fairly, "report", "--from", result.first_day, "--to", result.last_day}, home.env,
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
        const prepared_command all_as_json({options.program.fairly, "report", "--from", result.first_day, "--to", result.last_day, "--format",
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
        week_json = json::parse(output_of({options.program.fairly, "report", "--format", "json"}, home.env, dir / "week.json", dir / "week.err"));
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
    const prepared_command sqlite_week({options.sqlite3, "-readonly", copy.string(), week_sql}, tools, "/dev/null", dir / "sqlite.err");
    const prepared_command sqlite_all({options.sqlite3, "-readonly", copy.string(), all_sql}, tools, "/dev/null", dir / "sqlite.err");
    {
        // Untimed: what they answer, checked against the reports.
        const member_sums sql_week = parse_member_sums(output_of({options.sqlite3, "-readonly", copy.string(), week_sql}, tools,
                                                                 dir / "sqlite.out", dir / "sqlite.err"));
        const member_sums sql_total = parse_member_sums(output_of({options.sqlite3, "-readonly", copy.string(), member_sums_sql("")},
                                                                  tools, dir / "sqlite.out", dir / "sqlite.err"));
        const std::string all_rows = output_of({options.sqlite3, "-readonly", copy.string(), all_sql}, tools, dir / "sqlite.out",
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

    if (!options.with_timew) return result;

    // timewarrior on the same intervals (every active event, all kinds),
    // exported from the copy and written as its own data files.
    std::cerr << "fairly-report-bench: " << label << ": timewarrior data...\n";
    prepared_command({options.sqlite3, "-readonly", "-separator", " ", copy.string(),
                      "SELECT e.start_utc, coalesce(e.end_utc, e.start_utc + k.default_seconds), k.name, m.name FROM event e "
                      "JOIN kind k ON k.id = e.kind_id JOIN member m ON m.id = e.member_id WHERE e.status = 'active' "
                      "ORDER BY e.start_utc, e.id;"},
                     tools, dir / "events.txt", dir / "export.err")
        .run();
    result.timew_bytes = write_timewarrior_db(dir / "events.txt", dir / "timew", tz);
    fs::remove(dir / "events.txt");

    // "This week" as explicit local dates: what `timew summary :week` means on
    // the fixed day, whatever the machine's clock says.
    const prepared_command timew_week({options.timew, "summary", date_text(this_week), "-", date_text(this_week + days{7})}, tools,
                                      dir / "timew.out", dir / "timew.err");
    const run_outcome first = timew_week.execute(std::chrono::seconds{options.timew_limit});
    const std::string week_output = read_text(dir / "timew.out");
    if (!first.succeeded() || week_output.find("No filtered data") != std::string::npos) {
        throw bench_error("timew summary of this week did not work (" + describe_status(first.status) + "): " + first_line(week_output) +
                          read_text(dir / "timew.err"));
    }
    std::cerr << "fairly-report-bench: " << label << ": timew summary this week, " << options.compare_runs << " runs...\n";
    const prepared_command timew_week_quiet({options.timew, "summary", date_text(this_week), "-", date_text(this_week + days{7})},
                                            tools, "/dev/null", dir / "timew.err");
    for (std::size_t round = 0; round < options.compare_runs; ++round) {
        const run_outcome outcome = timew_week_quiet.execute(std::chrono::seconds{options.timew_limit});
        if (!outcome.succeeded()) throw bench_error(timew_week_quiet.failure(outcome));
        result.timew_week.push_back(static_cast<double>(outcome.elapsed_ns));
    }
    // All history: once, bounded, --to inclusive as for the report.
    std::cerr << "fairly-report-bench: " << label << ": timew summary of all history, once (limit " << options.timew_limit << " s)...\n";
    const prepared_command timew_all({options.timew, "summary", result.first_day, "-", date_text(last_day + days{1})}, tools,
                                     "/dev/null", dir / "timew.err");
    result.timew_all = timew_all.execute(std::chrono::seconds{options.timew_limit});
    if (!result.timew_all->timed_out && !result.timew_all->succeeded()) throw bench_error(timew_all.failure(*result.timew_all));
    return result;
}

// ------------------------------------------------------------ the report

std::string version_of(const bench_options& options, const std::string& program) {
    const temp_directory dir(options.dir, options.program.name);
    const environment env(dir.path(), {}, options.program.left_out);
    try {
        return first_line(output_of({program, "--version"}, env, dir.path() / "version", dir.path() / "version.err"));
    } catch (const bench_error&) {
        return "not found";
    }
}

void print_machine(const bench_options& options) {
    fairly::bench::print_machine(std::cout, "fairly report benchmark", options.dir, file_system_of(options.dir),
                                 {options.program.fairly, options.program.fairlyd, options.sample});
    std::cout << "- sqlite3 " << version_of(options, options.sqlite3).substr(0, 30) << "; timew "
              << (options.with_timew ? version_of(options, options.timew) : "not run") << '\n'
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
    row("database file", [](const size_result& r) { return memory_text(static_cast<double>(r.database_bytes) / 1024.0); });
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
    row("fairlyd RSS after the reports", [](const size_result& r) { return memory_text(r.daemon_rss_kib); });
    row("`sqlite3` this week per member, raw events (start_utc index), median" + n_compare,
        [](const size_result& r) { return duration_text(median(r.sqlite_week)); });
    row("`sqlite3` per week per member, all history (full scan), median" + n_compare,
        [](const size_result& r) { return duration_text(median(r.sqlite_all)); });
    if (options.with_timew) {
        row("timewarrior data files", [](const size_result& r) { return memory_text(static_cast<double>(r.timew_bytes) / 1024.0); });
        row("`timew summary` this week, median" + n_compare, [](const size_result& r) { return duration_text(median(r.timew_week)); });
        row("`timew summary <first> - <last>` (10 years), once; peak RSS",
            [&](const size_result& r) {
                if (!r.timew_all) return std::string("not run");
                if (r.timew_all->timed_out) return "timed out (" + std::to_string(options.timew_limit) + " s), " + memory_text(static_cast<double>(r.timew_all->peak_rss_kib));
                return duration_text(static_cast<double>(r.timew_all->elapsed_ns)) + ", " + memory_text(static_cast<double>(r.timew_all->peak_rss_kib));
            });
    }
    print_table(std::cout, rows);

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
    if (options.with_timew) {
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
    CLI::App app{"fairly-report-bench: times `fairly report` end to end on generated histories of growing size, beside the same sums\n"
                 "by the sqlite3 shell on the raw events and by `timew summary` on the same intervals. Starts its own daemons on\n"
                 "temporary sockets and databases and removes them afterwards. Exit 0: targets met; 2: a target missed.",
                 "fairly-report-bench"};
    add_binary_options(app, options.program, options.sample);
    app.add_option("--sqlite3", options.sqlite3, "the sqlite3 shell (Debian: apt install sqlite3)")->capture_default_str();
    app.add_option("--timew", options.timew, "timewarrior (Debian: apt install timewarrior)")->capture_default_str();
    app.add_flag("!--no-timew", options.with_timew, "leave timewarrior out");
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

    return run_guarded(options.program, [&] { return run_bench(options); });
}
