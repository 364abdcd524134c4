#pragma once
// The one outcome rule (docs/verification.md, "Which evidence gives which outcome"): a pure
// function of the evidence a job collected — passes, firmware transcript, read-back, canaries,
// fingerprints, hidden areas, retired blocks, the job's own faults — and the level that was
// asked for. It is called once per job, after everything that can add evidence (the simulated
// media saved, the read-back and the signature scan done), and nothing else writes the outcome,
// the level, the shortfall, the exceptions or the limitations.
#include <string>
#include <vector>

#include "core/records.hpp"

namespace wipeproof::job {

struct Verdict {
  Outcome outcome = Outcome::not_erased;
  SanitizeLevel level = SanitizeLevel::none;
  std::string shortfall;                  ///< requested level not reached: why
  std::vector<std::string> exceptions;    ///< facts that undermine the claimed level
  std::vector<std::string> limitations;   ///< what a higher level (or more assurance) would need
};

/// Reads only evidence: never record.outcome, exceptions, limitations, choice.level or shortfall.
Verdict judge(const WipeRecord& record);

/// judge(), written into the record.
void apply_verdict(WipeRecord& record);

/// True when the read-back has a positive criterion: exact content (a fixed pattern or a
/// regenerated stream) or one repeated byte per block. "No recognisable content" and "looks
/// random" cannot tell erased media from live data they have no signature for, or from
/// ciphertext, so they can never show an erasure.
bool positive_criterion(const PassPattern& expected);

}  // namespace wipeproof::job
