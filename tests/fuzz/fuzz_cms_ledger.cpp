// Signatures and ledgers from outside: a detached CMS signature (DER) over fixed content, and a
// ledger.jsonl (hash chain) checked line by line — both must be judged, never crash.
#include "certs/cms_signature.hpp"
#include "certs/ledger.hpp"
#include "station/ledger_check.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    auto check = certs::verify_detached("{\"certificate_id\":\"x\"}", fuzz::as_string(data + 1, size - 1), "");
    if (check.status == certs::SignatureStatus::valid) __builtin_trap();  // no CA: nothing can be trusted
  } else {
    fuzz::MemFile f(data + 1, size - 1);
    (void)certs::ledger_verify(f.path());
    (void)station::check_ledger_file(f.path(), {"a", "b"});
  }
  return 0;
}
