#include "turns.hpp"

#include <cmath>
#include <limits>

namespace fairly {

turn_answer whose_turn(const std::vector<double>& agreed_shares, const std::vector<turn_taken>& recent) {
    turn_answer answer;
    answer.members.resize(agreed_shares.size());
    for (std::size_t m = 0; m < agreed_shares.size(); ++m) answer.members[m].agreed = agreed_shares[m];
    for (const turn_taken& turn : recent) {
        if (turn.member >= answer.members.size()) continue;
        turn_standing& standing = answer.members[turn.member];
        ++standing.taken;
        standing.last = standing.last ? std::max(*standing.last, turn.at) : turn.at;
        ++answer.turns;
    }
    for (turn_standing& standing : answer.members) {
        standing.share = answer.turns == 0 ? 0.0 : static_cast<double>(standing.taken) / static_cast<double>(answer.turns);
    }
    constexpr double same = 1e-9;
    const auto below = [](const turn_standing& s) { return s.agreed - s.share; };
    const auto last = [](const turn_standing& s) { return s.last.value_or(std::numeric_limits<std::int64_t>::min()); };
    for (std::size_t m = 0; m < answer.members.size(); ++m) {
        if (!answer.next) {
            answer.next = m;
            continue;
        }
        const turn_standing& best = answer.members[*answer.next];
        const double difference = below(answer.members[m]) - below(best);
        if (difference > same || (std::fabs(difference) <= same && last(answer.members[m]) < last(best))) answer.next = m;
    }
    if (answer.next) {
        const turn_standing& chosen = answer.members[*answer.next];
        for (std::size_t m = 0; m < answer.members.size(); ++m) {
            if (m != *answer.next && std::fabs(below(answer.members[m]) - below(chosen)) <= same) answer.decided_by_last_turn = true;
        }
    }
    return answer;
}

} // namespace fairly
