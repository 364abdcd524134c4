#include <catch2/catch.hpp>

#include "certs/record_json.hpp"

using namespace wipeproof;

TEST_CASE("records serialize with sorted keys and parse back the verification inputs", "[record]") {
  WipeRecord r;
  r.record_id = "7adecf43-b000-4f0c-88c8-38d4e713696d";
  r.device.path = "/dev/loop3";
  r.device.size_bytes = 1 << 20;
  r.device.serial = "S\xff\x01N";  // hostile bytes from a drive must not break the JSON
  r.block_size_bytes = 1 << 20;
  PassRecord p;
  p.index = 1;
  p.pattern.kind = PatternKind::random_stream;
  p.pattern.key_hex = "00112233445566778899aabbccddeeff";
  p.pattern.iv_hex = "ffeeddccbbaa99887766554433221100";
  p.status = RunStatus::complete;
  r.passes.push_back(p);
  r.verification.mode = VerifyMode::sample;
  r.verification.expected = p.pattern;
  SamplePlanSummary s;
  s.seed_hex = std::string(64, 'a');
  s.requested_coverage_ppm = 100000;
  r.verification.plan = s;
  r.outcome = Outcome::erased;

  nlohmann::json j = certs::record_to_json(r);
  CHECK(j["outcome"] == "erased");
  CHECK(j["verification"]["plan"]["seed_hex"] == s.seed_hex);
  std::string doc = certs::to_document(j);
  CHECK(doc.find("\"block_size_bytes\"") < doc.find("\"device\""));  // keys sorted

  auto back = certs::record_from_json(nlohmann::json::parse(doc));
  REQUIRE(back);
  CHECK(back->verification.expected.key_hex == p.pattern.key_hex);
  CHECK(back->verification.expected.iv_hex == p.pattern.iv_hex);
  CHECK(back->verification.plan->seed_hex == s.seed_hex);
  CHECK(back->verification.plan->requested_coverage_ppm == 100000);
  CHECK(back->device.size_bytes == 1u << 20);
}

TEST_CASE("malformed records are usage errors", "[record]") {
  CHECK(certs::record_from_json(nlohmann::json::parse("{}")).error().kind == ErrorKind::usage);
  auto j = nlohmann::json::parse(R"({"record_version":1,"passes":[{"index":1,"pattern":{"kind":"random","key_hex":"00"}}]})");
  CHECK(certs::record_from_json(j).error().kind == ErrorKind::usage);
}

TEST_CASE("a whole record survives the journal's round trip, interruptions included", "[record]") {
  WipeRecord r;
  r.record_id = "7adecf43-b000-4f0c-88c8-38d4e713696d";
  r.tool.version = "1.2";
  r.host = "bench";
  r.device.path = "/dev/sda";
  r.device.serial = "WD-123";
  r.device.rotational = true;
  r.device.size_bytes = 4096;
  r.method = {"dod3", "DoD", "src", 2, true};
  r.choice.method = SanitizeMethod::ata_security_erase;
  r.choice.requested_level = SanitizeLevel::purge;
  r.choice.level = SanitizeLevel::clear;
  r.choice.why = "why";
  r.choice.shortfall = "purge requested, clear reached";
  r.choice.firmware_completed = true;
  r.choice.firmware_failure = "none";
  r.choice.sectors_before = 100;
  r.choice.sectors_after = 120;
  r.choice.native_sectors = 120;
  r.choice.hidden_areas = HiddenAreaState::removed;
  r.choice.smart_before = "PASSED";
  r.choice.smart_after = "PASSED too";
  r.choice.retired_blocks = "none reported";
  r.choice.other_namespaces = {"nvme0n2"};
  r.choice.other_namespace_checks = {"nvme0n2: sample of 10 blocks, 0 differ"};
  r.choice.rejected = {"ata-sanitize: frozen"};
  r.choice.commands.push_back({"SANITIZE", "crypto", "aborted", "t"});
  PassRecord p;
  p.index = 1;
  p.pattern.kind = PatternKind::fixed;
  p.pattern.bytes = {std::byte{0x55}};
  p.status = RunStatus::complete;
  p.bytes_written = 4096;
  p.errors.push_back({"write", 3, 2, 5, "EIO"});
  r.passes.push_back(p);
  r.verification.mode = VerifyMode::full;
  r.verification.expected = p.pattern;
  r.verification.mismatched_blocks = 1;
  r.verification.first_mismatch_lbas = {7};
  r.verification.residue.push_back({7, "DICOM"});
  r.verification.status = RunStatus::complete;
  r.verification.passed = false;
  r.verification.started = "s";
  r.verification.finished = "f";
  r.verification.blocks_read = 8;
  r.verification.bytes_read = 4096;
  r.verification.throughput_bytes_per_s = 99;
  r.verification.uniform_blocks = 3;
  r.verification.read_errors.push_back({"read", 5, 1, 5, "EIO"});
  r.verification.miss_probability_1pct = "0.1";
  r.verification.miss_probability_0_1pct = "0.2";
  r.verification.miss_probability_0_01pct = "0.3";
  r.verification.signature_scan = {true, false, {{"ext4", "filesystem", 1080}}, "partial"};
  EraseEvidence ev;
  ev.canaries_written = 2;
  ev.canary_lbas = {0, 7};
  ev.canaries_surviving = {7};
  ev.canaries_unreadable = {0};
  ev.fingerprinted_blocks = 4;
  ev.fingerprints_unchanged = 1;
  ev.unchanged_lbas = {3};
  ev.expected_result = "noise";
  ev.media_verification_used = true;
  ev.media_verification_note = "EMVS";
  ev.media_inspected = false;
  ev.media_note = "zeroes";
  r.verification.evidence = ev;
  SamplePlanSummary sp;
  sp.seed_hex = "ab";
  sp.subsections = 1000;
  sp.samples_per_subsection = 2;
  sp.sample_count = 2002;
  sp.sample_blocks = 4;
  sp.covered_blocks = 8008;
  sp.total_blocks = 100000;
  sp.block_size = 512;
  sp.requested_coverage_ppm = 80000;
  sp.coverage_percent = "8.01";
  sp.criterion = "uniform";
  sp.lba_list_sha256 = "cd";
  sp.first_and_last_included = true;
  r.verification.plan = sp;
  r.exceptions = {"one"};
  r.limitations = {"Purge not established: two"};
  r.job_faults = {"simulated media not saved: three"};
  r.outcome = Outcome::erased_with_exceptions;
  r.interruptions.push_back({"t1", "pass", 1, 2048, 1024, "t2", "wipeproof resume", "bench"});
  nlohmann::json j = certs::record_to_json(r);
  CHECK(j["interruptions"][0]["resumed_offset"] == 1024);
  auto back = certs::full_record_from_json(j);
  REQUIRE(back);
  CHECK(certs::record_to_json(*back)["passes"] == j["passes"]);
  CHECK(back->device.rotational == std::optional<bool>(true));
  CHECK(back->choice.commands.size() == 1);
  CHECK(back->interruptions.size() == 1);
  CHECK(back->verification.residue.size() == 1);
  // Everything comes back identical, the whole verification included.
  CHECK(certs::record_to_json(*back) == j);
  CHECK(back->choice.method == SanitizeMethod::ata_security_erase);
  CHECK(back->choice.hidden_areas == HiddenAreaState::removed);
  CHECK(back->choice.requested_level == std::optional<SanitizeLevel>(SanitizeLevel::purge));
  CHECK(back->outcome == Outcome::erased_with_exceptions);
  CHECK(back->limitations == r.limitations);
  CHECK(back->job_faults == r.job_faults);
  // The method type is derived from the method; a record where they disagree is refused.
  nlohmann::json mismatch = j;
  mismatch["choice"]["method_type"] = "crypto_erase";
  CHECK_FALSE(certs::full_record_from_json(mismatch));
  mismatch = j;
  mismatch["choice"]["method"] = "ata-scramble-everything";
  CHECK_FALSE(certs::full_record_from_json(mismatch));
  j["passes"][0]["status"] = "halfway";
  CHECK_FALSE(certs::full_record_from_json(j));
  j["passes"][0] = 3;
  CHECK_FALSE(certs::full_record_from_json(j));
}
