#include "job/resume.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/aligned_buffer.hpp"
#include "core/hex.hpp"
#include "core/pass_stream.hpp"

namespace wipeproof::job {

namespace {

std::string backing_of(const device::Target& t) { return t.info ? t.info->backing_file : std::string{}; }

std::string canonical_path(const std::string& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

}  // namespace

Result<void> check_same_drive(const JournalStart& start, const device::Target& target,
                              const device::DeviceGeometry& geometry) {
  const DeviceIdentity& was = start.header.device;
  const DeviceIdentity& now = target.identity;
  std::vector<std::string> diffs;
  auto differ = [&](const char* what, const std::string& a, const std::string& b) {
    if (a != b) diffs.push_back(fmt::format("{} '{}' (journal) vs '{}' (this drive)", what, a, b));
  };
  differ("serial", was.serial, now.serial);
  differ("model", was.model, now.model);
  differ("WWN", was.wwn, now.wwn);
  if (was.size_bytes != geometry.size_bytes)
    diffs.push_back(fmt::format("size {} (journal) vs {} bytes (this drive)", was.size_bytes, geometry.size_bytes));
  if (was.logical_sector_size != geometry.logical_sector_size)
    diffs.push_back(fmt::format("sector size {} vs {}", was.logical_sector_size, geometry.logical_sector_size));
  // Without a serial, the drive is what backs it: the loop device's file, or the image path.
  if (was.serial.empty()) {
    if (!start.backing_file.empty() || !backing_of(target).empty())
      differ("backing file", start.backing_file, backing_of(target));
    else if (was.kind == "image")
      differ("image", canonical_path(was.path), canonical_path(target.path));
  }
  if (diffs.empty()) return {};
  return make_error(ErrorKind::refused, fmt::format("{} is not the drive this job was wiping ({}): {}", target.path,
                                                    start.header.record_id, fmt::join(diffs, "; ")));
}

Result<JournalState> find_unfinished_journal(const std::string& dir, const device::Target& target,
                                             const device::DeviceGeometry& geometry) {
  JournalListing listing = list_journals(dir);
  std::vector<JournalState> matches;
  std::vector<std::string> others;
  for (auto& j : listing.journals) {
    if (j.finished) continue;
    auto same = check_same_drive(j.start, target, geometry);
    if (same) {
      matches.push_back(std::move(j));
    } else if (j.start.header.device.path == target.path) {
      others.push_back(same.error().context);
    }
  }
  if (matches.size() > 1)
    return make_error(ErrorKind::usage,
                      fmt::format("{} unfinished jobs in {} for {}: name one with --journal ({}, {}, ...)",
                                  matches.size(), dir, target.path, matches[0].path, matches[1].path));
  if (matches.size() == 1) return std::move(matches.front());
  if (!others.empty()) return make_error(ErrorKind::refused, others.front());
  std::string why = fmt::format("no unfinished job for {} in {} (`wipeproof jobs --out {}` lists them)", target.path,
                                dir, dir);
  if (!listing.problems.empty()) why += "; unreadable: " + fmt::format("{}", fmt::join(listing.problems, "; "));
  return make_error(ErrorKind::usage, why);
}

Result<ResumedJob> rebuild_job(const JournalStart& start, const device::DeviceGeometry& geometry) {
  ResumedJob r;
  JobSpec& spec = r.spec;
  spec.method = wipe::find_method(start.header.method.name);
  if (spec.method == nullptr)
    return make_error(ErrorKind::usage, "journal names method '" + start.header.method.name + "', which this wipeproof does not know");
  spec.pass_options.rounds = start.header.method.rounds;
  spec.pass_options.final_blank = start.header.method.final_blank;
  spec.verify_mode = start.verify_mode;
  spec.coverage_ppm = start.coverage_ppm;
  spec.block_size = start.header.block_size_bytes;
  spec.search = start.search;
  spec.min_samples = start.min_samples;
  if (!start.seed_hex.empty()) {
    auto seed = from_hex(start.seed_hex);
    if (!seed) return make_error(ErrorKind::usage, "journal: bad sample seed");
    spec.seed = *seed;
  }
  // plan_job draws fresh passes (new keys); the journal's passes are the ones on the drive.
  if (spec.method->needs_user_pattern) spec.pass_options.user_pattern = std::vector<std::byte>{std::byte{0}};
  WP_ASSIGN_OR_RETURN(r.plan, plan_job(geometry, spec));
  r.plan.passes = start.passes;
  return r;
}

Result<void> check_resume_content(device::BlockDevice& dev, const JournalState& state, const ResumePoint& point) {
  const auto& g = dev.geometry();
  // Which sector must hold which pass: the one before the resume offset holds the running pass
  // (it is durable); when a pass restarts at 0, the device's last sector holds the previous pass,
  // or this one if it got that far before the interruption.
  std::vector<int> passes;  // 1-based; any of them will do
  std::uint64_t end = 0;
  const int running = static_cast<int>(point.overwrite.completed.size()) + 1;
  if (point.phase == "pass" && point.overwrite.current.offset > 0) {
    passes = {running};
    end = point.overwrite.current.offset;
  } else if (!point.overwrite.completed.empty()) {
    passes = {running - 1};
    if (point.phase == "pass") passes.push_back(running);
    end = g.size_bytes;
  }
  if (passes.empty()) return {};  // nothing durable yet: identity alone decides
  const std::uint64_t ss = g.logical_sector_size;
  std::uint64_t offset = (end - 1) / ss * ss;
  AlignedBuffer buf(ss, g.buffer_alignment);
  auto data = buf.span().first(ss);
  if (auto r = dev.read_at(offset, data); !r)
    return make_error(ErrorKind::refused, fmt::format("cannot read LBA {} to confirm this is the journal's drive: {}",
                                                      offset / ss, r.error().context));
  std::vector<std::byte> copy(data.begin(), data.end());
  for (int pass : passes) {
    WP_ASSIGN_OR_RETURN(auto stream, PassStream::create(state.start.passes[static_cast<std::size_t>(pass - 1)]));
    std::vector<std::uint64_t> bad;
    std::vector<std::byte> work = copy;  // find_mismatches may XOR in place
    WP_RETURN_IF_ERROR(stream.find_mismatches(offset, work, ss, bad));
    if (bad.empty()) return {};
  }
  return make_error(ErrorKind::refused,
                    fmt::format("LBA {} does not hold what pass {} of job {} wrote there: a different drive, or one "
                                "that lost writes it had confirmed; start a new wipe",
                                offset / ss, passes.front(), state.start.header.record_id));
}

}  // namespace wipeproof::job
