#pragma once
/// A QR code for a terminal (libqrencode), so `fairly pair` can show the
/// pairing link to a phone's camera. The CLI is linked statically and Debian
/// ships libqrencode only as a shared library, so fairlyd draws it.
#include <string>
#include <string_view>

namespace fairly::daemon {

/// `text` as a QR code drawn with Unicode half blocks, two modules a line,
/// light modules drawn (so it reads on a dark terminal as on a light one
/// with its quiet zone), each line ending in '\n'. Empty if it cannot be encoded.
std::string terminal_qr(std::string_view text);

} // namespace fairly::daemon
