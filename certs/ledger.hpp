#pragma once
// An append-only, hash-chained ledger of issued certificates, one canonical JSON object a line:
//   {"cert_sha256":…, "certificate_id":…, "entry_sha256":…, "issued_at":…, "prev_sha256":…, "seq":N}
// entry_sha256 = SHA-256 of the canonical entry without entry_sha256; prev_sha256 = the previous
// entry's entry_sha256 (64 zeros for the first). Deleting, reordering or altering any entry breaks
// the chain at a place `ledger verify` names.
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::certs {

struct LedgerEntry {
  std::uint64_t seq = 0;
  std::string certificate_id;
  std::string cert_sha256;
  std::string issued_at;
  std::string prev_sha256;
  std::string entry_sha256;
};

/// Appends an entry for a certificate (its canonical bytes' SHA-256). Verifies the existing chain
/// first and refuses to extend a broken one. Uses an exclusive lock so stations can share a file.
Result<LedgerEntry> ledger_append(const std::string& path, const std::string& certificate_id,
                                  const std::string& cert_sha256, const std::string& issued_at);

struct LedgerProblem {
  std::size_t line = 0;   ///< 1-based line in the file
  std::string what;
};

struct LedgerReport {
  std::size_t entries = 0;
  std::vector<LedgerProblem> problems;  ///< empty: intact
  std::string head_sha256;              ///< the last entry's hash
};

/// Reads and checks the whole ledger. A file that cannot be read is an error; a broken chain is a
/// report with problems.
Result<LedgerReport> ledger_verify(const std::string& path);

/// The entry for `certificate_id` with this hash, if the (intact part of the) ledger holds it.
Result<bool> ledger_contains(const std::string& path, const std::string& certificate_id, const std::string& cert_sha256);

}  // namespace wipeproof::certs
