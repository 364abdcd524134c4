#include "verify/change_check.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <chrono>

#include "core/aligned_buffer.hpp"
#include "core/clock.hpp"
#include "verify/residue_scan.hpp"

namespace wipeproof::verify {
namespace {

constexpr std::uint64_t kMaxSnapshotBlocks = 100000;

/// Reads every planned block and hands (lba, bytes) to `fn`; read errors go to `faults`.
template <class F>
void for_each_block(device::BlockDevice& dev, const SamplePlan& plan, std::vector<IoFault>& faults, F fn) {
  const std::uint32_t ss = dev.geometry().logical_sector_size;
  AlignedBuffer buf(ss, dev.geometry().buffer_alignment);
  for (const auto& r : plan.ranges)
    for (std::uint64_t lba = r.first_lba; lba < r.first_lba + r.count; ++lba) {
      std::uint64_t off = lba * ss;
      std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(ss, dev.geometry().size_bytes - off));
      if (auto rd = dev.read_at(off, buf.span().first(len)); !rd) {
        faults.push_back({"read", lba, 1, rd.error().sys_errno, rd.error().context});
        continue;
      }
      fn(lba, buf.span().first(len));
    }
}

std::array<unsigned char, 32> digest(std::span<const std::byte> b) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), d.data());
  return d;
}

bool uniform(std::span<const std::byte> b) {
  if (b.empty()) return true;
  std::byte first = b[0];
  if (first != std::byte{0} && first != std::byte{0xFF}) return false;
  return std::all_of(b.begin(), b.end(), [&](std::byte x) { return x == first; });
}

}  // namespace

Result<SamplePlan> make_change_plan(std::uint64_t n, std::uint32_t block_size, std::span<const std::byte> seed) {
  // 0.1 % of the device, fewer on large ones so the snapshot stays small; small devices whole.
  std::uint64_t ppm = 1000;
  if (n / 1000 > kMaxSnapshotBlocks) ppm = std::max<std::uint64_t>(1, kMaxSnapshotBlocks * 1000000 / n);
  return make_sample_plan(n, block_size, static_cast<std::uint32_t>(ppm), seed, 8);
}

Result<BlockSnapshot> snapshot_blocks(device::BlockDevice& dev, const SamplePlan& plan) {
  BlockSnapshot s;
  std::vector<IoFault> faults;
  WP_RETURN_IF_ERROR(dev.drop_caches());
  for_each_block(dev, plan, faults, [&](std::uint64_t lba, std::span<const std::byte> b) {
    s.lbas.push_back(lba);
    s.digests.push_back(digest(b));
  });
  if (!faults.empty() && s.lbas.empty()) return make_error(ErrorKind::sys, "no block readable before the erase", EIO);
  return s;
}

VerifyReport verify_changed(device::BlockDevice& dev, const SamplePlan& plan, const BlockSnapshot& before,
                            const CancelToken& cancel) {
  VerifyReport rep;
  rep.mode = VerifyMode::sample;
  rep.started = now_utc();
  auto start = std::chrono::steady_clock::now();
  rep.plan = summarize(plan);
  rep.plan->criterion = "changed";
  rep.status = RunStatus::complete;
  if (auto r = dev.drop_caches(); !r) rep.read_errors.push_back({"drop_caches", 0, 0, r.error().sys_errno, r.error().context});
  std::size_t i = 0;
  for_each_block(dev, plan, rep.read_errors, [&](std::uint64_t lba, std::span<const std::byte> b) {
    if (cancel.cancelled()) {
      rep.status = RunStatus::interrupted;
      return;
    }
    ++rep.blocks_read;
    rep.bytes_read += b.size();
    while (i < before.lbas.size() && before.lbas[i] < lba) ++i;
    bool known = i < before.lbas.size() && before.lbas[i] == lba;
    if (uniform(b) || (known && digest(b) != before.digests[i])) return;
    if (!known) return;  // unreadable before: nothing to compare
    ++rep.mismatched_blocks;
    if (rep.first_mismatch_lbas.size() < kMaxReportedMismatches) rep.first_mismatch_lbas.push_back(lba);
    if (rep.residue.size() < kMaxReportedMismatches) scan_block(b, lba, {}, rep.residue);
  });
  rep.throughput_bytes_per_s = throughput(rep.bytes_read, std::chrono::steady_clock::now() - start);
  conclude_report(rep, &plan);
  return rep;
}

}  // namespace wipeproof::verify
