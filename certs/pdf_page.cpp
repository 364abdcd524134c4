#include "certs/pdf_page.hpp"

#include <cairo-pdf.h>

#include <filesystem>

#include "certs/pdf_render.hpp"

namespace wipeproof::certs::pdf {

Result<PdfFile> PdfFile::create(const std::string& path, const std::string& title, double width, double height) {
  PdfFile f;
  f.path_ = path;
  f.tmp_ = path + ".tmp";
  f.surface_ = cairo_pdf_surface_create(f.tmp_.c_str(), width, height);
  if (cairo_surface_status(f.surface_) != CAIRO_STATUS_SUCCESS) return make_error(ErrorKind::sys, "cannot create " + f.tmp_, EIO);
  cairo_pdf_surface_set_metadata(f.surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(f.surface_, CAIRO_PDF_METADATA_CREATOR, "wipeproof");
  f.cr_ = cairo_create(f.surface_);
  return f;
}

PdfFile::PdfFile(PdfFile&& o) noexcept
    : path_(std::move(o.path_)), tmp_(std::move(o.tmp_)), surface_(o.surface_), cr_(o.cr_) {
  o.surface_ = nullptr;
  o.cr_ = nullptr;
}

PdfFile::~PdfFile() {
  if (cr_) cairo_destroy(cr_);
  if (surface_) {
    cairo_surface_destroy(surface_);
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);  // not finished: leave nothing half-written
  }
}

Result<void> PdfFile::finish() {
  cairo_show_page(cr_);
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  cairo_status_t st = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  std::error_code ec;
  if (st != CAIRO_STATUS_SUCCESS) {
    std::filesystem::remove(tmp_, ec);
    return make_error(ErrorKind::sys, std::string("cairo: ") + cairo_status_to_string(st), EIO);
  }
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) return sys_error("rename to " + path_, ec.value());
  return {};
}

Result<void> signature_block(Page& pg, cairo_t* cr, const SignatureLabels& L, const std::string& signature,
                             bool timestamped, const std::string& id, const std::string& cert_sha256, bool ja) {
  double qr_size = 130, qr_y = pg.y();
  double value_w = kPageW - 2 * kMargin - 170 - qr_size - 10;
  pg.row(L.signature, signature + (timestamped ? " (RFC 3161)" : ""), value_w);
  pg.row(L.hash, cert_sha256, value_w);
  pg.row(L.qr, ja ? "openssl cms -verify で署名ファイル(.p7s)を検証できます" : "verify the .p7s with openssl cms -verify",
         value_w);
  return draw_qr(cr, qr_payload(id, cert_sha256), kPageW - kMargin - qr_size, qr_y, qr_size);
}

}  // namespace wipeproof::certs::pdf
