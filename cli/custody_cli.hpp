#pragma once
// Shared by `wipeproof custody …` and `wipeproof destroy …`: opening the registry they record
// into, and reading a drive's identity electronically.
#include <string>

#include "core/records.hpp"
#include "core/result.hpp"
#include "station/custody.hpp"
#include "station/registry.hpp"

namespace wipeproof::cli {

/// --registry PATH|postgresql://…, else $WIPEPROOF_REGISTRY; a SQLite file is created if absent.
Result<std::unique_ptr<station::Registry>> open_custody_registry(const std::string& registry);

struct ReadIdentity {
  station::IntakeIdentity identity;
  std::string bus, media_type = "unknown", firmware, smart;
  std::uint64_t size_bytes = 0;
};
/// Identity (and SMART, if the drive answers) read from DEV: a block device or sim: target.
Result<ReadIdentity> read_identity(const std::string& device);

/// After a wipe with --registry: the drive is received (if it has no open chain), then `wiped`
/// and `certificate_issued`, or — when the outcome is not a clean erase — `wipe_failed` and
/// `queued_for_destruction` (reason wipe_failed). Interrupted jobs record nothing (resume).
Result<std::string> record_wipe_in_custody(station::Registry& registry, const WipeRecord& record, bool certified,
                                           const std::string& by);

/// `wipe --registry` / `resume --registry`: opened only when the option was given (a wipe records
/// custody only when asked: no $WIPEPROOF_REGISTRY fallback); nullptr otherwise.
Result<std::unique_ptr<station::Registry>> open_wipe_custody(const std::string& registry);
/// After finish_job: records the wipe with record_wipe_in_custody and says what it recorded (text
/// output), or warns on stderr. Nothing without a registry.
void report_wipe_custody(station::Registry* registry, const WipeRecord& record, bool certified, const std::string& by,
                         bool json);

}  // namespace wipeproof::cli
