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
    ctx.out << (member.value("created", false) ? "Added " : "Updated ") << member.value("name", "");
    if (member["unix_uid"].is_number()) ctx.out << ", bound to uid " << member["unix_uid"].get<std::int64_t>();
    ctx.out << '\n';
}

} // namespace

void setup_member(CLI::App& app, context& ctx) {
    CLI::App* group = app.add_subcommand("member", "Members of the household");
    group->require_subcommand(1);
    auto options = std::make_shared<member_add_options>();
    CLI::App* add = group->add_subcommand("add", "Add a member, or bind an existing one to a Unix user");
    add->add_option("name", options->name, "the member's name")->required();
    add->add_option("--unix-user", options->unix_user, "the Unix user (name or uid) who acts as this member");
    add->add_option("--share", options->share, "agreed share in percent, for a new member");
    add->add_flag("--json", options->json_output, "print the result as JSON");
    add->footer("Example: fairly member add sam --unix-user sam\n");
    add->callback([options, &ctx] { run_member_add(*options, ctx); });
}

} // namespace fairly::cli
