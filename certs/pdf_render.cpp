#include "certs/pdf_render.hpp"


#include <memory>

#include <fmt/format.h>

#include "certs/destruction.hpp"
#include "certs/pdf_page.hpp"

namespace wipeproof::certs {
using nlohmann::json;

using namespace pdf;

namespace {

struct Labels {
  const char *title, *subtitle, *id, *issued, *org, *location, *owner, *operator_, *validator, *media, *model,
      *serial, *bus, *capacity, *media_type, *asset, *backup, *method, *passes, *level, *result, *started, *verify,
      *verify_result, *scan, *confidence, *disposition, *signature, *hash, *not_countersigned, *qr;
};

const Labels kJa = {"データ消去証明書", "Certificate of Data Sanitization (NIST SP 800-88 / IEEE 2883)",
                    "証明書ID", "発行日時", "発行組織", "作業場所", "データ所有者（委託元）",
                    "作業者（専門的な知識を有する者）", "確認者（情報システム運用責任者）", "対象媒体", "型番",
                    "シリアル番号", "接続方式", "容量", "媒体種別", "資産番号", "バックアップ", "消去方法",
                    "パス", "消去レベル", "結果", "作業時刻", "消去確認（読み出し検証）", "検証結果",
                    "署名走査（libblkid）", "見逃し確率", "処分先", "電子署名", "正準JSONのSHA-256",
                    "未署名（後日確認者が署名）", "QR: 証明書IDとSHA-256"};
const Labels kEn = {"Certificate of Data Sanitization", "NIST SP 800-88 / IEEE 2883; MHLW guideline on medical information systems",
                    "Certificate ID", "Issued", "Organisation", "Location", "Data owner", "Operator",
                    "Validator", "Media", "Model", "Serial number", "Bus", "Capacity", "Media type",
                    "Asset number", "Backup", "Method", "Passes", "Sanitization level", "Result", "Performed",
                    "Verification (read-back)", "Verification result", "Signature scan (libblkid)",
                    "Miss probability", "Disposition", "Digital signature", "SHA-256 of canonical JSON",
                    "not yet countersigned", "QR: certificate ID and SHA-256"};

std::string result_text(const std::string& r, bool ja) {
  if (!ja) return r;
  if (r == "erased") return "消去完了 (erased)";
  if (r == "erased_with_exceptions") return "例外付き消去 (erased_with_exceptions)";
  if (r == "not_erased") return "消去未完了 (not_erased)";
  if (r == "interrupted") return "中断 (interrupted)";
  return r;
}

}  // namespace

std::string qr_payload(const std::string& certificate_id, const std::string& cert_sha256) {
  return "wipeproof-cert:" + certificate_id + ":sha256:" + cert_sha256;
}

Result<void> render_pdf(const json& c, const std::string& cert_sha256, const PdfStatus& status, const std::string& lang,
                        const std::string& pdf_path) {
  if (lang != "ja" && lang != "en") return make_error(ErrorKind::usage, "--lang must be ja or en, got '" + lang + "'");
  if (c.value("schema", "") == kDestructionSchema) return render_destruction_pdf(c, cert_sha256, status, lang, pdf_path);
  const bool ja = lang == "ja";
  const Labels& L = ja ? kJa : kEn;
  std::string id = str(c, "/certificate_id");
  WP_ASSIGN_OR_RETURN(PdfFile file, PdfFile::create(pdf_path, std::string(L.title) + " " + id));
  cairo_t* cr = file.cr();
  Page pg(cr);
  pg.line(L.title, 20, true);
  pg.line(L.subtitle, 9);
  pg.row(L.id, id);
  pg.row(L.issued, str(c, "/issued_at"));
  pg.row(L.org, str(c, "/organisation/name"));
  pg.row(L.location, str(c, "/organisation/location"));
  pg.row(L.owner, str(c, "/data_owner/name"));
  pg.row(L.operator_, person(c, "/people/operator"));
  pg.row(L.validator, person(c, "/people/validator") + (ja ? "　" : "  ") + "(" + L.not_countersigned + ")");

  pg.heading(L.media);
  pg.row(L.model, str(c, "/media/model"));
  // Loop devices and images have no serial: name the kernel device instead of a bare dash.
  pg.row(L.serial, str(c, "/media/serial") != "-" ? str(c, "/media/serial")
                                                   : (ja ? "なし (" : "none (") + str(c, "/media/kernel_name") + ")");
  pg.row(L.bus, str(c, "/media/bus") + " (" + str(c, "/media/path") + ")");
  pg.row(L.capacity, str(c, "/media/capacity/apparent_bytes") + " bytes");
  pg.row(L.media_type, str(c, "/media/media_type"));
  pg.row(L.asset, str(c, "/media/asset_number"));
  pg.row(L.backup, str(c, "/media/backup/made") + " / " + str(c, "/media/backup/location"));

  pg.heading(L.method);
  pg.row(L.method, str(c, "/sanitization/method/title") + " [" + str(c, "/sanitization/method/name") + "]");
  std::string passes;
  if (c.contains("sanitization") && c["sanitization"].contains("passes"))
    for (const auto& p : c["sanitization"]["passes"]) {
      if (!passes.empty()) passes += ", ";
      const json& pat = p["pattern"];
      passes += pat.value("kind", "") == "random" ? "AES-128-CTR" : "0x" + pat.value("bytes_hex", "");
    }
  pg.row(L.passes, passes.empty() ? "-" : passes);
  pg.row(L.level, str(c, "/sanitization/level"));
  pg.row(L.started, str(c, "/sanitization/started") + " – " + str(c, "/sanitization/finished"));
  pg.row(L.result, result_text(str(c, "/sanitization/result"), ja));

  pg.heading(L.verify);
  pg.row(L.verify, str(c, "/verification/method") + ", " + str(c, "/verification/blocks_read") + " blocks, " +
                       str(c, "/verification/mismatched_blocks") + " mismatched");
  pg.row(L.verify_result, str(c, "/verification/passed") == "true" ? (ja ? "合格 (passed)" : "passed")
                                                                  : (ja ? "不合格 (failed)" : "failed"));
  pg.row(L.scan, str(c, "/verification/signature_scan/clean") == "true" ? (ja ? "署名なし (clean)" : "clean")
                                                                          : (ja ? "検出あり (found)" : "found"));
  pg.row(L.confidence, "1%: " + str(c, "/verification/miss_probability/residue_1_percent") +
                           "   0.1%: " + str(c, "/verification/miss_probability/residue_0_1_percent") +
                           "   0.01%: " + str(c, "/verification/miss_probability/residue_0_01_percent"));

  pg.heading(L.disposition);
  pg.row(L.disposition, str(c, "/disposition/destination") + "  " + str(c, "/disposition/notes"));

  pg.heading(L.signature);
  WP_RETURN_IF_ERROR(signature_block(pg, cr, {L.signature, L.hash, L.qr}, status.signature, status.timestamped, id,
                                     cert_sha256, ja));
  return file.finish();
}

}  // namespace wipeproof::certs
