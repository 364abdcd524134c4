#pragma once
// After a partial loss (a damaged disk, an old backup, rows deleted by hand) the ledger names
// exactly what is missing: every ledger entry whose certificate the registry no longer holds,
// grouped into ranges of consecutive sequence numbers, and every hole or broken link in the
// chain itself. Two ledgers can be checked: the registry's own table, and DATA/ledger.jsonl, the
// independent copy that also names losses at the newest end.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

struct LedgerRange {
  std::uint64_t first = 0, last = 0;
  std::vector<std::string> certificate_ids;  ///< known for entries still in the ledger
};

struct LedgerCheckReport {
  std::string source;                  ///< "registry" or the ledger file
  std::uint64_t entries = 0;           ///< entries read
  std::vector<LedgerRange> missing;    ///< certificates the ledger names that are not held
  std::vector<LedgerRange> holes;      ///< sequence numbers absent from the ledger itself
  std::vector<std::string> problems;   ///< broken hash links, altered entries
  bool intact() const { return missing.empty() && holes.empty() && problems.empty(); }
};

/// Pure: the registry ledger's entries against the certificate ids held.
LedgerCheckReport check_registry_ledger(const std::vector<RegistryLedgerEntry>& entries,
                                        const std::set<std::string>& held);
/// A ledger.jsonl (certs/ledger.hpp format) against the certificate ids held.
Result<LedgerCheckReport> check_ledger_file(const std::string& path, const std::set<std::string>& held);

/// "3-5" or "7".
std::string range_text(const LedgerRange& r);

}  // namespace wipeproof::station
