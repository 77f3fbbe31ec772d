#include "uuid.hpp"

#include "errors.hpp"

#include <sys/random.h>

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <array>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <cstdint>

namespace fairly {

std::string make_uuid() {
    std::array<std::uint8_t, 16> bytes{};
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw error("cannot read random bytes for an event id (getrandom failed)");
        }
        filled += static_cast<std::size_t>(got);
    }
    // Version 7 (RFC 9562): the first 48 bits are the Unix time in
    // milliseconds, the rest random. Ids made close in time sort close
    // together, so the unique index takes new events on its last pages
    // instead of scattering them across the whole index.
    const auto now_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(now_ms >> (40 - 8 * i));
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x70); // version 7
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(hex[bytes[i] >> 4]);
        out.push_back(hex[bytes[i] & 0x0f]);
    }
    return out;
}

std::string make_name_uuid(std::string_view name) {
    // fairly's namespace for imported rows: a fixed v4 UUID, so ids made by
    // another program from the same names cannot collide with ours.
    static const boost::uuids::uuid fairly_namespace =
        boost::uuids::string_generator()("6d1f3c0e-8a52-4c7e-9a0b-2f4e5d6c7b8a");
    const boost::uuids::name_generator_sha1 generate(fairly_namespace);
    return boost::uuids::to_string(generate(name.data(), name.size()));
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_here ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

} // namespace fairly
