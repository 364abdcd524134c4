#include "certs/destruction.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>

#include <fmt/format.h>

namespace wipeproof::certs {
using nlohmann::json;

namespace {

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json person_json(const Person& p) {
  if (p.empty()) return nullptr;
  return {{"name", p.name}, {"title", p.title}, {"organisation", p.organisation}, {"contact", p.contact}};
}

bool is_rfc3339(const std::string& t) {
  int y, mo, d, h, mi, s;
  char z = 0;
  return t.size() >= 20 && std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) == 6 &&
         mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61 &&
         ((z = t.back()) == 'Z' || t.find_last_of("+-") > 18);
}

const char* method_title(const std::string& m) {
  if (m == "shred") return "Shredding";
  if (m == "disintegrate") return "Disintegration";
  if (m == "pulverize") return "Pulverization";
  if (m == "incinerate") return "Incineration";
  if (m == "melt") return "Melting";
  if (m == "degauss") return "Degaussing";
  return "Crushing / puncturing";
}

}  // namespace

bool produces_particles(const std::string& m) { return m == "shred" || m == "disintegrate" || m == "pulverize"; }

Result<void> validate_destruction(const DestructionFacts& f, const SiteInfo& site) {
  auto bad = [](const std::string& s) { return make_error(ErrorKind::usage, s); };
  if (std::none_of(std::begin(kDestructionMethods), std::end(kDestructionMethods), [&](const char* m) { return f.method == m; }))
    return bad(fmt::format("--method must be shred, disintegrate, pulverize, incinerate, melt, degauss or crush; got '{}'", f.method));
  if (f.particle_mm && !produces_particles(f.method))
    return bad(fmt::format("--particle-mm applies to shredding, disintegration or pulverization, not to {}", f.method));
  if (f.particle_mm && (*f.particle_mm <= 0 || *f.particle_mm > 1000)) return bad("--particle-mm must be above 0 and at most 1000");
  if (!f.din_level.empty()) {
    // DIN 66399-2: H (hard drives), E (electronic: SSD, USB, cards), O (optical), T (magnetic
    // tapes, cards, floppies), P/F (paper, film), levels 1-7.
    const std::string& l = f.din_level;
    if (l.size() != 3 || std::string("HEOTPF").find(l[0]) == std::string::npos || l[1] != '-' || l[2] < '1' || l[2] > '7')
      return bad(fmt::format("--din-level takes a DIN 66399 level such as H-5 or E-4 (class H, E, O, T, P or F; 1-7); got '{}'", l));
  }
  // NIST SP 800-88 Rev. 1 App. A: "Never degauss flash"; IEEE 2883 restricts degaussing to magnetic media.
  if (f.method == "degauss" && f.media.media_type == "flash")
    return bad("degaussing does not sanitize flash media (NIST SP 800-88 App. A): choose another method");
  if (f.reason != "wipe_failed" && f.reason != "policy" && f.reason != "drive_dead")
    return bad(fmt::format("--reason must be wipe_failed, policy or drive_dead; got '{}'", f.reason));
  if (f.media.serial.empty()) return bad("the drive's serial is required (--serial or a prepared label)");
  if (f.media.identity_source != "read" && f.media.identity_source != "typed")
    return bad("identity source must be read or typed");
  if (site.operator_.name.empty()) return bad("--operator (who destroyed or supervised it) is required");
  if (f.witness.name.empty()) return bad("--witness (who saw it destroyed) is required");
  if (f.witness.name == site.operator_.name) return bad("the witness must be another person than the operator");
  if (site.organisation.empty()) return bad("--organisation is required");
  if (f.performed_by.empty()) return bad("--device NAME (our own shredder…) or --contractor NAME is required");
  if (f.place.empty()) return bad("--place (where it was destroyed) is required");
  if (!is_rfc3339(f.time)) return bad(fmt::format("--time must be RFC 3339 (2026-11-27T10:15:00Z); got '{}'", f.time));
  if (f.evidence.empty()) return bad("at least one --evidence file (photo, video, contractor certificate) is required");
  return {};
}

json build_destruction_certificate(const DestructionFacts& f, const SiteInfo& site) {
  json evidence = json::array();
  for (const auto& e : f.evidence) evidence.push_back({{"file", e.name}, {"sha256", e.sha256}, {"bytes", e.bytes}});
  json gaps = json::array();
  for (const auto& g : f.custody.gaps) gaps.push_back(g);
  std::string chain = f.custody.registry == "none" ? "not_checked" : f.custody.gaps.empty() ? "complete" : "gaps";
  std::string din_note = f.din_level.empty() ? "" : " (DIN 66399 " + f.din_level + ")";
  return {
      {"schema", kDestructionSchema},
      {"certificate_id", f.certificate_id},
      {"issued_at", f.issued_at},
      {"record_id", f.certificate_id},
      {"job",
       {{"tool", {{"name", "wipeproof"}, {"version", f.tool_version}, {"binary_sha256", f.tool_binary_sha256}}},
        {"host", {{"hostname", f.hostname}}},
        {"station_id", or_null(site.station_id)}}},
      {"organisation", {{"name", site.organisation}, {"location", or_null(site.location)}}},
      {"data_owner", {{"name", or_null(site.data_owner)}}},
      {"people",
       {{"operator", person_json(site.operator_)}, {"witness", person_json(f.witness)}, {"validator", person_json(site.validator)}}},
      {"media",
       {{"vendor", nullptr},
        {"model", or_null(f.media.model)},
        {"serial", f.media.serial},
        {"wwn", or_null(f.media.wwn)},
        {"firmware", or_null(f.media.firmware)},
        {"asset_number", or_null(site.asset_number)},
        {"media_type", f.media.media_type},
        {"bus", f.media.bus.empty() ? "unknown" : f.media.bus},
        {"capacity", {{"apparent_bytes", f.media.capacity_bytes}}},
        {"identity_source", f.media.identity_source},
        {"smart_before", f.media.smart_summary.empty() ? json(nullptr) : json{{"summary", f.media.smart_summary}}}}},
      {"sanitization",
       {{"level", "destruct"},
        {"method_type", "destruction"},
        {"method", {{"name", f.method}, {"title", std::string(method_title(f.method)) + din_note}}},
        {"started", f.time},
        {"finished", f.time},
        {"result", "destroyed"},
        {"exceptions", gaps.empty() || chain != "gaps" ? json::array() : json::array({"chain of custody has gaps"})}}},
      {"destruction",
       {{"reason", f.reason},
        {"method", f.method},
        // Signed documents hold no floating point (RFC 8785 profile): micrometres, an integer.
        {"particle_um", f.particle_mm ? json(static_cast<std::uint64_t>(*f.particle_mm * 1000 + 0.5)) : json(nullptr)},
        {"din_66399_level", or_null(f.din_level)},
        {"performed_by", {{"kind", f.performed_by_kind}, {"name", f.performed_by}}},
        {"place", f.place},
        {"time", f.time},
        {"evidence", evidence},
        {"degauss_check", f.degauss_check.is_null() ? json(nullptr) : f.degauss_check}}},
      {"custody",
       {{"registry", f.custody.registry},
        {"custody_id", or_null(f.custody.custody_id)},
        {"chain", chain},
        {"events", f.custody.events},
        {"gaps", gaps},
        {"note", f.custody.registry == "none" ? "no registry given: the chain of custody was not checked"
                                               : f.custody.gaps.empty() ? "every custody event present"
                                                                        : "the chain of custody lacks events: see gaps"}}},
      {"disposition", {{"destination", "destroyed"}, {"notes", or_null(site.disposition_notes)}}},
  };
}

Result<void> validate_destruction_certificate(const json& c) {
  auto str = [&](const char* ptr, bool nullable) -> Result<void> {
    json::json_pointer p(ptr);
    if (!c.contains(p)) return make_error(ErrorKind::usage, fmt::format("certificate: missing {}", ptr));
    const json& v = c.at(p);
    if ((nullable && v.is_null()) || (v.is_string() && !v.get<std::string>().empty())) return {};
    return make_error(ErrorKind::usage, fmt::format("certificate: {} has the wrong type or is empty", ptr));
  };
  for (const char* p : {"/certificate_id", "/issued_at", "/record_id", "/job/tool/version", "/job/tool/binary_sha256",
                        "/job/host/hostname", "/organisation/name", "/people/operator/name", "/people/witness/name",
                        "/media/serial", "/media/bus", "/media/identity_source", "/sanitization/started",
                        "/sanitization/finished", "/destruction/reason", "/destruction/method",
                        "/destruction/performed_by/name", "/destruction/place", "/destruction/time", "/custody/registry",
                        "/custody/chain"})
    WP_RETURN_IF_ERROR(str(p, false));
  for (const char* p : {"/media/model", "/media/wwn", "/destruction/din_66399_level", "/custody/custody_id"})
    WP_RETURN_IF_ERROR(str(p, true));
  auto is = [&](const char* ptr, const char* value) {
    json::json_pointer p(ptr);
    return c.contains(p) && c.at(p).is_string() && c.at(p).get<std::string>() == value;
  };
  if (!is("/schema", kDestructionSchema)) return make_error(ErrorKind::usage, "certificate: /schema is not " + std::string(kDestructionSchema));
  if (!is("/sanitization/level", "destruct") || !is("/sanitization/result", "destroyed"))
    return make_error(ErrorKind::usage, "certificate: a destruction certificate has level destruct and result destroyed");
  // Every access below is checked first: found by fuzz_certificate (a missing member or a
  // sha256 that is not a string threw instead of being reported).
  json::json_pointer evp("/destruction/evidence");
  if (!c.contains(evp) || !c.at(evp).is_array() || c.at(evp).empty())
    return make_error(ErrorKind::usage, "certificate: /destruction/evidence must list the evidence files");
  for (const auto& e : c.at(evp)) {
    bool ok = e.is_object() && e.contains("file") && e["file"].is_string() && e.contains("sha256") &&
              e["sha256"].is_string() && e["sha256"].get<std::string>().size() == 64;
    if (!ok) return make_error(ErrorKind::usage, "certificate: /destruction/evidence entries need file and sha256");
  }
  std::string m = c.at(json::json_pointer("/destruction/method")).get<std::string>();
  if (std::none_of(std::begin(kDestructionMethods), std::end(kDestructionMethods), [&](const char* x) { return m == x; }))
    return make_error(ErrorKind::usage, "certificate: /destruction/method has the unknown value '" + m + "'");
  return {};
}

}  // namespace wipeproof::certs
