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
    if (!file) throw cannot_write(options.output);
    file << body;
    file.close();
    if (!file) throw cannot_write(options.output);
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
    bool talked = false;
    std::string note;
    bool json_output = false;
};

/// 168 weeks -> "about once in 3 years"; 40 -> "about once in 9 months".
std::string once_in(double weeks) {
    const double years = weeks / 52.18;
    if (years >= 1.5) return "about once in " + std::to_string(static_cast<int>(std::lround(years))) + " years";
    if (years >= 0.9) return "about once a year";
    return "about once in " + std::to_string(std::max(1, static_cast<int>(std::lround(weeks / 4.35)))) + " months";
}

/// 8.4 weeks -> "about two months (8 weeks)".
std::string within(double weeks) {
    const long whole = std::lround(weeks);
    if (weeks < 6) return "in about " + std::to_string(whole) + (whole == 1 ? " week" : " weeks");
    const long months = std::lround(weeks / 4.35);
    static const char* const spelled[] = {"", "a month", "two months", "three months", "four months", "five months", "six months"};
    const std::string month_text = months >= 1 && months <= 6 ? spelled[months] : std::to_string(months) + " months";
    return "in about " + month_text + " (" + std::to_string(whole) + " weeks)";
}

void run_drift(const drift_options& options, context& ctx) {
    json params = json::object();
    if (options.slack) params["slack"] = *options.slack;
    if (options.threshold) params["threshold"] = *options.threshold;
    if (options.talked) params["talked"] = true;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (ctx.default_member) params["default_member"] = *ctx.default_member;
    params["reference_time"] = format_iso_utc(ctx.now());
    json settings = ctx.call("drift.set", params);
    if (options.json_output) return void(ctx.out << settings.dump(2) << '\n');
    if (options.talked) ctx.out << "Noted that you talked about it; the drift detector starts again from this week.\n";
    const double slack = settings.value("slack", 0.5), threshold = settings.value("threshold", 4.0);
    if (settings.value("learning", false)) {
        ctx.out << "fairly is still learning how much this household's weeks vary: " << settings.value("weeks_learned", 0) << " of "
                << settings.value("learning_weeks", 6) << " weeks with load so far. Until then it does not speak of a drift.\n";
    } else {
        const double sigma = settings.value("sigma", 0.0);
        ctx.out << "This household's weekly shares vary by about " << number_text(sigma * 100) << " points from week to week (sigma, from "
                << settings.value("weeks_learned", 0) << " weeks with load).\n";
    }
    ctx.out << "Slack " << number_text(slack) << " sigma, threshold " << number_text(threshold) << " sigma: in a steady household a false alert "
            << once_in(settings.value("weeks_between_false_alerts", 0.0));
    if (settings["weeks_to_find_5_points"].is_number()) {
        ctx.out << "; a steady change of 5 points found " << within(settings["weeks_to_find_5_points"].get<double>());
    }
    ctx.out << ".\nA single week more than " << number_text(settings.value("band", 3.0)) << " sigma off the agreed share is mentioned on its own.\n";
    if (settings["talked"].is_object()) {
        const json& talked = settings["talked"];
        ctx.out << "Last talked about: " << short_local(talked.value("at", "")) << ", " << talked.value("by", "");
        if (!talked.value("note", "").empty()) ctx.out << " (\"" << talked.value("note", "") << "\")";
        ctx.out << ".\n";
    }
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
    CLI::App* drift_command = app.add_subcommand(
        "drift", "Show or set how the report detects a slow drift, in units of the household's own weekly variation (sigma)");
    drift_command->add_option("--slack", drift->slack, "weekly deviation tolerated as noise, in sigma (default 0.5)")->check(CLI::Range(0.0, 9.99));
    drift_command->add_option("--threshold", drift->threshold, "accumulated excess that raises the alert, in sigma (default 4)")
        ->check(CLI::Range(0.1, 49.9));
    drift_command->add_flag("--talked", drift->talked, "we have talked about the current alert: start the detector again from this week");
    drift_command->add_option("--note", drift->note, "a few words on what you agreed, with --talked");
    drift_command->add_flag("--json", drift->json_output, "print the settings as JSON");
    drift_command->footer("Examples: fairly drift\n          fairly drift --slack 0.5 --threshold 4\n          fairly drift --talked --note \"we swap Tuesdays\"\n");
    drift_command->callback([drift, &ctx] { run_drift(*drift, ctx); });
}

} // namespace fairly::cli
