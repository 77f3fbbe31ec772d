// libFuzzer target: the time-expression and duration parsers, and resolving
// what they accept in a few zones. Anything they accept must resolve without
// crashing; anything they refuse must be refused with input_error.
#include "duration.hpp"
#include "errors.hpp"
#include "night.hpp"
#include "time_expr.hpp"
#include "zone.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const char* zones[] = {"Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham"};
    const auto reference = fairly::parse_iso_instant("2026-10-25T01:30:00Z");
    try {
        const auto length = fairly::parse_duration(text, "for");
        if (length.count() <= 0 || length > std::chrono::hours(24 * 7)) std::abort();
        (void)fairly::format_duration(length);
    } catch (const fairly::input_error&) {
    }
    try {
        const fairly::time_expr expr = fairly::parse_time_expr(text, "at");
        for (const char* zone : zones) {
            const auto at = fairly::resolve_time(expr, reference, zone, "at");
            (void)fairly::format_local_iso(at, zone);
            (void)fairly::night_seconds(at, at + std::chrono::hours(30), fairly::night_window{}, zone);
        }
    } catch (const fairly::input_error&) {
    }
    try {
        (void)fairly::parse_time_of_day(text, "from");
    } catch (const fairly::input_error&) {
    }
    return 0;
}
