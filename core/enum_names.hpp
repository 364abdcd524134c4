#pragma once
// The reverse of an enum's name function, for the JSON boundary: every enum keeps one table
// (its name switch) and is read back by searching its values.
#include <cstddef>
#include <optional>
#include <string_view>

namespace wipeproof {

template <typename E, std::size_t N>
std::optional<E> enum_from_name(std::string_view name, const E (&values)[N], const char* (*name_of)(E)) {
  for (E v : values)
    if (name == name_of(v)) return v;
  return std::nullopt;
}

}  // namespace wipeproof
