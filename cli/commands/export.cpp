// fairly export: the household taken out whole, as JSON (everything, for
// import elsewhere) or CSV (one row per event, for a spreadsheet).
#include "commands.hpp"

#include <algorithm>

#include "csv.hpp"
#include "time_expr.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

namespace fairly::cli {
namespace {

struct export_options {
    std::string format = "json";
    std::string from;
    std::string to;
    std::string output;
};

/// The CSV columns, in order; `fairly import --format csv` reads the same.
const std::vector<std::string>& csv_columns() {
    static const std::vector<std::string> columns{"uuid",   "start",  "end",           "member", "kind",      "category",
                                                  "minutes", "role",  "status",        "review", "review_reason", "note",
                                                  "logged_by", "source", "supersedes", "void_reason", "created_at"};
    return columns;
}

std::string text_of(const json& value) {
    if (value.is_null()) return std::string();
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_float()) return number_text(value.get<double>());
    return value.dump();
}

/// Pages through one table of the record, calling `row` for each.
void each_record(context& ctx, const export_options& options, std::string_view table, bool derived,
                 const std::function<void(const json&)>& row) {
    json params{{"table", table}, {"limit", 5000}, {"reference_time", format_iso_utc(ctx.now())}};
    if (!options.from.empty()) params["from"] = options.from;
    if (!options.to.empty()) params["to"] = options.to;
    if (derived) params["derived"] = true;
    for (;;) {
        json page = ctx.call("export.records", params);
        for (const json& record : page["rows"]) row(record);
        if (page["next"].is_null()) return;
        params["after"] = page["next"];
    }
}

void write_json(context& ctx, const export_options& options, std::ostream& out) {
    json household = ctx.call("export.household", json::object());
    out << "{\n";
    out << "  \"format\": " << json(household["format"]).dump() << ",\n";
    out << "  \"version\": " << household["version"].dump() << ",\n";
    out << "  \"exported_at\": " << json(format_iso_utc(ctx.now())).dump() << ",\n";
    if (!options.from.empty() || !options.to.empty()) {
        out << "  \"period\": " << json{{"from", options.from.empty() ? json(nullptr) : json(options.from)},
                                        {"to", options.to.empty() ? json(nullptr) : json(options.to)}}.dump() << ",\n";
    }
    // The small parts first, indented for a reader; the records one per line.
    // Every part the daemon gives is written (drift talks, agreements, time
    // away, guesses and whatever comes later), so an export never drops one.
    std::vector<std::string> parts{"household", "members", "kinds", "changes", "protected_goals", "protected_slots", "timers"};
    for (const auto& [part, value] : household.items()) {
        if (part != "format" && part != "version" && std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
    }
    for (const std::string& part : parts) {
        if (!household.contains(part)) continue;
        std::string text = household[part].dump(2);
        std::string indented;
        for (char c : text) {
            indented += c;
            if (c == '\n') indented += "  ";
        }
        out << "  " << json(part).dump() << ": " << indented << ",\n";
    }
    const char* tables[] = {"events", "turns", "thanks", "meetings_moved"};
    for (std::size_t t = 0; t < std::size(tables); ++t) {
        out << "  " << json(tables[t]).dump() << ": [";
        bool first = true;
        each_record(ctx, options, tables[t], false, [&](const json& record) {
            out << (first ? "\n    " : ",\n    ") << record.dump();
            first = false;
        });
        out << (first ? "]" : "\n  ]") << (t + 1 < std::size(tables) ? ",\n" : "\n");
    }
    out << "}\n";
}

void write_csv(context& ctx, const export_options& options, std::ostream& out) {
    out << csv_record(csv_columns());
    std::vector<std::string> fields(csv_columns().size());
    each_record(ctx, options, "events", true, [&](const json& record) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const auto found = record.find(csv_columns()[i]);
            fields[i] = found == record.end() ? std::string() : text_of(*found);
        }
        out << csv_record(fields);
    });
}

void run_export(const export_options& options, context& ctx) {
    if (!options.from.empty()) check_time(options.from, "from");
    if (!options.to.empty()) check_time(options.to, "to");
    auto write = [&](std::ostream& out) {
        if (options.format == "csv") write_csv(ctx, options, out);
        else write_json(ctx, options, out);
    };
    if (options.output.empty() || options.output == "-") {
        write(ctx.out);
        ctx.out.flush();
        return;
    }
    // Written beside the target and renamed into place, so a failed export
    // never leaves half a file under the name asked for.
    const std::filesystem::path target = options.output;
    const std::filesystem::path partial = target.string() + ".partial";
    {
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        if (!file) throw cannot_write(target.string());
        try {
            write(file);
        } catch (...) {
            file.close();
            std::filesystem::remove(partial);
            throw;
        }
        file.flush();
        if (!file) {
            std::filesystem::remove(partial);
            throw command_error(exit_io, "could not write all of " + target.string() + " (disk full?); nothing was left under that name");
        }
    }
    std::error_code ec;
    std::filesystem::rename(partial, target, ec);
    if (ec) throw command_error(exit_io, "cannot put the export in place as " + target.string() + ": " + ec.message());
    ctx.err << "fairly: wrote " << target.string() << '\n'; // as `report -o` says it
}

} // namespace

void setup_export(CLI::App& app, context& ctx) {
    auto options = std::make_shared<export_options>();
    CLI::App* command = app.add_subcommand("export", "Take the household's record out: everything as JSON, or the events as CSV");
    command->add_option("--format", options->format, "json (complete, for `fairly import`) or csv (one row per event)")
        ->check(CLI::IsMember({"json", "csv"}))
        ->capture_default_str();
    command->add_option("--from", options->from, "only records from this time (the household's settings always go whole)");
    command->add_option("--to", options->to, "only records before this time");
    command->add_option("-o,--output", options->output, "write to FILE instead of standard output");
    command->footer("Examples:\n  fairly export -o household.json\n  fairly export --format csv --from 2026-01-01 -o 2026.csv\n");
    command->callback([options, &ctx] { run_export(*options, ctx); });
}

} // namespace fairly::cli
