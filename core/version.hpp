#pragma once
namespace wipeproof {
/// Set by CMake from project(VERSION).
const char* tool_version();
}  // namespace wipeproof
