#pragma once
// QR codes for TOTP enrollment (libqrencode): drawn in a terminal with half-block characters, or
// as a standalone SVG the dashboard and a printer can show.
#include <string>

#include "core/result.hpp"

namespace wipeproof::station {

/// Two module rows per text line (▀ ▄ █), dark on light, with the 4-module quiet zone.
Result<std::string> qr_terminal(const std::string& payload);
Result<std::string> qr_svg(const std::string& payload, int module_px = 6);

}  // namespace wipeproof::station
