#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wipeproof {

/// Lower-case hex, two digits per byte.
std::string to_hex(std::span<const std::byte> bytes);
/// Parses an even-length hex string ("0x" prefix allowed); nullopt on any other character.
std::optional<std::vector<std::byte>> from_hex(std::string_view text);

}  // namespace wipeproof
