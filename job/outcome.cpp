#include "job/outcome.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace wipeproof::job {
namespace {

/// What the rule collects while reading the evidence, before it names the outcome.
struct Findings {
  bool interrupted = false;
  bool not_erased = false;
  bool tainted = false;  ///< an exception that makes `erased` impossible
  std::vector<std::string> lines;        ///< exceptions, in the order found
  std::vector<std::string> limitations;

  void fail(std::string line) {
    not_erased = true;
    lines.push_back(std::move(line));
  }
  void taint(std::string line) {
    tainted = true;
    lines.push_back(std::move(line));
  }
  void note(std::string line) { lines.push_back(std::move(line)); }
};

std::string fault_line(const char* where, const IoFault& e) {
  return fmt::format("{}: {} error on LBA {}+{}: {}", where, e.op, e.lba_first, e.lba_count, e.message);
}

void judge_passes(const WipeRecord& r, Findings& f) {
  for (const auto& p : r.passes) {
    if (p.status == RunStatus::interrupted) f.interrupted = true;
    if (p.status == RunStatus::aborted) {
      f.fail(fmt::format("pass {} aborted: {}", p.index, p.errors.empty() ? "" : p.errors.back().message));
      continue;
    }
    if (p.status == RunStatus::skipped) f.note(fmt::format("pass {} not run", p.index));
    for (const auto& e : p.errors) f.taint(fault_line(fmt::format("pass {}", p.index).c_str(), e));
    bool sync_reported = std::any_of(p.errors.begin(), p.errors.end(), [](const IoFault& e) { return e.op == "sync"; });
    if (p.status == RunStatus::complete && !p.synced) {
      if (sync_reported) f.tainted = true;
      else f.taint(fmt::format("pass {}: not confirmed durable (no successful fdatasync)", p.index));
    }
  }
}

/// The level the method reaches if the evidence holds, before any exception.
SanitizeLevel claimed_level(const WipeRecord& r) { return method_level(r.choice.method, r.device.rotational); }

void judge_firmware(const WipeRecord& r, Findings& f) {
  const SanitizationChoice& c = r.choice;
  if (!is_firmware_method(c.method)) {
    // Host writes never reach retired blocks: that is what Clear means, and what Purge would need.
    if (!c.retired_blocks.empty() && c.retired_blocks != "none reported")
      f.limitations.push_back("Purge not established: the drive reports retired blocks (" + c.retired_blocks +
                              "); host writes cannot reach their former contents");
    return;
  }
  if (!c.firmware_completed) {
    f.fail("firmware sanitize did not complete: " + c.firmware_failure);
    return;
  }
  // A controller-wide command erased the other namespaces too; this record verifies the target.
  if (!c.other_namespaces.empty()) {
    std::string names;
    for (const auto& n : c.other_namespaces) names += (names.empty() ? "" : ", ") + n;
    bool checked = c.other_namespace_checks.size() == c.other_namespaces.size();
    f.limitations.push_back(fmt::format("{} acts on every namespace of the controller: {} erased as well ({})",
                                        sanitize_method_name(c.method), names,
                                        checked ? "read back by sample, see choice.other_namespace_checks"
                                                : "not read back"));
  }
  // Retired blocks keep their old contents outside the LBA space. A Purge command is meant to
  // reach them, but no read can show that it did (NVMe 2.0 Annex A: only accessible storage can
  // be audited): an exception to a Purge claim; for a Clear-grade command it is what Purge would
  // need, not a flaw of the Clear result.
  if (!c.retired_blocks.empty() && c.retired_blocks != "none reported") {
    std::string what = "the drive reports retired blocks (" + c.retired_blocks + ")";
    if (claimed_level(r) == SanitizeLevel::purge)
      f.taint(what + ": their former contents are beyond the host's reach, and that the sanitize erased them "
                     "cannot be verified");
    else
      f.limitations.push_back("Purge not established: " + what + "; their former contents are beyond the host's "
                              "reach");
  }
}

void judge_evidence(const WipeRecord& r, const EraseEvidence& e, Findings& f) {
  if (!e.canaries_surviving.empty())
    f.fail(fmt::format("{} of {} canary blocks written before the erase still read back (first LBA {}): the drive "
                       "reported success but did not erase them",
                       e.canaries_surviving.size(), e.canaries_written, e.canaries_surviving.front()));
  if (e.fingerprints_unchanged > 0)
    f.fail(fmt::format("{} of {} fingerprinted blocks are unchanged since before the erase (first LBA {})",
                       e.fingerprints_unchanged, e.fingerprinted_blocks,
                       e.unchanged_lbas.empty() ? 0 : e.unchanged_lbas.front()));
  if (!e.canaries_unreadable.empty())
    f.taint(fmt::format("{} canary blocks could not be read back (first LBA {})", e.canaries_unreadable.size(),
                        e.canaries_unreadable.front()));
  // Zeroes read back after a flash erase show the mapping was cleared, not the cells: a Purge
  // claim needs the media (docs/verification.md, "Why reading zeros is not proof"); Clear only
  // needs every addressable block to read back without the old data, which the read-back shows.
  if (!e.media_inspected) {
    std::string what = "the read-back could not inspect the media behind deallocated blocks: " + e.media_note;
    if (claimed_level(r) == SanitizeLevel::purge) f.taint(what);
    else f.limitations.push_back("Purge not established: media behind deallocated blocks not inspected (" +
                                 e.media_note + ")");
  }
}

void judge_verification(const WipeRecord& r, Findings& f) {
  const VerifyReport& v = r.verification;
  if (v.status == RunStatus::interrupted) f.interrupted = true;
  if (v.mode == VerifyMode::none) {
    f.taint("not verified (--verify none): NIST SP 800-88 requires verification");
    return;
  }
  if (v.status == RunStatus::aborted) {
    f.fail("verification aborted");
    return;
  }
  if (v.status != RunStatus::complete) return;  // skipped: a pass failed, said above
  if (r.choice.method == SanitizeMethod::verification_only && !positive_criterion(v.expected))
    f.fail("verification only, without a positive criterion (" + v.expected.origin +
           "): no recognisable content was found, but that cannot show the data is gone (unknown formats, "
           "ciphertext); use --expect zero|one|pattern:HEX or --record");
  for (const auto& h : v.residue) f.note(fmt::format("residual content at LBA {}: {}", h.lba, h.type));
  if (v.mismatched_blocks > 0)
    f.fail(fmt::format("{} blocks read back differ from the last pass (first LBA {})", v.mismatched_blocks,
                       v.first_mismatch_lbas.empty() ? 0 : v.first_mismatch_lbas.front()));
  for (const auto& e : v.read_errors) f.taint(fault_line("verify", e));
  // A signature found means not erased; a scan that could not finish is an exception.
  if (v.signature_scan.performed)
    for (const auto& h : v.signature_scan.hits)
      f.fail(fmt::format("signature still present: {} ({}) at byte {}", h.type, h.usage, h.offset));
  if (v.evidence) judge_evidence(r, *v.evidence, f);
  if (!v.signature_scan.error.empty()) f.taint("signature scan: " + v.signature_scan.error);
  if (v.mode == VerifyMode::sample && v.plan)
    f.limitations.push_back(fmt::format("verified by sample ({} % of blocks): a residue covering 0.01 % of the "
                                        "device is missed with probability {}",
                                        v.plan->coverage_percent, v.miss_probability_0_01pct));
}

void judge_hidden_areas(const WipeRecord& r, Findings& f) {
  // ATA SECURITY ERASE UNIT and SANITIZE act on all user data up to the native maximum (ACS-3
  // 7.45, 7.40); host writes stop at the accessible maximum, so a hidden area left in place by
  // an overwrite (or a read-back of someone else's erase) was never addressed.
  if (r.choice.hidden_areas != HiddenAreaState::found || is_firmware_method(r.choice.method)) return;
  f.taint(fmt::format("hidden area found and not restored (HPA/DCO: {} visible of {} native sectors): its contents "
                      "were neither overwritten nor read (--restore-hidden)",
                      r.choice.sectors_before, r.choice.native_sectors));
}

/// Sectors that could not be written or read back cannot be shown sanitized: NIST SP 800-88
/// Rev. 1 §4.7 — when verification cannot confirm the result, the medium goes to destruction.
/// A sector failing in several passes and again at read-back counts once.
std::uint64_t bad_sector_count(const WipeRecord& r) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;  // [first, end)
  for (const auto& p : r.passes)
    for (const auto& e : p.errors)
      if (e.op == "write" && p.status != RunStatus::aborted) bad.emplace_back(e.lba_first, e.lba_first + e.lba_count);
  for (const auto& e : r.verification.read_errors) bad.emplace_back(e.lba_first, e.lba_first + e.lba_count);
  std::sort(bad.begin(), bad.end());
  std::uint64_t count = 0, covered_to = 0;
  for (const auto& [first, end] : bad) {
    std::uint64_t from = std::max(first, covered_to);
    if (end > from) count += end - from;
    covered_to = std::max(covered_to, end);
  }
  return count;
}

std::string shortfall_of(const WipeRecord& r, SanitizeLevel reached) {
  const SanitizationChoice& c = r.choice;
  if (!c.requested_level || *c.requested_level == SanitizeLevel::none || reached >= *c.requested_level) return {};
  std::string s = fmt::format("{} requested, {} reached", sanitize_level_name(*c.requested_level),
                              sanitize_level_name(reached));
  if (reached == SanitizeLevel::none) return s + ": the erase was not shown to succeed (see the exceptions)";
  s += fmt::format(": {} is {}-grade", sanitize_method_name(c.method), sanitize_level_name(reached));
  std::vector<std::string> tried;
  for (const auto& x : c.rejected)
    if (x.rfind("tried ", 0) == 0 || x.rfind("refused ", 0) == 0) tried.push_back(x);
  if (tried.empty())
    return s + fmt::format(" and no {} method is available on this drive",
                           *c.requested_level == SanitizeLevel::purge ? "Purge" : "Clear");
  for (const auto& t : tried) s += "; " + t;
  return s;
}

}  // namespace

bool positive_criterion(const PassPattern& expected) {
  return expected.kind == PatternKind::fixed || expected.kind == PatternKind::random_stream ||
         expected.kind == PatternKind::uniform;
}

Verdict judge(const WipeRecord& r) {
  Findings f;
  for (const auto& fault : r.job_faults) f.taint(fault);
  judge_passes(r, f);
  judge_firmware(r, f);
  judge_hidden_areas(r, f);
  if (!(is_firmware_method(r.choice.method) && !r.choice.firmware_completed)) judge_verification(r, f);

  Verdict v;
  // An interrupted job claims nothing: no level, no limitations, and none of the half-done
  // evidence (a read-back that stopped at 40 % shows neither success nor failure).
  if (f.interrupted) {
    v.outcome = Outcome::interrupted;
    v.exceptions = {"interrupted by signal before the job finished: nothing is claimed; run it again or resume it"};
    v.shortfall = shortfall_of(r, SanitizeLevel::none);
    return v;
  }
  v.exceptions = std::move(f.lines);
  v.limitations = std::move(f.limitations);
  if (std::uint64_t bad = bad_sector_count(r); bad > 0)
    v.exceptions.push_back(fmt::format("recommendation: destroy the drive — {} sector(s) could not be overwritten or "
                                       "read back, so their sanitization cannot be confirmed (NIST SP 800-88 Rev. 1 "
                                       "§4.7)",
                                       bad));
  v.outcome = f.not_erased ? Outcome::not_erased : f.tainted ? Outcome::erased_with_exceptions : Outcome::erased;
  v.level = v.outcome == Outcome::not_erased ? SanitizeLevel::none : claimed_level(r);
  if (v.level == SanitizeLevel::none) v.limitations.clear();
  v.shortfall = shortfall_of(r, v.level);
  return v;
}

void apply_verdict(WipeRecord& r) {
  Verdict v = judge(r);
  r.outcome = v.outcome;
  r.choice.level = v.level;
  r.choice.shortfall = std::move(v.shortfall);
  r.exceptions = std::move(v.exceptions);
  r.limitations = std::move(v.limitations);
}

}  // namespace wipeproof::job
