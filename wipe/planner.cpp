#include "wipe/planner.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace wipeproof::wipe {

const char* level_name(Level l) { return sanitize_level_name(l); }

Plan plan_sanitization(const DriveCapabilities& c, Level requested) {
  Plan p;
  p.requested = requested;
  std::vector<PlanChoice> ok;
  auto consider = [&](bool available, SanitizeMethod method, Level level, std::string why, std::string why_not) {
    if (available)
      ok.push_back({method, level, std::move(why)});
    else
      p.rejected.push_back(fmt::format("{}: {}", sanitize_method_name(method), why_not));
  };

  if (c.nvme) {
    const nvme::IdController& n = *c.nvme;
    consider(n.sanitize_crypto(), SanitizeMethod::nvme_sanitize_crypto, Level::purge, "NVMe Sanitize crypto erase (Purge, IEEE 2883)",
             "SANICAP bit 0 (crypto erase) clear");
    consider(n.sanitize_block(), SanitizeMethod::nvme_sanitize_block, Level::purge, "NVMe Sanitize block erase (Purge, IEEE 2883)",
             "SANICAP bit 1 (block erase) clear");
    consider(n.sanitize_overwrite(), SanitizeMethod::nvme_sanitize_overwrite, Level::purge, "NVMe Sanitize overwrite (Purge)",
             "SANICAP bit 2 (overwrite) clear");
    consider(n.format_supported() && n.format_crypto_erase(), SanitizeMethod::nvme_format_crypto, Level::clear,
             "Format NVM SES=2: NIST SP 800-88 Rev. 1 lists it as Purge, but IEEE 2883 treats Format as Clear-grade",
             n.format_supported() ? "FNA bit 2 clear: crypto erase via Format not supported" : "OACS bit 1 clear: no Format NVM");
    consider(n.format_supported(), SanitizeMethod::nvme_format_user_data, Level::clear,
             "Format NVM SES=1 user data erase (Clear-grade under IEEE 2883)", "OACS bit 1 clear: no Format NVM");
  } else if (c.ata) {
    const ata::AtaIdentify& a = *c.ata;
    bool san = a.sanitize_supported;
    bool sec_usable = a.security_supported && !a.security_frozen && !a.security_count_expired && !a.security_enabled;
    std::string sec_why_not = !a.security_supported       ? "no ATA Security feature set"
                              : a.security_frozen         ? "security frozen (suspend/resume with --unfreeze, or hot-plug)"
                              : a.security_count_expired  ? "password attempts expired: power-cycle"
                                                          : "a password is already set (ata-unlock first)";
    if (c.rotational) {
      consider(san && a.overwrite_supported, SanitizeMethod::ata_sanitize_overwrite, Level::purge,
               "ATA SANITIZE OVERWRITE EXT (Purge for magnetic media, NIST SP 800-88 App. A)",
               san ? "word 59 bit 14 clear" : "no Sanitize feature set (word 59 bit 12)");
      consider(san && a.crypto_scramble_supported, SanitizeMethod::ata_sanitize_crypto, Level::purge,
               "ATA SANITIZE CRYPTO SCRAMBLE EXT (Purge)", san ? "word 59 bit 13 clear" : "no Sanitize feature set");
      consider(sec_usable && a.enhanced_erase_supported, SanitizeMethod::ata_security_erase_enhanced, Level::clear,
               "ATA enhanced SECURITY ERASE UNIT (legacy; Clear-grade under IEEE 2883)",
               a.security_supported && !a.enhanced_erase_supported ? "enhanced erase not supported" : sec_why_not);
    } else {
      consider(san && a.crypto_scramble_supported, SanitizeMethod::ata_sanitize_crypto, Level::purge,
               "ATA SANITIZE CRYPTO SCRAMBLE EXT (Purge, NIST SP 800-88 App. A, IEEE 2883)",
               san ? "word 59 bit 13 clear" : "no Sanitize feature set (word 59 bit 12)");
      consider(san && a.block_erase_supported, SanitizeMethod::ata_sanitize_block, Level::purge, "ATA SANITIZE BLOCK ERASE EXT (Purge)",
               san ? "word 59 bit 15 clear" : "no Sanitize feature set");
      consider(sec_usable && a.enhanced_erase_supported, SanitizeMethod::ata_security_erase_enhanced, Level::clear,
               "ATA enhanced SECURITY ERASE UNIT: only Clear for flash (NIST SP 800-88 Rev. 1 App. A)",
               a.security_supported && !a.enhanced_erase_supported ? "enhanced erase not supported" : sec_why_not);
      consider(sec_usable, SanitizeMethod::ata_security_erase, Level::clear, "ATA SECURITY ERASE UNIT (Clear for flash)", sec_why_not);
    }
    if (san && a.security_frozen) p.rejected.push_back("note: the drive is frozen; sanitize commands may abort");
  } else if (c.scsi_sanitize_crypto || c.scsi_sanitize_block || c.scsi_sanitize_overwrite || c.scsi_format_unit) {
    consider(c.scsi_sanitize_crypto, SanitizeMethod::scsi_sanitize_crypto, Level::purge, "SCSI SANITIZE CRYPTOGRAPHIC ERASE (Purge)",
             "not reported by REPORT SUPPORTED OPERATION CODES");
    consider(c.scsi_sanitize_block, SanitizeMethod::scsi_sanitize_block, Level::purge, "SCSI SANITIZE BLOCK ERASE (Purge)",
             "not reported by REPORT SUPPORTED OPERATION CODES");
    consider(c.scsi_sanitize_overwrite, SanitizeMethod::scsi_sanitize_overwrite, Level::purge, "SCSI SANITIZE OVERWRITE (Purge)",
             "not reported by REPORT SUPPORTED OPERATION CODES");
    consider(c.scsi_format_unit, SanitizeMethod::scsi_format_unit, Level::clear,
             "FORMAT UNIT with security initialize (legacy; Clear-grade under IEEE 2883)",
             "FORMAT UNIT not reported by REPORT SUPPORTED OPERATION CODES");
  } else {
    p.rejected.push_back(c.ata_unreachable_reason.empty()
                             ? fmt::format("firmware methods: no ATA or NVMe command path on bus '{}'", c.bus)
                             : "firmware methods: " + c.ata_unreachable_reason);
  }
  // TCG Opal PSID revert (crypto erase of all ranges; NIST SP 800-88 App. A Purge) goes right
  // after the Sanitize methods, before the Clear-grade legacy commands.
  if (c.opal_psid) {
    auto at = std::find_if(ok.begin(), ok.end(), [](const PlanChoice& x) { return x.level != Level::purge; });
    ok.insert(at, {SanitizeMethod::opal_psid_revert, Level::purge, "TCG Opal PSID revert: new keys for every range (Purge)"});
  } else {
    p.rejected.push_back("opal-psid-revert: no PSID given (--psid, from the drive label)");
  }
  ok.push_back({SanitizeMethod::overwrite, Level::clear, "host overwrite of every addressable LBA, verified by read-back (Clear)"});

  // The strongest first; a Clear request takes the first candidate too (it is at least Clear).
  p.chosen = ok.front();
  p.fallbacks.assign(ok.begin() + 1, ok.end());
  if (requested == Level::purge && p.chosen.level != Level::purge)
    p.shortfall = fmt::format("purge requested, but no Purge method is available on this drive; best is {} ({})",
                              sanitize_method_name(p.chosen.method), "recorded as clear");
  return p;
}

bool spans_namespaces(SanitizeMethod m, const nvme::IdController& c) {
  if (method_info(m).path != CommandPath::nvme) return false;
  if (method_info(m).controller_wide) return true;
  return (c.fna & 0x3) != 0;  // Format NVM with SES != 0
}

void refuse_spanning(Plan& p, const nvme::IdController& c, const std::string& busy) {
  std::vector<PlanChoice> all{p.chosen};
  all.insert(all.end(), p.fallbacks.begin(), p.fallbacks.end());
  std::vector<PlanChoice> kept;
  for (auto& x : all) {
    if (spans_namespaces(x.method, c))
      p.rejected.push_back(fmt::format("refused {}: it erases every namespace of the controller, and {}",
                                       sanitize_method_name(x.method), busy));
    else
      kept.push_back(std::move(x));
  }
  // The host overwrite is always last and never spans, so `kept` is never empty.
  p.chosen = kept.front();
  p.fallbacks.assign(kept.begin() + 1, kept.end());
}

}  // namespace wipeproof::wipe
