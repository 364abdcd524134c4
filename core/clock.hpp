#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace wipeproof {

/// RFC 3339 UTC with milliseconds: "2026-11-27T04:52:49.123Z".
std::string format_utc(std::chrono::system_clock::time_point t);
inline std::string now_utc() { return format_utc(std::chrono::system_clock::now()); }

/// Bytes per second over an interval, 0 when the interval is empty.
std::uint64_t throughput(std::uint64_t bytes, std::chrono::steady_clock::duration elapsed);

/// A random (version 4) UUID from the kernel CSPRNG.
Result<std::string> make_uuid_v4();

}  // namespace wipeproof
