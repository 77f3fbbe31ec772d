#pragma once
#include <string>
#include <string_view>

namespace fairly {

/// A time-ordered (version 7) UUID in canonical lower-case form: milliseconds
/// since the epoch, then 74 random bits from getrandom(2). The CLI makes one
/// per event, so a retried request is recognised.
std::string make_uuid();

/// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool is_uuid(std::string_view text);

} // namespace fairly
