#pragma once
// The signing side of `wipe` and `demo`: site facts from the TOML file and flags, the signer's
// keys, and where certificates go. Everything is loaded and checked before a wipe starts.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "certs/issuer.hpp"
#include "certs/keys.hpp"
#include "certs/site.hpp"
#include "core/result.hpp"

namespace wipeproof::cli {

struct SignOptions {
  bool no_sign = false;
  std::string keys_dir;          ///< --keys, else $WIPEPROOF_KEYS, else /etc/wipeproof/keys
  std::string passphrase_file;   ///< else $WIPEPROOF_KEY_PASSPHRASE, else none
  std::string site_file;         ///< --site, else /etc/wipeproof/site.toml when it exists
  std::string ledger;
  std::string tsa_url;
  std::string lang = "ja";
  certs::SiteInfo flags;         ///< non-empty fields override the site file
};

void add_sign_options(CLI::App& cmd, SignOptions& o);

/// A passphrase from --passphrase-file or $WIPEPROOF_KEY_PASSPHRASE.
Result<std::optional<std::string>> load_passphrase(const std::string& file);

struct SigningContext {
  certs::SiteInfo site;
  certs::Signer signer;
  certs::IssueOptions issue;
};

/// nullopt with --no-sign; otherwise the site, validated, and the loaded signer.
Result<std::optional<SigningContext>> prepare_signing(const SignOptions& o, const std::string& out_dir);

/// The signing options as a JSON object for the job journal (job/journal.hpp, JournalStart::
/// issuer_json), and back: a resumed job is signed for the same people and site as it started,
/// whoever resumes it. Paths are made absolute; no key material, no passphrase (only the file
/// that holds it).
nlohmann::json issuer_to_json(const SignOptions& o);
Result<SignOptions> sign_options_from_json(const nlohmann::json& j);

/// The default key directory when --keys is not given.
std::string default_keys_dir();

}  // namespace wipeproof::cli
