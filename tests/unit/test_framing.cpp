#include "framing.hpp"
#include "protocol.hpp"

#include <catch2/catch.hpp>

using fairly::line_splitter;

TEST_CASE("lines split across reads come out whole and in order", "[framing]") {
    line_splitter splitter(fairly::rpc::max_line_bytes);
    std::string line;
    splitter.feed("{\"a\":1}\n{\"b\"");
    REQUIRE(splitter.next(line) == line_splitter::status::line);
    CHECK(line == "{\"a\":1}");
    CHECK(splitter.next(line) == line_splitter::status::need_more);
    splitter.feed(":2}\r\n{\"c\":3}\n");
    REQUIRE(splitter.next(line) == line_splitter::status::line);
    CHECK(line == "{\"b\":2}"); // a CR before the newline is not part of the request
    REQUIRE(splitter.next(line) == line_splitter::status::line);
    CHECK(line == "{\"c\":3}");
    CHECK(splitter.next(line) == line_splitter::status::need_more);
    CHECK(splitter.pending_bytes() == 0);
}

TEST_CASE("a line of exactly the limit passes, one byte more is too long", "[framing]") {
    std::string line;
    {
        line_splitter splitter(64 * 1024);
        std::string input(64 * 1024, 'x');
        input += '\n';
        splitter.feed(input);
        REQUIRE(splitter.next(line) == line_splitter::status::line);
        CHECK(line.size() == 64 * 1024);
    }
    {
        line_splitter splitter(64 * 1024);
        std::string input(64 * 1024 + 1, 'x');
        input += '\n';
        splitter.feed(input);
        CHECK(splitter.next(line) == line_splitter::status::too_long);
    }
}

TEST_CASE("an endless line is refused before its newline arrives", "[framing]") {
    line_splitter splitter(1024);
    std::string line;
    for (int i = 0; i < 3; ++i) splitter.feed(std::string(400, 'y'));
    CHECK(splitter.next(line) == line_splitter::status::too_long);
}

TEST_CASE("a long-lived stream does not keep consumed bytes", "[framing]") {
    line_splitter splitter(1024);
    std::string line;
    for (int i = 0; i < 10000; ++i) {
        splitter.feed("{\"n\":" + std::to_string(i) + "}\n{\"partial");
        REQUIRE(splitter.next(line) == line_splitter::status::line);
        REQUIRE(splitter.next(line) == line_splitter::status::need_more);
        splitter.feed("\":0}\n");
        REQUIRE(splitter.next(line) == line_splitter::status::line);
    }
    CHECK(splitter.pending_bytes() == 0);
}
