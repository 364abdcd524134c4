#pragma once
// Certificates arriving from USB-booted runs (`wipeproof upload`): accepted only when the bytes
// are canonical, the schema holds, and the signature verifies with a chain to a trusted
// organisation CA; otherwise rejected with the reason. No HTTP here: bytes in, verdict out.
#include <string>

#include "station/registry.hpp"

namespace wipeproof::station {

struct IngestVerdict {
  int http_status = 0;  ///< 201 stored, 409 already held, 400 malformed request, 422 rejected
  std::string id;
  std::string reason;
};

/// `body` is the upload contract's JSON ({"certificate", "p7s_base64", "pdf_base64"}).
IngestVerdict ingest_certificate(Registry& registry, const std::string& body, const std::string& trusted_ca_file,
                                 const std::string& source);

/// The searchable columns of a verified certificate.
CertificateRow row_from_certificate(const std::string& json_text);

}  // namespace wipeproof::station
