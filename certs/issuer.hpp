#pragma once
// Issuing a certificate for a finished job: canonical JSON, schema check, CMS signature,
// optional RFC 3161 timestamp, ledger entry and PDF, written side by side as <id>.json, <id>.p7s,
// <id>.pdf. Shared by the CLI and the station.
#include <optional>
#include <string>

#include "certs/keys.hpp"
#include "certs/site.hpp"
#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

struct IssueOptions {
  std::string out_dir;
  std::string ledger_path;   ///< empty: <out_dir>/ledger.jsonl
  std::string tsa_url;       ///< empty: no timestamp
  std::string lang = "ja";   ///< PDF language: ja or en
  bool pdf = true;
};

struct IssuedFiles {
  std::string certificate_id;
  std::string json_path;
  std::string p7s_path;
  std::string pdf_path;       ///< empty when no PDF was made
  std::string ledger_path;
  std::string cert_sha256;    ///< of the canonical JSON
  std::uint64_t ledger_seq = 0;
  bool timestamped = false;
  std::vector<std::string> warnings;  ///< non-fatal: PDF or timestamp failed
};

/// Everything is checked before the first file is written; the JSON and signature are written
/// atomically, then the ledger entry. A failing PDF or TSA is a warning, not a lost certificate.
Result<IssuedFiles> issue_certificate(const WipeRecord& record, const SiteInfo& site, const Signer& signer,
                                      const IssueOptions& options);

struct DestructionFacts;
/// The same for a destruction certificate (certs/destruction.hpp); every rule is checked first.
Result<IssuedFiles> issue_destruction_certificate(const DestructionFacts& facts, const SiteInfo& site,
                                                  const Signer& signer, const IssueOptions& options);

}  // namespace wipeproof::certs
