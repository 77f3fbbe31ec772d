// fairly import: bring in a fairly export (JSON or CSV) or a Timewarrior
// history. Every record carries a stable uuid, so importing twice adds
// nothing. The file is checked whole before anything is written: a file with
// a bad row imports nothing unless --skip-bad says to import the rest.
#include "commands.hpp"

#include "import_formats.hpp"

#include "uuid.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <iterator>
#include <set>
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

/// The file to import, in memory. A regular file is mapped, so its pages are
/// the page cache's (given back under memory pressure, and dropped once the
/// check has read them); standard input is read into a string.
class input_text {
public:
    explicit input_text(const std::string& file) {
        const bool standard_input = file == "-";
        const std::string name = standard_input ? std::string("standard input") : file;
        if (standard_input && ::isatty(STDIN_FILENO)) {
            throw command_error(exit_usage, "give the file to import, or pipe it in (e.g. `timew export | fairly import --format timewarrior`)");
        }
        const int fd = standard_input ? STDIN_FILENO : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw command_error(exit_usage, "cannot open " + file + ": " + std::strerror(errno));
        struct stat about {};
        const bool regular = ::fstat(fd, &about) == 0 && S_ISREG(about.st_mode);
        const char* failed = regular ? map(fd, static_cast<std::size_t>(about.st_size)) : read_all(fd);
        const int error = errno;
        if (!standard_input) ::close(fd);
        if (failed) throw command_error(exit_io, "cannot read " + name + ": " + std::strerror(error));
    }
    ~input_text() { release(); }
    input_text(const input_text&) = delete;
    input_text& operator=(const input_text&) = delete;

    std::string_view view() const { return view_; }

    /// Lets the text go: nothing may read view() afterwards.
    void release() {
        if (map_) ::munmap(map_, size_);
        map_ = nullptr;
        std::string().swap(read_);
        view_ = {};
    }

private:
    /// A regular file (or standard input redirected from one): mapped.
    /// Returns nullptr, or what failed with errno set.
    const char* map(int fd, std::size_t size) {
        size_ = size;
        if (size_ == 0) return nullptr;
        map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map_ == MAP_FAILED) {
            map_ = nullptr;
            return "mmap";
        }
        ::madvise(map_, size_, MADV_SEQUENTIAL);
        view_ = std::string_view(static_cast<const char*>(map_), size_);
        return nullptr;
    }
    /// A pipe (`timew export | fairly import`, `<(timew export)`): read as it comes.
    const char* read_all(int fd) {
        char chunk[64 * 1024];
        for (;;) {
            const ssize_t got = ::read(fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) return "read";
            if (got == 0) break;
            read_.append(chunk, static_cast<std::size_t>(got));
        }
        view_ = read_;
        return nullptr;
    }

    std::string read_;
    void* map_ = nullptr;
    std::size_t size_ = 0;
    std::string_view view_;
};

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
    std::size_t added = 0, skipped = 0, updated = 0, in_file_twice = 0;
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
        json result;
        try {
            result = daemon_.receive();
        } catch (const rpc::rpc_error& e) {
            // A row fairlyd refuses the whole import for (one that speaks for
            // another member) is named as the file has it, not by its place in the batch.
            const auto index = e.data.is_object() ? e.data.value("index", sent.wheres.size()) : sent.wheres.size();
            if (index >= sent.wheres.size()) throw;
            std::string why = e.what();
            const std::string batch_place = "row " + std::to_string(index + 1) + ": ";
            if (why.rfind(batch_place, 0) == 0) why.erase(0, batch_place.size());
            throw rpc::rpc_error(e.code, sent.wheres[index] + ": " + why, e.data);
        }
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
            totals_.updated += result.value("updated", std::size_t{0});
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

/// The uuids met so far in the file, for records named twice and for
/// corrections of earlier records. Held as 128-bit numbers: a million of
/// them as strings would cost the import over 100 MiB.
class uuid_set {
public:
    /// False if `text` was met before.
    bool insert(std::string_view text) {
        if (auto key = bits(text)) return keys_.insert(*key).second;
        return others_.insert(lowered(std::string(text))).second;
    }
    bool contains(std::string_view text) const {
        if (auto key = bits(text)) return keys_.count(*key) > 0;
        return others_.count(lowered(std::string(text))) > 0;
    }

private:
    struct key {
        std::uint64_t high = 0, low = 0;
        bool operator==(const key&) const = default;
    };
    struct key_hash {
        std::size_t operator()(const key& k) const { return std::hash<std::uint64_t>{}(k.high ^ (k.low * 0x9e3779b97f4a7c15ULL)); }
    };
    /// The 32 hex digits of a canonical uuid, either case; nullopt for anything else.
    static std::optional<key> bits(std::string_view text) {
        if (!is_uuid(text)) return std::nullopt;
        key k;
        int digits = 0;
        for (char c : text) {
            if (c == '-') continue;
            const int value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
            std::uint64_t& half = digits < 16 ? k.high : k.low;
            half = (half << 4) | static_cast<std::uint64_t>(value);
            ++digits;
        }
        return k;
    }
    std::unordered_set<key, key_hash> keys_;
    std::unordered_set<std::string> others_; // not uuids: fairlyd refuses them, but a repeat is still a repeat
};

/// The check: every record of the file through fairlyd with dry_run. What
/// it sent is kept in `kept` (if given) for the import to send again.
tally check_pass(const record_source& source, context& ctx, const import_options& options, const json* household_for_check,
                 progress& shown, std::vector<row_batch>* kept) {
    tally totals;
    batch_sender sender(ctx.daemon(), totals, true, options.skip_bad, household_for_check, kept);
    uuid_set seen;
    std::size_t position = 0;
    auto emit = [&](std::string where, json row) {
        const std::size_t at = position++;
        shown.update("checking", at, 0);
        const auto uuid = row.find("uuid");
        if (uuid != row.end() && uuid->is_string() && !uuid->get_ref<const std::string&>().empty() &&
            !seen.insert(uuid->get_ref<const std::string&>())) {
            ++totals.in_file_twice;
            return;
        }
        // A correction whose original comes earlier in the file: in a check
        // the original was not kept, so fairlyd is told it will be there.
        for (const char* reference : {"supersedes", "for_event"}) {
            if (row.contains(reference) && row[reference].is_string() && seen.contains(row[reference].get_ref<const std::string&>())) {
                row["earlier_in_file"] = true;
            }
        }
        compact(row);
        sender.add(at, std::move(where), row);
    };
    auto reject = [&](std::string where, std::string reason) { totals.refuse(position++, std::move(where), std::move(reason)); };
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
    input_text input(options.file);
    const std::string_view text = input.view();
    const std::string name = options.file == "-" ? std::string("standard input") : options.file;
    record_source source = format == "json" ? json_source(text) : format == "csv" ? csv_source(text) : timewarrior_source(text, timewarrior_mapping{options.member_tags, options.kind_map, options.member}, ctx);

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
    const tally check = check_pass(source, ctx, options, fresh ? &*household_part : nullptr, shown, options.dry_run ? nullptr : &kept);
    input.release(); // the rows are kept as sent; the file is not read again
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
        summary["would_update"] = check.updated;
        if (options.json_output) {
            ctx.out << summary.dump(2) << '\n';
        } else {
            ctx.out << "Dry run of " << name << " (" << format << "): " << with_commas(total) << " records; would add "
                    << with_commas(check.added) << ", skip " << with_commas(check.skipped) << " already recorded, refuse "
                    << with_commas(check.refused.size()) << ".\n";
            if (fresh) ctx.out << "  would set up the household from the file (it is not set up yet)\n";
            if (check.updated > 0) ctx.out << "  would bring " << with_commas(check.updated) << " already recorded up to date (voided or reviewed since)\n";
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
    summary["updated"] = done.updated;
    summary["refused"] = json::array();
    for (const auto& entry : done.refused) summary["refused"].push_back({{"where", entry.where}, {"reason", entry.why}});
    const bool complete = done.refused.size() == check.refused.size() || options.skip_bad;
    if (options.json_output) ctx.out << summary.dump(2) << '\n';
    else {
        ctx.out << "Imported " << with_commas(done.added) << " of " << with_commas(total) << " records from " << name << " ("
                << with_commas(done.skipped) << " already recorded, " << with_commas(done.refused.size()) << " refused and left out).\n";
        if (fresh) ctx.out << "  set up the household from the file\n";
        if (done.updated > 0) ctx.out << "  brought " << with_commas(done.updated) << " already recorded up to date (voided or reviewed since)\n";
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
