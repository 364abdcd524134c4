#include "certs/label_render.hpp"

#include <cairo-pdf.h>

#include <filesystem>

#include <fmt/format.h>

#include "certs/pdf_page.hpp"

namespace wipeproof::certs {
using namespace pdf;

namespace {

void draw_lines(cairo_t* cr, const std::vector<std::string>& lines, double x, double y, double width, double size) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* fd = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(fd, (i == 0 ? size * 1.25 : size) * PANGO_SCALE);
    if (i == 0) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, lines[i].c_str(), -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    y += static_cast<double>(h) / PANGO_SCALE + size * 0.2;
    pango_font_description_free(fd);
    g_object_unref(layout);
  }
}

Result<void> finish(cairo_surface_t* surface, const std::string& tmp, const std::string& path, bool png) {
  cairo_status_t st = png ? cairo_surface_write_to_png(surface, tmp.c_str()) : CAIRO_STATUS_SUCCESS;
  cairo_surface_finish(surface);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) return make_error(ErrorKind::sys, std::string("cairo: ") + cairo_status_to_string(st), EIO);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return sys_error("rename to " + path, ec.value());
  return {};
}

}  // namespace

Result<void> render_label(const LabelContent& label, const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (ext != ".png" && ext != ".pdf") return make_error(ErrorKind::usage, "--label must end in .png or .pdf, got " + path);
  bool png = ext == ".png";
  // 62 x 29 mm (a common label-printer roll): 732 x 343 px at 300 dpi, or points for PDF.
  double w = png ? 732 : 62 / 25.4 * 72, h = png ? 343 : 29 / 25.4 * 72;
  std::string tmp = path + ".tmp";
  cairo_surface_t* surface = png ? cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(w), static_cast<int>(h))
                                 : cairo_pdf_surface_create(tmp.c_str(), w, h);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  auto qr = draw_qr(cr, label.qr_payload, 0, 0, h);
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_lines(cr, label.lines, h + h * 0.02, h * 0.08, w - h - h * 0.06, h * 0.085);
  cairo_destroy(cr);
  auto done = finish(surface, tmp, path, png);
  if (!qr) return qr;
  return done;
}

Result<void> render_manifest(const std::string& title, const std::vector<std::string>& header,
                             const std::vector<ManifestRow>& rows, const std::string& pdf_path) {
  WP_ASSIGN_OR_RETURN(PdfFile file, PdfFile::create(pdf_path, title));
  cairo_t* cr = file.cr();
  const double row_h = 92, qr = 84;
  double y = 0;
  auto new_page = [&](bool first) {
    if (!first) cairo_show_page(cr);
    std::vector<std::string> head{title};
    head.insert(head.end(), header.begin(), header.end());
    draw_lines(cr, head, kMargin, kMargin, kPageW - 2 * kMargin, 10);
    y = kMargin + 30 + 14.0 * static_cast<double>(header.size());
  };
  new_page(true);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (y + row_h > kPageH - kMargin - 90) new_page(false);
    WP_RETURN_IF_ERROR(draw_qr(cr, rows[i].qr_payload, kMargin, y, qr));
    cairo_set_source_rgb(cr, 0, 0, 0);
    std::vector<std::string> lines{fmt::format("{}. {}", i + 1, rows[i].lines.empty() ? "" : rows[i].lines.front())};
    lines.insert(lines.end(), rows[i].lines.begin() + (rows[i].lines.empty() ? 0 : 1), rows[i].lines.end());
    draw_lines(cr, lines, kMargin + qr + 12, y + 8, kPageW - 2 * kMargin - qr - 12, 9);
    y += row_h;
  }
  // Hand-over signatures: who gave, who took, when.
  draw_lines(cr, {"Handed over / 引渡し: ____________________   Received by contractor / 受領: ____________________   Date: __________"},
             kMargin, kPageH - kMargin - 40, kPageW - 2 * kMargin, 9);
  return file.finish();
}

}  // namespace wipeproof::certs
