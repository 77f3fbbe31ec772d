// fairly night: the household's night window and multiplier.
#include "commands.hpp"

namespace fairly::cli {

std::string night_text(const json& night) {
    return night.value("from", "") + " to " + night.value("to", "") + ", x" + number_text(night.value("multiplier", 1.0));
}

namespace {

struct night_options {
    std::string from;
    std::string to;
    std::optional<double> multiplier;
    bool json_output = false;
};

void run_night(const night_options& options, context& ctx) {
    json params = json::object();
    if (!options.from.empty()) params["from"] = options.from;
    if (!options.to.empty()) params["to"] = options.to;
    if (options.multiplier) params["multiplier"] = *options.multiplier;
    json night = ctx.call(params.empty() ? "night.get" : "night.set", params);
    if (options.json_output) return void(ctx.out << night.dump(2) << '\n');
    if (const json& proposal = night.value("proposal", json()); proposal.is_object()) {
        // The night moves every week's figures, so it changes by consent, as the split does.
        return void(ctx.out << "Proposed the night " << night_text(proposal["after"]) << " (now " << night_text(proposal["before"])
                            << "); it takes effect when " << names_text(proposal["awaiting"])
                            << (proposal["awaiting"].size() == 1 ? " accepts" : " accept") << " (`fairly agree --night --accept` or `--decline`).\n");
    }
    ctx.out << "Night: " << night.value("from", "") << " to " << night.value("to", "") << ", care in it counts x"
            << number_text(night.value("multiplier", 1.0)) << " for kinds where the night applies.\n";
}

} // namespace

void setup_night(CLI::App& app, context& ctx) {
    auto options = std::make_shared<night_options>();
    CLI::App* command = app.add_subcommand("night", "Show or set the household's night window and multiplier");
    command->add_option("--from", options->from, "when the night begins (local time, e.g. 22:00)");
    command->add_option("--to", options->to, "when it ends (e.g. 06:00)");
    command->add_option("--multiplier", options->multiplier, "weight of a night minute (1 to 10)");
    command->add_flag("--json", options->json_output, "print the setting as JSON");
    command->footer("A change moves every week's figures, so it is proposed, and in force once every other member accepts\n"
                    "(`fairly agree --night --accept`). Example: fairly night --from 22:00 --to 06:00 --multiplier 1.5\n");
    command->callback([options, &ctx] { run_night(*options, ctx); });
}

} // namespace fairly::cli
