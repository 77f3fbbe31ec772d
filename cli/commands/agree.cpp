// fairly agree: the agreed split, its history, and changing it by consent.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct agree_options {
    std::string split;
    std::string thing;
    std::string from;
    std::string member;
    std::string note;
    bool accept = false;
    bool decline = false;
    bool json_output = false;
};

std::string shares_text(const json& shares) {
    std::string text;
    for (const auto& [name, share] : shares.items()) text += (text.empty() ? "" : ", ") + name + " " + share_text(share.get<double>());
    return text;
}

std::string names_text(const json& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i].get<std::string>();
    }
    return text;
}

/// "the lie-in split" or "the split".
std::string what(const json& agreement) {
    return agreement["thing"].is_string() ? "the " + agreement["thing"].get<std::string>() + " split" : std::string("the split");
}

void print_outcome(const json& agreement, context& ctx) {
    const std::string state = agreement.value("state", "");
    const std::string shares = shares_text(agreement["shares"]);
    const std::string from = "from the week of " + date_as_said(agreement.value("from", ""));
    if (state == "agreed") {
        ctx.out << "Agreed: " << what(agreement) << " is " << shares << ", " << from << ". Earlier weeks keep the split they had.\n";
    } else if (state == "proposed") {
        ctx.out << "Proposed " << what(agreement) << " " << shares << ", " << from << "; it takes effect when "
                << names_text(agreement["awaiting"]) << (agreement["awaiting"].size() == 1 ? " accepts" : " accept")
                << " (`fairly agree" << (agreement["thing"].is_string() ? " --thing " + agreement["thing"].get<std::string>() : "")
                << " --accept` or `--decline`).\n";
    } else if (state == "declined") {
        ctx.out << "Declined: " << what(agreement) << " stays as it was. `fairly agree` shows it.\n";
    } else if (state == "withdrawn") {
        ctx.out << "Withdrawn: " << what(agreement) << " stays as it was.\n";
    }
}

void run_agree(const agree_options& options, context& ctx) {
    if (options.accept && options.decline) throw command_error(exit_usage, "--accept or --decline, not both");
    if ((options.accept || options.decline) && !options.split.empty()) {
        throw command_error(exit_usage, "answer the proposal (--accept or --decline), or propose a split, not both");
    }
    if (!options.from.empty()) check_time(options.from, "from");
    json params = json::object();
    if (!options.thing.empty()) params["thing"] = options.thing;
    if (!options.member.empty()) params["member"] = options.member;
    if (options.accept || options.decline) {
        params["answer"] = options.accept ? "accept" : "decline";
        auto result = ctx.write("agree.answer", params);
        if (!result) return;
        if (options.json_output) return void(ctx.out << (*result)["agreement"].dump(2) << '\n');
        return print_outcome((*result)["agreement"], ctx);
    }
    if (!options.split.empty()) {
        params["split"] = parse_split(options.split, "split");
        if (!options.from.empty()) params["from"] = options.from;
        if (!options.note.empty()) check_note(options.note, "note"), params["note"] = options.note;
        auto result = ctx.write("agree.propose", params);
        if (!result) return;
        if (options.json_output) return void(ctx.out << (*result)["agreement"].dump(2) << '\n');
        return print_outcome((*result)["agreement"], ctx);
    }
    if (!options.from.empty()) throw command_error(exit_usage, "--from goes with a split to propose: fairly agree alex=60,sam=40 --from mon");
    params["reference_time"] = format_iso_utc(ctx.now());
    const json shown = ctx.call("agree.show", params);
    if (options.json_output) return void(ctx.out << shown.dump(2) << '\n');
    const json& in_force = shown["in_force"];
    const std::string subject = shown["thing"].is_string() ? "The " + shown["thing"].get<std::string>() + " split" : std::string("The agreed split");
    ctx.out << subject << ": " << shares_text(in_force["shares"]);
    if (in_force.value("first", false)) {
        ctx.out << (shown["thing"].is_string() ? " (none agreed: turns are shared equally)" : " (the household's first agreement)");
    } else {
        ctx.out << ", from the week of " << date_as_said(in_force.value("from", ""));
    }
    ctx.out << '\n';
    if (const json& proposal = shown["proposal"]; proposal.is_object()) {
        ctx.out << "Proposed" << (proposal["proposed_by"].is_string() ? " by " + proposal["proposed_by"].get<std::string>() : std::string()) << ": "
                << shares_text(proposal["shares"]) << ", from the week of " << date_as_said(proposal.value("from", "")) << "; waiting for "
                << names_text(proposal["awaiting"]) << " (`fairly agree" << (shown["thing"].is_string() ? " --thing " + shown["thing"].get<std::string>() : "")
                << " --accept` or `--decline`).\n";
    }
    for (const json& past : shown["history"]) {
        if (past.value("state", "") != "agreed" || (in_force.contains("id") && past["id"] == in_force["id"])) continue;
        ctx.out << "  agreed " << shares_text(past["shares"]) << ", from the week of " << date_as_said(past.value("from", "")) << '\n';
    }
}

} // namespace

void setup_agree(CLI::App& app, context& ctx) {
    auto options = std::make_shared<agree_options>();
    CLI::App* command = app.add_subcommand("agree", "Show the agreed split, propose a new one, or answer a proposal");
    command->add_option("split", options->split, "a split to propose, e.g. alex=60,sam=40 (every member, adding up to 100)");
    command->add_option("--from", options->from, "the week the proposed split starts (default: this week; never before the last agreement)");
    command->add_option("--thing", options->thing, "a contested thing's own split (turns: `fairly turn`), e.g. lie-in");
    command->add_flag("--accept", options->accept, "accept the proposal waiting for you");
    command->add_flag("--decline", options->decline, "decline it (the proposer declining withdraws it)");
    command->add_option("--member", options->member, "who proposes or answers (default: you)");
    command->add_option("--note", options->note, "why, in a few words");
    command->add_flag("--json", options->json_output, "print it as JSON");
    command->footer("A split changes by consent: the proposer agrees by proposing, and it is in force once every other member accepts.\n"
                    "Each week's figures use the split in force that week; earlier weeks keep theirs.\n"
                    "Examples: fairly agree; fairly agree alex=60,sam=40; fairly agree --accept; fairly agree --thing lie-in alex=50,sam=50\n");
    command->callback([options, &ctx] { run_agree(*options, ctx); });
}

} // namespace fairly::cli
