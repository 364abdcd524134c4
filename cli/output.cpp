#include "cli/output.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "certs/record_json.hpp"
#include "wipe/method.hpp"

namespace wipeproof::cli {
using nlohmann::json;

std::string human_bytes(std::uint64_t b) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", b) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

static std::string rate(std::uint64_t bps) { return human_bytes(bps) + "/s"; }

void print_error(const Error& error, bool as_json) {
  if (as_json) {
    fmt::print("{}\n", json{{"event", "error"}, {"kind", error_kind_name(error.kind)}, {"message", error.context}}.dump());
    return;
  }
  fmt::print(stderr, "error: {}\n", error.context);
}

static std::string identity_line(const DeviceIdentity& d) {
  return fmt::format("{} ({}, {}, serial {}, {}, {}-byte sectors)", d.path, d.model.empty() ? "unknown model" : d.model,
                     d.transport, d.serial.empty() ? "none" : d.serial, human_bytes(d.size_bytes), d.logical_sector_size);
}

std::string render_verify_text(const VerifyReport& v, bool conclusive) {
  std::string out;
  if (v.mode == VerifyMode::none) return "verification: none (not performed)\n";
  if (v.status == RunStatus::skipped) return "verification: not performed (the erase did not complete)\n";
  if (v.status == RunStatus::interrupted)
    return fmt::format("verification: not completed (interrupted after {} blocks): no result\n", v.blocks_read);
  out += fmt::format("verification: {} read-back against {}: {}\n", verify_mode_name(v.mode),
                     wipe::describe_pass(v.expected), !conclusive ? "INCONCLUSIVE" : v.passed ? "PASSED" : "FAILED");
  if (v.plan)
    out += fmt::format("  sample plan: {} subsections, {} samples, coverage {} %, seed {}\n", v.plan->subsections,
                       v.plan->sample_count, v.plan->coverage_percent, v.plan->seed_hex);
  out += fmt::format("  blocks read: {} ({} at {}), mismatched blocks: {}\n", v.blocks_read, human_bytes(v.bytes_read),
                     rate(v.throughput_bytes_per_s), v.mismatched_blocks);
  if (v.evidence) {
    const EraseEvidence& e = *v.evidence;
    out += fmt::format("  canaries: {} written before the erase, {} still readable{}\n", e.canaries_written,
                       e.canaries_surviving.size(),
                       e.canaries_surviving.empty() ? "" : fmt::format(" (first LBA {})", e.canaries_surviving.front()));
    out += fmt::format("  fingerprints: {} blocks hashed before the erase, {} unchanged\n", e.fingerprinted_blocks,
                       e.fingerprints_unchanged);
    out += fmt::format("  expected result: {}\n", e.expected_result);
    out += fmt::format("  media verification (NVMe EMVS): {}\n", e.media_verification_used ? "used" : "not used");
    if (!e.media_inspected) out += "  MEDIA NOT INSPECTED: " + e.media_note + "\n";
  }
  if (!v.first_mismatch_lbas.empty()) {
    std::string lbas;
    for (std::size_t i = 0; i < v.first_mismatch_lbas.size() && i < 8; ++i)
      lbas += (i ? ", " : "") + std::to_string(v.first_mismatch_lbas[i]);
    out += "  first mismatching LBAs: " + lbas + "\n";
  }
  for (const auto& h : v.residue) out += fmt::format("  RESIDUE at LBA {}: {}\n", h.lba, h.type);
  for (const auto& e : v.read_errors)
    out += fmt::format("  read error: LBA {}+{}: {}\n", e.lba_first, e.lba_count, e.message);
  out += fmt::format("  chance a residue covering 1 % / 0.1 % / 0.01 % of the device was missed: {} / {} / {}\n",
                     v.miss_probability_1pct, v.miss_probability_0_1pct, v.miss_probability_0_01pct);
  if (v.signature_scan.performed) {
    if (v.signature_scan.clean) {
      out += "  signature scan (libblkid): clean\n";
    } else {
      for (const auto& h : v.signature_scan.hits)
        out += fmt::format("  signature scan (libblkid): FOUND {} ({}) at byte {}\n", h.type, h.usage, h.offset);
    }
  }
  return out;
}

std::string render_record_text(const WipeRecord& r, const std::string& record_path) {
  std::string out = "device: " + identity_line(r.device) + "\n";
  out += fmt::format("method: {} ({}), {} pass(es)\n", r.method.name, r.method.title, r.passes.size());
  for (const auto& p : r.passes)
    out += fmt::format("  pass {}/{} {}: {}, {} at {}{}\n", p.index, r.passes.size(), wipe::describe_pass(p.pattern),
                       run_status_name(p.status), human_bytes(p.bytes_written), rate(p.throughput_bytes_per_s),
                       p.errors.empty() ? "" : fmt::format(", {} error range(s)", p.errors.size()));
  if (!r.choice.commands.empty()) {
    for (const auto& c : r.choice.commands)
      out += fmt::format("  firmware: {} {} -> {}\n", c.name, c.parameters, c.result);
  }
  out += render_verify_text(r.verification);
  const SanitizationChoice& c = r.choice;
  out += fmt::format("level: {}{}{}\n", sanitize_level_name(c.level),
                     c.requested_level ? fmt::format(" (requested {})", sanitize_level_name(*c.requested_level)) : "",
                     c.shortfall.empty() ? "" : ": " + c.shortfall);
  for (const auto& i : r.interruptions)
    out += fmt::format("interrupted after {} ({} {}at byte {}), resumed {} by {} from byte {}\n", i.last_checkpoint,
                       i.phase, i.phase == "pass" ? fmt::format("{} ", i.pass) : "", i.checkpoint_offset, i.resumed_at,
                       i.resumed_by, i.resumed_offset);
  out += fmt::format("outcome: {}\n", outcome_name(r.outcome));
  for (const auto& e : r.exceptions) out += "  - " + e + "\n";
  if (!r.limitations.empty()) out += "limitations (do not affect the outcome at this level):\n";
  for (const auto& l : r.limitations) out += "  - " + l + "\n";
  if (!record_path.empty()) out += "record: " + record_path + "\n";
  return out;
}

json plan_to_json(const DeviceIdentity& d, const job::JobSpec& spec, const job::JobPlan& plan, const std::string& safety) {
  json passes = json::array();
  for (const auto& p : plan.passes) passes.push_back(certs::pattern_to_json(p));
  json j = {{"event", "plan"},
            {"device", {{"path", d.path}, {"serial", d.serial}, {"size_bytes", d.size_bytes}, {"transport", d.transport}}},
            {"method", spec.method->name},
            {"passes", passes},
            {"verify", verify_mode_name(spec.verify_mode)},
            {"block_size_bytes", spec.block_size},
            {"safety", safety},
            {"writes", false}};
  if (plan.sample_plan) j["sample_plan"] = {{"subsections", plan.sample_plan->subsections},
                                            {"samples", plan.sample_plan->ranges.size()},
                                            {"covered_blocks", plan.sample_plan->covered_blocks()}};
  return j;
}

std::string render_plan_text(const DeviceIdentity& d, const job::JobSpec& spec, const job::JobPlan& plan,
                             const std::string& safety) {
  std::string out = "dry run: nothing will be written\n";
  out += "device: " + identity_line(d) + "\n";
  out += fmt::format("method: {} ({})\n", spec.method->name, spec.method->title);
  for (std::size_t i = 0; i < plan.passes.size(); ++i)
    out += fmt::format("  pass {}/{}: {}\n", i + 1, plan.passes.size(), wipe::describe_pass(plan.passes[i]));
  out += fmt::format("verify: {}", verify_mode_name(spec.verify_mode));
  if (plan.sample_plan)
    out += fmt::format(" ({} subsections, {} samples, {} of {} blocks)", plan.sample_plan->subsections,
                       plan.sample_plan->ranges.size(), plan.sample_plan->covered_blocks(), plan.sample_plan->total_blocks);
  out += fmt::format("\nblock size: {}\nsafety: {}\n", human_bytes(spec.block_size), safety);
  return out;
}

std::string render_devices_text(const std::vector<device::BlockDeviceInfo>& devs) {
  std::string out = fmt::format("{:<10} {:>10} {:<8} {:<4} {:<24} {:<20} {}\n", "NAME", "SIZE", "TRAN", "ROT", "MODEL",
                                "SERIAL", "IN USE");
  for (const auto& d : devs) {
    std::string use;
    if (d.usage.system) use += "system ";
    for (const auto& m : d.usage.mountpoints) use += "mounted:" + m + " ";
    for (const auto& s : d.usage.swap) use += "swap:" + s + " ";
    for (const auto& h : d.usage.holders) use += "holder:" + h + " ";
    if (!d.backing_file.empty()) use += "file:" + d.backing_file + " ";
    out += fmt::format("{:<10} {:>10} {:<8} {:<4} {:<24} {:<20} {}\n", d.name, human_bytes(d.size_bytes), d.transport,
                       d.rotational ? "yes" : "no", d.model.substr(0, 24), d.serial.substr(0, 20),
                       use.empty() ? "-" : use);
  }
  return out;
}

json devices_to_json(const std::vector<device::BlockDeviceInfo>& devs) {
  json a = json::array();
  for (const auto& d : devs)
    a.push_back({{"name", d.name},
                 {"path", d.path},
                 {"size_bytes", d.size_bytes},
                 {"model", d.model},
                 {"serial", d.serial},
                 {"wwn", d.wwn},
                 {"firmware", d.firmware},
                 {"transport", d.transport},
                 {"rotational", d.rotational},
                 {"removable", d.removable},
                 {"read_only", d.read_only},
                 {"logical_sector_size", d.logical_sector_size},
                 {"physical_sector_size", d.physical_sector_size},
                 {"backing_file", d.backing_file},
                 {"mounted", !d.usage.mountpoints.empty()},
                 {"mountpoints", d.usage.mountpoints},
                 {"swap", !d.usage.swap.empty()},
                 {"holders", d.usage.holders},
                 {"dm_md_lvm_member", !d.usage.holders.empty()},
                 {"system", d.usage.system}});
  return {{"devices", a}};
}

std::string render_methods_text() {
  std::string out;
  for (const auto& m : wipe::all_methods()) {
    std::string passes;
    for (std::size_t i = 0; i < m.passes.size(); ++i) passes += (i ? ", " : "") + wipe::describe_spec(m.passes[i]);
    out += fmt::format("{:<17} {}{}\n{:<17}   passes ({}): {}\n{:<17}   source: {}\n", m.name, m.title,
                       m.legacy ? " [legacy: not required by NIST SP 800-88 Rev. 2 / IEEE 2883]" : "", "",
                       m.passes.size(), passes, "", m.source);
  }
  out += "(* = fixed patterns written in a random order chosen per job)\n";
  return out;
}

json methods_to_json() {
  json a = json::array();
  for (const auto& m : wipe::all_methods()) {
    json passes = json::array();
    for (const auto& p : m.passes) passes.push_back(wipe::describe_spec(p));
    a.push_back({{"name", m.name}, {"title", m.title}, {"source", m.source}, {"passes", passes}, {"legacy", m.legacy}});
  }
  return {{"methods", a}};
}

ProgressCallback make_progress_view(bool as_json) {
  if (as_json)
    return [](const Progress& p) {
      fmt::print("{}\n", json{{"event", "progress"}, {"phase", p.phase}, {"step", p.step}, {"steps", p.step_count},
                              {"bytes_done", p.bytes_done}, {"bytes_total", p.bytes_total},
                              {"bytes_per_s", p.bytes_per_s}, {"eta_s", p.eta_s}}.dump());
      std::fflush(stdout);
    };
  if (!::isatty(2)) return {};
  return [](const Progress& p) {
    double frac = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 1.0;
    int filled = static_cast<int>(frac * 30);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(30, '.');
    std::string label = p.phase == "pass" ? fmt::format("pass {}/{}", p.step, p.step_count) : "verify  ";
    fmt::print(stderr, "\r{} [{}] {:5.1f}% {:>12} ETA {}:{:02}:{:02}  ", label, bar, frac * 100, rate(p.bytes_per_s),
               p.eta_s / 3600, p.eta_s / 60 % 60, p.eta_s % 60);
  };
}

void finish_progress_view(bool as_json) {
  if (!as_json && ::isatty(2)) fmt::print(stderr, "\n");
}

}  // namespace wipeproof::cli
