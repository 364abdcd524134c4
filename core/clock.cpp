#include "core/clock.hpp"

#include <array>
#include <ctime>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof {

std::string format_utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::uint64_t throughput(std::uint64_t bytes, std::chrono::steady_clock::duration elapsed) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (us <= 0) return 0;
  return static_cast<std::uint64_t>(static_cast<long double>(bytes) * 1e6L /
                                    static_cast<long double>(us));
}

Result<std::string> make_uuid_v4() {
  std::array<std::byte, 16> b{};
  WP_RETURN_IF_ERROR(random_bytes(b));
  b[6] = (b[6] & std::byte{0x0F}) | std::byte{0x40};  // RFC 4122 4.4: version 4
  b[8] = (b[8] & std::byte{0x3F}) | std::byte{0x80};  // variant 10xx
  std::string h = to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

}  // namespace wipeproof
