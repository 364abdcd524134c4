#pragma once
// The station's own TLS identity, made on first start: an ECDSA P-256 key (0600) and a
// self-signed certificate naming localhost, 127.0.0.1 and the listen host. Clients pin this
// certificate (`wipeproof upload --station-cert DIR/tls.pem`).
#include <string>

#include "core/result.hpp"

namespace wipeproof::station {

/// Creates DIR/tls.pem and DIR/tls.key unless both exist.
Result<void> ensure_tls_identity(const std::string& dir, const std::string& host);

}  // namespace wipeproof::station
