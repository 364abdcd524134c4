#pragma once
// The destruction certificate (schema wipeproof-destruction-v1, docs/destruction.md): the same
// family as the wipe certificate — same job, organisation, people, media and disposition
// members, signed, ledgered and rendered the same way — with sanitization.level "destruct"
// (IEEE 2883) and a `destruction` member: how, by whom, where and when the drive was destroyed,
// who witnessed it, and the SHA-256 of every evidence file (photos, video, the contractor's own
// certificate), plus what the chain of custody showed. Building it is pure: facts in, JSON out.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "certs/site.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

inline constexpr const char* kDestructionSchema = "wipeproof-destruction-v1";

/// NIST SP 800-88 Rev. 1 Table A / IEEE 2883 destruct techniques, plus degauss (Purge for
/// magnetic media, recorded here when the drive is then disposed of) and crush/puncture (DIN
/// 66399 H-levels for HDDs; not a destruct technique in IEEE 2883 — recorded as such).
inline constexpr const char* kDestructionMethods[] = {"shred", "disintegrate", "pulverize", "incinerate",
                                                       "melt", "degauss", "crush"};
/// Methods that cut the medium into particles: only these take --particle-mm.
bool produces_particles(const std::string& method);

struct EvidenceFile {
  std::string name;    ///< file name as kept beside the certificate
  std::string sha256;
  std::uint64_t bytes = 0;
};

struct DestroyedMedia {
  std::string model, serial, wwn, firmware, bus, media_type = "unknown";
  std::uint64_t capacity_bytes = 0;
  std::string identity_source = "read";  ///< "read" electronically, or "typed" (dead drive)
  std::string smart_summary;              ///< read at `destroy prepare`, if the drive still answered
};

struct CustodyFacts {
  std::string registry = "none";  ///< none, sqlite, postgresql
  std::string custody_id;
  std::size_t events = 0;
  std::vector<std::string> gaps;  ///< what the chain lacks (empty: complete)
};

struct DestructionFacts {
  std::string certificate_id, issued_at;
  std::string tool_version, tool_binary_sha256, hostname;
  DestroyedMedia media;
  std::string reason;         ///< wipe_failed, policy, drive_dead
  std::string method;         ///< one of kDestructionMethods
  std::optional<double> particle_mm;
  std::string din_level;      ///< DIN 66399 security level, e.g. "H-5", "E-4"; "" = not stated
  std::string performed_by_kind = "device";  ///< device (our own shredder…) or contractor
  std::string performed_by;   ///< the device's name or the contractor's
  std::string place, time;    ///< where, and when (RFC 3339)
  Person witness;
  std::vector<EvidenceFile> evidence;
  CustodyFacts custody;
  nlohmann::json degauss_check;  ///< what `destroy check` saw afterwards, or null
};

/// Every rule a destruction record must meet before anything is written; each error names the
/// option (unknown method, particle size without a particle-producing method, a bad DIN level,
/// degaussing flash media, no witness, a time that is not RFC 3339…).
Result<void> validate_destruction(const DestructionFacts& facts, const SiteInfo& site);

nlohmann::json build_destruction_certificate(const DestructionFacts& facts, const SiteInfo& site);

/// Structural check of a destruction certificate (validate_certificate dispatches here).
Result<void> validate_destruction_certificate(const nlohmann::json& certificate);

}  // namespace wipeproof::certs
