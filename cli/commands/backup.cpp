// fairly backup FILE: a consistent copy of the household's database, made by
// fairlyd while it keeps serving.
#include "commands.hpp"

#include <filesystem>

namespace fairly::cli {
namespace {

struct backup_options {
    std::string file;
    bool json_output = false;
};

void run_backup(const backup_options& options, context& ctx) {
    const std::string path = std::filesystem::absolute(options.file).lexically_normal().string();
    json result = ctx.call("backup", {{"path", path}});
    if (options.json_output) return void(ctx.out << result.dump(2) << '\n');
    ctx.out << "Backed up " << result.value("pages", 0) << " pages (" << result.value("bytes", 0) << " bytes) to " << path
            << "\nTo restore: fairly restore " << path << "\n";
}

} // namespace

void setup_backup(CLI::App& app, context& ctx) {
    auto options = std::make_shared<backup_options>();
    CLI::App* command = app.add_subcommand("backup", "Write a consistent copy of the household's database while fairlyd runs");
    command->add_option("file", options->file, "the new file (fairlyd writes it, so it must be a place fairlyd may write)")->required();
    command->add_flag("--json", options->json_output, "print the result as JSON");
    command->footer("Example: fairly backup /var/lib/fairly/backup-2026-11-23.db\n");
    command->callback([options, &ctx] { run_backup(*options, ctx); });
}

} // namespace fairly::cli
