// A job journal from the stick or an output directory (job/journal.hpp): torn, truncated, edited
// or hostile, it must be read or refused with a message, never crash; and whatever is read must
// give a resume point or a reason.
#include "job/journal.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::MemFile f(data, size);
  auto state = job::read_journal(f.path());
  if (!state) return 0;
  auto point = job::resume_point(*state);
  if (point && point->phase == "pass" && point->overwrite.current.offset > point->interruption.checkpoint_offset)
    __builtin_trap();  // a resume never starts after the last durable checkpoint
  return 0;
}
