#include "certs/certificate.hpp"

#include <fmt/format.h>

#include "certs/destruction.hpp"
#include "certs/record_json.hpp"

namespace wipeproof::certs {
using nlohmann::json;

namespace {

json person_json(const Person& p) {
  if (p.empty()) return nullptr;
  return {{"name", p.name}, {"title", p.title}, {"organisation", p.organisation}, {"contact", p.contact}};
}

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string media_type(const DeviceIdentity& d) {
  if (d.kind == "image" || d.transport == "loop") return "virtual";
  if (!d.rotational) return "unknown";
  return *d.rotational ? "magnetic" : "flash";
}

json areas_not_addressed(const DeviceIdentity& d) {
  json a = json::array();
  if (d.kind == "image" || d.transport == "loop") {
    a.push_back("earlier copies of the image file's data outside its current blocks (snapshots, backups, "
                "file-system journal or copy-on-write of the host file system)");
    return a;
  }
  a.push_back("remapped (grown-defect) sectors: not reachable by host writes");
  a.push_back("over-provisioned and spare areas of flash media: not reachable by host writes");
  a.push_back("host protected area (HPA), device configuration overlay (DCO) and accessible max address: not checked");
  return a;
}

json areas_not_addressed(const WipeRecord& r) {
  const DeviceIdentity& d = r.device;
  // A firmware sanitize reaches the whole media; a host overwrite or a verification of someone
  // else's erase reaches the addressable LBAs only.
  if (!is_firmware_method(r.choice.method)) {
    json a = areas_not_addressed(d);
    if (r.choice.hidden_areas != HiddenAreaState::not_checked && !a.empty()) a.erase(a.size() - 1);
    if (r.choice.hidden_areas == HiddenAreaState::found)
      a.push_back("host protected area (HPA) / device configuration overlay (DCO): found and left in place");
    return a;
  }
  // A firmware sanitize covers the whole media by definition; what it cannot show is blocks the
  // drive retired (NVMe Annex A: "only the accessible storage is able to be audited").
  return json::array({"retired or remapped blocks: covered by the drive's sanitize but not auditable through the "
                      "interface"});
}

std::int64_t duration_ms(const std::string& start, const std::string& end) {
  // RFC 3339 strings from core/clock: compare as seconds of day plus date via std::tm.
  auto parse = [](const std::string& s) -> std::int64_t {
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &ms) != 7)
      return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
  };
  std::int64_t a = parse(start), b = parse(end);
  return (a < 0 || b < 0 || b < a) ? 0 : b - a;
}

}  // namespace

json build_certificate(const WipeRecord& r, const SiteInfo& site, const std::string& certificate_id,
                       const std::string& issued_at) {
  const DeviceIdentity& d = r.device;
  json record = record_to_json(r);
  json errors = json::array();
  for (const auto& p : record["passes"])
    for (const auto& e : p["errors"]) {
      json x = e;
      x["pass"] = p["index"];
      errors.push_back(x);
    }
  std::uint64_t bytes = 0;
  for (const auto& p : r.passes) bytes += p.bytes_written;
  std::int64_t ms = duration_ms(r.started, r.finished);
  json verification = record["verification"];
  verification["method"] = r.verification.mode == VerifyMode::full     ? "full"
                           : r.verification.mode == VerifyMode::sample ? "sampled"
                                                                       : "none";
  return {
      {"schema", kCertificateSchema},
      {"certificate_id", certificate_id},
      {"issued_at", issued_at},
      {"record_id", r.record_id},
      {"job",
       {{"tool", record["tool"]},
        {"boot_image_sha256", or_null(site.boot_image_sha256)},
        {"host", record["host"]},
        {"station_id", or_null(site.station_id)}}},
      {"organisation", {{"name", site.organisation}, {"location", or_null(site.location)}}},
      {"data_owner", {{"name", or_null(site.data_owner)}}},
      {"people", {{"operator", person_json(site.operator_)}, {"validator", person_json(site.validator)}}},
      {"media",
       {{"vendor", nullptr},
        {"model", or_null(d.model)},
        {"serial", or_null(d.serial)},
        {"wwn", or_null(d.wwn)},
        {"firmware", or_null(d.firmware)},
        {"asset_number", or_null(site.asset_number)},
        {"media_type", media_type(d)},
        {"bus", d.transport},
        {"path", d.path},
        {"kernel_name", or_null(d.kernel_name)},
        {"logical_sector_size", d.logical_sector_size},
        {"physical_sector_size", d.physical_sector_size},
        {"capacity",
         {{"apparent_bytes", d.size_bytes},
          {"native_bytes", r.choice.sectors_after ? json(r.choice.sectors_after * d.logical_sector_size) : json(nullptr)},
          {"hidden_areas", hidden_area_state_name(r.choice.hidden_areas)}}},
        {"smart_before", r.choice.smart_before.empty() ? json(nullptr) : json{{"summary", r.choice.smart_before}}},
        {"smart_after", r.choice.smart_after.empty() ? json(nullptr) : json{{"summary", r.choice.smart_after}}},
        {"classification_before", or_null(site.classification)},
        {"backup", {{"made", site.backup}, {"location", or_null(site.backup_location)}}}}},
      {"sanitization",
       {{"level", sanitize_level_name(r.choice.level)},
        {"method_type", method_type_name(method_info(r.choice.method).type)},
        {"choice", record["choice"]},
        {"method", record["method"]},
        {"passes", record["passes"]},
        {"prng", "AES-128-CTR"},
        {"block_size_bytes", r.block_size_bytes},
        {"started", r.started},
        {"finished", r.finished},
        {"duration_ms", ms},
        {"bytes_written", bytes},
        {"throughput_bytes_per_s", ms > 0 ? bytes * 1000 / static_cast<std::uint64_t>(ms) : 0},
        {"direct_io", d.direct_io},
        {"errors", errors},
        {"areas_not_addressed", areas_not_addressed(r)},
        {"result", outcome_name(r.outcome)},
        {"exceptions", r.exceptions},
        {"limitations", r.limitations},
        {"interruptions", record["interruptions"]}}},
      {"verification", verification},
      {"disposition", {{"destination", site.disposition}, {"notes", or_null(site.disposition_notes)}}},
  };
}

namespace {

enum class T { str, str_or_null, uint, boolean, object, object_or_null, array };

Result<void> need(const json& j, const std::string& path, T type) {
  // path is a JSON Pointer ("/people/operator/name").
  const json* v = &j;
  std::string walked;
  for (std::size_t pos = 1; pos <= path.size();) {
    std::size_t next = path.find('/', pos);
    std::string key = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    walked += "/" + key;
    if (!v->is_object() || !v->contains(key)) return make_error(ErrorKind::usage, "certificate: missing " + walked);
    v = &(*v)[key];
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  bool ok = false;
  switch (type) {
    case T::str: ok = v->is_string() && !v->get<std::string>().empty(); break;
    case T::str_or_null: ok = v->is_string() || v->is_null(); break;
    case T::uint: ok = v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0); break;
    case T::boolean: ok = v->is_boolean(); break;
    case T::object: ok = v->is_object(); break;
    case T::object_or_null: ok = v->is_object() || v->is_null(); break;
    case T::array: ok = v->is_array(); break;
  }
  if (!ok) return make_error(ErrorKind::usage, "certificate: " + path + " has the wrong type or is empty");
  return {};
}

Result<void> need_enum(const json& j, const std::string& ptr, std::initializer_list<const char*> allowed) {
  WP_RETURN_IF_ERROR(need(j, ptr, T::str));
  std::string v = j.at(json::json_pointer(ptr)).get<std::string>();
  for (const char* a : allowed)
    if (v == a) return {};
  return make_error(ErrorKind::usage, fmt::format("certificate: {} has the unknown value '{}'", ptr, v));
}

}  // namespace

Result<void> validate_certificate(const json& c) {
  if (!c.is_object()) return make_error(ErrorKind::usage, "certificate: not a JSON object");
  if (c.value("schema", "") == kDestructionSchema) return validate_destruction_certificate(c);
  WP_RETURN_IF_ERROR(need_enum(c, "/schema", {kCertificateSchema}));
  for (const char* p : {"/certificate_id", "/issued_at", "/record_id", "/job/tool/name", "/job/tool/version",
                        "/job/tool/binary_sha256", "/job/host/hostname", "/organisation/name",
                        "/people/operator/name", "/media/bus", "/sanitization/started", "/sanitization/finished",
                        "/sanitization/prng"})
    WP_RETURN_IF_ERROR(need(c, p, T::str));
  for (const char* p : {"/job/boot_image_sha256", "/job/station_id", "/organisation/location", "/data_owner/name",
                        "/media/vendor", "/media/model", "/media/serial", "/media/wwn", "/media/firmware",
                        "/media/asset_number", "/media/classification_before", "/media/backup/location",
                        "/disposition/notes"})
    WP_RETURN_IF_ERROR(need(c, p, T::str_or_null));
  for (const char* p : {"/media/capacity/apparent_bytes", "/sanitization/duration_ms", "/sanitization/bytes_written",
                        "/verification/blocks_read", "/verification/mismatched_blocks"})
    WP_RETURN_IF_ERROR(need(c, p, T::uint));
  for (const char* p : {"/sanitization/passes", "/sanitization/errors", "/sanitization/areas_not_addressed",
                        "/sanitization/exceptions", "/verification/first_mismatch_lbas"})
    WP_RETURN_IF_ERROR(need(c, p, T::array));
  WP_RETURN_IF_ERROR(need(c, "/people/validator", T::object_or_null));
  WP_RETURN_IF_ERROR(need(c, "/verification/signature_scan", T::object));
  WP_RETURN_IF_ERROR(need(c, "/verification/passed", T::boolean));
  WP_RETURN_IF_ERROR(need_enum(c, "/media/media_type", {"magnetic", "flash", "hybrid", "virtual", "unknown"}));
  WP_RETURN_IF_ERROR(need_enum(c, "/media/capacity/hidden_areas", {"not_checked", "none_found", "found", "removed"}));
  WP_RETURN_IF_ERROR(need_enum(c, "/media/backup/made", {"yes", "no", "unknown"}));
  WP_RETURN_IF_ERROR(need_enum(c, "/sanitization/level", {"clear", "purge", "destruct", "none"}));
  WP_RETURN_IF_ERROR(need_enum(c, "/sanitization/method_type",
                               {"overwrite", "block_erase", "crypto_erase", "destruction", "verification_only"}));
  WP_RETURN_IF_ERROR(
      need_enum(c, "/sanitization/result", {"erased", "erased_with_exceptions", "not_erased", "interrupted"}));
  WP_RETURN_IF_ERROR(need_enum(c, "/verification/method", {"full", "sampled", "none", "other"}));
  WP_RETURN_IF_ERROR(need(c, "/sanitization/choice", T::object));
  WP_RETURN_IF_ERROR(need_enum(c, "/disposition/destination",
                               {"internal_reuse", "external_reuse", "recycle", "return_to_manufacturer", "destroyed",
                                "other", "unknown"}));
  return {};
}

}  // namespace wipeproof::certs
