#pragma once
/// Where fairly keeps things, following the XDG base directory rules.
#include <filesystem>
#include <string>

namespace fairly {

/// $FAIRLY_SOCKET; else the first of $XDG_RUNTIME_DIR/fairly/fairly.sock,
/// /run/user/<uid>/fairly/fairly.sock and /run/fairly/fairly.sock (the system
/// service's) that exists; else the first of them.
std::filesystem::path default_socket_path();

/// $XDG_STATE_HOME/fairly/household.db, else ~/.local/state/fairly/household.db.
std::filesystem::path default_database_path();

/// $XDG_STATE_HOME/fairly (or ~/.local/state/fairly): the CLI's spool lives here.
std::filesystem::path state_directory();

} // namespace fairly
