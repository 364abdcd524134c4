#include "wipe/overwrite_engine.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "core/aligned_buffer.hpp"
#include "core/bounded_queue.hpp"
#include "core/clock.hpp"
#include "core/pass_stream.hpp"

namespace wipeproof::wipe {
namespace {

using Clock = std::chrono::steady_clock;

struct Chunk {
  std::uint64_t offset = 0;
  std::size_t length = 0;
  std::size_t buffer = 0;
};

/// Appends a failed LBA to the fault list, merging it into the previous range when adjacent.
void add_fault(std::vector<IoFault>& faults, const char* op, std::uint64_t lba, const Error& e,
               std::size_t max_ranges, std::uint64_t& dropped_ranges) {
  if (!faults.empty()) {
    IoFault& last = faults.back();
    if (last.op == op && last.sys_errno == e.sys_errno && last.lba_first + last.lba_count == lba) {
      ++last.lba_count;
      return;
    }
  }
  if (faults.size() >= max_ranges) {
    ++dropped_ranges;
    return;
  }
  faults.push_back({op, lba, 1, e.sys_errno, e.context});
}

class ProgressMeter {
 public:
  /// `first` is where this run started (a resumed pass starts part-way): the rate counts from it.
  ProgressMeter(const ProgressCallback& cb, Progress base, std::uint64_t first = 0)
      : cb_(cb), base_(std::move(base)), first_(first) {}
  void update(std::uint64_t done, bool force = false) {
    if (!cb_) return;
    auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    Progress p = base_;
    p.bytes_done = done;
    p.bytes_per_s = throughput(done > first_ ? done - first_ : 0, now - start_);
    p.eta_s = p.bytes_per_s ? (p.bytes_total - done) / p.bytes_per_s : 0;
    cb_(p);
  }

 private:
  const ProgressCallback& cb_;
  Progress base_;
  std::uint64_t first_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
};

}  // namespace

Result<void> validate_overwrite(const device::DeviceGeometry& g, const OverwriteOptions& o) {
  if (o.block_size == 0 || o.block_size % g.logical_sector_size != 0 || o.block_size > (256u << 20))
    return make_error(ErrorKind::usage,
                      fmt::format("block size {} must be a multiple of the {}-byte sector and at most 256 MiB",
                                  o.block_size, g.logical_sector_size));
  if (g.size_bytes < g.logical_sector_size)
    return make_error(ErrorKind::usage,
                      fmt::format("device is {} bytes, smaller than one {}-byte block", g.size_bytes,
                                  g.logical_sector_size));
  return {};
}

PassRecord run_pass(device::BlockDevice& dev, const PassPattern& pattern, int index, int count,
                    const OverwriteOptions& options, const ProgressCallback& progress, const CancelToken& cancel,
                    const PassStart& from, const PassCheckpoint& checkpoint) {
  PassRecord rec = from.prior ? *from.prior : PassRecord{};
  rec.index = index;
  rec.pattern = pattern;
  if (rec.started.empty()) rec.started = now_utc();
  const std::uint64_t bytes_before = rec.bytes_written;
  auto start = Clock::now();
  auto last_checkpoint = start;
  const auto& g = dev.geometry();
  const std::uint64_t size = g.size_bytes;
  const std::uint64_t sector = g.logical_sector_size;
  std::uint64_t dropped_ranges = 0;

  auto stream = PassStream::create(pattern);
  if (!stream) {
    rec.status = RunStatus::aborted;
    rec.errors.push_back({"generate", 0, 0, 0, stream.error().context});
    rec.finished = now_utc();
    return rec;
  }

  std::vector<AlignedBuffer> buffers;
  for (std::size_t i = 0; i < options.buffers; ++i) buffers.emplace_back(options.block_size, g.buffer_alignment);
  BoundedQueue<std::size_t> free_q(options.buffers);
  BoundedQueue<Chunk> full_q(options.buffers);
  for (std::size_t i = 0; i < options.buffers; ++i) free_q.push(i);
  std::string generator_error;

  // Generator thread: fills free buffers with the pass's bytes for the next offsets.
  std::thread generator([&] {
    for (std::uint64_t off = from.offset; off < size; off += options.block_size) {
      auto b = free_q.pop();
      if (!b) break;
      Chunk c{off, static_cast<std::size_t>(std::min<std::uint64_t>(options.block_size, size - off)), *b};
      if (auto r = stream->fill(off, buffers[*b].span().first(c.length)); !r) {
        generator_error = r.error().context;
        break;
      }
      if (!full_q.push(c)) break;
    }
    full_q.close();
  });

  ProgressMeter meter(progress, Progress{"pass", index, count, 0, size, 0, 0}, from.offset);
  rec.status = RunStatus::complete;
  while (auto c = full_q.pop()) {
    if (cancel.cancelled()) {
      rec.status = RunStatus::interrupted;
      break;
    }
    auto data = buffers[c->buffer].span().first(c->length);
    auto r = dev.write_at(c->offset, data);
    // A removed disk fails writes with ENOSPC or EIO too: ask before blaming sectors.
    if (!r && !device::is_device_gone(r.error()))
      if (auto present = dev.check_present(); !present) r = tl::unexpected(present.error());
    if (!r && device::is_device_gone(r.error())) {
      rec.errors.push_back({"write", c->offset / sector, (size - c->offset + sector - 1) / sector,
                            r.error().sys_errno, r.error().context});
      rec.status = RunStatus::aborted;
      break;
    }
    if (!r) {
      // Narrow the failure down to sectors; the rest of the block still gets written.
      bool gone = false;
      for (std::uint64_t pos = 0; pos < c->length && !gone; pos += sector) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sector, c->length - pos));
        auto rs = dev.write_at(c->offset + pos, data.subspan(pos, n));
        if (rs) {
          rec.bytes_written += n;
          continue;
        }
        gone = device::is_device_gone(rs.error());
        add_fault(rec.errors, "write", (c->offset + pos) / sector, rs.error(), options.max_fault_ranges,
                  dropped_ranges);
      }
      if (gone) {
        rec.status = RunStatus::aborted;
        break;
      }
    } else {
      rec.bytes_written += c->length;
    }
    free_q.push(c->buffer);
    meter.update(c->offset + c->length);
    // A checkpoint only names bytes the device has confirmed: flush first (ACS-4 FLUSH CACHE,
    // NVMe Flush), so a power cut after it cannot lose what the journal says is written.
    if (checkpoint && Clock::now() - last_checkpoint >= options.checkpoint_interval) {
      if (dev.flush()) checkpoint(rec, c->offset + c->length);
      last_checkpoint = Clock::now();
    }
  }
  free_q.close();
  full_q.close();
  generator.join();

  if (!generator_error.empty()) {
    rec.status = RunStatus::aborted;
    rec.errors.push_back({"generate", 0, 0, 0, generator_error});
  }
  if (dropped_ranges > 0)
    rec.errors.push_back({"write", 0, 0, 0, fmt::format("{} further failed ranges not listed", dropped_ranges)});
  // Sync even after an interruption: what was written should be durable and honestly reported.
  if (rec.status != RunStatus::aborted) {
    if (auto r = dev.flush(); r) {
      rec.synced = true;
    } else {
      Error e = r.error();
      if (auto present = dev.check_present(); !present) e = present.error();
      rec.errors.push_back({"sync", 0, size / sector, e.sys_errno, e.context});
      if (device::is_device_gone(e)) rec.status = RunStatus::aborted;
    }
  }
  meter.update(rec.bytes_written - bytes_before + from.offset, true);
  rec.throughput_bytes_per_s = throughput(rec.bytes_written - bytes_before, Clock::now() - start);
  rec.finished = now_utc();
  return rec;
}

std::vector<PassRecord> run_overwrite(device::BlockDevice& dev, const std::vector<PassPattern>& passes,
                                      const OverwriteOptions& options, const ProgressCallback& progress,
                                      const CancelToken& cancel, const OverwriteResume* resume,
                                      const OverwriteHooks& hooks) {
  std::vector<PassRecord> out;
  if (resume) out = resume->completed;
  bool stop = false;
  int count = static_cast<int>(passes.size());
  for (int i = static_cast<int>(out.size()); i < count; ++i) {
    if (stop) {
      PassRecord skipped;
      skipped.index = i + 1;
      skipped.pattern = passes[static_cast<std::size_t>(i)];
      skipped.status = RunStatus::skipped;
      out.push_back(std::move(skipped));
      continue;
    }
    bool resumed_here = resume && i == static_cast<int>(resume->completed.size());
    out.push_back(run_pass(dev, passes[static_cast<std::size_t>(i)], i + 1, count, options, progress, cancel,
                           resumed_here ? resume->current : PassStart{}, hooks.checkpoint));
    stop = out.back().status != RunStatus::complete;
    if (hooks.pass_finished) hooks.pass_finished(out.back());
  }
  return out;
}

}  // namespace wipeproof::wipe
