#pragma once
// What a browser may not do to the station (issue 16 #4): a page on another origin — another
// port of the same host included, which SameSite=Strict does not stop — must not change anything
// through a signed-in person's cookie, and no page may frame the dashboard. Pure decisions here;
// server.cpp applies them to every request and response.
#include <optional>
#include <string>

namespace wipeproof::station {

struct BrowserRequest {
  std::string method;         ///< "GET", "POST", ...
  std::string host;           ///< the Host header
  std::string origin;         ///< the Origin header, "" when absent
  std::string content_type;   ///< the Content-Type header
  bool has_body = false;
  bool has_session_cookie = false;
  bool tls = true;
};

/// Why the request is refused (403), or nullopt. A state-changing request (anything but GET,
/// HEAD, OPTIONS) is refused when its Origin names another origin than the station's own
/// (scheme://Host), when it carries the session cookie without an Origin (browsers send one on
/// every such fetch), or when a cookie-carrying body is not JSON (HTML forms cannot send JSON).
/// Requests with only an API token carry no ambient credential and pass.
std::optional<std::string> refuse_cross_origin(const BrowserRequest& request);

/// Headers on every response: no sniffing, no framing, no referrer, no caching of API answers,
/// and HSTS when served over TLS.
struct SecurityHeader {
  const char* name;
  const char* value;
};
const SecurityHeader* security_headers(bool tls, std::size_t& count);

}  // namespace wipeproof::station
