// The destruction certificate's page (ja/en): the drive and how its identity was known, the
// destruction (method, particle size, DIN 66399 level, who did it, where, when, the witness),
// the evidence digests, the custody chain, and the signature block with the same QR code as a
// wipe certificate. render_pdf dispatches here by the certificate's schema.


#include <fmt/format.h>

#include "certs/destruction.hpp"
#include "certs/pdf_page.hpp"
#include "certs/pdf_render.hpp"

namespace wipeproof::certs {
using namespace pdf;

namespace {

struct DLabels {
  const char *title, *subtitle, *id, *issued, *org, *owner, *operator_, *witness, *media, *model, *serial, *identity,
      *bus, *capacity, *asset, *destruction, *reason, *method, *particles, *din, *by, *place, *time, *evidence,
      *custody, *disposition, *signature, *hash, *qr, *read, *typed, *device, *contractor;
};

const DLabels kJa = {"媒体破壊証明書", "Certificate of Media Destruction (NIST SP 800-88 Destroy / IEEE 2883 Destruct)",
                     "証明書ID", "発行日時", "発行組織", "データ所有者（委託元）", "作業者", "立会人", "対象媒体",
                     "型番", "シリアル番号", "識別情報の取得", "接続方式", "容量", "資産番号", "破壊", "理由",
                     "破壊方法", "粒子サイズ", "DIN 66399 保護レベル", "実施者", "場所", "日時", "証跡ファイル (SHA-256)",
                     "管理の連鎖（チェーン・オブ・カストディ）", "処分先", "電子署名", "正準JSONのSHA-256",
                     "QR: 証明書IDとSHA-256", "電子的に読み取り", "手入力（読み取り不能）", "自社装置", "委託業者"};
const DLabels kEn = {"Certificate of Media Destruction", "NIST SP 800-88 Destroy / IEEE 2883 Destruct; MHLW guideline",
                     "Certificate ID", "Issued", "Organisation", "Data owner", "Operator", "Witness", "Media", "Model",
                     "Serial number", "Identity", "Bus", "Capacity", "Asset number", "Destruction", "Reason", "Method",
                     "Particle size", "DIN 66399 level", "Performed by", "Place", "Time", "Evidence files (SHA-256)",
                     "Chain of custody", "Disposition", "Digital signature", "SHA-256 of canonical JSON",
                     "QR: certificate ID and SHA-256", "read electronically", "typed (drive did not identify)",
                     "own device", "contractor"};

std::string reason_text(const std::string& r, bool ja) {
  if (!ja) return r == "wipe_failed" ? "the wipe failed" : r == "drive_dead" ? "the drive no longer works" : "policy";
  return r == "wipe_failed" ? "消去失敗 (wipe_failed)" : r == "drive_dead" ? "故障 (drive_dead)" : "方針による (policy)";
}

}  // namespace

Result<void> render_destruction_pdf(const json& c, const std::string& cert_sha256, const PdfStatus& status,
                                    const std::string& lang, const std::string& pdf_path) {
  const bool ja = lang == "ja";
  const DLabels& L = ja ? kJa : kEn;
  std::string id = str(c, "/certificate_id");
  WP_ASSIGN_OR_RETURN(PdfFile file, PdfFile::create(pdf_path, std::string(L.title) + " " + id));
  cairo_t* cr = file.cr();
  Page pg(cr);
  pg.line(L.title, 20, true);
  pg.line(L.subtitle, 9);
  pg.row(L.id, id);
  pg.row(L.issued, str(c, "/issued_at"));
  pg.row(L.org, str(c, "/organisation/name") + "  " + str(c, "/organisation/location"));
  pg.row(L.owner, str(c, "/data_owner/name"));
  pg.row(L.operator_, person(c, "/people/operator"));
  pg.row(L.witness, person(c, "/people/witness"));

  pg.heading(L.media);
  pg.row(L.model, str(c, "/media/model"));
  pg.row(L.serial, str(c, "/media/serial"));
  pg.row(L.identity, str(c, "/media/identity_source") == "typed" ? L.typed : L.read);
  pg.row(L.bus, str(c, "/media/bus") + ", " + str(c, "/media/media_type"));
  pg.row(L.capacity, str(c, "/media/capacity/apparent_bytes") + " bytes");
  pg.row(L.asset, str(c, "/media/asset_number"));

  pg.heading(L.destruction);
  pg.row(L.reason, reason_text(str(c, "/destruction/reason"), ja));
  pg.row(L.method, str(c, "/sanitization/method/title") + " [" + str(c, "/destruction/method") + "]");
  std::string um = str(c, "/destruction/particle_um");
  pg.row(L.particles, um == "-" ? "-" : fmt::format("{:g} mm", std::stod(um) / 1000.0));
  pg.row(L.din, str(c, "/destruction/din_66399_level"));
  pg.row(L.by, str(c, "/destruction/performed_by/name") + " (" +
                   (str(c, "/destruction/performed_by/kind") == "contractor" ? L.contractor : L.device) + ")");
  pg.row(L.place, str(c, "/destruction/place"));
  pg.row(L.time, str(c, "/destruction/time"));
  std::string ev;
  for (const auto& e : c.at(json::json_pointer("/destruction/evidence")))
    ev += fmt::format("{}{}  {}", ev.empty() ? "" : "\n", e.value("file", ""), e.value("sha256", ""));
  pg.row(L.evidence, ev);

  pg.heading(L.custody);
  pg.row(L.custody, str(c, "/custody/chain") + " — " + str(c, "/custody/note") + " (" + str(c, "/custody/custody_id") + ")");
  pg.heading(L.disposition);
  pg.row(L.disposition, str(c, "/disposition/destination") + "  " + str(c, "/disposition/notes"));

  pg.heading(L.signature);
  WP_RETURN_IF_ERROR(signature_block(pg, cr, {L.signature, L.hash, L.qr}, status.signature, status.timestamped, id,
                                     cert_sha256, ja));
  return file.finish();
}

}  // namespace wipeproof::certs
