#include "station/qr.hpp"

#include <qrencode.h>

#include <memory>

#include <fmt/format.h>

namespace wipeproof::station {
namespace {

using QrPtr = std::unique_ptr<QRcode, decltype(&QRcode_free)>;
constexpr int kQuiet = 4;  // ISO/IEC 18004 quiet zone

Result<QrPtr> encode(const std::string& payload) {
  QrPtr qr(QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return make_error(ErrorKind::usage, "the text is too long for a QR code");
  return qr;
}

}  // namespace

Result<std::string> qr_terminal(const std::string& payload) {
  WP_ASSIGN_OR_RETURN(QrPtr qr, encode(payload));
  const int w = qr->width, total = w + 2 * kQuiet;
  auto dark = [&](int x, int y) {
    x -= kQuiet;
    y -= kQuiet;
    return x >= 0 && y >= 0 && x < w && y < w && (qr->data[y * w + x] & 1);
  };
  // Terminals draw light text on dark: print the light modules, so the code reads dark-on-light.
  std::string out;
  for (int y = 0; y < total; y += 2) {
    for (int x = 0; x < total; ++x) {
      bool top = !dark(x, y), bottom = y + 1 < total && !dark(x, y + 1);
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += '\n';
  }
  return out;
}

Result<std::string> qr_svg(const std::string& payload, int px) {
  WP_ASSIGN_OR_RETURN(QrPtr qr, encode(payload));
  const int w = qr->width, total = (w + 2 * kQuiet) * px;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" viewBox=\"0 0 {0} {0}\">"
      "<rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
      total);
  for (int y = 0; y < w; ++y)
    for (int x = 0; x < w; ++x)
      if (qr->data[y * w + x] & 1) out += fmt::format("M{} {}h{}v{}h-{}z", (x + kQuiet) * px, (y + kQuiet) * px, px, px, px);
  return out + "\"/></svg>\n";
}

}  // namespace wipeproof::station
