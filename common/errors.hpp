#pragma once
/// The error family of fairly's domain library. Each module throws a type from
/// here; each main() catches once and turns it into a message and an exit code.
#include <stdexcept>
#include <string>

namespace fairly {

/// Base of every error fairly throws on purpose.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Input a person typed (or a client sent) that cannot be used. `field` names
/// the option or parameter at fault, so the message can point at it.
struct input_error : error {
    input_error(std::string field_name, const std::string& message)
        : error(message), field(std::move(field_name)) {}
    std::string field;
};

} // namespace fairly
