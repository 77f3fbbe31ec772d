// fairly start KIND / fairly stop [KIND]: a timer for something in progress.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct start_options {
    std::string kind;
    std::string at;
    std::string note;
    std::string member;
    std::string role;
    bool json_output = false;
};

struct stop_options {
    std::string kind;
    std::string at;
    std::string note;
    std::string member;
    bool json_output = false;
};

void run_start(const start_options& options, context& ctx) {
    json params{{"kind", options.kind}};
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.note.empty()) params["note"] = options.note;
    if (!options.member.empty()) params["member"] = options.member;
    if (!options.role.empty()) params["role"] = options.role;
    auto result = ctx.write("timer.start", params);
    if (!result) return;
    const json& timer = (*result)["timer"];
    if (options.json_output) {
        ctx.out << timer.dump(2) << '\n';
        return;
    }
    ctx.out << "Started " << timer.value("kind", "") << " for " << timer.value("member", "") << " at "
            << short_local(timer.value("start", "")) << "; `fairly stop` when it is done.\n";
}

void run_stop(const stop_options& options, context& ctx) {
    json params = json::object();
    if (!options.kind.empty()) params["kind"] = options.kind;
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.note.empty()) params["note"] = options.note;
    if (!options.member.empty()) params["member"] = options.member;
    auto result = ctx.write("timer.stop", params);
    if (!result) return;
    if (options.json_output) {
        ctx.out << (*result)["event"].dump(2) << '\n';
        return;
    }
    ctx.out << "Logged " << describe_event((*result)["event"]) << '\n';
}

} // namespace

void setup_timer(CLI::App& app, context& ctx) {
    auto start = std::make_shared<start_options>();
    CLI::App* start_command = app.add_subcommand("start", "Start a timer: fairly start night-feed");
    start_command->add_option("kind", start->kind, "what is being done")->required();
    start_command->add_option("--at", start->at, "when it started (default: now)");
    start_command->add_option("--note", start->note, "a few words to remember it by");
    start_command->add_option("--member", start->member, "who is doing it (default: you)");
    start_command->add_option("--role", start->role, "noticed | planned | decided | followed-up | did (default)");
    start_command->add_flag("--json", start->json_output, "print the timer as JSON");
    start_command->footer("Example: fairly start night-feed --note \"teething\"\n");
    start_command->callback([start, &ctx] { run_start(*start, ctx); });

    auto stop = std::make_shared<stop_options>();
    CLI::App* stop_command = app.add_subcommand("stop", "Stop a timer and log the event");
    stop_command->add_option("kind", stop->kind, "which timer, when several run");
    stop_command->add_option("--at", stop->at, "when it ended (default: now)");
    stop_command->add_option("--note", stop->note, "a note to add");
    stop_command->add_option("--member", stop->member, "whose timer (default: you)");
    stop_command->add_flag("--json", stop->json_output, "print the logged event as JSON");
    stop_command->footer("Example: fairly stop night-feed\n");
    stop_command->callback([stop, &ctx] { run_stop(*stop, ctx); });
}

} // namespace fairly::cli
