#include "mistakes.hpp"

#include "spelling.hpp"

namespace fairly::cli {
namespace {

/// The command CLI11 was parsing when it stopped: the deepest one given.
const CLI::App* deepest(const CLI::App& app) {
    const CLI::App* at = &app;
    for (;;) {
        const auto given = at->get_subcommands();
        if (given.empty()) return at;
        at = given.front();
    }
}

std::string command_path(const CLI::App* at) {
    std::string path;
    for (; at && at->get_parent(); at = at->get_parent()) path = at->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

} // namespace

std::string unknown_command(std::string_view typed, const std::vector<std::string>& commands, std::string_view parent) {
    const std::string prefix = parent.empty() ? std::string() : std::string(parent) + " ";
    const auto near = nearest_name(typed, commands);
    std::string message = "unknown command " + prefix + std::string(typed);
    if (near) return message + "; did you mean " + prefix + *near + "?";
    return message + "; `fairly " + prefix + "--help` lists the commands";
}

std::optional<std::string> unexpected_arguments(const CLI::App& app) {
    const CLI::App* at = deepest(app);
    // What was left over lands on the command that could not place it, or its parent.
    std::vector<std::string> left;
    for (const CLI::App* look = at; look && left.empty(); look = look->get_parent()) {
        left = look->remaining();
        if (!left.empty()) at = look;
    }
    if (left.empty()) return std::nullopt;
    const std::string path = command_path(at);
    const std::string& typed = left.front();
    if (typed.size() > 1 && typed[0] == '-') {
        const std::string name = typed.substr(0, typed.find('='));
        std::vector<std::string> options;
        for (const CLI::App* scope = at; scope; scope = scope->get_parent()) {
            for (const CLI::Option* option : scope->get_options()) {
                for (const std::string& long_name : option->get_lnames()) options.push_back("--" + long_name);
                for (const std::string& short_name : option->get_snames()) options.push_back("-" + short_name);
            }
        }
        const auto near = nearest_name(name, options);
        std::string message = "unknown option " + name + (path.empty() ? "" : " for " + path);
        if (near) return message + "; did you mean " + *near + "?";
        return message + "; `fairly " + (path.empty() ? "" : path + " ") + "--help` lists its options";
    }
    std::vector<std::string> commands;
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
    if (!commands.empty()) return unknown_command(typed, commands, path);
    return "did not expect " + typed + (path.empty() ? "" : " after " + path) + "; `fairly " + (path.empty() ? "" : path + " ") +
           "--help` shows what it takes (a phrase with spaces needs \"quotes\")";
}

} // namespace fairly::cli
