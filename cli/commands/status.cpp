// fairly status: is fairlyd there, which database, how much is recorded.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct status_options {
    bool json_output = false;
};

void run_status(const status_options& options, context& ctx) {
    json status = ctx.call("status", json::object());
    if (options.json_output) {
        ctx.out << status.dump(2) << '\n';
        return;
    }
    ctx.out << "fairlyd " << status.value("version", "") << " at " << ctx.socket << '\n'
            << "database   " << status.value("database", "") << " (schema " << status.value("schema_version", 0) << ")\n";
    if (!status.value("initialized", false)) {
        ctx.out << "household  not set up yet: fairly init --member NAME --member NAME --tz ZONE\n";
        return;
    }
    ctx.out << "household  " << status.value("tz", "") << ";";
    for (const json& member : status["members"]) ctx.out << ' ' << member.value("name", "") << ' ' << share_text(member.value("agreed_share", 0.0));
    ctx.out << "\nevents     " << status.value("events", 0) << " active, " << status.value("events_recorded", 0) << " recorded in all\n"
            << "timers     " << status.value("timers_running", 0) << " running";
    std::string separator = ": ";
    for (const json& timer : status.value("timers", json::array())) {
        ctx.out << separator << timer.value("member", "") << "'s " << timer.value("kind", "") << " since " << short_local(timer.value("start", ""));
        separator = "; ";
    }
    ctx.out << '\n';
    const json& caller = status["caller"];
    ctx.out << "you        uid " << caller.value("uid", -1) << ", "
            << (caller["member"].is_string() ? "member " + caller["member"].get<std::string>() : std::string("not bound to a member")) << '\n';
}

} // namespace

void setup_status(CLI::App& app, context& ctx) {
    auto options = std::make_shared<status_options>();
    CLI::App* command = app.add_subcommand("status", "Show the daemon's version, database and event count");
    command->add_flag("--json", options->json_output, "print the status as JSON");
    command->footer("Example: fairly status --json\n");
    command->callback([options, &ctx] { run_status(*options, ctx); });
}

} // namespace fairly::cli
