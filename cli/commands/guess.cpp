// fairly guess: each partner's own estimate of their share, beside the record.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct guess_options {
    std::optional<double> share;
    std::optional<double> night;
    std::string member;
    bool json_output = false;
};

void run_guess(const guess_options& options, context& ctx) {
    json params = json::object();
    if (!options.member.empty()) params["member"] = options.member;
    json result;
    if (options.share) {
        params["share"] = *options.share;
        if (options.night) params["night"] = *options.night;
        auto written = ctx.write("guess.set", params);
        if (!written) return;
        result = *written;
    } else {
        if (options.night) throw command_error(exit_usage, "give your share of the load too: fairly guess 60 --night 40");
        params["reference_time"] = format_iso_utc(ctx.now());
        result = ctx.call("guess.list", params);
    }
    if (options.json_output) return void(ctx.out << result.dump(2) << '\n');
    const json& guesses = result["guesses"];
    const std::string this_week = result.value("this_week", "");
    const json* mine = nullptr;
    for (const json& guess : guesses) {
        if (guess.value("week", "") == this_week) mine = &guess;
    }
    if (!mine) return void(ctx.out << "No guess for this week yet: fairly guess 60 (your share of this week's load, in percent).\n");
    ctx.out << result.value("member", "") << "'s guess for the week of " << date_as_said(this_week) << ": " << share_text(mine->value("guess", 0.0)) << " of the load";
    if ((*mine)["night_guess"].is_number()) ctx.out << ", " << share_text((*mine)["night_guess"].get<double>()) << " of the nights";
    ctx.out << ".\nIt stays yours until the week is over; then the report shows it beside what the record shows.\n";
}

} // namespace

void setup_guess(CLI::App& app, context& ctx) {
    auto options = std::make_shared<guess_options>();
    CLI::App* command = app.add_subcommand("guess", "Guess your own share of this week's load, to see beside the record when the week is over");
    command->add_option("share", options->share, "your share of this week's load, in percent (60 or 60%)")->transform(percent_sign());
    command->add_option("--night", options->night, "your share of the night load, in percent")->transform(percent_sign());
    command->add_option("--member", options->member, "whose guess (default: you)");
    command->add_flag("--json", options->json_output, "print it as JSON");
    command->footer("Partners' guesses of their own share tend to add up to more than 100%: both see their own part best.\n"
                    "Example: fairly guess 60 --night 40; fairly guess (shows yours)\n");
    command->callback([options, &ctx] { run_guess(*options, ctx); });
}

} // namespace fairly::cli
