// fairly away: a member away (travel, illness, hospital) is not drift.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct away_options {
    std::string member;
    std::string from;
    std::string to;
    std::string note;
    bool json_output = false;
};

void print_away(const json& away, std::ostream& out) {
    out << away.value("member", "") << " away " << date_as_said(away.value("from", ""), true) << " to " << date_as_said(away.value("to", ""), true) << " (" << away.value("days", 0)
        << (away.value("days", 0) == 1 ? " day" : " days") << ")";
    if (const std::string note = away.value("note", ""); !note.empty()) out << ": " << note;
    out << '\n';
}

void run_away(const away_options& options, context& ctx) {
    if (options.member.empty()) {
        if (!options.from.empty() || !options.to.empty()) throw command_error(exit_usage, "say who was away: fairly away sam --from DATE --to DATE");
        const json list = ctx.call("away.list", json::object())["away"];
        if (options.json_output) return void(ctx.out << list.dump(2) << '\n');
        if (list.empty()) return void(ctx.out << "No time away recorded: fairly away sam --from 2026-11-02 --to 2026-11-06 --note \"work trip\"\n");
        for (const json& away : list) print_away(away, ctx.out);
        return;
    }
    if (options.from.empty() || options.to.empty()) throw command_error(exit_usage, "give both days: fairly away " + options.member + " --from DATE --to DATE");
    check_time(options.from, "from");
    check_time(options.to, "to");
    json params{{"member", options.member}, {"from", options.from}, {"to", options.to}};
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    auto result = ctx.write("away.add", params);
    if (!result) return;
    if (options.json_output) return void(ctx.out << (*result)["away"].dump(2) << '\n');
    ctx.out << "Recorded: ";
    print_away((*result)["away"], ctx.out);
    ctx.out << "Those days are left out of " << options.member << "'s expected share (the others' scaled up), so they raise no drift.\n";
}

} // namespace

void setup_away(CLI::App& app, context& ctx) {
    auto options = std::make_shared<away_options>();
    CLI::App* command = app.add_subcommand("away", "Record that a member was away (travel, illness), or list the times away");
    command->add_option("member", options->member, "who was away");
    command->add_option("--from", options->from, "the first day away, e.g. 2026-11-02 or mon");
    command->add_option("--to", options->to, "the last day away (included)");
    command->add_option("--note", options->note, "why, e.g. \"work trip\"");
    command->add_flag("--json", options->json_output, "print it as JSON");
    command->footer("Days away are left out of that member's expected share: their agreed share is scaled by the days present,\n"
                    "the others' up, so a week away is not drift. Example: fairly away sam --from 2026-11-02 --to 2026-11-06 --note \"work trip\"\n");
    command->callback([options, &ctx] { run_away(*options, ctx); });
}

} // namespace fairly::cli
