#pragma once
#include <string>
#include <string_view>

namespace fairly {

/// A random (version 4) UUID in canonical lower-case form, from getrandom(2).
/// The CLI makes one per event, so a retried request is recognised.
std::string make_uuid();

/// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool is_uuid(std::string_view text);

} // namespace fairly
