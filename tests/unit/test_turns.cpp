// Whose turn it is, from the rule in docs/fairness.md ("Turns"), with no database.
#include "turns.hpp"

#include <catch2/catch.hpp>

using fairly::turn_taken;
using fairly::whose_turn;

TEST_CASE("with no turns yet, the member agreed the most is furthest below their share", "[turns]") {
    const auto answer = whose_turn({0.5, 0.25, 0.25}, {});
    REQUIRE(answer.next);
    CHECK(*answer.next == 0);
    CHECK(answer.turns == 0);
    CHECK_FALSE(answer.decided_by_last_turn);
    CHECK(answer.members[0].share == 0.0);
}

TEST_CASE("shares are fractions of the turns read, beside the agreed fraction", "[turns]") {
    const auto answer = whose_turn({0.5, 0.5}, {{0, 100}, {0, 200}, {1, 300}, {0, 400}});
    CHECK(answer.turns == 4);
    CHECK(answer.members[0].taken == 3);
    CHECK(answer.members[0].share == Approx(0.75));
    CHECK(answer.members[1].share == Approx(0.25));
    CHECK(answer.members[0].agreed == 0.5);
    CHECK(*answer.members[0].last == 400);
    CHECK(*answer.next == 1); // 25% against 50%
}

TEST_CASE("a tie on shares goes to whoever's last turn is longest ago, never-had first", "[turns]") {
    // 2/1/1 of 4 is exactly 50/25/25: sam (1) had his turn at 200, kim (2) at 300.
    auto tie = whose_turn({0.5, 0.25, 0.25}, {{0, 100}, {1, 200}, {2, 300}, {0, 400}});
    CHECK(*tie.next == 1);
    CHECK(tie.decided_by_last_turn);
    // Two members with no turns and equal agreed shares: the first listed.
    auto fresh = whose_turn({0.5, 0.5}, {});
    CHECK(*fresh.next == 0);
    CHECK(fresh.decided_by_last_turn);
    // One of two has had a turn, at an equal split: the other, who never had one.
    auto one = whose_turn({0.5, 0.5}, {{0, 100}});
    CHECK(*one.next == 1);
    CHECK_FALSE(one.decided_by_last_turn); // 0% against 50% is simply further below
}

TEST_CASE("a turn by someone who is not a member is ignored", "[turns]") {
    const auto answer = whose_turn({0.5, 0.5}, {{5, 100}, {1, 200}});
    CHECK(answer.turns == 1);
    CHECK(*answer.next == 0);
}

TEST_CASE("nobody to take turns: no answer", "[turns]") {
    CHECK_FALSE(whose_turn({}, {{0, 1}}).next);
}
