// sim: target strings (device/sim_target): every input parses or is a usage error, never a crash.
#include "device/sim_target.hpp"
#include "tests/fuzz/fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto spec = wipeproof::device::parse_sim_target(wipeproof::fuzz::as_string(data, size));
  if (!spec && spec.error().kind != wipeproof::ErrorKind::usage) __builtin_trap();
  return 0;
}
