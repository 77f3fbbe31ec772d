// fairly turn THING / fairly whose-turn THING: turns at contested things.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct turn_options {
    std::string thing;
    std::string at;
    std::string note;
    std::string member;
    std::int64_t last = 20;
    bool json_output = false;
};

/// "lie-in: sam's turn." and the reason, how the turns were shared; no tally per person.
void print_standing(const json& standing, std::ostream& out) {
    if (standing["next"].is_null()) return void(out << "No members to take turns.\n");
    out << standing.value("thing", "") << ": " << standing["next"].get<std::string>() << "'s turn. " << standing.value("reason", "") << '\n';
}

void run_turn(const turn_options& options, context& ctx) {
    json params{{"thing", options.thing}};
    if (!options.at.empty()) check_time(options.at, "at"), params["at"] = options.at;
    if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
    if (!options.member.empty()) params["member"] = options.member;
    auto result = ctx.write("turn.take", params);
    if (!result) return;
    if (options.json_output) return void(ctx.out << (*result)["turn"].dump(2) << '\n');
    const json& turn = (*result)["turn"];
    ctx.out << turn.value("member", "") << " took a turn at " << options.thing << ", " << short_local(turn.value("at", "")) << ".\n";
    print_standing((*result)["standing"], ctx.out);
}

void run_whose_turn(const turn_options& options, context& ctx) {
    json standing = ctx.call("turn.whose", {{"thing", options.thing}, {"last", options.last}});
    if (options.json_output) return void(ctx.out << standing.dump(2) << '\n');
    print_standing(standing, ctx.out);
}

} // namespace

void setup_turn(CLI::App& app, context& ctx) {
    auto take = std::make_shared<turn_options>();
    CLI::App* turn = app.add_subcommand("turn", "Take your turn at something contested (a lie-in, the gym slot)");
    turn->add_option("thing", take->thing, "the contested thing, one word")->required();
    turn->add_option("--at", take->at, "when (default: now)");
    turn->add_option("--note", take->note, "a few words");
    turn->add_option("--member", take->member, "whose turn it was (default: you)");
    turn->add_flag("--json", take->json_output, "print the turn as JSON");
    turn->footer("Example: fairly turn lie-in\n");
    turn->callback([take, &ctx] { run_turn(*take, ctx); });

    auto whose = std::make_shared<turn_options>();
    CLI::App* whose_turn = app.add_subcommand("whose-turn", "Whose turn is it, from the record and the agreed split");
    whose_turn->add_option("thing", whose->thing, "the contested thing")->required();
    whose_turn->add_option("--last", whose->last, "how many recent turns to weigh")->capture_default_str()->check(CLI::Range(1, 10000));
    whose_turn->add_flag("--json", whose->json_output, "print the answer as JSON");
    whose_turn->footer("Example: fairly whose-turn lie-in\n");
    whose_turn->callback([whose, &ctx] { run_whose_turn(*whose, ctx); });
}

} // namespace fairly::cli
