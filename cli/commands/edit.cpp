// fairly edit ID ...: a correction is a new event that supersedes the old one.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct edit_options {
    std::int64_t id = 0;
    std::string at;
    std::string length;
    std::string until;
    std::string kind;
    std::string member;
    std::string note;
    std::string role;
    std::string reason;
    bool json_output = false;
    bool long_ok = false;
};

void run_edit(const edit_options& options, context& ctx) {
    json params{{"id", options.id}};
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.length.empty()) check_length(options.length, "for"), params["for"] = options.length;
    if (!options.until.empty()) check_time(options.until, "until"), params["until"] = options.until;
    if (!options.kind.empty()) params["kind"] = options.kind;
    if (!options.member.empty()) params["member"] = options.member;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.role.empty()) params["role"] = options.role;
    if (options.long_ok) params["long"] = true;
    if (params.size() == 1) throw command_error(exit_usage, "say what to correct: --at, --for, --until, --kind, --member, --note or --role");
    if (!options.reason.empty()) check_note(options.reason, "reason"), params["reason"] = options.reason;
    auto result = ctx.write("event.edit", params);
    if (!result) return;
    if (options.json_output) {
        ctx.out << (*result)["event"].dump(2) << '\n';
        return;
    }
    ctx.out << "Corrected #" << options.id << " (" << (options.reason.empty() ? "" : options.reason + "; ")
            << "kept in the history as superseded): now " << describe_event((*result)["event"]) << '\n';
}

} // namespace

void setup_edit(CLI::App& app, context& ctx) {
    auto options = std::make_shared<edit_options>();
    CLI::App* command = app.add_subcommand("edit", "Correct an event: a new event supersedes it, history keeps both");
    command->add_option("id", options->id, "the event's number (see `fairly events`)")->required();
    command->add_option("--at", options->at, "the corrected start");
    auto* length = command->add_option("--for", options->length, "the corrected length");
    auto* until = command->add_option("--until", options->until, "the corrected end");
    length->excludes(until);
    command->add_option("--kind", options->kind, "the corrected kind");
    command->add_option("--member", options->member, "who really did it");
    command->add_option("--note", options->note, "the corrected note");
    command->add_option("--role", options->role, "noticed | planned | decided | followed-up | did");
    command->add_option("--reason", options->reason, "why it is corrected, kept beside the old entry (e.g. \"wrong night\")");
    command->add_flag("--long", options->long_ok, "it really was that long (a length far beyond the kind's usual one is refused without it)");
    command->add_flag("--json", options->json_output, "print the new event as JSON");
    command->footer("Example: fairly edit 42 --for 50m --reason \"it ran longer\"\n");
    command->callback([options, &ctx] { run_edit(*options, ctx); });
}

} // namespace fairly::cli
