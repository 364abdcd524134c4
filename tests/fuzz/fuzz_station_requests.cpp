// Request bodies the station takes from the network without a token: certificate ingest (into an
// in-memory registry), and the values a login and a label scan carry.
#include "station/auth.hpp"
#include "station/custody.hpp"
#include "station/ingest.hpp"
#include "station/registry.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto registry = station::Registry::open(":memory:");
  if (!registry) __builtin_trap();
  std::string body = fuzz::as_string(data, size);
  auto verdict = station::ingest_certificate(**registry, body, "", "fuzz");
  if (verdict.http_status == 201) __builtin_trap();  // no trusted CA: nothing may be accepted
  (void)station::parse_custody_label(body);
  (void)station::base32_decode(body);
  static const std::vector<std::uint8_t> secret(20, 7);
  (void)station::totp_match(secret, body, 1800000000);
  return 0;
}
