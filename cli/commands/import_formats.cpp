// The formats `fairly import` reads: each turns a file into rows for
// import.records, in file order, naming where each row is for messages.
#include "import_formats.hpp"

#include "csv.hpp"
#include "uuid.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace fairly::cli {

std::string lowered(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string with_commas(std::size_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

namespace {

// ---------------------------------------------------------------- a fairly export (JSON)

/// Reads a fairly export as a stream: the records of the four big tables are
/// handed out one at a time, everything else is kept (it is small).
class export_reader : public nlohmann::json_sax<json> {
public:
    /// With `skip_records` the record lists are read past, not built: for
    /// taking the household part out of a large file.
    export_reader(const emit_fn& emit, const reject_fn& reject, bool skip_records = false)
        : emit_(emit), reject_(reject), skip_(skip_records) {}

    json head = json::object();

    bool null() override { return value(json(nullptr)); }
    bool boolean(bool v) override { return value(json(v)); }
    bool number_integer(number_integer_t v) override { return value(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return value(json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return value(json(v)); }
    bool string(string_t& v) override { return value(json(std::move(v))); }
    bool binary(binary_t&) override { return value(json(nullptr)); }
    bool key(string_t& k) override {
        key_ = k;
        return true;
    }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
        throw command_error(exit_data, "the file is not valid JSON near byte " + std::to_string(position) + ": " + e.what());
    }

private:
    static bool is_record_table(const std::string& name) {
        return name == "events" || name == "turns" || name == "thanks" || name == "meetings_moved";
    }
    static const char* record_type(const std::string& table) {
        if (table == "turns") return "turn";
        if (table == "thanks") return "thanks";
        if (table == "meetings_moved") return "moved";
        return "event";
    }
    std::string where() const { return table_ + " #" + std::to_string(index_); }

    bool value(json v) {
        if (skip_ && !table_.empty()) return true;
        if (stack_.empty()) {
            if (depth_ == 0) throw command_error(exit_data, "this is not a fairly export: expected a JSON object");
            // A scalar directly in a record list.
            ++index_;
            reject_(where(), "expected an object");
            return true;
        }
        json& parent = *stack_.back();
        if (parent.is_object()) parent[key_] = std::move(v);
        else parent.push_back(std::move(v));
        return true;
    }
    bool open(json container) {
        ++depth_;
        if (depth_ == 1) {
            if (!container.is_object()) throw command_error(exit_data, "this is not a fairly export: expected a JSON object");
            stack_.push_back(&head);
            return true;
        }
        if (depth_ == 2 && container.is_array() && is_record_table(key_)) {
            table_ = key_;
            index_ = 0;
            stack_.clear(); // records are built on their own, not kept in head
            return true;
        }
        if (skip_ && !table_.empty()) return true;
        if (depth_ == 3 && !table_.empty()) {
            ++index_;
            record_ = std::move(container);
            stack_.push_back(&record_);
            return true;
        }
        json& parent = *stack_.back();
        json* child = nullptr;
        if (parent.is_object()) child = &(parent[key_] = std::move(container));
        else {
            parent.push_back(std::move(container));
            child = &parent.back();
        }
        stack_.push_back(child);
        return true;
    }
    bool close() {
        --depth_;
        if (skip_ && !table_.empty()) {
            if (depth_ == 1) {
                table_.clear();
                stack_.assign(1, &head);
            }
            return true;
        }
        if (!table_.empty() && depth_ == 2 && stack_.size() == 1) {
            stack_.clear();
            if (!record_.is_object()) reject_(where(), "expected an object");
            else {
                if (!record_.contains("type")) record_["type"] = record_type(table_);
                emit_(where(), std::move(record_));
            }
            record_ = json();
            return true;
        }
        if (!table_.empty() && depth_ == 1) {
            table_.clear();
            stack_.assign(1, &head);
            return true;
        }
        if (!stack_.empty()) stack_.pop_back();
        return true;
    }

    const emit_fn& emit_;
    const reject_fn& reject_;
    std::vector<json*> stack_;
    std::string key_;
    std::string table_; ///< the record list being streamed, if any
    std::size_t index_ = 0;
    json record_;
    int depth_ = 0;
    bool skip_ = false;
};

} // namespace

record_source json_source(std::string_view text) {
    record_source source;
    // The household part is read once up front (a pass that skips the records).
    {
        emit_fn ignore_row = [](std::string, json) {};
        reject_fn ignore_reject = [](std::string, std::string) {};
        export_reader reader(ignore_row, ignore_reject, true);
        json::sax_parse(text.begin(), text.end(), &reader);
        if (reader.head.value("format", "") != "fairly-export") {
            throw command_error(exit_data, "this JSON is not a fairly export (no \"format\": \"fairly-export\"); "
                                           "for Timewarrior's `timew export` use --format timewarrior");
        }
        source.household = std::move(reader.head);
    }
    source.read = [text](const emit_fn& emit, const reject_fn& reject) {
        export_reader reader(emit, reject);
        json::sax_parse(text.begin(), text.end(), &reader);
    };
    return source;
}

// ---------------------------------------------------------------- CSV

record_source csv_source(std::string_view text) {
    record_source source;
    csv_reader header_reader(text);
    std::vector<std::string> header;
    if (!header_reader.next(header)) throw command_error(exit_data, "the CSV file is empty: it needs a header row");
    static const std::set<std::string> known{"uuid", "start", "end", "member", "kind", "category", "minutes", "role",
                                             "status", "review", "review_reason", "note", "logged_by", "source", "supersedes",
                                             "void_reason", "created_at"};
    static const std::set<std::string> derived{"category", "minutes"}; // shown in the export, worked out again on import
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string name = lowered(header[i]);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!known.count(name)) source.notes.push_back("ignored column \"" + header[i] + "\" (not one fairly reads)");
        else if (column.count(name)) throw command_error(exit_data, "line 1: column \"" + name + "\" appears twice");
        else if (!derived.count(name)) column[name] = i;
    }
    for (const char* required : {"member", "kind", "start"}) {
        if (!column.count(required)) {
            throw command_error(exit_data, std::string("line 1: the header has no \"") + required +
                                               "\" column; a CSV import needs member, kind and start (see `fairly export --format csv`)");
        }
    }
    const std::size_t width = header.size();
    source.read = [text, column, width](const emit_fn& emit, const reject_fn& reject) {
        csv_reader reader(text);
        std::vector<std::string> fields;
        bool header_done = false;
        for (;;) {
            try {
                if (!reader.next(fields)) break;
            } catch (const input_error& e) {
                // The reader's message already starts with "line N: ".
                std::string why = e.what();
                const std::string where = "line " + std::to_string(reader.line());
                if (why.rfind(where + ": ", 0) == 0) why.erase(0, where.size() + 2);
                reject(where, why);
                continue;
            }
            if (!header_done) {
                header_done = true;
                continue;
            }
            const std::string where = "line " + std::to_string(reader.line());
            if (fields.size() != width) {
                reject(where, "has " + std::to_string(fields.size()) + " fields; the header has " + std::to_string(width));
                continue;
            }
            auto field = [&](const char* name) -> const std::string* {
                auto found = column.find(name);
                return found == column.end() ? nullptr : &fields[found->second];
            };
            json row{{"type", "event"}};
            for (const char* name : {"member", "kind", "start", "end", "role", "status", "note", "source", "supersedes", "void_reason", "created_at"}) {
                if (const std::string* value = field(name); value && !value->empty()) row[name] = *value;
            }
            if (const std::string* logged_by = field("logged_by")) row["logged_by"] = logged_by->empty() ? json(nullptr) : json(*logged_by);
            if (const std::string* review = field("review"); review && !review->empty() && row.contains("member")) {
                json verdict{{"member", row["member"]}, {"verdict", *review}};
                if (const std::string* reason = field("review_reason"); reason && !reason->empty()) verdict["reason"] = *reason;
                row["reviews"] = json::array({verdict});
            }
            const std::string* uuid = field("uuid");
            if (uuid && !uuid->empty()) {
                row["uuid"] = *uuid;
            } else {
                // A row typed by hand has no id: one derived from what it says
                // is the same on every import of the same row.
                std::string name = "csv";
                for (const char* part : {"member", "kind", "start", "end", "role", "note"}) {
                    const std::string* value = field(part);
                    name += '\x1f';
                    if (value) name += *value;
                }
                row["uuid"] = make_name_uuid(name);
            }
            emit(where, std::move(row));
        }
    };
    return source;
}

// ---------------------------------------------------------------- Timewarrior

/// "20261101T220000Z" (Timewarrior's export) -> "2026-11-01T22:00:00Z".
namespace {

std::optional<std::string> timew_instant(const json& value) {
    if (!value.is_string()) return std::nullopt;
    const std::string& t = value.get_ref<const std::string&>();
    if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
        if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
    }
    return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "T" + t.substr(9, 2) + ":" + t.substr(11, 2) + ":" + t.substr(13, 2) + "Z";
}

std::map<std::string, std::string> tag_map(const std::vector<std::string>& pairs, const char* option) {
    std::map<std::string, std::string> map;
    for (const std::string& pair : pairs) {
        const auto equals = pair.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == pair.size()) {
            throw command_error(exit_usage, std::string(option) + ": \"" + pair + "\" is not TAG=NAME");
        }
        map[pair.substr(0, equals)] = pair.substr(equals + 1);
    }
    return map;
}

/// What Timewarrior's tags name: a member or a kind, by the mappings given
/// or by being the name itself.
struct tag_names {
    std::map<std::string, std::string> member_tags, kind_tags;
    std::set<std::string> members, kinds;

    std::optional<std::string> member_of(const std::string& tag) const {
        if (auto m = member_tags.find(tag); m != member_tags.end()) return m->second;
        if (members.count(tag)) return tag;
        return std::nullopt;
    }
    std::optional<std::string> kind_of(const std::string& tag) const {
        if (auto k = kind_tags.find(tag); k != kind_tags.end()) return k->second;
        if (kinds.count(tag)) return tag;
        return std::nullopt;
    }
};

/// An interval's tags (the strings among them).
std::vector<std::string> tags_of(const json& interval) {
    std::vector<std::string> tags;
    if (!interval.is_object() || !interval.contains("tags") || !interval["tags"].is_array()) return tags;
    for (const json& tag : interval["tags"]) {
        if (tag.is_string()) tags.push_back(tag.get<std::string>());
    }
    return tags;
}

} // namespace

record_source timewarrior_source(std::string_view text, const timewarrior_mapping& options, context& ctx) {
    json intervals = json::parse(text.begin(), text.end(), nullptr, false);
    if (intervals.is_discarded() || !intervals.is_array()) {
        throw command_error(exit_data, "this is not what `timew export` prints (a JSON list of intervals)");
    }
    tag_names names{tag_map(options.member_tags, "--member-tag"), tag_map(options.kind_map, "--kind-map"), {}, {}};
    {
        json status = ctx.call("status", json::object());
        if (!status.value("initialized", false)) {
            throw command_error(exit_data, "this household is not set up yet; run `fairly init` before importing a Timewarrior history");
        }
        for (const json& member : status["members"]) names.members.insert(member["name"].get<std::string>());
        const json catalogue = ctx.call("kinds.list", json::object());
        for (const json& kind : catalogue["kinds"]) names.kinds.insert(kind["name"].get<std::string>());
    }
    for (const auto& [tag, member] : names.member_tags) {
        if (!names.members.count(member)) throw command_error(exit_usage, "--member-tag " + tag + "=" + member + ": no member named " + member);
    }
    for (const auto& [tag, kind] : names.kind_tags) {
        if (!names.kinds.count(kind)) throw command_error(exit_usage, "--kind-map " + tag + "=" + kind + ": no kind named " + kind + " (see `fairly kinds`)");
    }
    std::string fallback_member = options.member;
    if (fallback_member.empty() && ctx.default_member) fallback_member = *ctx.default_member;
    if (fallback_member.empty() && names.members.size() == 1) fallback_member = *names.members.begin();

    // Tags that name nothing are counted once, for the summary.
    std::map<std::string, std::size_t> unmapped;
    for (const json& interval : intervals) {
        for (const std::string& tag : tags_of(interval)) {
            if (!names.member_of(tag) && !names.kind_of(tag)) ++unmapped[tag];
        }
    }
    record_source source;
    for (const auto& [tag, count] : unmapped) {
        source.notes.push_back("tag \"" + tag + "\" (" + with_commas(count) + (count == 1 ? " interval" : " intervals") +
                               ") names no member or kind; map it with --member-tag " + tag + "=MEMBER or --kind-map " + tag + "=KIND");
    }
    source.read = [intervals = std::move(intervals), names, fallback_member](const emit_fn& emit, const reject_fn& reject) {
        std::size_t number = 0;
        for (const json& interval : intervals) {
            ++number;
            std::string where = "interval " + std::to_string(number);
            if (interval.is_object() && interval.contains("id") && interval["id"].is_number_integer()) {
                where += " (timew @" + std::to_string(interval["id"].get<std::int64_t>()) + ")";
            }
            if (!interval.is_object()) {
                reject(where, "expected an object");
                continue;
            }
            const auto start = timew_instant(interval.value("start", json()));
            if (!start) {
                reject(where, "its start is not a Timewarrior time (YYYYMMDDTHHMMSSZ)");
                continue;
            }
            if (!interval.contains("end")) {
                reject(where, "is still being tracked; stop it in Timewarrior (`timew stop`) and import again");
                continue;
            }
            const auto end = timew_instant(interval["end"]);
            if (!end) {
                reject(where, "its end is not a Timewarrior time (YYYYMMDDTHHMMSSZ)");
                continue;
            }
            const std::vector<std::string> tags = tags_of(interval);
            std::set<std::string> member_found, kind_found;
            for (const std::string& tag : tags) {
                if (auto member = names.member_of(tag)) member_found.insert(*member);
                if (auto kind = names.kind_of(tag)) kind_found.insert(*kind);
            }
            auto listed = [](const std::set<std::string>& found) {
                std::string text;
                for (const auto& name : found) text += (text.empty() ? "" : ", ") + name;
                return text;
            };
            std::string all_tags;
            for (const auto& tag : tags) all_tags += (all_tags.empty() ? "" : " ") + tag;
            if (member_found.size() > 1) {
                reject(where, "its tags name more than one member (" + listed(member_found) + ")");
                continue;
            }
            if (member_found.empty() && fallback_member.empty()) {
                reject(where, "no tag names a member (tags: " + (all_tags.empty() ? std::string("none") : all_tags) +
                                  "); map one with --member-tag TAG=MEMBER or give --member");
                continue;
            }
            if (kind_found.size() != 1) {
                reject(where, kind_found.empty() ? "no tag names a kind (tags: " + (all_tags.empty() ? std::string("none") : all_tags) +
                                                       "); map one with --kind-map TAG=KIND"
                                                 : "its tags name more than one kind (" + listed(kind_found) + ")");
                continue;
            }
            // The id comes from the interval itself: the same interval gives
            // the same event however often it is imported.
            std::vector<std::string> sorted_tags = tags;
            std::sort(sorted_tags.begin(), sorted_tags.end());
            std::string name = "timewarrior\x1f" + *start + "\x1f" + *end;
            for (const auto& tag : sorted_tags) name += "\x1f" + tag;
            json row{{"type", "event"},
                     {"uuid", make_name_uuid(name)},
                     {"member", member_found.empty() ? fallback_member : *member_found.begin()},
                     {"kind", *kind_found.begin()},
                     {"start", *start},
                     {"end", *end},
                     {"source", "timewarrior"}};
            if (interval.contains("annotation") && interval["annotation"].is_string()) row["note"] = interval["annotation"];
            emit(where, std::move(row));
        }
    };
    return source;
}

} // namespace fairly::cli
