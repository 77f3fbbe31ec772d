#pragma once
#include <string>
#include <string_view>

namespace fairly {

/// A time-ordered (version 7) UUID in canonical lower-case form: milliseconds
/// since the epoch, then 74 random bits from getrandom(2). The CLI makes one
/// per event, so a retried request is recognised.
std::string make_uuid();

/// A name-based (version 5, SHA-1) UUID: the same `name` always gives the
/// same id. Imports use it for rows that carry no id of their own (a
/// Timewarrior interval, a hand-made spreadsheet row), so importing the same
/// file twice adds nothing the second time.
std::string make_name_uuid(std::string_view name);

/// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool is_uuid(std::string_view text);

} // namespace fairly
