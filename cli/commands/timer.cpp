// fairly start KIND / stop [KIND] / cancel [KIND] / timers: a timer for
// something in progress, and the ones running.
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
    bool long_ok = false;
};

struct cancel_options {
    std::string kind;
    std::string member;
    bool json_output = false;
};

struct timers_options {
    bool json_output = false;
};

void run_start(const start_options& options, context& ctx) {
    json params{{"kind", options.kind}};
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
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
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.member.empty()) params["member"] = options.member;
    if (options.long_ok) params["long"] = true;
    auto result = ctx.write("timer.stop", params);
    if (!result) return;
    if (options.json_output) {
        ctx.out << (*result)["event"].dump(2) << '\n';
        return;
    }
    ctx.out << "Logged " << describe_event((*result)["event"]) << '\n';
}

/// "1h20m" from a timer's running minutes.
std::string running_text(const json& timer) { return length_text(timer.value("running_minutes", 0)); }

void run_cancel(const cancel_options& options, context& ctx) {
    json params{{"reference_time", format_iso_utc(ctx.now())}};
    if (!options.kind.empty()) params["kind"] = options.kind;
    if (!options.member.empty()) params["member"] = options.member;
    if (ctx.default_member) params["default_member"] = *ctx.default_member;
    const json cancelled = ctx.call("timer.cancel", params)["cancelled"];
    if (options.json_output) return void(ctx.out << cancelled.dump(2) << '\n');
    ctx.out << "Cancelled " << cancelled.value("member", "") << "'s " << cancelled.value("kind", "") << " timer (started "
            << short_local(cancelled.value("start", "")) << "); nothing was logged. `fairly log " << cancelled.value("kind", "")
            << " --at TIME --for LENGTH` if some of it happened.\n";
}

void run_timers(const timers_options& options, context& ctx) {
    const json timers = ctx.call("timer.list", {{"reference_time", format_iso_utc(ctx.now())}})["timers"];
    if (options.json_output) return void(ctx.out << timers.dump(2) << '\n');
    if (timers.empty()) return void(ctx.out << "No timers running.\n");
    for (const json& timer : timers) {
        ctx.out << timer.value("member", "") << "  " << timer.value("kind", "") << "  since " << short_local(timer.value("start", "")) << "  ("
                << running_text(timer) << ")";
        if (timer.value("forgotten", false)) {
            ctx.out << "  - longer than a " << timer.value("kind", "") << " usually takes (" << length_text(timer.value("usual_minutes", 0))
                    << "): `fairly stop " << timer.value("kind", "") << " --at TIME` or `fairly cancel " << timer.value("kind", "") << "`";
        }
        ctx.out << '\n';
    }
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
    stop_command->add_flag("--long", stop->long_ok, "it really ran that long (far beyond the kind's usual length is refused without it)");
    stop_command->add_flag("--json", stop->json_output, "print the logged event as JSON");
    stop_command->footer("Example: fairly stop night-feed; fairly stop night-feed --at 03:40 (it ended then)\n");
    stop_command->callback([stop, &ctx] { run_stop(*stop, ctx); });

    auto cancel = std::make_shared<cancel_options>();
    CLI::App* cancel_command = app.add_subcommand("cancel", "Discard a running timer that should never have been started (nothing is logged)");
    cancel_command->add_option("kind", cancel->kind, "which timer, when several run");
    cancel_command->add_option("--member", cancel->member, "whose timer (default: you)");
    cancel_command->add_flag("--json", cancel->json_output, "print the cancelled timer as JSON");
    cancel_command->footer("Example: fairly cancel night-feed\nThe cancellation is kept in the household's record of changes.\n");
    cancel_command->callback([cancel, &ctx] { run_cancel(*cancel, ctx); });

    auto timers = std::make_shared<timers_options>();
    CLI::App* timers_command = app.add_subcommand("timers", "List the running timers: who, what, since when");
    timers_command->add_flag("--json", timers->json_output, "print the timers as JSON");
    timers_command->footer("Example: fairly timers\n");
    timers_command->callback([timers, &ctx] { run_timers(*timers, ctx); });
}

} // namespace fairly::cli
