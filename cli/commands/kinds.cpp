// fairly kinds: the household's catalogue of kinds with their weights.
#include "commands.hpp"

#include <algorithm>
#include <iomanip>

namespace fairly::cli {
namespace {

struct kinds_options {
    bool json_output = false;
};

void run_kinds(const kinds_options& options, context& ctx) {
    json kinds = ctx.call("kinds.list", json::object())["kinds"];
    if (options.json_output) {
        ctx.out << kinds.dump(2) << '\n';
        return;
    }
    // The household's own multiplier, not the default's: `fairly night` may have changed it.
    const bool any_night = std::any_of(kinds.begin(), kinds.end(), [](const json& kind) { return kind.value("night_applies", false); });
    const std::string at_night = any_night ? "x" + number_text(ctx.call("night.get", json::object()).value("multiplier", 1.0)) + " at night" : "";
    ctx.out << std::left << std::setw(18) << "KIND" << std::setw(11) << "CATEGORY" << std::setw(8) << "POINTS" << std::setw(10)
            << "PER HOUR" << std::setw(9) << "USUALLY" << "NIGHT\n";
    for (const json& kind : kinds) {
        ctx.out << std::left << std::setw(18) << kind.value("name", "") << std::setw(11) << kind.value("category", "") << std::setw(8)
                << kind.value("points", 0.0) << std::setw(10) << kind.value("points_per_hour", 0.0) << std::setw(9)
                << length_text(kind.value("default_minutes", 0)) << (kind.value("night_applies", false) ? at_night : "") << '\n';
    }
}

} // namespace

void setup_kinds(CLI::App& app, context& ctx) {
    auto options = std::make_shared<kinds_options>();
    CLI::App* command = app.add_subcommand("kinds", "List the kinds of task the household logs, with their weights");
    command->add_flag("--json", options->json_output, "print the catalogue as JSON");
    command->footer("Example: fairly kinds --json\n");
    command->callback([options, &ctx] { run_kinds(*options, ctx); });
}

} // namespace fairly::cli
