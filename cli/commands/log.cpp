// fairly log KIND: record something a member did (or noticed, planned, ...).
#include "commands.hpp"

#include <algorithm>

namespace fairly::cli {
namespace {

struct log_options {
    std::string kind;
    std::string at;
    std::string length;
    std::string until;
    std::string note;
    std::vector<std::string> members;
    std::string role;
    bool json_output = false;
    bool long_ok = false;
};

/// "looks like #69, logged a minute ago; `fairly void 70 --reason 'logged twice'` if so".
std::string looks_like_text(const json& similar, std::int64_t id) {
    const std::int64_t ago = similar.value("seconds_ago", 0);
    const std::string when = ago < 45 ? "just now" : ago < 90 ? "a minute ago" : std::to_string((ago + 30) / 60) + " minutes ago";
    return "looks like #" + std::to_string(similar.value("id", 0)) + ", logged " + when + "; `fairly void " + std::to_string(id) +
           " --reason 'logged twice'` if so";
}

void run_log(const log_options& options, context& ctx) {
    json params{{"kind", options.kind}};
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.length.empty()) check_length(options.length, "for"), params["for"] = options.length;
    if (!options.until.empty()) check_time(options.until, "until"), params["until"] = options.until;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.role.empty()) params["role"] = options.role;
    if (options.long_ok) params["long"] = true;
    // Several members (couple time, a shared task): one event each, each
    // with its own UUID, so each is its own entry in the record.
    // A name given twice is one member: each is logged once.
    std::vector<std::string> members;
    for (const std::string& member : options.members) {
        if (std::find(members.begin(), members.end(), member) == members.end()) members.push_back(member);
    }
    if (members.empty()) members.emplace_back();
    json logged = json::array();
    for (const std::string& member : members) {
        json one = params;
        if (!member.empty()) one["member"] = member;
        auto result = ctx.write("event.log", one);
        if (!result) continue; // spooled; already said so
        if (options.json_output) {
            json event = (*result)["event"];
            if (result->contains("looks_like")) event["looks_like"] = (*result)["looks_like"];
            logged.push_back(std::move(event));
            continue;
        }
        ctx.out << ((*result).value("duplicate", false) ? "Already logged " : "Logged ") << describe_event((*result)["event"]) << '\n';
        if (result->contains("looks_like")) ctx.out << "  " << looks_like_text((*result)["looks_like"], (*result)["event"].value("id", 0)) << '\n';
    }
    if (options.json_output && !logged.empty()) ctx.out << (logged.size() == 1 ? logged[0] : logged).dump(2) << '\n';
}

} // namespace

void setup_log(CLI::App& app, context& ctx) {
    auto options = std::make_shared<log_options>();
    CLI::App* command = app.add_subcommand("log", "Log something done: fairly log night-feed --at 03:10 --for 35m");
    command->add_option("kind", options->kind, "what was done (see `fairly kinds`)")->required();
    command->add_option("--at", options->at,
                        "when it started: now, 03:10, 3:10am, \"yesterday 22:40\", \"yesterday 3am\", \"mon 09:00\", -40m, 2026-10-25, \"2026-10-25 00:30\", ISO 8601 "
                        "(default: now, or --for before now)");
    auto* length = command->add_option("--for", options->length, "how long: 35m, 1h20m, 1.5h (without --at: it just ended)");
    auto* until = command->add_option("--until", options->until, "when it ended; with --for it lasted that long, alone its kind's usual length");
    length->excludes(until);
    command->add_option("--note", options->note, "a few words to remember it by");
    command->add_option("--member", options->members, "who did it (default: you, or FAIRLY_MEMBER); repeat for several");
    command->add_option("--role", options->role, "noticed | planned | decided | followed-up | did (default)");
    command->add_flag("--long", options->long_ok, "it really was that long (a length far beyond the kind's usual one is refused without it)");
    command->add_flag("--json", options->json_output, "print the stored event as JSON");
    command->footer("Example: fairly log night-feed --at 03:10 --for 35m --note \"teething\"\n");
    command->callback([options, &ctx] { run_log(*options, ctx); });
}

} // namespace fairly::cli
