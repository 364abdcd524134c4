#pragma once
// Sends issued certificates (json + p7s, and the PDF) to a rack station or registry over HTTPS,
// trusting exactly one server certificate (pinning: the station's own self-signed certificate,
// shipped beside the keys). No credentials travel or sit on the stick: the station accepts a
// certificate because its signature and chain verify, not because of who sends it.
//
// Contract (the station's ingest endpoint, docs/station-api.md when it lands):
//   POST <base>/api/v1/certificates  Content-Type: application/json
//   {"certificate": "<the certificate's canonical JSON text>", "p7s_base64": "...", "pdf_base64": "..."}
//   201 accepted {"id": ...} · 200/409 already held · 4xx rejected {"reason": ...}
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::certs {

struct UploadTarget {
  std::string url;              ///< https://host[:port][/base]
  std::string server_cert_pem;  ///< the one certificate the server must present
};

struct UploadResult {
  std::string json_path;
  std::string record_id;
  bool accepted = false;   ///< stored (or already held) by the server
  bool duplicate = false;
  int http_status = 0;
  std::string reason;      ///< why not accepted
};

/// The <id>.json certificate files under `paths` (files or directories), sorted.
Result<std::vector<std::string>> certificate_files(const std::vector<std::string>& paths);

/// Uploads each certificate; a transport failure stops at that file and is an error only when
/// nothing could be sent at all (the results say which were sent).
Result<std::vector<UploadResult>> upload_certificates(const UploadTarget& target, const std::vector<std::string>& files);

/// SHA-256 of the DER form of the PEM certificate in `pem_path` (what a pin is compared against).
Result<std::string> certificate_fingerprint(const std::string& pem_path);

}  // namespace wipeproof::certs
