// fairly moved: a meeting (or other work) moved, cancelled or shortened for care.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct moved_options {
    std::string what;
    std::string for_kind;
    std::optional<std::int64_t> for_event;
    std::string impact;
    std::string at;
    std::string note;
    std::string member;
    bool json_output = false;
};

void run_moved(const moved_options& options, context& ctx) {
    json params{{"what", options.what}};
    if (!options.for_kind.empty()) params["for"] = options.for_kind;
    if (options.for_event) params["for_event"] = *options.for_event;
    if (!options.impact.empty()) params["impact"] = options.impact;
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.member.empty()) params["member"] = options.member;
    auto result = ctx.write("moved.log", params);
    if (!result) return;
    const json& moved = (*result)["moved"];
    if (options.json_output) return void(ctx.out << moved.dump(2) << '\n');
    ctx.out << "Noted: " << moved.value("member", "") << "'s \"" << moved.value("what", "") << "\" on " << short_local(moved.value("at", ""));
    if (moved["for_kind"].is_string()) ctx.out << " for " << moved["for_kind"].get<std::string>();
    ctx.out << " (" << moved.value("impact", "") << "). A career cost, reported beside the load, not in it.\n";
}

} // namespace

void setup_moved(CLI::App& app, context& ctx) {
    auto options = std::make_shared<moved_options>();
    CLI::App* command = app.add_subcommand("moved", "Note a meeting or work moved, cancelled or shortened for care");
    command->add_option("what", options->what, "what was moved, e.g. \"management meeting\"")->required();
    command->add_option("--for", options->for_kind, "for which kind of task (e.g. school-run)");
    command->add_option("--for-event", options->for_event, "for which logged event (its number)");
    command->add_option("--impact", options->impact, "minor (default) | major | missed");
    command->add_option("--at", options->at, "when the meeting was (default: now)");
    command->add_option("--note", options->note, "a few words");
    command->add_option("--member", options->member, "whose meeting it was (default: you)");
    command->add_flag("--json", options->json_output, "print the record as JSON");
    command->footer("Example: fairly moved \"management meeting\" --for school-run --impact missed --at \"tue 09:00\"\n");
    command->callback([options, &ctx] { run_moved(*options, ctx); });
}

} // namespace fairly::cli
