#pragma once
// Who did the job, for whom, and where the medium goes: the certificate fields the device cannot
// tell us. Read from a TOML site file (/etc/wipeproof/site.toml or --site FILE), then overridden
// field by field by command-line flags.
#include <optional>
#include <string>

#include "core/result.hpp"

namespace wipeproof::certs {

struct Person {
  std::string name;
  std::string title;
  std::string organisation;
  std::string contact;
  bool empty() const { return name.empty() && title.empty() && organisation.empty() && contact.empty(); }
};

/// NIST SP 800-88 Rev. 1 App. G "media destination" plus destroyed.
inline constexpr const char* kDispositions[] = {"internal_reuse", "external_reuse", "recycle",
                                                 "return_to_manufacturer", "destroyed", "other", "unknown"};
inline constexpr const char* kBackupStates[] = {"yes", "no", "unknown"};

struct SiteInfo {
  std::string station_id;
  std::string organisation;          ///< the organisation issuing the certificate
  std::string location;              ///< where the job was done
  std::string data_owner;            ///< customer / medical institution owning the data
  Person operator_;                  ///< 専門的な知識を有する者: who performed it
  Person validator;                  ///< 情報システム運用責任者: who validates (may sign later)
  std::string asset_number;          ///< organisational media/property number
  std::string classification;        ///< before sanitization (optional)
  std::string backup = "unknown";    ///< yes / no / unknown (MHLW: backups must stay restorable)
  std::string backup_location;
  std::string disposition = "unknown";
  std::string disposition_notes;
  std::string boot_image_sha256;     ///< set when booted from the wipeproof image
};

/// Reads a TOML site file; a usage error names the file, line and problem.
Result<SiteInfo> load_site_file(const std::string& path);

/// Fields a signed certificate cannot do without: operator name and organisation; also checks the
/// enumerations. Called before any wipe starts.
Result<void> validate_for_signing(const SiteInfo& site);

}  // namespace wipeproof::certs
