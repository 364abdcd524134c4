#include "verify/verifier.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "core/aligned_buffer.hpp"
#include "core/bounded_queue.hpp"
#include "core/clock.hpp"
#include "core/pass_stream.hpp"
#include "verify/residue_scan.hpp"

namespace wipeproof::verify {
namespace {

using Clock = std::chrono::steady_clock;

struct ReadJob {
  std::uint64_t offset = 0;
  std::size_t length = 0;
};

struct ReadChunk {
  std::size_t index = 0;  ///< position in the read list
  ReadJob job;
  std::size_t buffer = 0;
  std::vector<std::uint64_t> failed_lbas;  ///< sectors that could not be read
  std::vector<IoFault> faults;
  bool device_gone = false;
};

std::vector<ReadJob> make_jobs(const device::DeviceGeometry& g, VerifyMode mode, const SamplePlan* plan,
                               std::size_t block_size) {
  std::vector<ReadJob> jobs;
  const std::uint64_t size = g.size_bytes;
  const std::uint64_t ss = g.logical_sector_size;
  auto add_span = [&](std::uint64_t off, std::uint64_t end) {
    end = std::min(end, size);
    for (; off < end; off += block_size)
      jobs.push_back({off, static_cast<std::size_t>(std::min<std::uint64_t>(block_size, end - off))});
  };
  if (mode == VerifyMode::full) {
    add_span(0, size);
  } else if (plan != nullptr) {
    for (const auto& r : plan->ranges) add_span(r.first_lba * ss, (r.first_lba + r.count) * ss);
  }
  return jobs;
}

}  // namespace

VerifyReport verify_device(device::BlockDevice& dev, const PassPattern& expected, VerifyMode mode,
                           const SamplePlan* plan, const VerifyOptions& options, const ProgressCallback& progress,
                           const CancelToken& cancel) {
  VerifyReport rep = options.prior ? *options.prior : VerifyReport{};
  rep.mode = mode;
  rep.expected = expected;
  if (mode == VerifyMode::none) return rep;
  if (rep.started.empty()) rep.started = now_utc();
  const std::uint64_t bytes_before = rep.bytes_read;
  auto start = Clock::now();
  const auto& g = dev.geometry();
  const std::uint64_t ss = g.logical_sector_size;
  rep.status = RunStatus::complete;

  auto fail = [&](RunStatus st, std::string why) {
    rep.status = st;
    rep.read_errors.push_back({"verify", 0, 0, 0, std::move(why)});
    rep.finished = now_utc();
    return rep;
  };
  if (mode == VerifyMode::sample && plan == nullptr) return fail(RunStatus::aborted, "sample verification without a plan");
  if (plan != nullptr && mode == VerifyMode::sample) {
    rep.plan = summarize(*plan);
    switch (expected.kind) {
      case PatternKind::uniform: rep.plan->criterion = "uniform"; break;
      case PatternKind::looks_random: rep.plan->criterion = "looks_random"; break;
      case PatternKind::any: rep.plan->criterion = "no_residue"; break;
      default: break;
    }
  }
  auto stream = PassStream::create(expected);
  if (!stream) return fail(RunStatus::aborted, stream.error().context);
  if (auto r = dev.drop_caches(); !r) {
    if (device::is_device_gone(r.error())) return fail(RunStatus::aborted, r.error().context);
    rep.read_errors.push_back({"drop_caches", 0, 0, r.error().sys_errno, r.error().context});
  }

  std::vector<ReadJob> jobs = make_jobs(g, mode, plan, options.block_size);
  std::uint64_t total_bytes = 0, skipped_bytes = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    total_bytes += jobs[i].length;
    if (i < options.first_read) skipped_bytes += jobs[i].length;
  }

  std::vector<AlignedBuffer> buffers;
  for (std::size_t i = 0; i < options.buffers; ++i) buffers.emplace_back(options.block_size, g.buffer_alignment);
  BoundedQueue<std::size_t> free_q(options.buffers);
  BoundedQueue<ReadChunk> full_q(options.buffers);
  for (std::size_t i = 0; i < options.buffers; ++i) free_q.push(i);

  std::thread reader([&] {
    for (std::size_t index = options.first_read; index < jobs.size(); ++index) {
      const ReadJob& job = jobs[index];
      if (cancel.cancelled()) break;
      auto b = free_q.pop();
      if (!b) break;
      ReadChunk c{index, job, *b, {}, {}, false};
      auto data = buffers[*b].span().first(job.length);
      if (auto r = dev.read_at(job.offset, data); !r) {
        c.device_gone = device::is_device_gone(r.error());
        if (!c.device_gone)  // a removed disk answers EIO too: not a bad sector
          if (auto present = dev.check_present(); !present) {
            r = tl::unexpected(present.error());
            c.device_gone = true;
          }
        // Narrow down to the unreadable sectors; the readable rest is still checked.
        for (std::uint64_t pos = 0; pos < job.length && !c.device_gone; pos += ss) {
          std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(ss, job.length - pos));
          auto rs = dev.read_at(job.offset + pos, data.subspan(pos, n));
          if (rs) continue;
          c.device_gone = device::is_device_gone(rs.error());
          std::uint64_t lba = (job.offset + pos) / ss;
          c.failed_lbas.push_back(lba);
          if (!c.faults.empty() && c.faults.back().lba_first + c.faults.back().lba_count == lba)
            ++c.faults.back().lba_count;
          else
            c.faults.push_back({"read", lba, 1, rs.error().sys_errno, rs.error().context});
        }
        if (c.device_gone && c.faults.empty())
          c.faults.push_back({"read", job.offset / ss, 0, r.error().sys_errno, r.error().context});
      }
      bool gone = c.device_gone;
      if (!full_q.push(std::move(c)) || gone) break;
    }
    full_q.close();
  });

  std::uint64_t done_bytes = skipped_bytes;
  auto last_report = Clock::now();
  auto last_checkpoint = last_report;
  std::size_t reads_done = std::min(options.first_read, jobs.size());
  std::vector<std::uint64_t> bad;
  while (auto c = full_q.pop()) {
    if (cancel.cancelled()) {
      rep.status = RunStatus::interrupted;
      break;
    }
    for (auto& f : c->faults)
      if (rep.read_errors.size() < kMaxReportedMismatches) rep.read_errors.push_back(std::move(f));
    if (c->device_gone) {
      rep.status = RunStatus::aborted;
      break;
    }
    bad.clear();
    auto data = buffers[c->buffer].span().first(c->job.length);
    if (auto r = stream->find_mismatches(c->job.offset, data, ss, bad); !r) {
      rep.status = RunStatus::aborted;
      rep.read_errors.push_back({"verify", 0, 0, 0, r.error().context});
      break;
    }
    std::uint64_t first_lba = c->job.offset / ss;
    if (expected.kind != PatternKind::random_stream) {
      for (std::size_t b = 0; b * ss < data.size(); ++b) {
        auto block = data.subspan(b * ss, std::min<std::size_t>(ss, data.size() - b * ss));
        if ((block[0] == std::byte{0} || block[0] == std::byte{0xFF}) && uniform_bytes(block)) ++rep.uniform_blocks;
        // No exact expected content: every block is searched for recognisable content (a
        // short HL7 message inside noise still leaves the block's histogram noise-like).
        bool inexact = expected.kind == PatternKind::any || expected.kind == PatternKind::looks_random;
        if (inexact && !uniform_bytes(block) &&
            std::find(bad.begin(), bad.end(), static_cast<std::uint64_t>(b)) == bad.end()) {
          std::vector<ResidueHit> hits;
          verify::scan_block(block, first_lba + b, options.search, hits);
          if (!hits.empty()) bad.push_back(b);
        }
      }
    }
    for (std::uint64_t idx : bad) {
      std::uint64_t lba = first_lba + idx;
      if (std::find(c->failed_lbas.begin(), c->failed_lbas.end(), lba) != c->failed_lbas.end()) continue;
      ++rep.mismatched_blocks;
      if (rep.first_mismatch_lbas.size() < kMaxReportedMismatches) rep.first_mismatch_lbas.push_back(lba);
      if (rep.residue.size() >= kMaxReportedMismatches) continue;
      // Name what the failing block holds. A random pass was XORed away in place: XOR the
      // keystream back to see the raw bytes.
      auto block = data.subspan(idx * ss, std::min<std::size_t>(ss, data.size() - idx * ss));
      if (expected.kind == PatternKind::random_stream) {
        std::vector<std::byte> ks(block.size());
        if (auto f = stream->fill(c->job.offset + idx * ss, ks); f)
          for (std::size_t i = 0; i < block.size(); ++i) block[i] ^= ks[i];
      }
      verify::scan_block(block, lba, options.search, rep.residue);
    }
    std::uint64_t blocks = (c->job.length + ss - 1) / ss;
    rep.blocks_read += blocks - c->failed_lbas.size();
    rep.bytes_read += c->job.length;
    done_bytes += c->job.length;
    reads_done = c->index + 1;
    free_q.push(c->buffer);
    auto now = Clock::now();
    if (options.checkpoint && now - last_checkpoint >= options.checkpoint_interval) {
      last_checkpoint = now;
      options.checkpoint(reads_done, rep);
    }
    if (progress && now - last_report >= std::chrono::milliseconds(250)) {
      last_report = now;
      std::uint64_t rate = throughput(done_bytes - skipped_bytes, now - start);
      progress({"verify", 0, 0, done_bytes, total_bytes, rate, rate ? (total_bytes - done_bytes) / rate : 0});
    }
  }
  free_q.close();
  full_q.close();
  reader.join();
  if (rep.status == RunStatus::complete && cancel.cancelled()) rep.status = RunStatus::interrupted;
  if (progress)
    progress({"verify", 0, 0, done_bytes, total_bytes, throughput(done_bytes - skipped_bytes, Clock::now() - start), 0});
  if (options.checkpoint && rep.status == RunStatus::complete) options.checkpoint(reads_done, rep);

  rep.throughput_bytes_per_s = throughput(rep.bytes_read - bytes_before, Clock::now() - start);
  conclude_report(rep, mode == VerifyMode::full ? nullptr : plan);
  return rep;
}

}  // namespace wipeproof::verify
