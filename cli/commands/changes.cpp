// fairly changes: every change to the household's settings, who made it,
// when, and from what to what. Nothing changes silently.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct changes_options {
    std::string since;
    bool json_output = false;
};

/// A value as people read it: shares as percentages, minutes as lengths, dates as said.
std::string value_text(const std::string& key, const json& value) {
    if (value.is_null()) return "none";
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    if (value.is_string()) {
        const std::string text = value.get<std::string>(), said = date_as_said(text, true);
        return said == text ? text : said + " " + text.substr(0, 4);
    }
    if (value.is_number() && key.find("minutes") != std::string::npos) return length_text(value.get<double>());
    if (value.is_number()) return number_text(value.get<double>());
    if (value.is_object() && key == "shares") {
        std::string text;
        for (const auto& [name, share] : value.items()) text += (text.empty() ? "" : ", ") + name + " " + share_text(share.get<double>());
        return text;
    }
    return value.dump();
}

/// What changed between two values: "per_hour 2 -> 3", "added".
std::string difference(const json& before, const json& after) {
    if (!after.is_object()) return value_text("", before) + " -> " + value_text("", after);
    for (const char* gone : {"removed", "cancelled"}) {
        if (after.value(gone, false)) {
            std::string was;
            if (before.is_object()) {
                for (const auto& [key, value] : before.items()) {
                    if (value.is_string() && value.get<std::string>().empty()) continue;
                    was += (was.empty() ? "" : ", ") + value_text(key, value);
                }
            }
            return std::string(gone) + (was.empty() ? "" : " (was " + was + ")");
        }
    }
    std::string text;
    for (const auto& [key, now] : after.items()) {
        const json was = before.is_object() && before.contains(key) ? before[key] : json(nullptr);
        if (was == now) continue;
        std::string shown = key;
        for (char& c : shown) c = c == '_' ? ' ' : c;
        text += (text.empty() ? "" : "; ") + shown + " " +
                (was.is_null() ? value_text(key, now) : value_text(key, was) + " -> " + value_text(key, now));
    }
    if (before.is_object()) {
        for (const auto& [key, was] : before.items()) {
            if (!after.contains(key) && key != "shares") text += (text.empty() ? "" : "; ") + key + " was " + value_text(key, was);
        }
    }
    return text.empty() ? "no difference" : text;
}

void run_changes(const changes_options& options, context& ctx) {
    json params{{"reference_time", format_iso_utc(ctx.now())}};
    if (!options.since.empty()) check_time(options.since, "since"), params["since"] = options.since;
    const json changes = ctx.call("changes", params)["changes"];
    if (options.json_output) return void(ctx.out << changes.dump(2) << '\n');
    if (changes.empty()) return void(ctx.out << "No changes to the household's settings" << (options.since.empty() ? "" : " since " + options.since) << ".\n");
    for (const json& change : changes) {
        std::string by = change["by"].is_string() ? change["by"].get<std::string>() : "uid " + std::to_string(change.value("by_uid", -1));
        std::string consent;
        if (change.contains("accepted_by")) {
            // A change by consent: one line, when it came into force, naming who proposed it and who accepted it.
            by = change["proposed_by"].is_string() ? change["proposed_by"].get<std::string>()
                                                    : "uid " + std::to_string(change.value("proposed_by_uid", -1));
            consent = " (proposed by " + by + (change["accepted_by"].empty() ? std::string() : ", accepted by " + names_text(change["accepted_by"])) + ")";
        }
        ctx.out << short_local(change.value("at", "")) << "  " << by << "  " << change.value("subject", "") << ' ' << change.value("name", "")
                << ": " << difference(change["old"], change["new"]) << consent << '\n';
    }
}

} // namespace

void setup_changes(CLI::App& app, context& ctx) {
    auto options = std::make_shared<changes_options>();
    CLI::App* command = app.add_subcommand("changes", "List every change to the household's settings: who, when, from what to what");
    command->add_option("--since", options->since, "only changes from this time on");
    command->add_flag("--json", options->json_output, "print them as JSON");
    command->footer("Agreements and proposals, kinds and weights, the night, the drift settings, goals, slots, members and\n"
                    "their Unix users, time away and cancelled timers. Example: fairly changes --since \"mon 00:00\"\n");
    command->callback([options, &ctx] { run_changes(*options, ctx); });
}

} // namespace fairly::cli
