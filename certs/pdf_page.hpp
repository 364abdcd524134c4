#pragma once
// Drawing helpers shared by the certificate pages (pdf_render.cpp for wipes,
// pdf_destruction.cpp for destruction): A4 geometry, the CJK-capable font, label/value rows,
// headings and the QR code. Internal to certs.
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace wipeproof::certs::pdf {
using nlohmann::json;

inline constexpr double kPageW = 595.28, kPageH = 841.89, kMargin = 42;
inline constexpr const char* kFont = "IPAGothic, IPAexGothic, Noto Sans CJK JP";

/// The value at a JSON pointer as text; "-" when absent, null or empty.
inline std::string str(const json& c, const char* ptr) {
  json::json_pointer p(ptr);
  if (!c.contains(p)) return "-";
  const json& v = c.at(p);
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

/// "name / title / organisation / contact" of a person object.
inline std::string person(const json& c, const char* ptr) {
  json::json_pointer p(ptr);
  if (!c.contains(p) || !c.at(p).is_object()) return "-";
  const json& o = c.at(p);
  std::string s = o.value("name", "");
  for (const char* k : {"title", "organisation", "contact"})
    if (!o.value(k, "").empty()) s += " / " + o.value(k, "");
  return s;
}

class Page {
 public:
  explicit Page(cairo_t* cr) : cr_(cr) {}
  void text(const std::string& s, double size, bool bold, double x, double width) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* fd = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, s.c_str(), -1);
    cairo_move_to(cr_, x, y_);
    pango_cairo_show_layout(cr_, layout);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    last_h_ = static_cast<double>(h) / PANGO_SCALE;
    pango_font_description_free(fd);
    g_object_unref(layout);
  }
  void line(const std::string& s, double size, bool bold = false) {
    text(s, size, bold, kMargin, kPageW - 2 * kMargin);
    y_ += last_h_ + 2;
  }
  void row(const std::string& label, const std::string& value, double value_width = kPageW - 2 * kMargin - 170) {
    double y0 = y_;
    text(label, 8.5, true, kMargin, 165);
    double h1 = last_h_;
    y_ = y0;
    text(value, 8.5, false, kMargin + 170, value_width);
    y_ = y0 + std::max(h1, last_h_) + 2.5;
  }
  void heading(const std::string& s) {
    y_ += 4;
    cairo_set_source_rgb(cr_, 0.15, 0.25, 0.45);
    line(s, 10.5, true);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kPageW - kMargin, y_);
    cairo_set_line_width(cr_, 0.5);
    cairo_stroke(cr_);
    y_ += 3;
  }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }

 private:
  cairo_t* cr_;
  double y_ = kMargin;
  double last_h_ = 0;
};

inline Result<void> draw_qr(cairo_t* cr, const std::string& payload, double x, double y, double size) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                     &QRcode_free);
  if (!qr) return make_error(ErrorKind::internal, "QR encoding failed");
  int n = qr->width;
  double m = size / (n + 8);  // 4-module quiet zone on each side
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, size, size);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      if (qr->data[r * n + c] & 1) cairo_rectangle(cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
  cairo_fill(cr);
  return {};
}

/// A PDF written to PATH.tmp and renamed into place only when finish() succeeds; a file that is
/// not finished is removed. Pages are `width` x `height` points (A4 by default).
class PdfFile {
 public:
  static Result<PdfFile> create(const std::string& path, const std::string& title, double width = kPageW,
                                double height = kPageH);
  PdfFile(PdfFile&& other) noexcept;
  PdfFile& operator=(PdfFile&&) = delete;
  PdfFile(const PdfFile&) = delete;
  ~PdfFile();
  cairo_t* cr() const { return cr_; }
  /// Shows the last page, closes the file, checks cairo's status and renames it into place.
  Result<void> finish();

 private:
  PdfFile() = default;
  std::string path_, tmp_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

/// The closing block of a certificate page: signature status, the canonical hash, how to verify
/// it, and the QR code with the certificate id and hash to the right of them.
struct SignatureLabels {
  const char *signature, *hash, *qr;
};
Result<void> signature_block(Page& page, cairo_t* cr, const SignatureLabels& labels, const std::string& signature,
                             bool timestamped, const std::string& certificate_id, const std::string& cert_sha256,
                             bool ja);

}  // namespace wipeproof::certs::pdf
