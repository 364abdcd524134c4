#include "certs/issuer.hpp"

#include <filesystem>

#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "certs/cms_signature.hpp"
#include "certs/destruction.hpp"
#include "certs/ledger.hpp"
#include "certs/openssl_util.hpp"
#include "certs/pdf_render.hpp"
#include "certs/timestamp.hpp"
#include "core/clock.hpp"
#include "core/sys.hpp"

namespace wipeproof::certs {
namespace fs = std::filesystem;

namespace {

/// The common tail of every certificate: canonical JSON, schema check, CMS signature, optional
/// timestamp, atomic writes, ledger entry, PDF.
Result<IssuedFiles> issue_json(const nlohmann::json& cert, const Signer& signer, const IssueOptions& o) {
  IssuedFiles f;
  f.certificate_id = cert.value("certificate_id", "");
  WP_RETURN_IF_ERROR(validate_certificate(cert));
  WP_ASSIGN_OR_RETURN(std::string canon, canonicalize(cert));
  f.cert_sha256 = sha256_hex(canon.data(), canon.size());
  WP_ASSIGN_OR_RETURN(std::string der, sign_detached(canon, signer));
  if (!o.tsa_url.empty()) {
    auto stamped = timestamp_signature(der, o.tsa_url);
    if (stamped) {
      der = *stamped;
      f.timestamped = true;
    } else {
      f.warnings.push_back("no timestamp: " + stamped.error().context);
    }
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return sys_error("create " + o.out_dir, ec.value());
  fs::path base = fs::path(o.out_dir) / f.certificate_id;
  f.json_path = base.string() + ".json";
  f.p7s_path = base.string() + ".p7s";
  WP_RETURN_IF_ERROR(write_file_atomic(f.json_path, canon, 0644));
  WP_RETURN_IF_ERROR(write_file_atomic(f.p7s_path, der, 0644));
  f.ledger_path = o.ledger_path.empty() ? (fs::path(o.out_dir) / "ledger.jsonl").string() : o.ledger_path;
  WP_ASSIGN_OR_RETURN(LedgerEntry entry, ledger_append(f.ledger_path, f.certificate_id, f.cert_sha256,
                                                       cert["issued_at"].get<std::string>()));
  f.ledger_seq = entry.seq;
  if (o.pdf) {
    std::string pdf = base.string() + ".pdf";
    PdfStatus status{"signed by " + signer.subject, f.timestamped};
    if (auto r = render_pdf(cert, f.cert_sha256, status, o.lang, pdf); r)
      f.pdf_path = pdf;
    else
      f.warnings.push_back("no PDF: " + r.error().context);
  }
  return f;
}

}  // namespace

Result<IssuedFiles> issue_certificate(const WipeRecord& record, const SiteInfo& site, const Signer& signer,
                                      const IssueOptions& o) {
  WP_RETURN_IF_ERROR(validate_for_signing(site));
  return issue_json(build_certificate(record, site, record.record_id, now_utc()), signer, o);
}

Result<IssuedFiles> issue_destruction_certificate(const DestructionFacts& facts, const SiteInfo& site,
                                                  const Signer& signer, const IssueOptions& o) {
  WP_RETURN_IF_ERROR(validate_destruction(facts, site));
  return issue_json(build_destruction_certificate(facts, site), signer, o);
}

}  // namespace wipeproof::certs
