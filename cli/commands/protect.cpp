// fairly protect / slot / slots / export-ics: protected time, kept visible.
#include "commands.hpp"

#include <fstream>

namespace fairly::cli {
namespace {

struct protect_options {
    std::string who;
    std::string weekly;
    std::string remind_by;
    bool off = false;
    bool json_output = false;
};

void run_protect(const protect_options& options, context& ctx) {
    json params{{"reference_time", format_iso_utc(ctx.now())}};
    json goals;
    if (options.off) {
        if (options.who.empty()) throw command_error(exit_usage, "whose goal? fairly protect sam --off");
        if (!options.weekly.empty()) throw command_error(exit_usage, "--off removes the goal; give --weekly to change it instead");
        params["who"] = options.who;
        goals = ctx.call("protect.off", params)["goals"];
        if (options.json_output) return void(ctx.out << goals.dump(2) << '\n');
        ctx.out << "Removed " << options.who << "'s protected-time goal (`fairly changes` keeps it).\n";
        return;
    }
    if (options.who.empty()) {
        goals = ctx.call("protect.list", params)["goals"];
    } else {
        if (options.weekly.empty()) throw command_error(exit_usage, "say how much a week: fairly protect " + options.who + " --weekly 3h");
        check_length(options.weekly, "weekly");
        params["who"] = options.who;
        params["weekly"] = options.weekly;
        if (!options.remind_by.empty()) params["remind_by"] = options.remind_by;
        goals = ctx.call("protect.set", params)["goals"];
    }
    if (options.json_output) return void(ctx.out << goals.dump(2) << '\n');
    if (goals.empty()) return void(ctx.out << "No protected-time goals yet: fairly protect sam --weekly 3h, fairly protect couple --weekly 1h\n");
    for (const json& goal : goals) {
        const double kept = goal.value("kept_minutes", 0.0);
        ctx.out << goal.value("who", "") << ": " << (kept > 0 ? length_text(kept) + " of " : std::string("none yet of ")) << length_text(goal.value("weekly_minutes", 0))
                << " kept this week\n";
    }
}

struct slot_options {
    std::string who;
    std::string when;
    std::string length;
    std::string label;
    std::int64_t id = 0;
    bool json_output = false;
    bool ics = false;
    std::string output;
};

void print_slot(const json& slot, std::ostream& out) {
    out << '#' << slot.value("id", 0) << "  " << slot.value("who", "") << "  " << slot.value("weekday", "") << ' ' << slot.value("time", "")
        << ", " << length_text(slot.value("minutes", 0)) << "  " << slot.value("label", "") << "  (next: " << short_local(slot.value("next", ""))
        << ")\n";
}

void run_slot_add(const slot_options& options, context& ctx) {
    check_length(options.length, "length");
    json params{{"who", options.who}, {"when", options.when}, {"for", options.length}, {"reference_time", format_iso_utc(ctx.now())}};
    if (!options.label.empty()) params["label"] = options.label;
    json slot = ctx.call("slot.add", params)["slot"];
    if (options.json_output) return void(ctx.out << slot.dump(2) << '\n');
    ctx.out << "Added ";
    print_slot(slot, ctx.out);
}

void run_slot_remove(const slot_options& options, context& ctx) {
    ctx.call("slot.remove", {{"id", options.id}, {"reference_time", format_iso_utc(ctx.now())}});
    ctx.out << "Removed slot #" << options.id << '\n';
}

void write_ics(const slot_options& options, context& ctx) {
    json result = ctx.call("slots.ics", {{"reference_time", format_iso_utc(ctx.now())}});
    const std::string ics = result.value("ics", "");
    if (options.output.empty() || options.output == "-") return void(ctx.out << ics);
    std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
    if (!file) throw cannot_write(options.output);
    file << ics;
    file.close();
    if (!file) throw cannot_write(options.output);
    ctx.err << "fairly: wrote " << result.value("slots", 0) << " slots to " << options.output << '\n';
}

void run_slots(const slot_options& options, context& ctx) {
    if (options.ics) return write_ics(options, ctx);
    json slots = ctx.call("slot.list", {{"reference_time", format_iso_utc(ctx.now())}})["slots"];
    if (options.json_output) return void(ctx.out << slots.dump(2) << '\n');
    if (slots.empty()) return void(ctx.out << "No protected slots yet: fairly slot add sam \"sat 09:00\" 2h \"long run\"\n");
    for (const json& slot : slots) print_slot(slot, ctx.out);
}

} // namespace

void setup_protect(CLI::App& app, context& ctx) {
    auto protect = std::make_shared<protect_options>();
    CLI::App* protect_command = app.add_subcommand("protect", "Set (or show) a weekly protected-time goal for a member or the couple");
    protect_command->add_option("who", protect->who, "a member, or couple");
    protect_command->add_option("--weekly", protect->weekly, "how much a week, e.g. 3h");
    protect_command->add_option("--remind-by", protect->remind_by, "couple only: when to remind if no couple time yet (default \"thu 18:00\")");
    protect_command->add_flag("--off", protect->off, "remove the goal");
    protect_command->add_flag("--json", protect->json_output, "print the goals as JSON");
    protect_command->footer("Example: fairly protect sam --weekly 3h; fairly protect couple --weekly 1h\n");
    protect_command->callback([protect, &ctx] { run_protect(*protect, ctx); });

    CLI::App* slot = app.add_subcommand("slot", "Add or remove a weekly protected slot");
    slot->require_subcommand(1);
    auto add = std::make_shared<slot_options>();
    CLI::App* add_command = slot->add_subcommand("add", "Add a weekly slot in the household's local time");
    add_command->add_option("who", add->who, "a member, or couple")->required();
    add_command->add_option("when", add->when, "weekday and time, e.g. \"sat 09:00\" or \"sat 9am\" (or \"in 10m\")")->required();
    add_command->add_option("length", add->length, "how long, e.g. 2h or 45m")->required();
    add_command->add_option("label", add->label, "what it is for, e.g. \"long run\"");
    add_command->add_flag("--json", add->json_output, "print the slot as JSON");
    add_command->footer("Example: fairly slot add couple \"wed 20:30\" 45m \"walk, no phones\"\n");
    add_command->callback([add, &ctx] { run_slot_add(*add, ctx); });
    auto remove = std::make_shared<slot_options>();
    CLI::App* remove_command = slot->add_subcommand("remove", "Remove a slot");
    remove_command->add_option("id", remove->id, "the slot's number (see `fairly slots`)")->required();
    remove_command->footer("Example: fairly slot remove 3\n");
    remove_command->callback([remove, &ctx] { run_slot_remove(*remove, ctx); });

    auto list = std::make_shared<slot_options>();
    CLI::App* slots = app.add_subcommand("slots", "List the protected slots (or export them as iCalendar)");
    slots->add_flag("--json", list->json_output, "print the slots as JSON");
    slots->add_flag("--ics", list->ics, "print them as an iCalendar file for the household's calendars");
    slots->footer("Example: fairly slots --ics > protected.ics\n");
    slots->callback([list, &ctx] { run_slots(*list, ctx); });

    auto export_ics = std::make_shared<slot_options>();
    CLI::App* export_command = app.add_subcommand("export-ics", "Write the protected slots as an iCalendar file");
    export_command->add_option("-o,--output", export_ics->output, "the file (default: the terminal)");
    export_command->footer("Example: fairly export-ics -o protected.ics\n");
    export_command->callback([export_ics, &ctx] { write_ics(*export_ics, ctx); });
}

} // namespace fairly::cli
