#pragma once
/// Renderers of the weekly report. Each reads the one report object that
/// fairlyd builds (the JSON contract of `fairly report --format json`) and
/// none of them queries anything. Words are observations and conversation
/// openers, never rankings.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace fairly::render {

using json = nlohmann::json;

/// The terminal report; `colour` adds ANSI emphasis (only on a TTY, and not with NO_COLOR).
std::string text(const json& report, bool colour);

/// The same content as a Markdown document.
std::string markdown(const json& report);

/// RFC 4180 CSV: one row per member for the period, then one per member per trend week.
std::string csv(const json& report);

/// A self-contained HTML page (inline CSS and SVG, nothing fetched).
std::string html(const json& report);
/// The page's body (from its heading to its last note), for a page of its
/// own around it: the phone page shows the week's report with it.
std::string html_body(const json& report);
/// The page's style sheet, which the body's classes need.
std::string html_style();

/// Text for HTML: & < > and " escaped (attribute values are double-quoted).
std::string escape_html(std::string_view text);

/// The running balance against the agreed split, week by week, in hours.
std::string balance_text(const json& report, bool colour);

/// The sentences of "what the record shows", shared by every format.
std::vector<std::string> observations(const json& report);

} // namespace fairly::render
