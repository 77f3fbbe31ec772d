#include "csv.hpp"
#include "errors.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using fairly::csv_field;
using fairly::csv_reader;
using fairly::csv_record;
using records = std::vector<std::vector<std::string>>;

namespace {

/// Every record in `text`, read with one reused fields vector.
records read_all(std::string_view text) {
    csv_reader reader(text);
    records out;
    std::vector<std::string> fields;
    while (reader.next(fields)) out.push_back(fields);
    return out;
}

/// The error the reader's next() throws, or nothing when it returns a record.
std::optional<fairly::input_error> rejection(csv_reader& reader) {
    std::vector<std::string> fields;
    try {
        reader.next(fields);
    } catch (const fairly::input_error& e) {
        return e;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("csv_field quotes only fields that need it", "[csv]") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("a\"b") == "\"a\"\"b\"");
    CHECK(csv_field("\"") == "\"\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field(" lead") == "\" lead\"");
    CHECK(csv_field("trail ") == "\"trail \"");
    CHECK(csv_field("in side") == "in side");
    CHECK(csv_field("Küche") == "Küche");
}

TEST_CASE("csv_record ends with CRLF and keeps a lone empty field", "[csv]") {
    CHECK(csv_record({"a", "b c", "d,e"}) == "a,b c,\"d,e\"\r\n");
    CHECK(csv_record({"", ""}) == ",\r\n");
    // An empty line is no record, so one empty field must be quoted to survive.
    CHECK(csv_record({""}) == "\"\"\r\n");
    CHECK(read_all(csv_record({""})) == records{{""}});
}

TEST_CASE("awkward fields survive csv_record then csv_reader", "[csv]") {
    const records rows = {
        {"who", "chore", "note"},
        {"Anna", "dishes, pots", "said \"done\""},
        {"", "", ""},
        {" leading", "trailing ", "\ttab"},
        {"multi\nline", "crlf\r\ninside", "lone\rcr"},
        {"Zoë", "Küche putzen 🧽", "日本語"},
        {"\"", "\"\"", ","},
        {"only"},
        {""},
    };
    std::string text;
    for (const auto& row : rows) text += csv_record(row);
    CHECK(read_all(text) == rows);
}

TEST_CASE("line numbers count the lines inside a quoted field", "[csv]") {
    const std::string text = "a,b\n"
                             "\"one\ntwo\nthree\",c\n" // lines 2 to 4
                             "d,e\n";
    csv_reader reader(text);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 1);
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 2);
    CHECK(fields == std::vector<std::string>{"one\ntwo\nthree", "c"});
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 5);
    CHECK(fields == std::vector<std::string>{"d", "e"});
    CHECK_FALSE(reader.next(fields));
}

TEST_CASE("CRLF and LF line ends read alike, even mixed", "[csv]") {
    const records expected = {{"a", "b"}, {"c", ""}, {"\"q\"", "d"}};
    CHECK(read_all("a,b\r\nc,\r\n\"\"\"q\"\"\",d\r\n") == expected);
    CHECK(read_all("a,b\nc,\n\"\"\"q\"\"\",d\n") == expected);
    CHECK(read_all("a,b\r\nc,\n\"\"\"q\"\"\",d\r\n") == expected);
    // The CR of a CRLF after a quoted field is not text after the quote.
    CHECK(read_all("\"a\"\r\n\"b\"\r\n") == records{{"a"}, {"b"}});
}

TEST_CASE("a byte-order mark at the very start is skipped", "[csv]") {
    CHECK(read_all("\xEF\xBB\xBFwho,minutes\r\nAnna,35\r\n") == records{{"who", "minutes"}, {"Anna", "35"}});
    CHECK(read_all("\xEF\xBB\xBF\"who\"\n") == records{{"who"}});
    // Only at the start: later it is data.
    CHECK(read_all("a\n\xEF\xBB\xBF" "b\n") == records{{"a"}, {"\xEF\xBB\xBF" "b"}});
}

TEST_CASE("the last record needs no line end", "[csv]") {
    CHECK(read_all("a,b\nc,d") == records{{"a", "b"}, {"c", "d"}});
    CHECK(read_all("a,b\n\"c\nd\"") == records{{"a", "b"}, {"c\nd"}});
    CHECK(read_all("a,") == records{{"a", ""}});
    CHECK(read_all("a\r") == records{{"a"}});
    CHECK(read_all("") == records{});
    CHECK(read_all("\xEF\xBB\xBF") == records{});
}

TEST_CASE("empty lines are skipped, blank-looking records are not", "[csv]") {
    CHECK(read_all("\n\na\n\r\n\nb\n\n") == records{{"a"}, {"b"}});
    CHECK(read_all("\"\"\n,\n \n") == records{{""}, {"", ""}, {" "}});

    csv_reader reader("\n\nx\n\ny\n");
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 3);
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 5);
    CHECK_FALSE(reader.next(fields));
}

TEST_CASE("an unterminated quote names the line where its record starts", "[csv]") {
    const std::string text = "a,b\n"
                             "c,d\n"
                             "e,\"never closed\n" // line 3
                             "f,g\n";
    csv_reader reader(text);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    REQUIRE(reader.next(fields));
    const auto e = rejection(reader);
    REQUIRE(e);
    CHECK(e->field == "line 3");
    CHECK(std::string(e->what()).rfind("line 3: field 2 opens a quote that is never closed", 0) == 0);
    CHECK(reader.line() == 3);
    // The reader resumes after the line the quote opens on.
    REQUIRE(reader.next(fields));
    CHECK(fields == std::vector<std::string>{"f", "g"});
    CHECK(reader.line() == 4);
    CHECK_FALSE(reader.next(fields));
}

TEST_CASE("an unterminated quote in a record that spans lines names its first line", "[csv]") {
    csv_reader reader("x,\"ok\nstill ok\",\"then\nnever closed");
    const auto e = rejection(reader);
    REQUIRE(e);
    CHECK(e->field == "line 1");
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields)); // resumed after the line the bad quote opens on
    CHECK(fields == std::vector<std::string>{"never closed"});
    CHECK(reader.line() == 3);
}

TEST_CASE("text after a closing quote is an error and the reader goes on", "[csv]") {
    const std::string text = "who,what\r\n"
                             "\"Anna\"x,dishes\r\n" // line 2
                             "Ben,\"a\"\"b\"\r\n"
                             "\"multi\nline\" z,bad\r\n" // lines 4 and 5
                             "Cleo,laundry";
    csv_reader reader(text);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));

    auto e = rejection(reader);
    REQUIRE(e);
    CHECK(e->field == "line 2");
    CHECK(std::string(e->what()).rfind("line 2: field 1 has text after its closing quote", 0) == 0);

    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 3);
    CHECK(fields == std::vector<std::string>{"Ben", "a\"b"});

    e = rejection(reader);
    REQUIRE(e);
    CHECK(e->field == "line 4");

    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 6);
    CHECK(fields == std::vector<std::string>{"Cleo", "laundry"});
    CHECK_FALSE(reader.next(fields));
}

TEST_CASE("a quote inside an unquoted field is kept as it stands", "[csv]") {
    CHECK(read_all("5\" pipe,a\"b\"\n") == records{{"5\" pipe", "a\"b\""}});
}

TEST_CASE("the fields vector follows each record's width", "[csv]") {
    csv_reader reader("a,b,c\nd\ne,f\n");
    std::vector<std::string> fields{"stale", "stale", "stale", "stale"};
    REQUIRE(reader.next(fields));
    CHECK(fields == std::vector<std::string>{"a", "b", "c"});
    REQUIRE(reader.next(fields));
    CHECK(fields == std::vector<std::string>{"d"});
    REQUIRE(reader.next(fields));
    CHECK(fields == std::vector<std::string>{"e", "f"});
}

TEST_CASE("offset counts the bytes consumed, the byte-order mark included", "[csv]") {
    const std::string text = "\xEF\xBB\xBF" "ab,c\r\n\"d\ne\"\n";
    csv_reader reader(text);
    CHECK(reader.offset() == 3);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.offset() == 3 + 6);
    REQUIRE(reader.next(fields));
    CHECK(reader.offset() == text.size());
    CHECK_FALSE(reader.next(fields));
    CHECK(reader.offset() == text.size());
}
