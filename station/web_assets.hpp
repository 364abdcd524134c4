#pragma once
// The dashboard's files (station/web), compiled in by station/embed_web.cmake.
#include <string_view>
#include <vector>

namespace wipeproof::station {

struct WebAsset {
  std::string_view url;
  std::string_view content_type;
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();

}  // namespace wipeproof::station
