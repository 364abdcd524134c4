#pragma once
// Evidence files of a destruction (photos, video, the contractor's own certificate): their
// SHA-256 digests go into the certificate and the files are kept beside it in <id>.evidence/, so
// `cert verify --evidence DIR` can show later that none was changed, removed or swapped.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "certs/destruction.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

/// Hashes each file (regular files only; names must be unique). Nothing is copied yet.
Result<std::vector<EvidenceFile>> hash_evidence(const std::vector<std::string>& paths);
/// Copies the files into `dir` (created 0755) under their names, verifying each copy's digest.
Result<void> store_evidence(const std::vector<std::string>& paths, const std::vector<EvidenceFile>& files,
                            const std::string& dir);

struct EvidenceCheck {
  std::vector<std::string> ok, changed, missing;  ///< file names
  bool intact() const { return changed.empty() && missing.empty(); }
};
/// Each evidence file the certificate lists, looked up in `dir` and hashed.
Result<EvidenceCheck> check_evidence(const nlohmann::json& certificate, const std::string& dir);

}  // namespace wipeproof::certs
