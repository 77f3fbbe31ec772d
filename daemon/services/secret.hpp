#pragma once
/// The secrets of pairing: random tokens, their SHA-256, and comparing them
/// in constant time (OpenSSL). fairlyd keeps only hashes; the token itself
/// lives in the phone.
#include <cstddef>
#include <string>
#include <string_view>

namespace fairly::daemon {

/// `bytes` random bytes from OpenSSL's CSPRNG, as unpadded base64url
/// (16 bytes: 22 characters; 32 bytes: 43).
std::string random_token(std::size_t bytes);

/// True when `text` could be a token random_token(bytes) made: its length and alphabet.
bool looks_like_token(std::string_view text, std::size_t bytes);

/// The SHA-256 of `text`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

/// Equal strings, compared in time that depends only on their length.
bool equal_constant_time(std::string_view a, std::string_view b);

} // namespace fairly::daemon
