// fairly import: bring in a fairly export (JSON or CSV) or a Timewarrior
// history. Every record carries a stable uuid, so importing twice adds
// nothing. The file is checked whole before anything is written: a file with
// a bad row imports nothing unless --skip-bad says to import the rest.
#include "commands.hpp"

#include "csv.hpp"
#include "uuid.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

namespace fairly::cli {
namespace {

struct import_options {
    std::string file = "-";
    std::string format;
    std::vector<std::string> member_tags; // TAG=MEMBER
    std::vector<std::string> kind_map;    // TAG=KIND
    std::string member;
    bool dry_run = false;
    bool skip_bad = false;
    bool json_output = false;
};

/// Where a record is in the file, for messages: "line 12", "events #3".
using emit_fn = std::function<void(std::string where, json row)>;
using reject_fn = std::function<void(std::string where, std::string reason)>;

/// One format's reading of the file: emits rows in file order, the same
/// rows in the same order every time it is run.
struct record_source {
    std::function<void(const emit_fn&, const reject_fn&)> read;
    std::optional<json> household;   ///< a fairly export's settings, members, kinds, ...
    std::vector<std::string> notes;  ///< what the reader noticed (ignored columns, unmapped tags)
};

std::string read_input(const std::string& file) {
    std::ostringstream text;
    if (file == "-") {
        if (::isatty(STDIN_FILENO)) throw command_error(exit_usage, "give the file to import, or pipe it in (e.g. `timew export | fairly import --format timewarrior`)");
        text << std::cin.rdbuf();
        if (std::cin.bad()) throw command_error(exit_io, "cannot read standard input");
        return std::move(text).str();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw command_error(exit_usage, "cannot open " + file);
    text << in.rdbuf();
    return std::move(text).str();
}

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

record_source json_source(const std::string& text) {
    record_source source;
    // The household part is read once up front (a pass that skips the records).
    {
        emit_fn ignore_row = [](std::string, json) {};
        reject_fn ignore_reject = [](std::string, std::string) {};
        export_reader reader(ignore_row, ignore_reject, true);
        json::sax_parse(text, &reader);
        if (reader.head.value("format", "") != "fairly-export") {
            throw command_error(exit_data, "this JSON is not a fairly export (no \"format\": \"fairly-export\"); "
                                           "for Timewarrior's `timew export` use --format timewarrior");
        }
        source.household = std::move(reader.head);
    }
    source.read = [&text](const emit_fn& emit, const reject_fn& reject) {
        export_reader reader(emit, reject);
        json::sax_parse(text, &reader);
    };
    return source;
}

// ---------------------------------------------------------------- CSV

record_source csv_source(const std::string& text) {
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
    source.read = [&text, column, width](const emit_fn& emit, const reject_fn& reject) {
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

record_source timewarrior_source(const std::string& text, const import_options& options, context& ctx) {
    json intervals = json::parse(text, nullptr, false);
    if (intervals.is_discarded() || !intervals.is_array()) {
        throw command_error(exit_data, "this is not what `timew export` prints (a JSON list of intervals)");
    }
    const auto member_tags = tag_map(options.member_tags, "--member-tag");
    const auto kind_tags = tag_map(options.kind_map, "--kind-map");
    std::set<std::string> members, kinds;
    {
        json status = ctx.call("status", json::object());
        if (!status.value("initialized", false)) {
            throw command_error(exit_data, "this household is not set up yet; run `fairly init` before importing a Timewarrior history");
        }
        for (const json& member : status["members"]) members.insert(member["name"].get<std::string>());
        const json catalogue = ctx.call("kinds.list", json::object());
        for (const json& kind : catalogue["kinds"]) kinds.insert(kind["name"].get<std::string>());
    }
    for (const auto& [tag, member] : member_tags) {
        if (!members.count(member)) throw command_error(exit_usage, "--member-tag " + tag + "=" + member + ": no member named " + member);
    }
    for (const auto& [tag, kind] : kind_tags) {
        if (!kinds.count(kind)) throw command_error(exit_usage, "--kind-map " + tag + "=" + kind + ": no kind named " + kind + " (see `fairly kinds`)");
    }
    std::string fallback_member = options.member;
    if (fallback_member.empty() && ctx.default_member) fallback_member = *ctx.default_member;
    if (fallback_member.empty() && members.size() == 1) fallback_member = *members.begin();

    // Tags that name nothing are counted once, for the summary.
    std::map<std::string, std::size_t> unmapped;
    for (const json& interval : intervals) {
        if (!interval.is_object() || !interval.contains("tags") || !interval["tags"].is_array()) continue;
        for (const json& tag : interval["tags"]) {
            if (!tag.is_string()) continue;
            const std::string name = tag.get<std::string>();
            if (!member_tags.count(name) && !kind_tags.count(name) && !members.count(name) && !kinds.count(name)) ++unmapped[name];
        }
    }
    record_source source;
    for (const auto& [tag, count] : unmapped) {
        source.notes.push_back("tag \"" + tag + "\" (" + with_commas(count) + (count == 1 ? " interval" : " intervals") +
                               ") names no member or kind; map it with --member-tag " + tag + "=MEMBER or --kind-map " + tag + "=KIND");
    }
    source.read = [intervals = std::move(intervals), member_tags, kind_tags, members, kinds, fallback_member](const emit_fn& emit,
                                                                                                           const reject_fn& reject) {
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
            std::vector<std::string> tags;
            if (interval.contains("tags") && interval["tags"].is_array()) {
                for (const json& tag : interval["tags"]) {
                    if (tag.is_string()) tags.push_back(tag.get<std::string>());
                }
            }
            std::set<std::string> member_found, kind_found;
            for (const std::string& tag : tags) {
                if (auto m = member_tags.find(tag); m != member_tags.end()) member_found.insert(m->second);
                else if (members.count(tag)) member_found.insert(tag);
                if (auto k = kind_tags.find(tag); k != kind_tags.end()) kind_found.insert(k->second);
                else if (kinds.count(tag)) kind_found.insert(tag);
            }
            auto listed = [](const std::set<std::string>& names) {
                std::string text;
                for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
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

// ---------------------------------------------------------------- sending

/// Progress on a terminal only: a count that rewrites itself on stderr.
class progress {
public:
    progress(std::ostream& err, bool shown) : err_(err), shown_(shown) {}
    void update(const char* doing, std::size_t done, std::size_t total) {
        if (!shown_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        err_ << '\r' << doing << ' ' << with_commas(done);
        if (total > 0) err_ << " of " << with_commas(total) << " (" << done * 100 / total << "%)";
        err_ << " records\x1b[K" << std::flush;
    }
    void clear() {
        if (shown_) err_ << "\r\x1b[K" << std::flush;
    }

private:
    std::ostream& err_;
    bool shown_;
    std::chrono::steady_clock::time_point last_{};
};

struct tally {
    std::size_t added = 0, skipped = 0, in_file_twice = 0;
    struct refusal {
        std::size_t position; ///< in the file, counting every record
        std::string where, why;
    };
    std::vector<refusal> refused;
    std::set<std::size_t> refused_rows;
    void refuse(std::size_t position, std::string where, std::string why) {
        refused.push_back({position, std::move(where), std::move(why)});
        refused_rows.insert(position);
    }
    /// In file order, whichever side found them.
    void sort() {
        std::stable_sort(refused.begin(), refused.end(), [](const refusal& a, const refusal& b) { return a.position < b.position; });
    }
};

/// Rows as sent in one import.records request.
struct row_batch {
    std::vector<std::string> rows; ///< each row as JSON text
    std::vector<std::size_t> positions;
    std::vector<std::string> wheres;
};

/// Sends rows to import.records in batches under the request size limit,
/// a few batches in flight so fairlyd's group commit has work queued.
class batch_sender {
public:
    /// A check keeps what it sent in `kept` (if given), so the import after
    /// it sends the same text without reading the file again.
    batch_sender(client& daemon, tally& totals, bool check, bool skip_bad, const json* household, std::vector<row_batch>* kept = nullptr)
        : daemon_(daemon), totals_(totals), check_(check), skip_bad_(skip_bad), kept_(kept) {
        // A check of a file for a new household carries its household part
        // in every batch; the rows get what is left of the request's size.
        if (check_ && household) {
            household_text_ = household->dump(-1, ' ', false, json::error_handler_t::replace);
            if (household_text_.size() + 4096 > budget_) throw command_error(exit_data, "the export's household part is too large to check");
            budget_ -= household_text_.size();
        }
    }

    void add(std::size_t position, std::string where, const json& row) {
        add_text(position, std::move(where), row.dump(-1, ' ', false, json::error_handler_t::replace));
    }

    void add_text(std::size_t position, std::string where, std::string text) {
        if (text.size() + 512 > budget_) {
            totals_.refuse(position, std::move(where), "the record is larger than fairlyd takes in one request");
            return;
        }
        if (bytes_ + text.size() + 1 > budget_) flush();
        bytes_ += text.size() + 1;
        current_.rows.push_back(std::move(text));
        current_.positions.push_back(position);
        current_.wheres.push_back(std::move(where));
    }

    void finish() {
        flush();
        while (!in_flight_.empty()) receive_one();
    }

    /// Stopped at the first refused row of a real import (no --skip-bad).
    bool stopped() const { return stopped_; }

private:
    /// The request's params, put together as text: the rows were serialised
    /// once, to measure them, and are not built into a document again.
    void send(const row_batch& b) {
        params_.clear();
        params_ += check_ ? "{\"dry_run\":true," : "{\"dry_run\":false,";
        if (!household_text_.empty()) params_ += "\"household\":" + household_text_ + ",";
        params_ += "\"rows\":[";
        for (std::size_t i = 0; i < b.rows.size(); ++i) {
            if (i > 0) params_ += ',';
            params_ += b.rows[i];
        }
        params_ += "]}";
        daemon_.send_text("import.records", params_);
    }

    void flush() {
        if (current_.rows.empty()) return;
        send(current_);
        in_flight_.push_back(std::move(current_));
        current_ = row_batch{};
        bytes_ = 0;
        while (in_flight_.size() > window_) receive_one();
    }

    void receive_one() {
        row_batch sent = std::move(in_flight_.front());
        in_flight_.pop_front();
        json result = daemon_.receive();
        const json& refused = result["refused"];
        if (check_ || refused.empty()) {
            record(sent, result);
            if (kept_) kept_->push_back(std::move(sent));
            return;
        }
        // A real batch with a refused row wrote nothing. The check before
        // passed it, so something changed in between (or a row depends on
        // one refused earlier). With --skip-bad it goes again without them.
        if (!skip_bad_) {
            record(sent, result);
            stopped_ = true;
            return;
        }
        row_batch again;
        std::set<std::size_t> bad;
        for (const json& entry : refused) bad.insert(entry["index"].get<std::size_t>());
        for (std::size_t i = 0; i < sent.positions.size(); ++i) {
            if (bad.count(i)) {
                totals_.refuse(sent.positions[i], sent.wheres[i], refused_reason(refused, i));
            } else {
                again.rows.push_back(sent.rows[i]);
                again.positions.push_back(sent.positions[i]);
                again.wheres.push_back(sent.wheres[i]);
            }
        }
        if (again.rows.empty()) return;
        // Everything still in flight was sent after this batch; wait for it,
        // then send this one on its own.
        while (!in_flight_.empty()) receive_one();
        send(again);
        in_flight_.push_back(std::move(again));
        receive_one();
    }

    static std::string refused_reason(const json& refused, std::size_t index) {
        for (const json& entry : refused) {
            if (entry["index"] == index) return entry.value("reason", "refused");
        }
        return "refused";
    }

    void record(const row_batch& sent, const json& result) {
        if (stopped_) return;
        for (const json& entry : result["refused"]) {
            const auto index = entry["index"].get<std::size_t>();
            if (index >= sent.wheres.size()) continue;
            totals_.refuse(sent.positions[index], sent.wheres[index], entry.value("reason", "refused"));
        }
        if (result.value("written", false) || check_) {
            totals_.added += result.value("added", std::size_t{0});
            totals_.skipped += result.value("skipped", std::size_t{0});
        }
    }

    client& daemon_;
    tally& totals_;
    bool check_, skip_bad_;
    std::vector<row_batch>* kept_;
    std::string household_text_;
    std::string params_;
    row_batch current_;
    std::size_t bytes_ = 0;
    std::deque<row_batch> in_flight_;
    bool stopped_ = false;
    std::size_t budget_ = rpc::max_line_bytes - 2048;
    static constexpr std::size_t window_ = 4;
};

/// Leaves out what fairlyd assumes anyway (an empty note, role "did", no
/// reviews, nulls), so more rows fit in a request. A null "logged_by" stays:
/// it says nobody bound logged the record.
void compact(json& row) {
    for (auto it = row.begin(); it != row.end();) {
        const bool assumed = (it->is_null() && it.key() != "logged_by") || (it->is_array() && it->empty()) ||
                             (it.key() == "note" && *it == "") || (it.key() == "role" && *it == "did") ||
                             (it.key() == "status" && *it == "active");
        it = assumed ? row.erase(it) : std::next(it);
    }
}

/// One pass over the file: the check (dry run in fairlyd) or the import.
tally run_pass(const record_source& source, context& ctx, const import_options& options, bool check, const json* household_for_check,
               const std::set<std::size_t>& leave_out, std::size_t expected, progress& shown, std::vector<row_batch>* kept = nullptr) {
    tally totals;
    batch_sender sender(ctx.daemon(), totals, check, options.skip_bad, household_for_check, kept);
    std::unordered_set<std::string> seen;
    std::size_t position = 0;
    const char* doing = check ? "checking" : "importing";
    auto emit = [&](std::string where, json row) {
        const std::size_t at = position++;
        shown.update(doing, at, expected);
        if (leave_out.count(at) || sender.stopped()) return;
        const std::string uuid = lowered(row.value("uuid", ""));
        if (!uuid.empty() && !seen.insert(uuid).second) {
            ++totals.in_file_twice;
            return;
        }
        // A correction whose original comes earlier in the file: in a check
        // the original was not kept, so fairlyd is told it will be there.
        if (check) {
            for (const char* reference : {"supersedes", "for_event"}) {
                if (row.contains(reference) && row[reference].is_string() && seen.count(lowered(row[reference].get<std::string>()))) {
                    row["earlier_in_file"] = true;
                }
            }
        }
        compact(row);
        sender.add(at, std::move(where), row);
    };
    auto reject = [&](std::string where, std::string reason) {
        const std::size_t at = position++;
        if (leave_out.count(at)) return;
        totals.refuse(at, std::move(where), std::move(reason));
    };
    source.read(emit, reject);
    sender.finish();
    shown.clear();
    totals.skipped += totals.in_file_twice;
    totals.sort();
    return totals;
}

/// The import after a check: the rows the check sent, less those refused.
tally run_kept_pass(std::vector<row_batch>& kept, context& ctx, const import_options& options, const std::set<std::size_t>& leave_out,
                    std::size_t expected, progress& shown) {
    tally totals;
    batch_sender sender(ctx.daemon(), totals, false, options.skip_bad, nullptr);
    std::size_t done = 0;
    for (row_batch& batch : kept) {
        for (std::size_t i = 0; i < batch.rows.size() && !sender.stopped(); ++i) {
            shown.update("importing", done++, expected);
            if (leave_out.count(batch.positions[i])) continue;
            sender.add_text(batch.positions[i], std::move(batch.wheres[i]), std::move(batch.rows[i]));
        }
        batch = row_batch{};
    }
    sender.finish();
    shown.clear();
    totals.sort();
    return totals;
}

std::string guess_format(const import_options& options) {
    if (!options.format.empty()) return options.format;
    const std::string name = lowered(options.file);
    auto ends_with = [&](std::string_view suffix) { return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0; };
    if (ends_with(".json")) return "json";
    if (ends_with(".csv")) return "csv";
    throw command_error(exit_usage, "say what the file is: --format json, csv or timewarrior");
}

void print_refusals(std::ostream& out, const tally& totals) {
    constexpr std::size_t shown = 50;
    for (std::size_t i = 0; i < totals.refused.size() && i < shown; ++i) {
        out << "  " << totals.refused[i].where << ": " << totals.refused[i].why << '\n';
    }
    if (totals.refused.size() > shown) out << "  ... and " << with_commas(totals.refused.size() - shown) << " more\n";
}

void run_import(const import_options& options, context& ctx) {
    const std::string format = guess_format(options);
    if (format != "timewarrior" && (!options.member_tags.empty() || !options.kind_map.empty())) {
        throw command_error(exit_usage, "--member-tag and --kind-map are for --format timewarrior");
    }
    std::string text = read_input(options.file);
    const std::string name = options.file == "-" ? std::string("standard input") : options.file;
    record_source source = format == "json" ? json_source(text) : format == "csv" ? csv_source(text) : timewarrior_source(text, options, ctx);

    // The household part of a fairly export goes first: checked, then set up
    // or merged. Rows are checked against a household not set up yet by
    // letting fairlyd set it up inside each check and roll it back.
    json household_notes = json::array();
    std::optional<json> household_part;
    bool fresh = false;
    if (source.household) {
        household_part = *source.household;
        json checked = ctx.call("import.household", {{"household", *household_part}, {"dry_run", true}});
        household_notes = checked["notes"];
        fresh = checked.value("created", false);
    }
    progress shown(ctx.err, ::isatty(STDERR_FILENO) != 0);
    std::vector<row_batch> kept;
    const tally check = run_pass(source, ctx, options, true, fresh ? &*household_part : nullptr, {}, 0, shown, options.dry_run ? nullptr : &kept);
    std::string().swap(text); // the rows are kept as sent; the file is not read again
    const std::size_t total = check.added + check.skipped + check.refused.size();

    json summary{{"file", name},
                 {"format", format},
                 {"records", total},
                 {"dry_run", options.dry_run},
                 {"household", source.household ? json(fresh ? "set up from the file" : "merged") : json(nullptr)},
                 {"notes", household_notes}};
    for (const auto& note : source.notes) summary["notes"].push_back(note);
    json refused = json::array();
    for (const auto& entry : check.refused) refused.push_back({{"where", entry.where}, {"reason", entry.why}});
    summary["refused"] = refused;

    auto print_notes = [&] {
        for (const json& note : summary["notes"]) ctx.out << "  note: " << note.get<std::string>() << '\n';
    };
    // A file with a refused record imports nothing unless --skip-bad; a dry
    // run exits as the import would, so a script can check a file with it.
    const bool refused_whole = !check.refused.empty() && !options.skip_bad;
    if (options.dry_run) {
        summary["would_add"] = check.added;
        summary["would_skip"] = check.skipped;
        if (options.json_output) {
            ctx.out << summary.dump(2) << '\n';
        } else {
            ctx.out << "Dry run of " << name << " (" << format << "): " << with_commas(total) << " records; would add "
                    << with_commas(check.added) << ", skip " << with_commas(check.skipped) << " already recorded, refuse "
                    << with_commas(check.refused.size()) << ".\n";
            if (fresh) ctx.out << "  would set up the household from the file (it is not set up yet)\n";
            print_notes();
            print_refusals(ctx.out, check);
            ctx.out << "Nothing was written.\n";
        }
        if (refused_whole) throw command_error(exit_data, "an import of this file would import nothing, unless given --skip-bad");
        return;
    }
    if (refused_whole) {
        if (options.json_output) ctx.out << summary.dump(2) << '\n';
        else {
            ctx.out << with_commas(check.refused.size()) << " of " << with_commas(total) << " records in " << name << " cannot be imported:\n";
            print_refusals(ctx.out, check);
        }
        throw command_error(exit_data, "nothing was imported; fix the records above, or give --skip-bad to import the rest");
    }
    if (household_part) {
        json applied = ctx.call("import.household", {{"household", *household_part}});
        summary["notes"] = applied["notes"];
        for (const auto& note : source.notes) summary["notes"].push_back(note);
    }
    tally done = run_kept_pass(kept, ctx, options, check.refused_rows, total, shown);
    done.skipped += check.in_file_twice;
    done.refused.insert(done.refused.begin(), check.refused.begin(), check.refused.end());
    done.sort();
    summary["added"] = done.added;
    summary["skipped"] = done.skipped;
    summary["refused"] = json::array();
    for (const auto& entry : done.refused) summary["refused"].push_back({{"where", entry.where}, {"reason", entry.why}});
    const bool complete = done.refused.size() == check.refused.size() || options.skip_bad;
    if (options.json_output) ctx.out << summary.dump(2) << '\n';
    else {
        ctx.out << "Imported " << with_commas(done.added) << " of " << with_commas(total) << " records from " << name << " ("
                << with_commas(done.skipped) << " already recorded, " << with_commas(done.refused.size()) << " refused and left out).\n";
        if (fresh) ctx.out << "  set up the household from the file\n";
        print_notes();
        print_refusals(ctx.out, done);
    }
    if (!complete) {
        throw command_error(exit_data, "the import stopped at a record refused after the check (the household changed meanwhile); "
                                       "what came before it is imported; run the import again to add the rest");
    }
}

} // namespace

void setup_import(CLI::App& app, context& ctx) {
    auto options = std::make_shared<import_options>();
    CLI::App* command = app.add_subcommand("import", "Bring in a fairly export, a spreadsheet or a Timewarrior history; importing twice adds nothing");
    command->add_option("file", options->file, "the file to read (- or nothing: standard input)");
    command->add_option("--format", options->format, "json (a fairly export), csv, or timewarrior (what `timew export` prints); "
                                                     "default: from the file's name")
        ->check(CLI::IsMember({"json", "csv", "timewarrior"}));
    // One value per occurrence (split at commas), so a file named after the
    // mappings is the file, not one more mapping.
    command->add_option("--member-tag", options->member_tags, "Timewarrior: TAG=MEMBER[,TAG=MEMBER...], which tag means which member")
        ->delimiter(',')
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command->add_option("--kind-map", options->kind_map, "Timewarrior: TAG=KIND[,TAG=KIND...], which tag means which kind")
        ->delimiter(',')
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command->add_option("--member", options->member, "Timewarrior: the member for intervals no tag assigns");
    command->add_flag("--dry-run", options->dry_run, "check the whole file and say what would be added, skipped and refused; write nothing "
                                                     "(exits 65 if the import would refuse records)");
    command->add_flag("--skip-bad", options->skip_bad, "import the good records even if some are refused (they are listed)");
    command->add_flag("--json", options->json_output, "print the summary as JSON");
    command->footer("Examples:\n"
                    "  fairly import household.json\n"
                    "  fairly import 2026.csv --dry-run\n"
                    "  fairly import --format timewarrior --member-tag a=alex,s=sam --kind-map feed=night-feed < <(timew export)\n"
                    "Every record has a stable id (its uuid, or one made from the row or interval), so importing again adds nothing.\n"
                    "The file is checked whole first: if any record is refused nothing is imported, unless --skip-bad is given.\n");
    command->callback([options, &ctx] { run_import(*options, ctx); });
}

} // namespace fairly::cli
