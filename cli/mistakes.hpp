#pragma once
/// Answers to a command or option typed slightly wrong: what was not
/// understood, the nearest that exists, and what to type.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fairly::cli {

/// "unknown command lgo; did you mean log? (`fairly --help` lists them)".
std::string unknown_command(std::string_view typed, const std::vector<std::string>& commands, std::string_view parent = "");

/// After CLI11 refused the arguments as unexpected: the same kind of answer
/// for the first argument the deepest command parsed did not know (an
/// option such as --att, or a subcommand such as `kind ad`); nullopt when
/// nothing is left over.
std::optional<std::string> unexpected_arguments(const CLI::App& app);

} // namespace fairly::cli
