#include "qr.hpp"

#include <qrencode.h>

#include <memory>

namespace fairly::daemon {

std::string terminal_qr(std::string_view text) {
    const std::string input(text);
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    if (!code) return {};
    const int width = code->width;
    constexpr int quiet = 2; // modules of light border on each side
    const int size = width + 2 * quiet;
    auto dark = [&](int x, int y) {
        x -= quiet;
        y -= quiet;
        if (x < 0 || y < 0 || x >= width || y >= width) return false;
        return (code->data[y * width + x] & 1) != 0;
    };
    std::string out;
    for (int y = 0; y < size; y += 2) {
        for (int x = 0; x < size; ++x) {
            const bool top = !dark(x, y), bottom = y + 1 < size && !dark(x, y + 1);
            if (top && bottom) out += "\u2588";      // full block: both light
            else if (top) out += "\u2580";           // upper half
            else if (bottom) out += "\u2584";        // lower half
            else out += ' ';
        }
        out += '\n';
    }
    return out;
}

} // namespace fairly::daemon
