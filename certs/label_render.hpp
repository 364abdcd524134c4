#pragma once
// The label stuck on a drive (or its bag) on its way to destruction: a QR code holding the
// custody id and the serial, and the same in print, with the model and the reason. PNG (for a
// label printer, and what the tests decode with zbarimg) or PDF, by the file's extension.
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::certs {

struct LabelContent {
  std::string qr_payload;          ///< wipeproof-custody:<id>:serial:<serial>
  std::vector<std::string> lines;  ///< printed beside the code, first line bold
};

/// Writes one label (62 x 29 mm at 300 dpi for PNG). Usage error for another extension.
Result<void> render_label(const LabelContent& label, const std::string& path);

/// A batch manifest for a contractor pickup: one row per drive with its QR code, a title block,
/// and signature lines for the hand-over (A4 PDF, as many pages as needed).
struct ManifestRow {
  std::string qr_payload;
  std::vector<std::string> lines;
};
Result<void> render_manifest(const std::string& title, const std::vector<std::string>& header_lines,
                             const std::vector<ManifestRow>& rows, const std::string& pdf_path);

}  // namespace wipeproof::certs
