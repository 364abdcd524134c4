#pragma once
// One A4 page for people: the key facts of a certificate, the signature status and a QR code
// holding the certificate ID and the SHA-256 of its canonical JSON, so a paper copy can be
// matched to the signed file. Japanese text uses an embedded CJK font (IPAGothic, Debian's
// fonts-ipafont-gothic). Rendering never changes the certificate.
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace wipeproof::certs {

struct PdfStatus {
  std::string signature;   ///< "signed by CN=…", or a verification result
  bool timestamped = false;
};

/// The text the QR code holds: "wipeproof-cert:<certificate_id>:sha256:<hex>".
std::string qr_payload(const std::string& certificate_id, const std::string& cert_sha256);

/// Renders `certificate` to `pdf_path` in `lang` ("ja" or "en"); usage error on another language.
Result<void> render_pdf(const nlohmann::json& certificate, const std::string& cert_sha256, const PdfStatus& status,
                        const std::string& lang, const std::string& pdf_path);

/// The destruction certificate's page (pdf_destruction.cpp); render_pdf calls it by schema.
Result<void> render_destruction_pdf(const nlohmann::json& certificate, const std::string& cert_sha256,
                                    const PdfStatus& status, const std::string& lang, const std::string& pdf_path);

}  // namespace wipeproof::certs
