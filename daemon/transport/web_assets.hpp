#pragma once
/// The phone page's files (daemon/web/), built into fairlyd.
#include <optional>
#include <string_view>

namespace fairly::daemon {

/// The content of daemon/web/NAME ("index.html", "app.js", "app.css"), if there is one.
std::optional<std::string_view> web_asset(std::string_view name);

} // namespace fairly::daemon
