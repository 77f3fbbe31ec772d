// fairly void ID --reason: mark a mistake; the event stays in the record.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct void_options {
    std::int64_t id = 0;
    std::string reason;
    bool json_output = false;
};

void run_void(const void_options& options, context& ctx) {
    // The reason and the person make a retry recognisable, so no UUID is needed;
    // one is still sent so a spooled void replays like any other entry.
    check_note(options.reason, "reason");
    auto result = ctx.write("event.void", json{{"id", options.id}, {"reason", options.reason}});
    if (!result) return;
    if (options.json_output) {
        ctx.out << (*result)["event"].dump(2) << '\n';
        return;
    }
    ctx.out << "Voided " << describe_event((*result)["event"]) << " (" << options.reason << ")\n";
}

} // namespace

void setup_void(CLI::App& app, context& ctx) {
    auto options = std::make_shared<void_options>();
    CLI::App* command = app.add_subcommand("void", "Void a mistaken event, with a reason (it stays in the history)");
    command->add_option("id", options->id, "the event's number (see `fairly events`)")->required();
    command->add_option("--reason", options->reason, "why, e.g. \"logged twice\"")->required();
    command->add_flag("--json", options->json_output, "print the voided event as JSON");
    command->footer("Example: fairly void 42 --reason \"logged twice\"\n");
    command->callback([options, &ctx] { run_void(*options, ctx); });
}

} // namespace fairly::cli
