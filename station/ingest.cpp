#include "station/ingest.hpp"

#include <nlohmann/json.hpp>

#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "certs/cms_signature.hpp"
#include "certs/openssl_util.hpp"

namespace wipeproof::station {
namespace {

std::string at(const nlohmann::json& j, const char* ptr) {
  auto p = nlohmann::json::json_pointer(ptr);
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : "";
}

}  // namespace

CertificateRow row_from_certificate(const std::string& text) {
  CertificateRow r;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return r;
  r.id = at(j, "/record_id");
  r.serial = at(j, "/media/serial");
  r.model = at(j, "/media/model");
  r.result = at(j, "/sanitization/result");
  r.level = at(j, "/sanitization/level");
  r.method = at(j, "/sanitization/method/name");
  r.operator_name = at(j, "/people/operator/name");
  r.organisation = at(j, "/organisation/name");
  r.issued_at = at(j, "/sanitization/finished");
  r.json = text;
  r.sha256 = certs::sha256_hex(text.data(), text.size());
  return r;
}

IngestVerdict ingest_certificate(Registry& reg, const std::string& body, const std::string& ca, const std::string& source) {
  IngestVerdict v;
  auto req = nlohmann::json::parse(body, nullptr, false);
  if (!req.is_object() || !req.contains("certificate") || !req["certificate"].is_string() ||
      !req.contains("p7s_base64") || !req["p7s_base64"].is_string()) {
    v.http_status = 400;
    v.reason = "expected {\"certificate\": TEXT, \"p7s_base64\": TEXT[, \"pdf_base64\": TEXT]}";
    return v;
  }
  std::string text = req["certificate"].get<std::string>();
  std::optional<std::string> p7s = certs::base64_decode(req["p7s_base64"].get<std::string>()), pdf = std::string{};
  if (req.contains("pdf_base64"))
    pdf = req["pdf_base64"].is_string() ? certs::base64_decode(req["pdf_base64"].get<std::string>()) : std::nullopt;
  if (!p7s || !pdf) {
    v.http_status = 400;
    v.reason = "p7s_base64 / pdf_base64 is not base64";
    return v;
  }
  auto parsed = certs::parse_canonical(text);
  if (!parsed) {
    v.http_status = 422;
    v.reason = "not a canonical certificate: " + parsed.error().context;
    return v;
  }
  if (auto s = certs::validate_certificate(*parsed); !s) {
    v.http_status = 422;
    v.reason = "schema: " + s.error().context;
    return v;
  }
  // An empty CA file would mean "intact but signer unverified": never enough to accept.
  certs::SignatureCheck c = certs::verify_detached(text, *p7s, ca);
  if (ca.empty() || c.status != certs::SignatureStatus::valid) {
    v.http_status = 422;
    v.reason = std::string("signature ") + certs::signature_status_name(c.status) + (c.detail.empty() ? "" : ": " + c.detail);
    return v;
  }
  CertificateRow row = row_from_certificate(text);
  row.p7s = *p7s;
  row.pdf = *pdf;
  row.source = source;
  v.id = row.id;
  auto inserted = reg.insert_certificate(row);
  if (!inserted) {
    v.http_status = 500;
    v.reason = inserted.error().context;
    return v;
  }
  v.http_status = *inserted ? 201 : 409;
  return v;
}

}  // namespace wipeproof::station
