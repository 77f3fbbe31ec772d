// fairly report / balance / drift: the weekly report in five formats.
#include "commands.hpp"

#include "report_render.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace fairly::cli {
namespace {

struct report_options {
    std::string week;
    std::string last;
    std::string from;
    std::string to;
    std::string format = "text";
    std::string output;
};

json report_params(const report_options& options, const context& ctx) {
    json params{{"reference_time", format_iso_utc(ctx.now())}};
    if (!options.week.empty()) check_time(options.week, "week"), params["week"] = options.week;
    if (!options.last.empty()) params["last"] = options.last;
    if (!options.from.empty()) check_time(options.from, "from"), params["from"] = options.from;
    if (!options.to.empty()) check_time(options.to, "to"), params["to"] = options.to;
    return params;
}

/// Colour only for a person at a terminal, and never with NO_COLOR set.
bool use_colour(const report_options& options) {
    const char* no_colour = std::getenv("NO_COLOR");
    return options.output.empty() && ::isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
}

void emit(const std::string& body, const report_options& options, context& ctx) {
    if (options.output.empty() || options.output == "-") {
        ctx.out << body;
        return;
    }
    std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
    file << body;
    file.close();
    if (!file) throw command_error(exit_io, "cannot write " + options.output);
    ctx.err << "fairly: wrote " << options.output << '\n';
}

void run_report(const report_options& options, context& ctx) {
    json report = ctx.call("report", report_params(options, ctx));
    std::string body;
    if (options.format == "json") body = report.dump(2) + "\n";
    else if (options.format == "csv") body = render::csv(report);
    else if (options.format == "md") body = render::markdown(report);
    else if (options.format == "html") body = render::html(report);
    else body = render::text(report, use_colour(options));
    emit(body, options, ctx);
}

void run_balance(const report_options& options, context& ctx) {
    json params = report_params(options, ctx);
    json report = ctx.call("balance", params);
    emit(options.format == "json" ? report.dump(2) + "\n" : render::balance_text(report, use_colour(options)), options, ctx);
}

struct drift_options {
    std::optional<double> slack;
    std::optional<double> threshold;
    bool json_output = false;
};

void run_drift(const drift_options& options, context& ctx) {
    json params = json::object();
    if (options.slack) params["slack"] = *options.slack / 100.0;
    if (options.threshold) params["threshold"] = *options.threshold / 100.0;
    json settings = ctx.call("drift.set", params);
    if (options.json_output) return void(ctx.out << settings.dump(2) << '\n');
    ctx.out << "Drift: a weekly share more than " << number_text(settings.value("slack", 0.0) * 100) << " points off the agreed share adds up; "
            << "an alert when it adds up to more than " << number_text(settings.value("threshold", 0.0) * 100) << " points.\n";
}

} // namespace

void setup_report(CLI::App& app, context& ctx) {
    auto options = std::make_shared<report_options>();
    CLI::App* command = app.add_subcommand("report", "The weekly report: shares against the agreed split, night, drift, thanks");
    auto* week = command->add_option("--week", options->week, "the week containing this date (default: this week)");
    auto* last = command->add_option("--last", options->last, "the last N weeks, e.g. 12w");
    auto* from = command->add_option("--from", options->from, "from this date (with --to)");
    auto* to = command->add_option("--to", options->to, "to this date, inclusive");
    week->excludes(last)->excludes(from)->excludes(to);
    last->excludes(from)->excludes(to);
    from->needs(to);
    to->needs(from);
    command->add_option("--format", options->format, "text | json | csv | md | html")
        ->check(CLI::IsMember({"text", "json", "csv", "md", "html"}))->capture_default_str();
    command->add_option("-o,--output", options->output, "write to this file instead of the terminal");
    command->footer("Example: fairly report --last 8w --format html -o week.html\n");
    command->callback([options, &ctx] { run_report(*options, ctx); });

    auto balance = std::make_shared<report_options>();
    balance->last = "4w";
    CLI::App* balance_command = app.add_subcommand("balance", "The running balance against the agreed split, in hours");
    balance_command->add_option("--last", balance->last, "how many weeks")->capture_default_str();
    balance_command->add_option("--format", balance->format, "text | json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    balance_command->footer("Example: fairly balance --last 4w\n");
    balance_command->callback([balance, &ctx] { run_balance(*balance, ctx); });

    auto drift = std::make_shared<drift_options>();
    CLI::App* drift_command = app.add_subcommand("drift", "Show or set how the report detects a slow drift (in points of share)");
    drift_command->add_option("--slack", drift->slack, "weekly deviation tolerated, in points (default 2)")->check(CLI::Range(0.0, 99.0));
    drift_command->add_option("--threshold", drift->threshold, "accumulated excess that raises the alert, in points (default 6)")
        ->check(CLI::Range(0.1, 999.0));
    drift_command->add_flag("--json", drift->json_output, "print the settings as JSON");
    drift_command->footer("Example: fairly drift --slack 2 --threshold 6\n");
    drift_command->callback([drift, &ctx] { run_drift(*drift, ctx); });
}

} // namespace fairly::cli
