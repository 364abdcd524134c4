#include "verify/canary.hpp"

#include <algorithm>
#include <cstring>

#include "core/aligned_buffer.hpp"
#include "core/pass_stream.hpp"
#include "core/sys.hpp"

namespace wipeproof::verify {

Result<CanaryPlan> make_canary_plan(std::uint64_t n) {
  if (n == 0) return make_error(ErrorKind::usage, "no blocks to place canaries in");
  CanaryPlan p;
  p.key.resize(16);
  p.iv.resize(16);
  WP_RETURN_IF_ERROR(random_bytes(p.key));
  WP_RETURN_IF_ERROR(random_bytes(p.iv));
  // Positions come from the same secret, so neither content nor place is predictable.
  std::vector<std::byte> draw(8 * kCanaryStrata);
  WP_RETURN_IF_ERROR(random_bytes(draw));
  p.lbas = {0, n - 1};
  for (std::size_t i = 0; i < kCanaryStrata; ++i) {
    std::uint64_t first = n * i / kCanaryStrata, end = n * (i + 1) / kCanaryStrata;
    if (end <= first) continue;
    std::uint64_t r = 0;
    std::memcpy(&r, draw.data() + 8 * i, 8);
    p.lbas.push_back(first + r % (end - first));
  }
  std::sort(p.lbas.begin(), p.lbas.end());
  p.lbas.erase(std::unique(p.lbas.begin(), p.lbas.end()), p.lbas.end());
  return p;
}

Result<void> canary_content(const CanaryPlan& plan, std::uint64_t lba, std::span<std::byte> out) {
  WP_ASSIGN_OR_RETURN(AesCtrStream s, AesCtrStream::create(plan.key, plan.iv));
  return s.keystream_at(lba * out.size(), out);
}

Result<void> write_canaries(device::BlockDevice& dev, const CanaryPlan& plan) {
  const std::uint32_t ss = dev.geometry().logical_sector_size;
  AlignedBuffer buf(ss, dev.geometry().buffer_alignment);
  for (std::uint64_t lba : plan.lbas) {
    WP_RETURN_IF_ERROR(canary_content(plan, lba, buf.span()));
    WP_RETURN_IF_ERROR(dev.write_at(lba * ss, buf.span()));
  }
  WP_RETURN_IF_ERROR(dev.flush());
  return dev.drop_caches();
}

CanaryCheck check_canaries(device::BlockDevice& dev, const CanaryPlan& plan) {
  CanaryCheck c;
  const std::uint32_t ss = dev.geometry().logical_sector_size;
  AlignedBuffer got(ss, dev.geometry().buffer_alignment);
  std::vector<std::byte> want(ss);
  (void)dev.drop_caches();
  for (std::uint64_t lba : plan.lbas) {
    if (!dev.read_at(lba * ss, got.span()) || !canary_content(plan, lba, want)) {
      c.unreadable.push_back(lba);
      continue;
    }
    // Any 64-byte run of the canary left in place counts: a partial erase is not an erase.
    for (std::size_t off = 0; off + 64 <= ss; off += 64)
      if (std::memcmp(got.span().data() + off, want.data() + off, 64) == 0) {
        c.surviving.push_back(lba);
        break;
      }
  }
  return c;
}

}  // namespace wipeproof::verify
