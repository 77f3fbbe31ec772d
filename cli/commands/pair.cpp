// fairly pair / devices / unpair ID: phones paired with a member for the
// phone page (docs/phone.md). fairlyd makes the one-time link and renders its
// QR code (libqrencode has no static library, and this binary is static).
#include "commands.hpp"
#include "spelling.hpp"

#include <iomanip>

namespace fairly::cli {
namespace {

struct pair_options {
    std::string member;
    std::string name;
    std::int64_t id = 0;
    bool json_output = false;
};

void run_pair(const pair_options& options, context& ctx) {
    json params = json::object();
    if (!options.member.empty()) params["member"] = options.member;
    if (!options.name.empty()) params["name"] = options.name;
    // Not spooled: a link made later than asked for would be no use.
    json result = ctx.call("device.pair", params);
    if (options.json_output) return void(ctx.out << result.dump(2) << '\n');
    const std::string member = result.value("member", "");
    const int minutes = result.value("expires_in_minutes", 10);
    ctx.out << "Open this link on " << member << "'s phone to pair it" << (options.name.empty() ? "" : " as \"" + options.name + "\"")
            << "; it works once, within " << minutes << " minutes:\n"
            << result.value("url", "") << '\n';
    if (const std::string qr = result.value("qr", ""); !qr.empty()) {
        ctx.out << '\n' << qr << (qr.back() == '\n' ? "" : "\n");
    }
    ctx.out << "The phone then logs as " << member << " and nobody else; `fairly devices` lists it, `fairly unpair ID` ends it.\n";
}

/// "Wed 2 Dec 05:40" as the daemon says it, or the short form of its local ISO time.
std::string when_text(const json& device, const char* when, const char* at) {
    if (device.contains(when) && device[when].is_string()) return device[when].get<std::string>();
    if (device.contains(at) && device[at].is_string()) return short_local(device[at].get<std::string>());
    return "";
}

void run_devices(const pair_options& options, context& ctx) {
    json result = ctx.call("devices.list", json::object());
    const json& devices = result["devices"];
    if (options.json_output) return void(ctx.out << devices.dump(2) << '\n');
    if (devices.empty()) {
        return void(ctx.out << "No phone is paired yet; `fairly pair` prints a link to open on one (`fairly pair --member NAME` for someone else's).\n");
    }
    // Widths in characters, so "Zoë's phone" lines up like "alex's phone".
    auto width_of = [](const std::string& text) { return fairly::utf8_length(text).value_or(text.size()); };
    auto padded = [&](const std::string& text, std::size_t width) { return text + std::string(width - std::min(width, width_of(text)), ' '); };
    std::size_t id_width = 2, member_width = 6, name_width = 4, paired_width = 6;
    for (const json& device : devices) {
        id_width = std::max(id_width, std::to_string(device.value("id", 0)).size() + 1);
        member_width = std::max(member_width, width_of(device.value("member", "")));
        name_width = std::max(name_width, width_of(device.value("name", "")));
        paired_width = std::max(paired_width, width_of(when_text(device, "paired_when", "paired_at")));
    }
    ctx.out << padded("ID", id_width + 2) << padded("MEMBER", member_width + 2) << padded("NAME", name_width + 2)
            << padded("PAIRED", paired_width + 2) << "LAST SEEN\n";
    bool any_unpaired = false;
    for (const json& device : devices) {
        std::string last_seen = when_text(device, "last_seen_when", "last_seen_at");
        if (last_seen.empty()) last_seen = "not yet";
        if (device.value("revoked", false)) last_seen += " (unpaired)", any_unpaired = true;
        ctx.out << padded("#" + std::to_string(device.value("id", 0)), id_width + 2) << padded(device.value("member", ""), member_width + 2)
                << padded(device.value("name", ""), name_width + 2) << padded(when_text(device, "paired_when", "paired_at"), paired_width + 2)
                << last_seen << '\n';
    }
    if (any_unpaired) ctx.out << "An unpaired device reaches nothing; it stays listed so you can see when it was last used.\n";
}

void run_unpair(const pair_options& options, context& ctx) {
    json result = ctx.call("device.revoke", {{"id", options.id}});
    if (options.json_output) return void(ctx.out << result["device"].dump(2) << '\n');
    const json& device = result["device"];
    const std::string name = device.value("name", "");
    ctx.out << "Unpaired #" << device.value("id", options.id) << (name.empty() ? "" : " (" + name + ")") << ", " << device.value("member", "")
            << "'s: it no longer reaches the household.\n";
}

} // namespace

void setup_pair(CLI::App& app, context& ctx) {
    auto pair = std::make_shared<pair_options>();
    CLI::App* pair_command = app.add_subcommand("pair", "Print a one-time link (and its QR code) that pairs a phone with a member");
    pair_command->add_option("--member", pair->member, "whose phone (default: you; root and fairlyd's user may name anyone)");
    pair_command->add_option("--name", pair->name, "what to call the device in `fairly devices` (a name typed on the pairing page wins)");
    pair_command->add_flag("--json", pair->json_output, "print the link as JSON: {\"url\": ...}");
    pair_command->footer("Example: fairly pair --name \"alex's phone\"\n"
                         "fairlyd must serve the phone page: fairlyd --http 127.0.0.1:8737 (docs/phone.md).\n");
    pair_command->callback([pair, &ctx] { run_pair(*pair, ctx); });

    auto devices = std::make_shared<pair_options>();
    CLI::App* devices_command = app.add_subcommand("devices", "List the paired phones: member, name, when paired, when last seen");
    devices_command->add_flag("--json", devices->json_output, "print the devices as JSON");
    devices_command->footer("Example: fairly devices\n");
    devices_command->callback([devices, &ctx] { run_devices(*devices, ctx); });

    auto unpair = std::make_shared<pair_options>();
    CLI::App* unpair_command = app.add_subcommand("unpair", "Unpair a device at once: it reaches nothing of the household again");
    unpair_command->add_option("id", unpair->id, "the device's number, from `fairly devices`")->required();
    unpair_command->add_flag("--json", unpair->json_output, "print the device as JSON");
    unpair_command->footer("Example: fairly unpair 3\n");
    unpair_command->callback([unpair, &ctx] { run_unpair(*unpair, ctx); });
}

} // namespace fairly::cli
