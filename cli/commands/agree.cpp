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
    std::string kind;
    bool night = false;
    bool accept = false;
    bool decline = false;
    bool json_output = false;
};

std::string shares_text(const json& shares) {
    std::string text;
    for (const auto& [name, share] : shares.items()) text += (text.empty() ? "" : ", ") + name + " " + share_text(share.get<double>());
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

/// "school-run" or "the night", and the option that names it.
std::string setting_of(const json& proposal) {
    return proposal["subject"] == "night" ? std::string("the night") : proposal.value("name", "");
}
std::string selector_of(const json& proposal) {
    return proposal["subject"] == "night" ? std::string("--night") : "--kind " + proposal.value("name", "");
}
std::string setting_text(const json& proposal, const json& value) {
    return proposal["subject"] == "night" ? night_text(value) : weights_text(value);
}

/// What became of a proposed change to a kind's weights or the night;
/// `named`: answered by a bare --accept, so an answer still waiting for
/// others says which change it was.
void print_setting_outcome(const json& proposal, context& ctx, bool named = false) {
    const std::string state = proposal.value("state", ""), what = setting_of(proposal);
    const std::string stays = proposal["subject"] == "night" ? "the night stays as it is" : what + " keeps its weights";
    if (state == "agreed") {
        ctx.out << "Agreed: " << what << " is now " << setting_text(proposal, proposal["after"]) << "; every week's figures use it.\n";
    } else if (state == "proposed") {
        ctx.out << "Accepted" << (named ? " the change to " + what : std::string()) << "; it takes effect when " << names_text(proposal["awaiting"]) << (proposal["awaiting"].size() == 1 ? " accepts" : " accept")
                << ".\n";
    } else if (state == "declined") {
        ctx.out << "Declined: " << stays << ". `fairly agree` shows what is waiting.\n";
    } else if (state == "withdrawn") {
        ctx.out << "Withdrawn: " << stays << ".\n";
    }
}

/// A proposed change waiting, as `fairly agree` lists it.
void print_setting_waiting(const json& proposal, context& ctx) {
    ctx.out << "Proposed" << (proposal["proposed_by"].is_string() ? " by " + proposal["proposed_by"].get<std::string>() : std::string()) << ": "
            << (proposal["subject"] == "night" ? "the night " : proposal.value("name", "") + " ") << setting_text(proposal, proposal["after"])
            << " (now " << setting_text(proposal, proposal["before"]) << "); waiting for " << names_text(proposal["awaiting"]) << " (`fairly agree "
            << selector_of(proposal) << " --accept` or `--decline`).\n";
}

void run_agree(const agree_options& options, context& ctx) {
    const bool setting = !options.kind.empty() || options.night;
    if (!options.kind.empty() && options.night) throw command_error(exit_usage, "--kind or --night, one at a time");
    if (setting && (!options.thing.empty() || !options.split.empty() || !options.from.empty())) {
        throw command_error(exit_usage, "--kind and --night answer a proposed change (--accept or --decline); propose one with `fairly kind edit` or `fairly night`");
    }
    if (setting && !options.accept && !options.decline) {
        throw command_error(exit_usage, "say --accept or --decline; `fairly agree` shows what is waiting");
    }
    if (options.accept && options.decline) throw command_error(exit_usage, "--accept or --decline, not both");
    if ((options.accept || options.decline) && !options.split.empty()) {
        throw command_error(exit_usage, "answer the proposal (--accept or --decline), or propose a split, not both");
    }
    if (!options.from.empty()) check_time(options.from, "from");
    json params = json::object();
    if (!options.thing.empty()) params["thing"] = options.thing;
    if (!options.member.empty()) params["member"] = options.member;
    if (setting) {
        params["subject"] = options.night ? "night" : "kind";
        if (!options.kind.empty()) params["name"] = options.kind;
        params["answer"] = options.accept ? "accept" : "decline";
        const json result = ctx.call("proposal.answer", params);
        if (options.json_output) return void(ctx.out << result["proposal"].dump(2) << '\n');
        return print_setting_outcome(result["proposal"], ctx);
    }
    if (options.accept || options.decline) {
        params["answer"] = options.accept ? "accept" : "decline";
        auto result = ctx.write("agree.answer", params);
        if (!result) return;
        // No split waiting: the one change of weights or the night waiting for this member was answered.
        const bool setting_answered = result->contains("proposal");
        if (options.json_output) return void(ctx.out << (*result)[setting_answered ? "proposal" : "agreement"].dump(2) << '\n');
        if (setting_answered) return print_setting_outcome((*result)["proposal"], ctx, true);
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
    json shown = ctx.call("agree.show", params);
    // Changes of weights and the night wait for consent here too (not for a thing's split).
    const json settings = options.thing.empty() ? ctx.call("proposals.list", json::object())["proposals"] : json::array();
    if (options.json_output) {
        shown["settings"] = settings;
        return void(ctx.out << shown.dump(2) << '\n');
    }
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
    for (const json& proposal : settings) print_setting_waiting(proposal, ctx);
}

} // namespace

void setup_agree(CLI::App& app, context& ctx) {
    auto options = std::make_shared<agree_options>();
    CLI::App* command = app.add_subcommand("agree", "Show the agreed split, propose a new one, or answer a proposal");
    command->add_option("split", options->split, "a split to propose, e.g. alex=60,sam=40 (every member, adding up to 100)");
    command->add_option("--from", options->from, "the week the proposed split starts (default: this week; never before the last agreement)");
    command->add_option("--thing", options->thing, "a contested thing's own split (turns: `fairly turn`), e.g. lie-in");
    command->add_option("--kind", options->kind, "answer the proposed change to this kind's weights (with --accept or --decline)");
    command->add_flag("--night", options->night, "answer the proposed change to the night (with --accept or --decline)");
    command->add_flag("--accept", options->accept, "accept the proposal waiting for you (the split's; with none, the one change of weights or the night)");
    command->add_flag("--decline", options->decline, "decline it (the proposer declining withdraws it)");
    command->add_option("--member", options->member, "who proposes or answers (default: you)");
    command->add_option("--note", options->note, "why, in a few words");
    command->add_flag("--json", options->json_output, "print it as JSON");
    command->footer("A split changes by consent: the proposer agrees by proposing, and it is in force once every other member accepts.\n"
                    "Each week's figures use the split in force that week; earlier weeks keep theirs.\n"
                    "A kind's weights and the night change by consent too (`fairly kind edit`, `fairly night` propose); once agreed,\n"
                    "every week's figures use them. Examples: fairly agree; fairly agree alex=60,sam=40; fairly agree --accept;\n"
                    "fairly agree --thing lie-in alex=50,sam=50; fairly agree --kind school-run --accept; fairly agree --night --decline\n");
    command->callback([options, &ctx] { run_agree(*options, ctx); });
}

} // namespace fairly::cli
