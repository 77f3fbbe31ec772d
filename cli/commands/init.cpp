// fairly init: set up the household (members, agreed split, time zone).
#include "commands.hpp"

#include <sstream>

namespace fairly::cli {
namespace {

struct init_options {
    std::vector<std::string> members;
    std::string tz;
    std::string split;
    std::string week_start = "mon";
    bool json_output = false;
};

void run_init(const init_options& options, context& ctx) {
    static const std::vector<std::string> days{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    auto day = std::find(days.begin(), days.end(), options.week_start.substr(0, 3));
    if (day == days.end()) throw command_error(exit_usage, "--week-start: a day name such as mon or sun");
    json params{{"members", options.members}, {"tz", options.tz}, {"week_start", day - days.begin()}};
    if (!options.split.empty()) params["split"] = parse_split(options.split, "--split");
    json status = ctx.call("init", params);
    if (options.json_output) {
        ctx.out << status.dump(2) << '\n';
        return;
    }
    ctx.out << "Household set up in " << status.value("tz", "") << ", with " << status.value("kinds", 0) << " kinds of task.\nAgreed split:";
    for (const json& member : status["members"]) {
        ctx.out << ' ' << member.value("name", "") << ' ' << share_text(member.value("agreed_share", 0.0));
    }
    ctx.out << "\nNext: bind each member to their Unix user with `fairly member add NAME --unix-user USER`.\n";
}

} // namespace

void setup_init(CLI::App& app, context& ctx) {
    auto options = std::make_shared<init_options>();
    CLI::App* command = app.add_subcommand("init", "Set up the household: members, agreed split, time zone");
    command->add_option("--member", options->members, "a member of the household (repeat for each)")->required();
    command->add_option("--tz", options->tz, "the household's time zone, e.g. Europe/London")->required();
    command->add_option("--split", options->split, "the agreed split, e.g. alex=60,sam=40 (default: equal)");
    command->add_option("--week-start", options->week_start, "the day a household week starts")->capture_default_str();
    command->add_flag("--json", options->json_output, "print the result as JSON");
    command->footer("Example: fairly init --member alex --member sam --tz Europe/London --split alex=50,sam=50\n");
    command->callback([options, &ctx] { run_init(*options, ctx); });
}

} // namespace fairly::cli
