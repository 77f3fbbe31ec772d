// fairly member add: add a member or bind one to a Unix user.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct member_add_options {
    std::string name;
    std::string unix_user;
    std::optional<double> share;
    bool json_output = false;
};

void run_member_add(const member_add_options& options, context& ctx) {
    json params{{"name", options.name}, {"reference_time", format_iso_utc(ctx.now())}};
    if (!options.unix_user.empty()) params["unix_user"] = options.unix_user;
    if (options.share) params["share"] = *options.share;
    if (ctx.default_member) params["default_member"] = *ctx.default_member;
    json member = ctx.call("member.add", params);
    if (options.json_output) {
        ctx.out << member.dump(2) << '\n';
        return;
    }
    const std::string name = member.value("name", "");
    const json& proposal = member["proposal"];
    if (member.value("created", false)) {
        ctx.out << "Added " << name;
        if (member["unix_uid"].is_number()) ctx.out << ", bound to uid " << member["unix_uid"].get<std::int64_t>();
        if (!proposal.is_object() && member.value("agreed_share", 0.0) == 0.0) {
            ctx.out << " (not in the agreed split yet: propose one with `fairly agree NAME=PERCENT,...`)";
        }
        ctx.out << '\n';
    } else if (!options.unix_user.empty()) {
        ctx.out << "Bound " << name << " to uid " << member["unix_uid"].get<std::int64_t>() << '\n';
    }
    if (proposal.is_object()) {
        std::string shares;
        for (const auto& [who, share] : proposal["shares"].items()) shares += (shares.empty() ? "" : ", ") + who + " " + share_text(share.get<double>());
        if (proposal.value("state", "") == "agreed") {
            ctx.out << "The agreed split is now " << shares << ", from this week (the others' shares scaled to make room).\n";
        } else {
            ctx.out << "Proposed the split " << shares << ", from this week (the others' shares scaled to make room, keeping their proportions);\n"
                    << "it takes effect when every other member accepts it with `fairly agree --accept`. `fairly agree` shows it.\n";
        }
    }
}

} // namespace

void setup_member(CLI::App& app, context& ctx) {
    CLI::App* group = app.add_subcommand("member", "Members of the household");
    group->require_subcommand(1);
    auto options = std::make_shared<member_add_options>();
    CLI::App* add = group->add_subcommand("add", "Add a member, bind one to a Unix user, or change their agreed share");
    add->add_option("name", options->name, "the member's name")->required();
    add->add_option("--unix-user", options->unix_user, "the Unix user (name or uid) who acts as this member");
    add->add_option("--share", options->share, "propose this agreed share in percent (the others' scaled so it adds up to 100); in force once the others accept")
        ->transform(percent_sign());
    add->add_flag("--json", options->json_output, "print the result as JSON");
    add->footer("Example: fairly member add sam --unix-user sam\n");
    add->callback([options, &ctx] { run_member_add(*options, ctx); });

    auto rename = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* rename_command = group->add_subcommand("rename", "Rename a member: their history follows them");
    rename_command->add_option("old", rename->first, "the member's name now")->required();
    rename_command->add_option("new", rename->second, "their new name")->required();
    rename_command->footer("Example: fairly member rename sam samira\n");
    rename_command->callback([rename, &ctx] {
        ctx.call("member.rename", {{"name", rename->first}, {"new_name", rename->second}, {"reference_time", format_iso_utc(ctx.now())}});
        ctx.out << "Renamed " << rename->first << " to " << rename->second << "; everything they logged and agreed is theirs under the new name.\n";
    });

    auto retire = std::make_shared<std::string>();
    CLI::App* retire_command = group->add_subcommand("retire", "A member leaves the household: their past stays, a split without them is proposed");
    retire_command->add_option("name", *retire, "the member who leaves")->required();
    retire_command->footer("Example: fairly member retire jose\n");
    retire_command->callback([retire, &ctx] {
        const json result = ctx.call("member.retire", {{"name", *retire}, {"reference_time", format_iso_utc(ctx.now())}});
        ctx.out << *retire << " has left the household; what they did stays in the record, and nothing new can be logged for them.\n";
        if (const json& proposal = result["proposal"]; proposal.is_object()) {
            std::string shares;
            for (const auto& [who, share] : proposal["shares"].items()) shares += (shares.empty() ? "" : ", ") + who + " " + share_text(share.get<double>());
            ctx.out << (proposal.value("state", "") == "agreed" ? "The agreed split is now " : "Proposed the split ") << shares << ", from this week"
                    << (proposal.value("state", "") == "agreed" ? ".\n" : "; it takes effect when every other member accepts (`fairly agree --accept`).\n");
        }
        // What waited only for them is decided without them.
        for (const json& decided : result.value("decided", json::array())) {
            const std::string state = decided.value("state", "");
            std::string what;
            if (decided.contains("subject")) {
                what = decided["subject"] == "night" ? std::string("the change to the night") : "the change to " + decided.value("name", "");
            } else {
                what = decided["thing"].is_string() ? "the " + decided["thing"].get<std::string>() + " split" : std::string("the split");
                std::string shares;
                for (const auto& [who, share] : decided["shares"].items()) {
                    if (who != *retire || share.get<double>() > 0) shares += (shares.empty() ? "" : ", ") + who + " " + share_text(share.get<double>());
                }
                what += " " + shares + ", from the week of " + date_as_said(decided.value("from", ""));
            }
            if (state == "agreed") ctx.out << "Everyone who stays had accepted " << what << "; it is in force now.\n";
            if (state == "withdrawn") ctx.out << "The proposed " << what.substr(4) << " gave " << *retire << " a share, so it is withdrawn; propose another with `fairly agree`.\n";
        }
    });
}

} // namespace fairly::cli
