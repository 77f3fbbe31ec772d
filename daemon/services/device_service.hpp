#pragma once
/// Phones paired with a member (docs/phone.md): one-time pairing links,
/// device tokens kept as hashes, the list of devices and revoking one, and
/// what the phone page needs to know about its member.
#include "record.hpp"

#include <optional>
#include <string>

namespace fairly::daemon {

/// How long a pairing link works.
inline constexpr std::chrono::minutes pairing_lifetime{10};
/// Random bytes in a pairing code and in a device token.
inline constexpr std::size_t pairing_code_bytes = 16;
inline constexpr std::size_t device_token_bytes = 32;
/// A device name's length, in characters.
inline constexpr std::size_t longest_device_name = 60;

/// A device a request came from, found by its token.
struct device_identity {
    std::int64_t id = 0;
    std::int64_t member = 0;
};

class device_service {
public:
    explicit device_service(household_record& record) : record_(record) {}

    /// `fairly pair [--member NAME] [--name DEVICE]`: a one-time link for the
    /// member's phone, with its QR code. A member pairs for themselves;
    /// root or fairlyd's user for anyone.
    json pair(const std::optional<std::string>& member, const std::optional<std::string>& name, const request_context& ctx);

    /// The phone opened the link and pressed "Pair": uses the code up and
    /// makes the device. Returns {token, member, device}; the token leaves
    /// fairlyd only in this reply, to the phone.
    json claim(const std::string& code, const std::string& name);

    /// The live device whose token hashes to `token_hash`, noting that it
    /// was seen (at most once a minute).
    std::optional<device_identity> identify(const std::string& token_hash);

    /// `fairly devices`.
    json list(const request_context& ctx);
    /// `fairly unpair ID`: a member revokes their own devices; root or fairlyd's user anyone's.
    json revoke(std::int64_t id, const request_context& ctx);

    /// The kinds a member may log from the phone, the ones they log most first
    /// (over the last 8 weeks), then the household's most used.
    json kinds_for(std::int64_t member);

private:
    json device_json(std::int64_t id);
    household_record& record_;
};

} // namespace fairly::daemon
