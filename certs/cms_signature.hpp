#pragma once
// Detached CMS (RFC 5652) SignedData over the canonical certificate bytes, DER-encoded, with the
// signer certificate (and its CA) included, so that stock OpenSSL verifies it:
//   openssl cms -verify -binary -inform DER -in X.p7s -content X.json -CAfile org-ca.pem -purpose any
// An RFC 3161 timestamp over the signature value can be added as the unsigned attribute
// id-aa-signatureTimeStampToken (RFC 3161 appendix A, CAdES-T); it does not change what openssl
// verifies.
#include <optional>
#include <string>
#include <vector>

#include "certs/keys.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

Result<std::string> sign_detached(const std::string& content, const Signer& signer);

enum class SignatureStatus { valid, tampered, untrusted, malformed };
const char* signature_status_name(SignatureStatus s);

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::malformed;
  std::string signer_subject;
  std::string signing_time;      ///< from the signed attributes
  std::string detail;            ///< why it is not valid
  bool has_timestamp = false;
};

/// Verifies `der` over `content`: digest and signature first (else tampered), then the signer
/// chain to a CA in `ca_file` (else untrusted). Empty ca_file: chain not checked, status valid
/// means "intact, signer unverified" and detail says so.
SignatureCheck verify_detached(const std::string& content, const std::string& der, const std::string& ca_file);

/// The DER of the (first) SignerInfo's signature value: what a signature timestamp covers.
Result<std::string> signature_value(const std::string& der);

/// Adds an RFC 3161 TimeStampToken (DER ContentInfo) to the first SignerInfo as an unsigned
/// attribute; returns the new DER.
Result<std::string> attach_timestamp(const std::string& der, const std::string& token_der);

/// The attached TimeStampToken, if any.
Result<std::optional<std::string>> extract_timestamp(const std::string& der);

}  // namespace wipeproof::certs
