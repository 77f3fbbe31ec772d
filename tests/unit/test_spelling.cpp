#include "catalogue.hpp"
#include "spelling.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using fairly::did_you_mean;
using fairly::nearest_name;
using fairly::same_name;

TEST_CASE("nearest_name finds the name a slip was meant to be", "[spelling]") {
    const std::vector<std::string> kinds{"night-feed", "bedtime", "bath-time", "school-run", "cooking", "laundry"};
    CHECK(nearest_name("nightfeed", kinds) == "night-feed");
    CHECK(nearest_name("night-fed", kinds) == "night-feed");
    CHECK(nearest_name("Night-Feed", kinds) == "night-feed");
    CHECK(nearest_name("coking", kinds) == "cooking");
    CHECK(nearest_name("luandry", kinds) == "laundry");
    CHECK_FALSE(nearest_name("gardening", kinds));
    CHECK_FALSE(nearest_name("x", kinds));
    const std::vector<std::string> commands{"log", "start", "stop", "events", "void", "edit", "turn", "whose-turn"};
    CHECK(nearest_name("lgo", commands) == "log");
    CHECK(nearest_name("evnets", commands) == "events");
    CHECK(nearest_name("whoseturn", commands) == "whose-turn");
    CHECK(did_you_mean("lgo", commands) == "; did you mean log?");
    CHECK(did_you_mean("zzz", commands).empty());
}

TEST_CASE("names compare without regard to case, in any alphabet", "[spelling]") {
    CHECK(same_name("Zoë", "zoë"));
    CHECK(same_name("JOSÉ", "josé"));
    CHECK(same_name("Łukasz", "łukasz"));
    CHECK(same_name("Ирина", "ирина"));
    CHECK_FALSE(same_name("zoe", "zoë"));
    CHECK(nearest_name("zoe", {"Zoë", "alex"}) == "Zoë");
}

TEST_CASE("a name may use any letters, and its length is counted in characters", "[spelling][catalogue]") {
    CHECK(fairly::is_valid_name("Zoë"));
    CHECK(fairly::is_valid_name("José"));
    CHECK(fairly::is_valid_name("zoë-swim"));
    CHECK(fairly::is_valid_name("Ирина"));
    CHECK(fairly::is_valid_name("美咲"));
    CHECK_FALSE(fairly::is_valid_name("zoë swim"));
    CHECK_FALSE(fairly::is_valid_name("-zoë"));
    CHECK_FALSE(fairly::is_valid_name("zoë→sam"));
    CHECK_FALSE(fairly::is_valid_name("\xC3"));         // half a character
    CHECK_FALSE(fairly::is_valid_name("\xC0\xAF"));     // an overlong '/'
    std::string forty;
    for (int i = 0; i < 40; ++i) forty += "ë"; // 80 bytes, 40 characters
    CHECK(fairly::is_valid_name(forty));
    CHECK_FALSE(fairly::is_valid_name(forty + "ë"));
}

TEST_CASE("a note over the limit is measured in characters", "[spelling][catalogue]") {
    CHECK(fairly::note_too_long(std::string(2000, 'a'), "note").empty());
    CHECK(fairly::note_too_long(std::string(2001, 'a'), "note") ==
          "note: a note holds up to 2000 characters; this one has 2001, so keep the gist here");
    std::string accents;
    for (int i = 0; i < 2000; ++i) accents += "é";
    CHECK(fairly::note_too_long(accents, "note").empty());
}
