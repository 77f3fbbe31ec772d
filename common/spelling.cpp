#include "spelling.hpp"

#include <algorithm>

namespace fairly {
namespace {

char32_t fold(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;                       // À-Þ, not ×
    if (c >= 0x100 && c <= 0x137 && c != 0x130) return c | 1u;                     // Ā ā ... Ķ ķ (pairs, capital even)
    if (c >= 0x139 && c <= 0x148) return (c & 1u) ? c + 1 : c;                     // Ĺ ĺ ... Ň ň (capital odd)
    if (c >= 0x14A && c <= 0x177) return c | 1u;                                   // Ŋ ŋ ... Ŷ ŷ
    if (c == 0x178) return 0xFF;                                                   // Ÿ
    if (c >= 0x179 && c <= 0x17E) return (c & 1u) ? c + 1 : c;                     // Ź ź ... Ž ž
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;                     // Greek
    if (c >= 0x410 && c <= 0x42F) return c + 32;                                   // Cyrillic А-Я
    if (c >= 0x400 && c <= 0x40F) return c + 80;                                   // Ѐ-Џ
    return c;
}

std::u32string folded_points(std::string_view text) {
    std::u32string points;
    if (auto decoded = utf8_decode(text)) {
        for (char32_t c : *decoded) points += fold(c);
    } else {
        for (char c : text) points += fold(static_cast<unsigned char>(c));
    }
    return points;
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbours each cost 1.
std::size_t distance(const std::u32string& a, const std::u32string& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::u32string without_separators(const std::u32string& s) {
    std::u32string out;
    for (char32_t c : s) {
        if (c != '-' && c != '_' && c != '.' && c != ' ') out += c;
    }
    return out;
}

} // namespace

std::optional<std::u32string> utf8_decode(std::string_view text) {
    std::u32string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        char32_t c = 0;
        if (byte < 0x80) {
            c = byte;
        } else if ((byte & 0xE0) == 0xC0) {
            c = byte & 0x1F, extra = 1;
        } else if ((byte & 0xF0) == 0xE0) {
            c = byte & 0x0F, extra = 2;
        } else if ((byte & 0xF8) == 0xF0) {
            c = byte & 0x07, extra = 3;
        } else {
            return std::nullopt;
        }
        if (extra > 0 && i + extra >= text.size()) return std::nullopt;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return std::nullopt;
            c = (c << 6) | (next & 0x3F);
        }
        // Overlong forms, surrogates and code points past Unicode are not text.
        if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000) || c > 0x10FFFF ||
            (c >= 0xD800 && c <= 0xDFFF)) {
            return std::nullopt;
        }
        out += c;
        i += extra + 1;
    }
    return out;
}

std::optional<std::size_t> utf8_length(std::string_view text) {
    const auto decoded = utf8_decode(text);
    if (!decoded) return std::nullopt;
    return decoded->size();
}

bool is_name_letter(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;          // Latin-1 controls, spaces and signs, but ª µ º
    if (c == 0xD7 || c == 0xF7) return false;                          // × ÷
    if (c >= 0x2000 && c <= 0x2BFF) return false;                      // punctuation, symbols, arrows, shapes
    if (c >= 0x3000 && c <= 0x303F) return false;                      // CJK spaces and punctuation
    if (c >= 0xD800 && c <= 0xF8FF) return false;                      // surrogates, private use
    if (c >= 0xFE00 && c <= 0xFE0F) return false;                      // variation selectors
    if (c >= 0xFE30 && c <= 0xFE6F) return false;                      // compatibility punctuation
    if (c >= 0xFF00 && c <= 0xFF0F) return false;                      // full-width punctuation
    if (c >= 0xFFF0 && c <= 0xFFFF) return false;                      // specials
    if (c >= 0x1F000 && c <= 0x1FAFF) return false;                    // emoji and pictographs
    if (c >= 0xE0000) return false;                                    // tags, private use planes
    return true;
}

std::string fold_case(std::string_view text) {
    std::string out;
    for (char32_t c : folded_points(text)) append_utf8(out, c);
    return out;
}

bool same_name(std::string_view a, std::string_view b) { return folded_points(a) == folded_points(b); }

std::optional<std::string> nearest_name(std::string_view typed, const std::vector<std::string>& known) {
    const std::u32string t = folded_points(typed);
    const std::u32string t_bare = without_separators(t);
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const std::string& name : known) {
        const std::u32string k = folded_points(name);
        std::size_t d = distance(t, k);
        // A dash, dot or underscore left out or added is nearly no slip at all.
        if (without_separators(k) == t_bare) d = std::min<std::size_t>(d, 1);
        // Allowed: 1 slip up to 4 characters, 2 up to 8, 3 beyond, and never half the word.
        const std::size_t longest = std::max(t.size(), k.size());
        const std::size_t allowed = longest <= 4 ? 1 : longest <= 8 ? 2 : 3;
        if (d > allowed || 2 * d > longest) continue;
        if (!best || d < best_distance) {
            best = name;
            best_distance = d;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known) {
    if (auto near = nearest_name(typed, known)) return "; did you mean " + *near + "?";
    return std::string();
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

} // namespace fairly
