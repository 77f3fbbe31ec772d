// fairly restore FILE: fairlyd checks a backup, keeps the record as it is
// beside its database, and replaces the record by the backup's in one step
// while it keeps serving.
//
// No "are you sure?": nothing is lost (the record before is kept, and named,
// and restoring that file undoes this), only root or fairlyd's user may run
// it, and a prompt would stop the scripts that restore on purpose.
#include "commands.hpp"

#include <filesystem>

namespace fairly::cli {
namespace {

struct restore_options {
    std::string file;
    bool json_output = false;
};

void run_restore(const restore_options& options, context& ctx) {
    const std::string path = std::filesystem::absolute(options.file).lexically_normal().string();
    json result = ctx.call("restore", {{"path", path}});
    if (options.json_output) return void(ctx.out << result.dump(2) << '\n');
    const std::int64_t events = result.value("events", std::int64_t{0});
    ctx.out << "Restored the household from " << path << " (" << events << (events == 1 ? " event" : " events") << ").\n";
    const int from = result.value("schema_of_backup", 0), to = result.value("schema", 0);
    if (from != to) ctx.out << "Its record was brought up from schema " << from << " to " << to << ", as fairlyd does at start.\n";
    ctx.out << "The record as it was before is kept in " << result.value("kept", std::string()) << "; `fairly restore` that file to undo this.\n";
}

} // namespace

void setup_restore(CLI::App& app, context& ctx) {
    auto options = std::make_shared<restore_options>();
    CLI::App* command = app.add_subcommand("restore", "Bring a backup back while fairlyd runs (root or fairlyd's user)");
    command->add_option("file", options->file, "a file `fairly backup` wrote (fairlyd reads it, so it must be a place fairlyd may read)")
        ->required();
    command->add_flag("--json", options->json_output, "print the result as JSON");
    command->footer("fairlyd checks the file first (SQLite, intact, a household, a schema it knows) and changes nothing if it is\n"
                    "refused. The record as it was is kept beside the database as DB.before-restore-TIME.\n"
                    "Example: sudo fairly restore /var/lib/fairly/backup-2026-11-23.db\n");
    command->callback([options, &ctx] { run_restore(*options, ctx); });
}

} // namespace fairly::cli
