#pragma once
// RFC 8785 JSON Canonicalization Scheme for the documents wipeproof signs. nlohmann::json keeps
// object members sorted by their UTF-8 bytes, which equals JCS's UTF-16 ordering for the ASCII
// keys we use; its compact dump escapes exactly what ECMAScript's JSON.stringify escapes (the
// two-character escapes, other controls as lower-case \u00xx) and writes other characters raw.
// The one JCS rule it cannot follow, ES6 number formatting, we avoid: signed documents hold no
// floating-point numbers, and canonicalize() refuses any.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace wipeproof::certs {

/// The canonical bytes of `value`: usage error if it holds a float or invalid UTF-8.
Result<std::string> canonicalize(const nlohmann::json& value);

/// Parses `bytes` and checks they are exactly their own canonical form.
Result<nlohmann::json> parse_canonical(std::string_view bytes);

}  // namespace wipeproof::certs
