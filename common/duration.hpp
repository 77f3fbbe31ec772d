#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace fairly {

/// Parses a length of time as people type it: "35m", "1h20m", "1.5h", "2h",
/// "90s", "1h 20m", "1d", "35 min". A bare number is minutes. The result is
/// positive and at most 7 days; anything else throws input_error naming `field`.
std::chrono::seconds parse_duration(std::string_view text, std::string_view field = "duration");

/// A length ahead, as `--within` takes it: "10m" or "in 10m".
std::chrono::seconds parse_ahead(std::string_view text, std::string_view field = "within");

/// Formats a length for people: "35m", "1h20m", "2h", "0m", "3d4h" is never
/// produced (hours keep counting: "50h").
std::string format_duration(std::chrono::seconds length);

} // namespace fairly
