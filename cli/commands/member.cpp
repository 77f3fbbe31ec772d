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
    json params{{"name", options.name}};
    if (!options.unix_user.empty()) params["unix_user"] = options.unix_user;
    if (options.share) params["share"] = *options.share;
    json member = ctx.call("member.add", params);
    if (options.json_output) {
        ctx.out << member.dump(2) << '\n';
        return;
    }
    const std::string name = member.value("name", "");
    if (member.value("created", false)) {
        ctx.out << "Added " << name;
        if (member["unix_uid"].is_number()) ctx.out << ", bound to uid " << member["unix_uid"].get<std::int64_t>();
    } else if (!options.unix_user.empty()) {
        ctx.out << "Bound " << name << " to uid " << member["unix_uid"].get<std::int64_t>();
    } else {
        ctx.out << name << "'s agreed share is now " << share_text(member.value("agreed_share", 0.0));
    }
    ctx.out << '\n';
    if (member["split"].is_array()) {
        ctx.out << "The agreed split is now";
        for (const json& who : member["split"]) ctx.out << ' ' << who.value("name", "") << ' ' << share_text(who.value("agreed_share", 0.0));
        ctx.out << " (the others' shares scaled to make room, keeping their proportions).\n";
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
    add->add_option("--share", options->share, "agreed share in percent; the others' shares are scaled so the split adds up to 100");
    add->add_flag("--json", options->json_output, "print the result as JSON");
    add->footer("Example: fairly member add sam --unix-user sam\n");
    add->callback([options, &ctx] { run_member_add(*options, ctx); });
}

} // namespace fairly::cli
