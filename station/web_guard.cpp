#include "station/web_guard.hpp"

namespace wipeproof::station {

std::optional<std::string> refuse_cross_origin(const BrowserRequest& r) {
  if (r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS") return std::nullopt;
  const std::string own = std::string(r.tls ? "https://" : "http://") + r.host;
  if (!r.origin.empty() && r.origin != own)
    return "cross-origin request refused: Origin " + r.origin + " is not " + own;
  if (!r.has_session_cookie) return std::nullopt;
  if (r.origin.empty()) return std::string("request with a session cookie but no Origin header refused");
  if (r.has_body && r.content_type.rfind("application/json", 0) != 0)
    return std::string("a signed-in request must send application/json");
  return std::nullopt;
}

const SecurityHeader* security_headers(bool tls, std::size_t& count) {
  static const SecurityHeader kHeaders[] = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Strict-Transport-Security", "max-age=31536000"},
  };
  count = tls ? 4 : 3;
  return kHeaders;
}

}  // namespace wipeproof::station
