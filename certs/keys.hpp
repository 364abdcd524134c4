#pragma once
// Signing keys: an organisation CA and a signer (station or operator) key with an X.509
// certificate issued by it, all ECDSA P-256. Files in a key directory:
//   org-ca.pem   the CA certificate (public: give it to auditors)
//   org-ca.key   the CA private key (0600; `keys issue` needs it; keep it offline if you can)
//   signer.pem   the signer certificate
//   signer.key   the signer private key (0600, optionally passphrase-encrypted)
#include <optional>
#include <string>

#include "certs/openssl_util.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

struct KeyInitOptions {
  std::string dir;
  std::string organisation;             ///< CA subject O= and CN= "<org> wipeproof CA"
  std::string signer_name;              ///< signer CN=
  std::optional<std::string> passphrase; ///< encrypts the private keys (AES-256-CBC PEM)
  int ca_days = 3650 * 2;
  int signer_days = 3650;
};

/// Creates the CA and a signer. Refuses to overwrite existing files.
Result<void> init_keys(const KeyInitOptions& options);

/// Issues a further signer (e.g. the validator's) from the CA in `ca_dir` into `out_dir`, which
/// then holds org-ca.pem, signer.pem and signer.key (no CA key).
Result<void> issue_signer(const std::string& ca_dir, const std::string& out_dir, const std::string& name,
                          const std::optional<std::string>& passphrase, int days = 3650);

/// Copies existing PEM files into `dir` under the standard names, after checking the key matches
/// the certificate and the certificate chains to the CA.
Result<void> import_keys(const std::string& dir, const std::string& ca_pem, const std::string& cert_pem,
                         const std::string& key_pem, const std::optional<std::string>& passphrase);

struct Signer {
  EvpPkeyPtr key;
  X509Ptr cert;
  X509StackPtr chain;   ///< the CA certificate
  std::string subject;
};

/// Loads signer.key + signer.pem (+ org-ca.pem) from `dir`; a usage error says what is missing.
Result<Signer> load_signer(const std::string& dir, const std::optional<std::string>& passphrase);

/// Subjects, issuers, validity and fingerprints of the certificates in `dir` (no private data).
Result<std::string> describe_keys(const std::string& dir);

}  // namespace wipeproof::certs
