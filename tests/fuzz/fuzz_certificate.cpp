// Certificates as an auditor receives them: canonical-JSON parsing (RFC 8785 profile), the schema
// checks of both certificate kinds, the evidence list, and the registry's row extraction.
#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "station/ingest.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = fuzz::as_string(data, size);
  auto parsed = certs::parse_canonical(text);
  if (parsed) {
    (void)certs::validate_certificate(*parsed);
    // Re-serialising a canonical document must give the same bytes back.
    auto again = certs::canonicalize(*parsed);
    if (again && *again != text) __builtin_trap();
  }
  (void)station::row_from_certificate(text);
  return 0;
}
