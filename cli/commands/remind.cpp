// fairly remind: for cron or a timer. Silent when there is nothing to say;
// each reminder once to each member it is addressed to.
#include "commands.hpp"
#include "duration.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace fairly::cli {
namespace {

struct remind_options {
    std::string within = "2h";
    bool json_output = false;
    std::string exec;
    bool dry_run = false;
    std::string member;
    bool all = false;
};

/// Runs `command` with /bin/sh, the reminder's text on its stdin and its
/// fields in FAIRLY_REMINDER_* variables. Returns the exit status.
int hand_over(const std::string& command, const json& reminder) {
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) {
        if (std::string_view(*e).rfind("FAIRLY_REMINDER_", 0) != 0) env_text.emplace_back(*e);
    }
    for (const char* field : {"key", "type", "who", "to", "at", "text"}) {
        std::string name = field;
        for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        env_text.push_back("FAIRLY_REMINDER_" + name + "=" + reminder.value(field, ""));
    }
    env_text.push_back("FAIRLY_REMINDER_USER=" + reminder.value("to_user", ""));
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return 127;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    // We ignore SIGPIPE (a command may exit without reading); it must not.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    std::string shell_command = command;
    char sh[] = "/bin/sh", dash_c[] = "-c";
    char* argv[] = {sh, dash_c, shell_command.data(), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(pipe_fds[0]);
    if (spawned != 0) {
        ::close(pipe_fds[1]);
        return 127;
    }
    const std::string text = reminder.value("text", "") + "\n";
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(pipe_fds[1], text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; // the command does not read its stdin: that is its business
        written += static_cast<std::size_t>(n);
    }
    ::close(pipe_fds[1]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void run_remind(const remind_options& options, context& ctx) {
    try {
        parse_ahead(options.within, "within");
    } catch (const input_error& e) {
        throw command_error(exit_usage, e.what());
    }
    if (options.all && !options.member.empty()) throw command_error(exit_usage, "give --member or --all, not both");
    ::signal(SIGPIPE, SIG_IGN); // an --exec command that does not read its stdin must not kill us
    json params{{"within", options.within}, {"reference_time", format_iso_utc(ctx.now())}};
    if (options.all) params["all"] = true;
    if (!options.member.empty()) params["member"] = options.member;
    if (ctx.default_member) params["default_member"] = *ctx.default_member;
    json reminders = ctx.call("remind.check", params)["reminders"];
    if (reminders.empty()) return; // nothing to say: cron mails nothing, in every mode
    json delivered = json::array();
    int failures = 0;
    for (json& reminder : reminders) {
        if (!options.exec.empty() && !options.dry_run) {
            const int status = hand_over(options.exec, reminder);
            if (status != 0) {
                ++failures;
                ctx.err << "fairly: --exec failed (exit " << status << ") for " << reminder.value("to", "") << ": " << reminder.value("text", "")
                        << "\n  it was not marked as given, so the next run tries again\n";
                continue;
            }
        } else if (!options.json_output) {
            // Everyone's at once: say whom each is for.
            if (options.all) ctx.out << "For " << reminder.value("to", "") << ": ";
            ctx.out << reminder.value("text", "") << '\n';
        }
        delivered.push_back({{"key", reminder.value("key", "")}, {"to", reminder.value("to", "")}, {"text", reminder.value("text", "")}});
    }
    if (options.json_output) ctx.out << reminders.dump(2) << '\n';
    if (!options.dry_run && !delivered.empty()) {
        ctx.call("remind.mark", {{"reminders", delivered}, {"reference_time", format_iso_utc(ctx.now())}});
    }
    if (failures > 0) throw command_error(exit_tempfail, std::to_string(failures) + " reminder(s) could not be handed to --exec");
}

} // namespace

void setup_remind(CLI::App& app, context& ctx) {
    auto options = std::make_shared<remind_options>();
    CLI::App* command = app.add_subcommand("remind", "For cron or a timer: your reminders, each given once; silent when nothing is due");
    command->add_option("--within", options->within, "remind of slots starting within this time (2h, or \"in 2h\")")->capture_default_str();
    command->add_option("--member", options->member, "whose reminders (default: the member your Unix user is bound to; root may name anyone)");
    command->add_flag("--all", options->all, "every member's reminders, each once per member (root or fairlyd's user: one system-wide job)");
    command->add_flag("--json", options->json_output, "print the reminders as JSON, each with its addressee (\"to\")");
    command->add_option("--exec", options->exec,
                        "run this shell command once per reminder and addressee: the text on stdin and in FAIRLY_REMINDER_TEXT; "
                        "FAIRLY_REMINDER_TO names the member, FAIRLY_REMINDER_USER their Unix user; also _KEY, _TYPE, _WHO, _AT");
    command->add_flag("--dry-run", options->dry_run, "show what would be given, without recording it");
    command->footer("Reminders: your slot coming up, a goal at risk, a slot load took over, couple time not had yet, a drift alert,\n"
                    "an entry someone logged for you, a timer left running. Examples:\n"
                    "  crontab -e:  */10 * * * * fairly remind                 (cron mails what it prints; nothing due, no mail)\n"
                    "  desktop:     fairly remind --exec 'notify-send fairly \"$FAIRLY_REMINDER_TEXT\"'\n"
                    "  everyone's:  fairly remind --all --exec 'mail -s fairly \"${FAIRLY_REMINDER_USER:-root}\"'   (as root or fairlyd's user)\n");
    command->callback([options, &ctx] { run_remind(*options, ctx); });
}

} // namespace fairly::cli
