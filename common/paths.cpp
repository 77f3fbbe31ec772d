#include "paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

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
    if (const char* runtime = non_empty_env("XDG_RUNTIME_DIR")) return std::filesystem::path(runtime) / "fairly" / "fairly.sock";
    std::filesystem::path user_runtime = "/run/user/" + std::to_string(::getuid());
    std::error_code ec;
    if (std::filesystem::is_directory(user_runtime, ec)) return user_runtime / "fairly" / "fairly.sock";
    return "/run/fairly/fairly.sock";
}

std::filesystem::path state_directory() {
    if (const char* state = non_empty_env("XDG_STATE_HOME")) return std::filesystem::path(state) / "fairly";
    return home_directory() / ".local" / "state" / "fairly";
}

std::filesystem::path default_database_path() { return state_directory() / "household.db"; }

} // namespace fairly
