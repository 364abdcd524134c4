#pragma once
// Handing drives to a destruction contractor in one pickup (a batch): every drive must be queued
// for destruction; each gets a handed_over event naming the contractor and the batch; the
// manifest (one QR code per drive, signature lines) is rendered from those events, so it can be
// printed again at any time and always matches the registry.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

struct Handover {
  std::string batch;  ///< "WPB-" + 10 hex digits
  std::vector<CustodyDrive> drives;
};

/// Checks every drive first (custody ids or serials; each queued for destruction), then records
/// the hand-over. Nothing is recorded when any drive is refused.
Result<Handover> hand_over(Registry& registry, const std::vector<std::string>& drives, const std::string& contractor,
                           const std::string& by);
/// The batch's manifest as a PDF file.
Result<void> render_batch_manifest(Registry& registry, const std::string& batch, const std::string& pdf_path);
/// Records the contractor's returned confirmation (its SHA-256) for every drive of the batch.
Result<std::size_t> confirm_batch(Registry& registry, const std::string& batch, const std::string& file_name,
                                  const std::string& file_sha256, const std::string& by);

/// Drives with their chains for the API: state "awaiting_destruction", "open" or "" (all).
Result<nlohmann::json> custody_overview(Registry& registry, const std::string& state);

}  // namespace wipeproof::station
