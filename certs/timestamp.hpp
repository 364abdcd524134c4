#pragma once
// RFC 3161 trusted time over a CMS signature value (CAdES-T style): the request's message imprint
// is SHA-256 of the SignerInfo signature, so the token proves the signature existed at that time.
#include <optional>
#include <string>

#include "core/result.hpp"

namespace wipeproof::certs {

/// Asks the TSA at `url` (http://host:port/path) for a token over `cms_der`'s signature and
/// returns the CMS with the token attached. Checks the reply's status, imprint and nonce.
Result<std::string> timestamp_signature(const std::string& cms_der, const std::string& url);

struct TimestampCheck {
  bool present = false;
  bool valid = false;
  std::string time;     ///< genTime
  std::string tsa;      ///< the TSA certificate's subject
  std::string detail;
};

/// Verifies the attached token: covers this signature, signed by a TSA chaining to tsa_ca_file.
TimestampCheck verify_timestamp(const std::string& cms_der, const std::string& tsa_ca_file);

}  // namespace wipeproof::certs
