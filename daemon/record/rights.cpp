// Who may act on what: one rule each, used by the live path (fairly void,
// edit, confirm, dispute, thanks, guess) and by a member's import alike
// (docs/security.md: nobody acts for another).
#include "record.hpp"

#include "protocol.hpp"

namespace fairly::daemon {

using rpc::error_code;
using rpc::rpc_error;

void household_record::check_may_void(const request_context& ctx, std::int64_t id, const recorded_event& event) {
    if (ctx.binding && event.logged_by != ctx.binding) {
        throw rpc_error(error_code::permission_denied,
                        "event #" + std::to_string(id) + " was logged by someone else; only they, root or the user fairlyd runs as can void it" +
                            (*ctx.binding == event.member_id ? "; if it is wrong, `fairly dispute " + std::to_string(id) + " REASON`" : ""));
    }
}

void household_record::check_may_correct(const request_context& ctx, std::int64_t id, const recorded_event& event) {
    if (ctx.binding && event.logged_by != ctx.binding) {
        throw rpc_error(error_code::permission_denied, "event #" + std::to_string(id) + " (" + member_name(event.member_id) +
                                                           "'s) was logged by someone else; only they, root or the user fairlyd runs as can correct it");
    }
}

void household_record::check_may_review(const request_context& ctx, std::int64_t id, const recorded_event& event, std::int64_t reviewer) {
    if (ctx.binding && reviewer != *ctx.binding) {
        const std::string name = member_name(reviewer);
        throw rpc_error(error_code::permission_denied,
                        "a review in " + name + "'s name: a review is one's own; only " + name + " can confirm or dispute as " + name);
    }
    if (reviewer != event.member_id) {
        const std::string owner = member_name(event.member_id);
        throw rpc_error(error_code::permission_denied, (id ? "event #" + std::to_string(id) : std::string("this entry")) + " is " + owner +
                                                           "'s; only " + owner + " can confirm or dispute it");
    }
}

std::int64_t household_record::own_member(const request_context& ctx, const std::optional<std::string>& named, std::string_view what) {
    if (ctx.binding && named) {
        const std::int64_t other = member_id(*named, "member");
        if (other != *ctx.binding) {
            const std::string name = member_name(other);
            throw rpc_error(error_code::permission_denied, std::string(what) + " is one's own: you are " + member_name(*ctx.binding) +
                                                               ", so you cannot give one as " + name + "; only " + name + " can");
        }
    }
    return acting_member(ctx, named);
}

} // namespace fairly::daemon
