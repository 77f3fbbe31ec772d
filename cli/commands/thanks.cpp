// fairly thanks MEMBER "note": a small appreciation; `fairly thanks` lists them.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct thanks_options {
    std::string to;
    std::string note;
    std::string from;
    std::string since;
    bool json_output = false;
};

void run_thanks(const thanks_options& options, context& ctx) {
    if (options.to.empty()) {
        json params = json::object();
        if (!options.since.empty()) check_time(options.since, "since"), params["since"] = options.since;
        params["reference_time"] = format_iso_utc(ctx.now());
        json thanks = ctx.call("thanks.list", params)["thanks"];
        if (options.json_output) return void(ctx.out << thanks.dump(2) << '\n');
        if (thanks.empty()) return void(ctx.out << "No thanks recorded yet.\n");
        for (const json& item : thanks) {
            const std::string note = item.value("note", "");
            ctx.out << short_local(item.value("at", "")) << "  " << item.value("from", "") << " to " << item.value("to", "") << (note.empty() ? "" : ": " + note)
                    << '\n';
        }
        return;
    }
    json params{{"to", options.to}};
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.from.empty()) params["member"] = options.from;
    auto result = ctx.write("thanks.give", params);
    if (!result) return;
    if (options.json_output) return void(ctx.out << (*result)["thanks"].dump(2) << '\n');
    const json& thanks = (*result)["thanks"];
    const std::string note = thanks.value("note", "");
    ctx.out << "Thanks from " << thanks.value("from", "") << " to " << thanks.value("to", "") << " noted" << (note.empty() ? "." : ": " + note) << '\n';
}

} // namespace

void setup_thanks(CLI::App& app, context& ctx) {
    auto options = std::make_shared<thanks_options>();
    CLI::App* command = app.add_subcommand("thanks", "Thank a member (or, with no member, list the thanks)");
    command->add_option("member", options->to, "who to thank");
    command->add_option("note", options->note, "what for (optional)");
    command->add_option("--member,--from", options->from, "who is thanking (default: you)");
    command->add_option("--since", options->since, "when listing: from when");
    command->add_flag("--json", options->json_output, "print as JSON");
    command->footer("Example: fairly thanks sam \"got up twice so I could sleep\"   (or just: fairly thanks sam)\n");
    command->callback([options, &ctx] { run_thanks(*options, ctx); });
}

} // namespace fairly::cli
