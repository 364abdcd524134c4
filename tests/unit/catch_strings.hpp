#pragma once
// How Catch2 prints the domain enums in a failed CHECK: by their JSON names.
#include <string>

#include <catch2/catch.hpp>

#include "core/sanitize_method.hpp"

namespace Catch {
template <>
struct StringMaker<wipeproof::SanitizeMethod> {
  static std::string convert(wipeproof::SanitizeMethod m) { return wipeproof::sanitize_method_name(m); }
};
template <>
struct StringMaker<wipeproof::SanitizeLevel> {
  static std::string convert(wipeproof::SanitizeLevel l) { return wipeproof::sanitize_level_name(l); }
};
}  // namespace Catch
