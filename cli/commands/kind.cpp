// fairly kind add / edit / history: the household's own kinds and weights.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct kind_options {
    std::string name;
    std::string category;
    std::optional<double> points;
    std::optional<double> per_hour;
    std::string default_for;
    std::optional<bool> night;
    bool json_output = false;
};

json kind_params(const kind_options& options) {
    json params{{"name", options.name}};
    if (!options.category.empty()) params["category"] = options.category;
    if (options.points) params["points"] = *options.points;
    if (options.per_hour) params["per_hour"] = *options.per_hour;
    if (!options.default_for.empty()) check_length(options.default_for, "default-for"), params["default_for"] = options.default_for;
    if (options.night) params["night"] = *options.night;
    return params;
}

} // namespace

std::string weights_text(const json& kind) {
    std::string text = kind.value("category", "") + ", " + number_text(kind.value("points", 0.0)) + " points + " +
                       number_text(kind.value("points_per_hour", 0.0)) + " per hour, usually " +
                       length_text(kind.value("default_minutes", 0));
    if (kind.value("night_applies", false)) text += ", night multiplier applies";
    return text;
}

namespace {

void run_kind_add(const kind_options& options, context& ctx) {
    json result = ctx.call("kind.add", kind_params(options));
    if (options.json_output) return void(ctx.out << result["kind"].dump(2) << '\n');
    ctx.out << "Added " << options.name << ": " << weights_text(result["kind"]) << '\n';
}

void run_kind_edit(const kind_options& options, context& ctx) {
    json params = kind_params(options);
    if (params.size() == 1) throw command_error(exit_usage, "say what to change: --category, --points, --per-hour, --default-for or --night");
    json result = ctx.call("kind.edit", params);
    if (options.json_output) return void(ctx.out << result["kind"].dump(2) << '\n');
    if (const json& proposal = result.value("proposal", json()); proposal.is_object()) {
        // The weights move every week's figures, so they change by consent, as the split does.
        const std::string name = proposal.value("name", options.name);
        return void(ctx.out << "Proposed a change to " << name << "; it takes effect when " << names_text(proposal["awaiting"])
                            << (proposal["awaiting"].size() == 1 ? " accepts" : " accept") << " (`fairly agree --kind " << name
                            << " --accept` or `--decline`).\n  now:      " << weights_text(proposal["before"])
                            << "\n  proposed: " << weights_text(proposal["after"]) << '\n');
    }
    if (!result.value("changed", false)) return void(ctx.out << options.name << " already has these weights; nothing changed\n");
    ctx.out << "Changed " << options.name << "\n  was: " << weights_text(result["before"]) << "\n  now: " << weights_text(result["kind"])
            << "\nReports use the weights in force now; the change is kept (fairly kind history " << options.name << ").\n";
}

void run_kind_history(const kind_options& options, context& ctx) {
    json params = json::object();
    if (!options.name.empty()) params["name"] = options.name;
    json changes = ctx.call("kind.history", params)["changes"];
    if (options.json_output) return void(ctx.out << changes.dump(2) << '\n');
    if (changes.empty()) return void(ctx.out << "No changes recorded.\n");
    for (const json& change : changes) {
        std::string by = change["by"].is_string() ? change["by"].get<std::string>() : "uid " + std::to_string(change.value("by_uid", -1));
        if (change.contains("accepted_by")) {
            by = (change["proposed_by"].is_string() ? change["proposed_by"].get<std::string>()
                                                    : "uid " + std::to_string(change.value("proposed_by_uid", -1))) +
                 (change["accepted_by"].empty() ? std::string() : ", accepted by " + names_text(change["accepted_by"]));
        }
        ctx.out << short_local(change.value("at", "")) << "  " << change.value("name", "") << " by " << by << ": ";
        if (change["old"].is_null()) ctx.out << "added (" << (change["subject"] == "kind" ? weights_text(change["new"]) : change["new"].dump()) << ")\n";
        else if (change["subject"] == "kind") ctx.out << weights_text(change["old"]) << "  ->  " << weights_text(change["new"]) << '\n';
        else ctx.out << change["old"].dump() << "  ->  " << change["new"].dump() << '\n';
    }
}

void add_weight_options(CLI::App* command, kind_options& options) {
    command->add_option("--category", options.category, "care | household | logistics | thinking | career | protected");
    command->add_option("--points", options.points, "points per occurrence");
    command->add_option("--per-hour", options.per_hour, "points per hour");
    command->add_option("--default-for", options.default_for, "the usual length, for an event logged as an instant (e.g. 45m)");
    command->add_option("--night", options.night, "whether the night multiplier applies (true/false)");
    command->add_flag("--json", options.json_output, "print the kind as JSON");
}

} // namespace

void setup_kind(CLI::App& app, context& ctx) {
    CLI::App* group = app.add_subcommand("kind", "Add or change a kind of task and its weights");
    group->require_subcommand(1);

    auto add = std::make_shared<kind_options>();
    CLI::App* add_command = group->add_subcommand("add", "Add a kind to the catalogue");
    add_command->add_option("name", add->name, "the kind's name, one word")->required();
    add_weight_options(add_command, *add);
    add_command->footer("Example: fairly kind add swimming-lessons --category logistics --points 1 --per-hour 2 --default-for 45m\n");
    add_command->callback([add, &ctx] { run_kind_add(*add, ctx); });

    auto edit = std::make_shared<kind_options>();
    CLI::App* edit_command = group->add_subcommand("edit", "Change a kind's category or weights: by consent when it moves figures");
    edit_command->add_option("name", edit->name, "the kind")->required();
    add_weight_options(edit_command, *edit);
    edit_command->footer("A change of points, per hour, usual length, night or a category in or out of the load moves every week's figures,\n"
                         "so it is proposed, and in force once every other member accepts (`fairly agree --kind NAME --accept`).\n"
                         "Example: fairly kind edit night-feed --per-hour 3\n");
    edit_command->callback([edit, &ctx] { run_kind_edit(*edit, ctx); });

    auto history = std::make_shared<kind_options>();
    CLI::App* history_command = group->add_subcommand("history", "Who changed which weight, and when");
    history_command->add_option("name", history->name, "only this kind (or night)");
    history_command->add_flag("--json", history->json_output, "print the changes as JSON");
    history_command->footer("Example: fairly kind history night-feed\n");
    history_command->callback([history, &ctx] { run_kind_history(*history, ctx); });
}

} // namespace fairly::cli
