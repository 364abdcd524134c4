#include "certs/record_json.hpp"

#include <stdexcept>

#include "core/enum_names.hpp"
#include "core/hex.hpp"

namespace wipeproof::certs {
using nlohmann::json;

namespace {

json faults_to_json(const std::vector<IoFault>& faults) {
  json a = json::array();
  for (const auto& f : faults)
    a.push_back({{"op", f.op}, {"lba_first", f.lba_first}, {"lba_count", f.lba_count}, {"errno", f.sys_errno},
                 {"message", f.message}});
  return a;
}

}  // namespace

json pattern_to_json(const PassPattern& p) {
  if (p.kind == PatternKind::fixed && p.bytes.empty())
    return {{"kind", "changed"}, {"origin", "no known post-state: each sampled block must differ from before the erase, or be uniform"}};
  if (p.kind == PatternKind::uniform)
    return {{"kind", "uniform"}, {"origin", p.origin}};
  if (p.kind == PatternKind::looks_random)
    return {{"kind", "looks_random"}, {"origin", p.origin}};
  if (p.kind == PatternKind::any)
    return {{"kind", "any"}, {"origin", p.origin}};
  if (p.kind == PatternKind::random_stream)
    return {{"kind", "random"}, {"prng", "AES-128-CTR"}, {"key_hex", p.key_hex}, {"iv_hex", p.iv_hex},
            {"origin", p.origin}};
  return {{"kind", "fixed"}, {"bytes_hex", to_hex(p.bytes)}, {"origin", p.origin}};
}

json pass_record_to_json(const PassRecord& p) {
  return {{"index", p.index},
          {"pattern", pattern_to_json(p.pattern)},
          {"status", run_status_name(p.status)},
          {"started", p.started},
          {"finished", p.finished},
          {"bytes_written", p.bytes_written},
          {"throughput_bytes_per_s", p.throughput_bytes_per_s},
          {"synced", p.synced},
          {"errors", faults_to_json(p.errors)}};
}

json interruption_to_json(const Interruption& i) {
  return {{"last_checkpoint", i.last_checkpoint}, {"phase", i.phase},           {"pass", i.pass},
          {"checkpoint_offset", i.checkpoint_offset}, {"resumed_offset", i.resumed_offset},
          {"resumed_at", i.resumed_at}, {"resumed_by", i.resumed_by},     {"host", i.host}};
}

json verify_report_to_json(const VerifyReport& v) {
  json j = {{"mode", verify_mode_name(v.mode)},
            {"expected", pattern_to_json(v.expected)},
            {"status", run_status_name(v.status)},
            {"passed", v.passed},
            {"started", v.started},
            {"finished", v.finished},
            {"blocks_read", v.blocks_read},
            {"bytes_read", v.bytes_read},
            {"throughput_bytes_per_s", v.throughput_bytes_per_s},
            {"mismatched_blocks", v.mismatched_blocks},
            {"first_mismatch_lbas", v.first_mismatch_lbas},
            {"read_errors", faults_to_json(v.read_errors)},
            {"miss_probability", {{"residue_1_percent", v.miss_probability_1pct},
                                  {"residue_0_1_percent", v.miss_probability_0_1pct},
                                  {"residue_0_01_percent", v.miss_probability_0_01pct}}}};
  json residue = json::array();
  for (const auto& h : v.residue) residue.push_back({{"lba", h.lba}, {"type", h.type}});
  j["residue"] = residue;
  j["uniform_blocks"] = v.uniform_blocks;
  if (v.evidence) {
    const EraseEvidence& e = *v.evidence;
    j["evidence"] = {{"canaries_written", e.canaries_written},
                     {"canary_lbas", e.canary_lbas},
                     {"canaries_surviving", e.canaries_surviving},
                     {"canaries_unreadable", e.canaries_unreadable},
                     {"fingerprinted_blocks", e.fingerprinted_blocks},
                     {"fingerprints_unchanged", e.fingerprints_unchanged},
                     {"unchanged_lbas", e.unchanged_lbas},
                     {"expected_result", e.expected_result},
                     {"media_verification_used", e.media_verification_used},
                     {"media_verification_note", e.media_verification_note},
                     {"media_inspected", e.media_inspected},
                     {"media_note", e.media_note}};
  } else {
    j["evidence"] = nullptr;
  }
  json hits = json::array();
  for (const auto& h : v.signature_scan.hits) hits.push_back({{"type", h.type}, {"usage", h.usage}, {"offset", h.offset}});
  j["signature_scan"] = {{"performed", v.signature_scan.performed}, {"clean", v.signature_scan.clean},
                         {"hits", hits}, {"error", v.signature_scan.error}, {"tool", "libblkid"}};
  if (v.plan) {
    const SamplePlanSummary& s = *v.plan;
    j["plan"] = {{"algorithm", "wipeproof-sample-v1 (docs/verification.md)"},
                 {"seed_hex", s.seed_hex},
                 {"subsections", s.subsections},
                 {"samples_per_subsection", s.samples_per_subsection},
                 {"sample_count", s.sample_count},
                 {"sample_blocks", s.sample_blocks},
                 {"covered_blocks", s.covered_blocks},
                 {"total_blocks", s.total_blocks},
                 {"block_size", s.block_size},
                 {"coverage_percent", s.coverage_percent},
                 {"requested_coverage_ppm", s.requested_coverage_ppm},
                 {"criterion", s.criterion},
                 {"lba_list_sha256", s.lba_list_sha256},
                 {"first_and_last_included", s.first_and_last_included}};
  } else {
    j["plan"] = nullptr;
  }
  return j;
}

json record_to_json(const WipeRecord& r) {
  const DeviceIdentity& d = r.device;
  json device = {{"path", d.path},
                 {"kind", d.kind},
                 {"kernel_name", d.kernel_name},
                 {"model", d.model},
                 {"serial", d.serial},
                 {"wwn", d.wwn},
                 {"firmware", d.firmware},
                 {"transport", d.transport},
                 {"size_bytes", d.size_bytes},
                 {"logical_sector_size", d.logical_sector_size},
                 {"physical_sector_size", d.physical_sector_size},
                 {"direct_io", d.direct_io}};
  device["rotational"] = d.rotational ? json(*d.rotational) : json(nullptr);
  json passes = json::array();
  for (const auto& p : r.passes) passes.push_back(pass_record_to_json(p));
  json interruptions = json::array();
  for (const auto& i : r.interruptions) interruptions.push_back(interruption_to_json(i));
  const SanitizationChoice& c = r.choice;
  json commands = json::array();
  for (const auto& fc : c.commands)
    commands.push_back({{"name", fc.name}, {"parameters", fc.parameters}, {"result", fc.result}, {"at", fc.at}});
  json choice = {{"requested_level", c.requested_level ? json(sanitize_level_name(*c.requested_level)) : json("")},
                 {"level", sanitize_level_name(c.level)}, {"method", sanitize_method_name(c.method)},
                 {"method_type", method_type_name(method_info(c.method).type)}, {"why", c.why},
                 {"shortfall", c.shortfall}, {"rejected", c.rejected},
                 {"firmware_commands", commands}, {"firmware_completed", c.firmware_completed},
                 {"firmware_failure", c.firmware_failure}, {"hidden_areas", hidden_area_state_name(c.hidden_areas)},
                 {"sectors_before", c.sectors_before}, {"sectors_after", c.sectors_after},
                 {"native_sectors", c.native_sectors}, {"smart_before", c.smart_before},
                 {"smart_after", c.smart_after}, {"retired_blocks", c.retired_blocks},
                 {"other_namespaces", c.other_namespaces}, {"other_namespace_checks", c.other_namespace_checks}};
  return {{"record_version", r.record_version},
          {"choice", choice},
          {"record_id", r.record_id},
          {"tool", {{"name", r.tool.name}, {"version", r.tool.version}, {"binary_sha256", r.tool.binary_sha256}}},
          {"host", {{"hostname", r.host}, {"kernel", r.kernel}}},
          {"started", r.started},
          {"finished", r.finished},
          {"device", device},
          {"method", {{"name", r.method.name}, {"title", r.method.title}, {"source", r.method.source},
                      {"rounds", r.method.rounds}, {"final_blank", r.method.final_blank}}},
          {"block_size_bytes", r.block_size_bytes},
          {"passes", passes},
          {"verification", verify_report_to_json(r.verification)},
          {"outcome", outcome_name(r.outcome)},
          {"exceptions", r.exceptions},
          {"limitations", r.limitations},
          {"job_faults", r.job_faults},
          {"interruptions", interruptions}};
}

Result<PassPattern> pattern_from_json(const json& j) {
  PassPattern p;
  std::string kind = j.value("kind", "");
  p.origin = j.value("origin", "");
  if (kind == "random") {
    p.kind = PatternKind::random_stream;
    p.key_hex = j.value("key_hex", "");
    p.iv_hex = j.value("iv_hex", "");
    auto k = from_hex(p.key_hex), iv = from_hex(p.iv_hex);
    if (!k || !iv || k->size() != 16 || iv->size() != 16)
      return make_error(ErrorKind::usage, "record: random pass without a 16-byte key and IV");
    return p;
  }
  if (kind == "fixed") {
    auto b = from_hex(j.value("bytes_hex", ""));
    if (!b) return make_error(ErrorKind::usage, "record: fixed pass without valid bytes_hex");
    p.kind = PatternKind::fixed;
    p.bytes = *b;
    return p;
  }
  if (kind == "uniform" || kind == "looks_random" || kind == "any") {
    p.kind = kind == "uniform" ? PatternKind::uniform : kind == "looks_random" ? PatternKind::looks_random : PatternKind::any;
    return p;
  }
  if (kind == "changed")
    return make_error(ErrorKind::usage, "record: the last step (a firmware erase) has no fixed content to verify "
                                        "against; use --expect zero|one|HEX");
  return make_error(ErrorKind::usage, "record: unknown pattern kind '" + kind + "'");
}


namespace {

/// A certificate (schema v1) carries the record's passes and verification in its own layout.
json certificate_as_record(const json& c) {
  json r = {{"record_version", 1}, {"record_id", c.value("record_id", "")}};
  const json& s = c.contains("sanitization") ? c["sanitization"] : json::object();
  const json& m = c.contains("media") ? c["media"] : json::object();
  r["block_size_bytes"] = s.value("block_size_bytes", 0u);
  r["passes"] = s.contains("passes") ? s["passes"] : json::array();
  r["verification"] = c.contains("verification") ? c["verification"] : json::object();
  r["device"] = {{"path", m.value("path", "")},
                 {"serial", m.contains("serial") && m["serial"].is_string() ? m["serial"] : json("")},
                 {"size_bytes", m.contains("capacity") ? m["capacity"].value("apparent_bytes", std::uint64_t{0}) : 0}};
  return r;
}

}  // namespace

Result<WipeRecord> record_from_json(const json& in) {
  const json j = (in.is_object() && in.value("schema", "") == "wipeproof-certificate-v1") ? certificate_as_record(in) : in;
  if (!j.is_object() || j.value("record_version", 0) != 1)
    return make_error(ErrorKind::usage, "not a wipeproof record (record_version 1 expected)");
  WipeRecord r;
  r.record_id = j.value("record_id", "");
  r.block_size_bytes = j.value("block_size_bytes", 0u);
  if (j.contains("device") && j["device"].is_object()) {
    r.device.path = j["device"].value("path", "");
    r.device.serial = j["device"].value("serial", "");
    r.device.size_bytes = j["device"].value("size_bytes", std::uint64_t{0});
  }
  if (j.contains("passes") && j["passes"].is_array()) {
    for (const auto& pj : j["passes"]) {
      PassRecord p;
      p.index = pj.value("index", 0);
      if (!pj.contains("pattern")) return make_error(ErrorKind::usage, "record: pass without pattern");
      WP_ASSIGN_OR_RETURN(p.pattern, pattern_from_json(pj["pattern"]));
      r.passes.push_back(std::move(p));
    }
  }
  if (j.contains("verification") && j["verification"].is_object()) {
    const json& v = j["verification"];
    if (v.contains("expected") && v["expected"].is_object()) {
      WP_ASSIGN_OR_RETURN(r.verification.expected, pattern_from_json(v["expected"]));
    } else if (!r.passes.empty()) {
      r.verification.expected = r.passes.back().pattern;
    }
    if (v.contains("plan") && v["plan"].is_object()) {
      SamplePlanSummary s;
      s.seed_hex = v["plan"].value("seed_hex", "");
      s.coverage_percent = v["plan"].value("coverage_percent", "");
      s.requested_coverage_ppm = v["plan"].value("requested_coverage_ppm", 0u);
      s.lba_list_sha256 = v["plan"].value("lba_list_sha256", "");
      r.verification.plan = s;
    }
  } else if (!r.passes.empty()) {
    r.verification.expected = r.passes.back().pattern;
  }
  if (r.passes.empty() && r.verification.expected.bytes.empty() && r.verification.expected.key_hex.empty())
    return make_error(ErrorKind::usage, "record has no pass to verify against");
  return r;
}

namespace {

std::vector<IoFault> faults_from_json(const json& a) {
  std::vector<IoFault> out;
  for (const auto& f : a)
    out.push_back({f.at("op").get<std::string>(), f.at("lba_first").get<std::uint64_t>(),
                   f.at("lba_count").get<std::uint64_t>(), f.at("errno").get<int>(), f.at("message").get<std::string>()});
  return out;
}

RunStatus run_status_from(const std::string& s) {
  static constexpr RunStatus kAll[] = {RunStatus::complete, RunStatus::interrupted, RunStatus::aborted,
                                       RunStatus::skipped};
  if (auto st = enum_from_name(s, kAll, run_status_name)) return *st;
  throw std::invalid_argument("unknown status '" + s + "'");
}

VerifyMode verify_mode_from(const std::string& s) {
  static constexpr VerifyMode kAll[] = {VerifyMode::full, VerifyMode::sample, VerifyMode::none};
  if (auto m = enum_from_name(s, kAll, verify_mode_name)) return *m;
  throw std::invalid_argument("unknown verification mode '" + s + "'");
}

PassPattern pattern_or_throw(const json& j) {
  // The exact inverse of pattern_to_json: "changed" is how an empty fixed pattern is written.
  if (j.at("kind").get<std::string>() == "changed") return PassPattern{};
  auto p = pattern_from_json(j);
  if (!p) throw std::invalid_argument(p.error().context);
  return *p;
}

PassRecord pass_from(const json& j) {
  PassRecord p;
  p.index = j.at("index").get<int>();
  p.pattern = pattern_or_throw(j.at("pattern"));
  p.status = run_status_from(j.at("status").get<std::string>());
  p.started = j.at("started").get<std::string>();
  p.finished = j.at("finished").get<std::string>();
  p.bytes_written = j.at("bytes_written").get<std::uint64_t>();
  p.throughput_bytes_per_s = j.at("throughput_bytes_per_s").get<std::uint64_t>();
  p.synced = j.at("synced").get<bool>();
  p.errors = faults_from_json(j.at("errors"));
  return p;
}

Interruption interruption_from(const json& i) {
  return {i.at("last_checkpoint").get<std::string>(), i.at("phase").get<std::string>(),
          i.at("pass").get<int>(),                     i.at("checkpoint_offset").get<std::uint64_t>(),
          i.at("resumed_offset").get<std::uint64_t>(), i.at("resumed_at").get<std::string>(),
          i.at("resumed_by").get<std::string>(),       i.at("host").get<std::string>()};
}

VerifyReport verify_progress_from(const json& j) {
  VerifyReport v;
  v.mode = verify_mode_from(j.at("mode").get<std::string>());
  v.expected = pattern_or_throw(j.at("expected"));
  v.status = run_status_from(j.at("status").get<std::string>());
  v.started = j.at("started").get<std::string>();
  v.blocks_read = j.at("blocks_read").get<std::uint64_t>();
  v.bytes_read = j.at("bytes_read").get<std::uint64_t>();
  v.mismatched_blocks = j.at("mismatched_blocks").get<std::uint64_t>();
  v.uniform_blocks = j.at("uniform_blocks").get<std::uint64_t>();
  v.first_mismatch_lbas = j.at("first_mismatch_lbas").get<std::vector<std::uint64_t>>();
  v.read_errors = faults_from_json(j.at("read_errors"));
  for (const auto& h : j.at("residue")) v.residue.push_back({h.at("lba").get<std::uint64_t>(), h.at("type").get<std::string>()});
  return v;
}

/// The whole report, the inverse of verify_report_to_json (the progress reader above takes only
/// the counters a journal checkpoint keeps).
VerifyReport verify_report_from(const json& j) {
  VerifyReport v = verify_progress_from(j);
  v.passed = j.at("passed").get<bool>();
  v.finished = j.at("finished").get<std::string>();
  v.throughput_bytes_per_s = j.at("throughput_bytes_per_s").get<std::uint64_t>();
  const json& mp = j.at("miss_probability");
  v.miss_probability_1pct = mp.at("residue_1_percent").get<std::string>();
  v.miss_probability_0_1pct = mp.at("residue_0_1_percent").get<std::string>();
  v.miss_probability_0_01pct = mp.at("residue_0_01_percent").get<std::string>();
  const json& sc = j.at("signature_scan");
  v.signature_scan.performed = sc.at("performed").get<bool>();
  v.signature_scan.clean = sc.at("clean").get<bool>();
  v.signature_scan.error = sc.at("error").get<std::string>();
  for (const auto& h : sc.at("hits"))
    v.signature_scan.hits.push_back(
        {h.at("type").get<std::string>(), h.at("usage").get<std::string>(), h.at("offset").get<std::uint64_t>()});
  if (const json& e = j.at("evidence"); !e.is_null()) {
    EraseEvidence ev;
    ev.canaries_written = e.at("canaries_written").get<std::uint64_t>();
    ev.canary_lbas = e.at("canary_lbas").get<std::vector<std::uint64_t>>();
    ev.canaries_surviving = e.at("canaries_surviving").get<std::vector<std::uint64_t>>();
    ev.canaries_unreadable = e.at("canaries_unreadable").get<std::vector<std::uint64_t>>();
    ev.fingerprinted_blocks = e.at("fingerprinted_blocks").get<std::uint64_t>();
    ev.fingerprints_unchanged = e.at("fingerprints_unchanged").get<std::uint64_t>();
    ev.unchanged_lbas = e.at("unchanged_lbas").get<std::vector<std::uint64_t>>();
    ev.expected_result = e.at("expected_result").get<std::string>();
    ev.media_verification_used = e.at("media_verification_used").get<bool>();
    ev.media_verification_note = e.at("media_verification_note").get<std::string>();
    ev.media_inspected = e.at("media_inspected").get<bool>();
    ev.media_note = e.at("media_note").get<std::string>();
    v.evidence = std::move(ev);
  }
  if (const json& p = j.at("plan"); !p.is_null()) {
    SamplePlanSummary s;
    s.seed_hex = p.at("seed_hex").get<std::string>();
    s.subsections = p.at("subsections").get<std::uint64_t>();
    s.samples_per_subsection = p.at("samples_per_subsection").get<std::uint64_t>();
    s.sample_count = p.at("sample_count").get<std::uint64_t>();
    s.sample_blocks = p.at("sample_blocks").get<std::uint64_t>();
    s.covered_blocks = p.at("covered_blocks").get<std::uint64_t>();
    s.total_blocks = p.at("total_blocks").get<std::uint64_t>();
    s.block_size = p.at("block_size").get<std::uint32_t>();
    s.coverage_percent = p.at("coverage_percent").get<std::string>();
    s.requested_coverage_ppm = p.at("requested_coverage_ppm").get<std::uint32_t>();
    s.criterion = p.at("criterion").get<std::string>();
    s.lba_list_sha256 = p.at("lba_list_sha256").get<std::string>();
    s.first_and_last_included = p.at("first_and_last_included").get<bool>();
    v.plan = std::move(s);
  }
  return v;
}

template <typename T, typename F>
Result<T> parse_or_usage(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {  // json type/range errors and our own invalid_argument
    return make_error(ErrorKind::usage, std::string(what) + ": " + e.what());
  }
}

}  // namespace

Result<PassRecord> pass_record_from_json(const json& j) {
  return parse_or_usage<PassRecord>("pass record", [&] { return pass_from(j); });
}

Result<Interruption> interruption_from_json(const json& j) {
  return parse_or_usage<Interruption>("interruption", [&] { return interruption_from(j); });
}

Result<VerifyReport> verify_progress_from_json(const json& j) {
  return parse_or_usage<VerifyReport>("verification progress", [&] { return verify_progress_from(j); });
}

Result<WipeRecord> full_record_from_json(const json& j) {
  return parse_or_usage<WipeRecord>("record", [&] {
    WipeRecord r;
    if (j.at("record_version").get<int>() != 1) throw std::invalid_argument("record_version 1 expected");
    r.record_id = j.at("record_id").get<std::string>();
    const json& t = j.at("tool");
    r.tool = {t.at("name").get<std::string>(), t.at("version").get<std::string>(), t.at("binary_sha256").get<std::string>()};
    r.host = j.at("host").at("hostname").get<std::string>();
    r.kernel = j.at("host").at("kernel").get<std::string>();
    r.started = j.at("started").get<std::string>();
    r.finished = j.at("finished").get<std::string>();
    const json& d = j.at("device");
    DeviceIdentity& id = r.device;
    for (auto [key, field] : {std::pair{"path", &id.path}, {"kind", &id.kind}, {"kernel_name", &id.kernel_name},
                              {"model", &id.model}, {"serial", &id.serial}, {"wwn", &id.wwn},
                              {"firmware", &id.firmware}, {"transport", &id.transport}})
      *field = d.at(key).get<std::string>();
    if (!d.at("rotational").is_null()) id.rotational = d.at("rotational").get<bool>();
    id.size_bytes = d.at("size_bytes").get<std::uint64_t>();
    id.logical_sector_size = d.at("logical_sector_size").get<std::uint32_t>();
    id.physical_sector_size = d.at("physical_sector_size").get<std::uint32_t>();
    id.direct_io = d.at("direct_io").get<bool>();
    const json& m = j.at("method");
    r.method = {m.at("name").get<std::string>(), m.at("title").get<std::string>(), m.at("source").get<std::string>(),
                m.at("rounds").get<int>(), m.at("final_blank").get<bool>()};
    r.block_size_bytes = j.at("block_size_bytes").get<std::uint32_t>();
    for (const auto& p : j.at("passes")) r.passes.push_back(pass_from(p));
    const json& c = j.at("choice");
    SanitizationChoice& ch = r.choice;
    for (auto [key, field] : {std::pair{"why", &ch.why}, {"shortfall", &ch.shortfall},
                              {"firmware_failure", &ch.firmware_failure}, {"smart_before", &ch.smart_before},
                              {"smart_after", &ch.smart_after}, {"retired_blocks", &ch.retired_blocks}})
      *field = c.at(key).get<std::string>();
    auto enum_at = [&c](const char* key, auto parse) {
      auto v = parse(c.at(key).template get<std::string>());
      if (!v) throw std::invalid_argument(std::string("choice.") + key + ": unknown value");
      return *v;
    };
    if (std::string req = c.at("requested_level").get<std::string>(); !req.empty())
      ch.requested_level = enum_at("requested_level", sanitize_level_from_name);
    ch.level = enum_at("level", sanitize_level_from_name);
    ch.method = enum_at("method", sanitize_method_from_name);
    if (c.at("method_type").get<std::string>() != method_type_name(method_info(ch.method).type))
      throw std::invalid_argument("choice.method_type does not match choice.method");
    ch.hidden_areas = enum_at("hidden_areas", hidden_area_state_from_name);
    ch.native_sectors = c.value("native_sectors", std::uint64_t{0});
    ch.other_namespaces = c.value("other_namespaces", std::vector<std::string>{});
    ch.other_namespace_checks = c.value("other_namespace_checks", std::vector<std::string>{});
    ch.rejected = c.at("rejected").get<std::vector<std::string>>();
    for (const auto& fc : c.at("firmware_commands"))
      ch.commands.push_back({fc.at("name").get<std::string>(), fc.at("parameters").get<std::string>(),
                             fc.at("result").get<std::string>(), fc.at("at").get<std::string>()});
    ch.firmware_completed = c.at("firmware_completed").get<bool>();
    ch.sectors_before = c.at("sectors_before").get<std::uint64_t>();
    ch.sectors_after = c.at("sectors_after").get<std::uint64_t>();
    r.verification = verify_report_from(j.at("verification"));
    r.exceptions = j.at("exceptions").get<std::vector<std::string>>();
    r.limitations = j.value("limitations", std::vector<std::string>{});
    if (j.contains("outcome")) {
      auto o = outcome_from_name(j.at("outcome").get<std::string>());
      if (!o) throw std::invalid_argument("outcome: unknown value");
      r.outcome = *o;
    }
    r.job_faults = j.value("job_faults", std::vector<std::string>{});
    if (j.contains("interruptions"))
      for (const auto& i : j.at("interruptions"))
        r.interruptions.push_back(interruption_from(i));
    return r;
  });
}

std::string to_document(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wipeproof::certs
