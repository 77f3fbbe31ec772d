// fairly pending / confirm ID / dispute ID "reason": events others logged for you.
#include "commands.hpp"

namespace fairly::cli {
namespace {

struct review_options {
    std::int64_t id = 0;
    std::string reason;
    std::string member;
    bool change = false;
    bool json_output = false;
};

void run_pending(const review_options& options, context& ctx) {
    json params = json::object();
    if (!options.member.empty()) params["member"] = options.member;
    if (ctx.default_member) params["default_member"] = *ctx.default_member;
    json result = ctx.call("events.pending", params);
    if (options.json_output) return void(ctx.out << result["events"].dump(2) << '\n');
    if (result["events"].empty()) return void(ctx.out << "Nothing logged for " << result.value("member", "you") << " waits for a look.\n");
    ctx.out << "Logged for " << result.value("member", "") << " by someone else; `fairly confirm ID` or `fairly dispute ID \"why\"`:\n";
    for (const json& event : result["events"]) ctx.out << "  " << describe_event(event) << '\n';
}

void run_review(const review_options& options, context& ctx, const char* method) {
    json params{{"id", options.id}};
    if (!options.reason.empty()) check_note(options.reason, "reason"), params["reason"] = options.reason;
    if (!options.member.empty()) params["member"] = options.member;
    if (options.change) params["change"] = true;
    auto result = ctx.write(method, params);
    if (!result) return;
    if (options.json_output) return void(ctx.out << (*result)["event"].dump(2) << '\n');
    const json& event = (*result)["event"];
    if (event.value("review", "") == "disputed") {
        ctx.out << "Disputed " << describe_event(event) << "\nIt is left out of the shares and listed under \"to talk about\".\n";
    } else {
        ctx.out << "Confirmed " << describe_event(event) << '\n';
    }
}

} // namespace

void setup_review(CLI::App& app, context& ctx) {
    auto pending = std::make_shared<review_options>();
    CLI::App* pending_command = app.add_subcommand("pending", "What others logged for you, waiting for a confirm or a dispute");
    pending_command->add_option("--member", pending->member, "for whom (default: you)");
    pending_command->add_flag("--json", pending->json_output, "print the events as JSON");
    pending_command->footer("Example: fairly pending\n");
    pending_command->callback([pending, &ctx] { run_pending(*pending, ctx); });

    auto confirm = std::make_shared<review_options>();
    CLI::App* confirm_command = app.add_subcommand("confirm", "Confirm an event someone logged for you");
    confirm_command->add_option("id", confirm->id, "the event's number")->required();
    confirm_command->add_option("--member", confirm->member, "who you are, when not bound to a member");
    confirm_command->add_flag("--change", confirm->change, "change your answer: withdraw a dispute you made");
    confirm_command->add_flag("--json", confirm->json_output, "print the event as JSON");
    confirm_command->footer("Example: fairly confirm 42\n");
    confirm_command->callback([confirm, &ctx] { run_review(*confirm, ctx, "event.confirm"); });

    auto dispute = std::make_shared<review_options>();
    CLI::App* dispute_command = app.add_subcommand("dispute", "Dispute an event someone logged for you, with the reason");
    dispute_command->add_option("id", dispute->id, "the event's number")->required();
    dispute_command->add_option("reason", dispute->reason, "what is wrong")->required();
    dispute_command->add_option("--member", dispute->member, "who you are, when not bound to a member");
    dispute_command->add_flag("--change", dispute->change, "change your answer: dispute what you confirmed");
    dispute_command->add_flag("--json", dispute->json_output, "print the event as JSON");
    dispute_command->footer("Example: fairly dispute 42 \"that was me, not you\"\n");
    dispute_command->callback([dispute, &ctx] { run_review(*dispute, ctx, "event.dispute"); });
}

} // namespace fairly::cli
