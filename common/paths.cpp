#include "paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace fairly {
namespace {

const char* non_empty_env(const char* name) {
    const char* value = std::getenv(name);
    return (value && *value) ? value : nullptr;
}

std::filesystem::path home_directory() {
    if (const char* home = non_empty_env("HOME")) return home;
    return "/tmp"; // no HOME (cron with a bare environment): still somewhere writable
}

} // namespace

std::filesystem::path default_socket_path() {
    if (const char* socket = non_empty_env("FAIRLY_SOCKET")) return socket;
    // A daemon in one's own session, else the system service's socket: the
    // first that exists, so a member in a desktop session still finds the
    // household's fairlyd under /run/fairly.
    std::vector<std::filesystem::path> candidates;
    if (const char* runtime = non_empty_env("XDG_RUNTIME_DIR")) candidates.push_back(std::filesystem::path(runtime) / "fairly" / "fairly.sock");
    std::filesystem::path user_runtime = "/run/user/" + std::to_string(::getuid());
    std::error_code ec;
    if (std::filesystem::is_directory(user_runtime, ec)) candidates.push_back(user_runtime / "fairly" / "fairly.sock");
    candidates.emplace_back("/run/fairly/fairly.sock");
    for (const auto& candidate : candidates) {
        if (std::filesystem::exists(candidate, ec)) return candidate;
    }
    return candidates.front();
}

std::filesystem::path state_directory() {
    if (const char* state = non_empty_env("XDG_STATE_HOME")) return std::filesystem::path(state) / "fairly";
    return home_directory() / ".local" / "state" / "fairly";
}

std::filesystem::path default_database_path() { return state_directory() / "household.db"; }

} // namespace fairly
