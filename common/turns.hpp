#pragma once
/// Whose turn it is at a contested thing (a lie-in, the gym slot), from the
/// thing's recent turns. Pure arithmetic, beside the fairness arithmetic, so
/// the rule of docs/fairness.md ("Turns") is unit-tested without a database.
#include <cstdint>
#include <optional>
#include <vector>

namespace fairly {

/// One turn taken: by which member (an index into the agreed shares), when.
struct turn_taken {
    std::size_t member = 0;
    std::int64_t at = 0; ///< seconds since the epoch
};

struct turn_standing {
    std::int64_t taken = 0;             ///< turns among those read
    double share = 0;                   ///< of those turns, 0..1
    double agreed = 0;                  ///< agreed share, 0..1
    std::optional<std::int64_t> last;   ///< the member's latest turn
};

struct turn_answer {
    std::optional<std::size_t> next;    ///< whose turn it is (none when nobody is a member)
    bool decided_by_last_turn = false;  ///< a tie on shares, broken by whose last turn is longest ago
    std::int64_t turns = 0;             ///< how many turns were read
    std::vector<turn_standing> members; ///< in member order
};

/// The member furthest below their agreed share of `recent` turns (agreed
/// minus share, largest first); on a tie, the one whose last turn is longest
/// ago, one who never had a turn first; then the member listed first.
turn_answer whose_turn(const std::vector<double>& agreed_shares, const std::vector<turn_taken>& recent);

} // namespace fairly
