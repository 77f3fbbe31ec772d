// fairly events: the record, newest last.
#include "commands.hpp"
#include "spelling.hpp"

#include "time_expr.hpp"

#include <iomanip>

namespace fairly::cli {
namespace {

struct events_options {
    std::string since;
    std::string until;
    std::string member;
    std::string kind;
    bool all = false;
    bool json_output = false;
};

void run_events(const events_options& options, context& ctx) {
    json params = json::object();
    if (!options.since.empty()) check_time(options.since, "since"), params["since"] = options.since;
    if (!options.until.empty()) check_time(options.until, "until"), params["until"] = options.until;
    if (!options.member.empty()) params["member"] = options.member;
    if (!options.kind.empty()) params["kind"] = options.kind;
    if (options.all) params["all"] = true;
    params["reference_time"] = format_iso_utc(ctx.now());
    json result = ctx.call("events.list", params);
    const json& events = result["events"];
    if (options.json_output) {
        ctx.out << events.dump(2) << '\n';
        return;
    }
    if (events.empty()) {
        ctx.out << "No events since " << short_local(result.value("since", "")) << ".\n";
        return;
    }
    // Widths in characters, so Zoë's column lines up like alex's.
    auto width_of = [](const std::string& text) { return fairly::utf8_length(text).value_or(text.size()); };
    auto padded = [&](const std::string& text, std::size_t width) { return text + std::string(width - std::min(width, width_of(text)), ' '); };
    std::size_t member_width = 6, kind_width = 4, when_width = 16;
    auto when_of = [](const json& event) { return event.value("when", short_local(event.value("start", ""))); };
    for (const json& event : events) {
        when_width = std::max(when_width, width_of(when_of(event))); // "Sun 25 Oct 01:30 BST" on the night the clocks go back
        member_width = std::max(member_width, width_of(event.value("member", "")));
        kind_width = std::max(kind_width, width_of(event.value("kind", "")));
    }
    ctx.out << std::left << std::setw(7) << "ID" << std::setw(static_cast<int>(when_width + 2)) << "WHEN" << std::setw(8) << "LENGTH"
            << std::setw(static_cast<int>(member_width + 2)) << "MEMBER" << std::setw(static_cast<int>(kind_width + 2)) << "KIND"
            << "NOTE\n";
    for (const json& event : events) {
        std::string length = length_text(event.value("minutes", 0.0));
        if (event.value("instant", false)) length = "~" + length;
        std::string note = event.value("note", "");
        if (event.value("role", "did") != "did") note = "[" + event.value("role", "") + "] " + note;
        if (event.value("logged_for_other", false) && event["logged_by"].is_string()) {
            note += (note.empty() ? "" : " ") + std::string("(logged by ") + event["logged_by"].get<std::string>() + ")";
        }
        if (event["review"] == "disputed") note = "DISPUTED: " + event.value("dispute_reason", "") + (note.empty() ? "" : " | " + note);
        if (event.value("status", "active") != "active") {
            note = event.value("status", "") + (event["void_reason"].is_string() ? ": " + event["void_reason"].get<std::string>() : "") +
                   (note.empty() ? "" : " | " + note);
        }
        ctx.out << std::left << std::setw(7) << ("#" + std::to_string(event.value("id", 0))) << std::setw(static_cast<int>(when_width + 2))
                << when_of(event) << std::setw(8) << length << padded(event.value("member", ""), member_width + 2)
                << padded(event.value("kind", ""), kind_width + 2) << note << '\n';
    }
    ctx.out << events.size() << (events.size() == 1 ? " event" : " events") << " since " << short_local(result.value("since", ""))
            << " (" << result.value("tz", "") << "); ~ marks an instant counted with its usual length.\n";
}

} // namespace

void setup_events(CLI::App& app, context& ctx) {
    auto options = std::make_shared<events_options>();
    CLI::App* command = app.add_subcommand("events", "List the record: fairly events --since monday");
    command->add_option("--since", options->since, "from when (default: the start of this household week)");
    command->add_option("--until", options->until, "up to when");
    command->add_option("--member", options->member, "only this member's events");
    command->add_option("--kind", options->kind, "only this kind");
    command->add_flag("--all", options->all, "include voided and superseded events");
    command->add_flag("--json", options->json_output, "print the events as JSON");
    command->footer("Example: fairly events --since monday --member sam --kind night-feed\n");
    command->callback([options, &ctx] { run_events(*options, ctx); });
}

} // namespace fairly::cli
