#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/unit/catch_strings.hpp"
#include "device/sim_block_device.hpp"
#include "job/target_session.hpp"
#include "job/wipe_job.hpp"
#include "job/outcome.hpp"

using namespace wipeproof;

namespace {

job::JobSpec spec_for(const char* method, VerifyMode mode = VerifyMode::full) {
  job::JobSpec s;
  s.method = wipe::find_method(method);
  REQUIRE(s.method != nullptr);
  s.verify_mode = mode;
  s.block_size = 64 * 1024;
  return s;
}

WipeRecord run(device::SimBlockDevice& dev, const job::JobSpec& spec, CancelToken& cancel) {
  auto plan = job::plan_job(dev.geometry(), spec);
  REQUIRE(plan);
  DeviceIdentity id;
  id.path = "sim";
  return job::run_job(dev, id, spec, *plan, {}, cancel);
}

}  // namespace

TEST_CASE("a clean device is erased", "[job]") {
  for (auto mode : {VerifyMode::full, VerifyMode::sample}) {
    device::SimBlockDevice dev(4 * 1024 * 1024);
    CancelToken cancel;
    WipeRecord r = run(dev, spec_for("dod3", mode), cancel);
    CHECK(r.outcome == Outcome::erased);
    CHECK(r.exceptions.empty());
    CHECK(r.passes.size() == 3);
    CHECK(r.verification.passed);
    CHECK(r.record_id.size() == 36);
    CHECK(r.tool.binary_sha256.size() == 64);
  }
}

TEST_CASE("fault-injecting devices never produce 'erased'", "[job]") {
  CancelToken cancel;
  SECTION("write error: the sector keeps old data") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.fail_writes_at(10);
    WipeRecord r = run(dev, spec_for("random"), cancel);
    CHECK(r.outcome == Outcome::not_erased);
    CHECK(r.verification.first_mismatch_lbas == std::vector<std::uint64_t>{10});
  }
  SECTION("a bad sector (neither writable nor readable): listed, and destruction recommended") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.fail_writes_at(10);
    dev.fail_reads_at(10);
    WipeRecord r = run(dev, spec_for("random"), cancel);
    CHECK(r.outcome == Outcome::erased_with_exceptions);
    bool listed = false, recommended = false;
    for (const auto& e : r.exceptions) {
      listed = listed || e.find("LBA 10+1") != std::string::npos;
      recommended = recommended || e.find("recommendation: destroy the drive — 1 sector(s)") != std::string::npos;
    }
    CHECK(listed);
    CHECK(recommended);
  }
  SECTION("read error during verification") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.fail_reads_at(20);
    WipeRecord r = run(dev, spec_for("random"), cancel);
    CHECK(r.outcome == Outcome::erased_with_exceptions);
  }
  SECTION("writes silently dropped") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.drop_writes(1000, 8);
    WipeRecord r = run(dev, spec_for("zero"), cancel);
    // Zeros over a zero-filled sim cannot see the dropped writes: a random pass can.
    WipeRecord r2 = run(dev, spec_for("random"), cancel);
    CHECK(r2.outcome == Outcome::not_erased);
    CHECK(r2.verification.mismatched_blocks == 8);
    (void)r;
  }
  SECTION("device vanishes mid-run") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.vanish_after_bytes_written(1024 * 1024);
    WipeRecord r = run(dev, spec_for("random"), cancel);
    CHECK(r.outcome == Outcome::not_erased);
    CHECK(r.passes[0].status == RunStatus::aborted);
  }
  SECTION("fdatasync fails") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    dev.fail_flush();
    WipeRecord r = run(dev, spec_for("random"), cancel);
    CHECK(r.outcome == Outcome::erased_with_exceptions);
  }
  SECTION("verification skipped") {
    device::SimBlockDevice dev(2 * 1024 * 1024);
    WipeRecord r = run(dev, spec_for("random", VerifyMode::none), cancel);
    CHECK(r.outcome == Outcome::erased_with_exceptions);
  }
}

TEST_CASE("an interrupted job says so", "[job]") {
  device::SimBlockDevice dev(2 * 1024 * 1024);
  CancelToken cancel;
  cancel.cancel();
  WipeRecord r = run(dev, spec_for("random"), cancel);
  CHECK(r.outcome == Outcome::interrupted);
}

TEST_CASE("planning rejects bad input before anything is written", "[job]") {
  device::SimBlockDevice tiny(100);
  CHECK(job::plan_job(tiny.geometry(), spec_for("random")).error().kind == ErrorKind::usage);
  device::SimBlockDevice dev(1 << 20);
  auto s = spec_for("pattern");
  CHECK(job::plan_job(dev.geometry(), s).error().kind == ErrorKind::usage);
  CHECK(dev.write_calls() == 0);
}

TEST_CASE("outcome rules", "[job]") {
  WipeRecord r;
  PassRecord p;
  p.index = 1;
  p.status = RunStatus::complete;
  p.synced = true;
  r.passes.push_back(p);
  r.verification.mode = VerifyMode::full;
  r.verification.status = RunStatus::complete;
  r.verification.signature_scan.performed = true;
  r.verification.signature_scan.clean = true;
  job::apply_verdict(r);
  CHECK(r.outcome == Outcome::erased);

  WipeRecord sig = r;
  sig.exceptions.clear();
  sig.verification.signature_scan.clean = false;
  sig.verification.signature_scan.hits.push_back({"ext4", "filesystem", 1080});
  job::apply_verdict(sig);
  CHECK(sig.outcome == Outcome::not_erased);
  REQUIRE(sig.exceptions.size() == 1);
  CHECK(sig.exceptions[0] == "signature still present: ext4 (filesystem) at byte 1080");

  WipeRecord unsynced = r;
  unsynced.exceptions.clear();
  unsynced.passes[0].synced = false;
  job::apply_verdict(unsynced);
  CHECK(unsynced.outcome == Outcome::erased_with_exceptions);

  // The rule reads evidence only: stale outputs in the record change nothing.
  WipeRecord stale = r;
  stale.exceptions = {"old"};
  stale.outcome = Outcome::not_erased;
  CHECK(job::judge(stale).outcome == Outcome::erased);
  CHECK(job::judge(stale).exceptions.empty());
}

TEST_CASE("outcome rule: exceptions undermine the claimed level, limitations only say what Purge needs",
          "[job][outcome]") {
  WipeRecord fw;
  fw.device.rotational = false;
  fw.choice.firmware_completed = true;
  fw.choice.requested_level = SanitizeLevel::purge;
  fw.verification.mode = VerifyMode::full;
  fw.verification.status = RunStatus::complete;
  fw.verification.signature_scan.performed = true;
  fw.verification.signature_scan.clean = true;
  EraseEvidence ev;
  ev.media_inspected = false;
  ev.media_note = "zeroes";
  fw.verification.evidence = ev;
  // Clear-grade Format: the read-back is complete at Clear; Purge would need the media.
  fw.choice.method = SanitizeMethod::nvme_format_user_data;
  job::Verdict clear = job::judge(fw);
  CHECK(clear.outcome == Outcome::erased);
  CHECK(clear.level == SanitizeLevel::clear);
  CHECK(clear.exceptions.empty());
  REQUIRE(clear.limitations.size() == 1);
  CHECK_THAT(clear.limitations[0], Catch::StartsWith("Purge not established"));
  CHECK_THAT(clear.shortfall, Catch::Contains("no Purge method is available"));
  // Purge-grade Sanitize with the same evidence: the claim itself is undermined.
  fw.choice.method = SanitizeMethod::nvme_sanitize_block;
  job::Verdict purge = job::judge(fw);
  CHECK(purge.outcome == Outcome::erased_with_exceptions);
  CHECK(purge.level == SanitizeLevel::purge);
  CHECK(purge.shortfall.empty());
  // A failed candidate and a Clear method next: the shortfall names the attempt.
  fw.choice.method = SanitizeMethod::nvme_format_user_data;
  fw.choice.rejected = {"tried opal-psid-revert: wrong PSID"};
  CHECK_THAT(job::judge(fw).shortfall, Catch::Contains("tried opal-psid-revert: wrong PSID"));
  // Interrupted: nothing claimed.
  WipeRecord cut = fw;
  cut.verification.status = RunStatus::interrupted;
  job::Verdict v = job::judge(cut);
  CHECK(v.outcome == Outcome::interrupted);
  CHECK(v.level == SanitizeLevel::none);
  CHECK(v.limitations.empty());
  // A job fault (media not saved) is an exception.
  WipeRecord fault = fw;
  fault.job_faults = {"simulated media not saved: read-only"};
  CHECK(job::judge(fault).outcome == Outcome::erased_with_exceptions);
  // A hidden area left in place by a host overwrite is an exception; a firmware erase covers it.
  WipeRecord hpa = fw;
  hpa.choice.hidden_areas = HiddenAreaState::found;
  CHECK(job::judge(hpa).outcome == Outcome::erased);
  hpa.choice.method = SanitizeMethod::overwrite;
  hpa.verification.evidence.reset();
  CHECK(job::judge(hpa).outcome == Outcome::erased_with_exceptions);
  // Verification only: erased only on a positive criterion.
  WipeRecord vo;
  vo.choice.method = SanitizeMethod::verification_only;
  vo.verification = fw.verification;
  vo.verification.evidence.reset();
  for (PatternKind k : {PatternKind::any, PatternKind::looks_random}) {
    vo.verification.expected.kind = k;
    CHECK(job::judge(vo).outcome == Outcome::not_erased);
    CHECK(job::judge(vo).level == SanitizeLevel::none);
  }
  vo.verification.expected.kind = PatternKind::fixed;
  vo.verification.expected.bytes = {std::byte{0}};
  CHECK(job::judge(vo).outcome == Outcome::erased);
  CHECK(job::judge(vo).level == SanitizeLevel::clear);
}

#include "device/ata/sim_ata_drive.hpp"
#include "device/nvme/sim_nvme_drive.hpp"
#include "job/firmware_job.hpp"
#include "job/outcome.hpp"
#include "job/wipe_request.hpp"

namespace {

/// A firmware job's evidence, judged as the job core does at the end.
WipeRecord judged(WipeRecord r) {
  job::apply_verdict(r);
  return r;
}

device::Target block_target_for(const std::string& name, const std::string& bus) {
  device::Target t;
  t.path = "/dev/" + name;
  t.is_block = true;
  device::BlockDeviceInfo info;
  info.name = name;
  t.info = info;
  t.identity.path = t.path;
  t.identity.kind = "block";
  t.identity.transport = bus;
  return t;
}

job::FirmwareJobOptions fast_options() {
  job::FirmwareJobOptions o;
  o.poll.interval = std::chrono::milliseconds(0);
  o.poll.max_polls = 20;
  o.recovery_dir = std::filesystem::temp_directory_path().string();
  return o;
}

}  // namespace

TEST_CASE("firmware job: NVMe sanitize, proven by the changed-blocks read-back", "[job][firmware]") {
  nvme::IdController caps;
  caps.oacs = 0x2;
  caps.sanicap = 0x1;  // crypto erase only
  nvme::SimNvmeDrive drive(caps, 8192);
  device::SimBlockDevice dev(&drive.sim_media());
  job::ProbedDrive probed;
  probed.caps.bus = "nvme";
  probed.caps.nvme = caps;
  probed.nsid = 1;
  wipe::Plan plan = wipe::plan_sanitization(probed.caps, wipe::Level::purge);
  REQUIRE(plan.chosen.method == SanitizeMethod::nvme_sanitize_crypto);
  job::JobSpec spec = spec_for("random", VerifyMode::sample);
  CancelToken cancel;
  WipeRecord r = judged(job::run_firmware_job(dev, {nullptr, &drive, nullptr, {}}, block_target_for("nvme0n1", "nvme"), probed, plan.chosen,
                                       plan, spec, fast_options(), {}, cancel));
  CHECK(r.outcome == Outcome::erased);
  CHECK(r.choice.level == SanitizeLevel::purge);
  CHECK(method_info(r.choice.method).type == MethodType::crypto_erase);
  CHECK(r.choice.firmware_completed);
  CHECK(r.choice.commands.size() >= 2);
  CHECK(r.verification.passed);
  REQUIRE(r.verification.plan);
  CHECK(r.verification.plan->criterion == "looks_random");  // crypto erase leaves noise
  CHECK(r.verification.blocks_read > 0);
  REQUIRE(r.verification.evidence);
  CHECK(r.verification.evidence->canaries_written >= 60);
  CHECK(r.verification.evidence->canaries_surviving.empty());
  CHECK(r.verification.evidence->fingerprints_unchanged == 0);
  CHECK(r.verification.evidence->media_inspected);  // noise is content: the reads reached the media

  drive.fail_next_sanitize();
  std::fill(drive.media().begin(), drive.media().end(), std::byte{0x5A});
  WipeRecord f = judged(job::run_firmware_job(dev, {nullptr, &drive, nullptr, {}}, block_target_for("nvme0n1", "nvme"), probed,
                                       plan.chosen, plan, spec, fast_options(), {}, cancel));
  CHECK(f.outcome == Outcome::not_erased);
  CHECK(f.choice.firmware_failure.find("failed") != std::string::npos);
}

TEST_CASE("firmware job: a drive that reports success but changes nothing is caught", "[job][firmware]") {
  // A firmware "crypto erase" that leaves the data: simulate by restoring the media afterwards.
  nvme::IdController caps;
  caps.oacs = 0x2;
  caps.sanicap = 0x2;
  nvme::SimNvmeDrive drive(caps, 8192);
  for (std::size_t i = 0; i < drive.media().size(); ++i) drive.media()[i] = static_cast<std::byte>(i * 7 + 3);
  std::vector<std::byte> original = drive.media();

  class LyingDrive final : public nvme::NvmeTransport {
   public:
    LyingDrive(nvme::SimNvmeDrive& d, std::vector<std::byte>& orig) : d_(d), orig_(orig) {}
    Result<nvme::NvmeCompletion> admin(nvme::NvmeCommand cmd, std::span<std::byte> data) override {
      auto r = d_.admin(cmd, data);
      d_.media() = orig_;  // the drive "forgets" to erase
      return r;
    }
   private:
    nvme::SimNvmeDrive& d_;
    std::vector<std::byte>& orig_;
  } liar(drive, original);

  device::SimBlockDevice dev(&drive.sim_media());
  job::ProbedDrive probed;
  probed.caps.bus = "nvme";
  probed.caps.nvme = caps;
  probed.nsid = 1;
  wipe::Plan plan = wipe::plan_sanitization(probed.caps, wipe::Level::purge);
  CancelToken cancel;
  WipeRecord r = judged(job::run_firmware_job(dev, {nullptr, &liar, nullptr, {}}, block_target_for("nvme0n1", "nvme"), probed, plan.chosen,
                                       plan, spec_for("random", VerifyMode::sample), fast_options(), {}, cancel));
  CHECK(r.choice.firmware_completed);
  CHECK(r.outcome == Outcome::not_erased);
  CHECK(r.verification.mismatched_blocks > 0);
}

TEST_CASE("firmware job: ATA sanitize with HPA restore", "[job][firmware]") {
  ata::AtaIdentify id;
  id.model = "SIM";
  id.serial = "S1";
  id.sectors = 4096;
  id.lba48 = true;
  id.rotational = false;
  id.sanitize_supported = id.block_erase_supported = true;
  id.hpa_supported = true;
  id.smart_supported = true;
  ata::SimAtaDrive drive(id, 8192);
  device::SimBlockDevice dev(&drive.sim_media());
  auto probed_id = wipe::ata_identify(drive);
  REQUIRE(probed_id);
  job::ProbedDrive probed;
  probed.caps.bus = "sata";
  probed.caps.ata = *probed_id;
  probed.hidden = wipe::ata_hidden_areas(drive, *probed_id);
  probed.smart = job::smart_summary(&drive, nullptr);
  CHECK(probed.smart == "ATA SMART: GOOD (self-assessment passed), 0 bad sectors, 1234 power-on hours, 35 C");
  REQUIRE(probed.hidden->hpa());
  wipe::Plan plan = wipe::plan_sanitization(probed.caps, wipe::Level::purge);
  REQUIRE(plan.chosen.method == SanitizeMethod::ata_sanitize_block);
  auto o = fast_options();
  o.restore_hidden = true;
  CancelToken cancel;
  WipeRecord r = judged(job::run_firmware_job(dev, {&drive, nullptr, nullptr, {}}, block_target_for("sda", "sata"), probed, plan.chosen,
                                       plan, spec_for("random", VerifyMode::sample), o, {}, cancel));
  // Block erase on a flash drive reads zeroes: without media verification that may be the
  // drive's answer for deallocated blocks, so the result is not a plain "erased".
  CHECK(r.outcome == Outcome::erased_with_exceptions);
  REQUIRE(r.verification.evidence);
  CHECK_FALSE(r.verification.evidence->media_inspected);
  CHECK(r.verification.evidence->canaries_surviving.empty());
  CHECK(r.choice.hidden_areas == HiddenAreaState::removed);
  CHECK(r.choice.smart_after == probed.smart);
  CHECK(r.device.serial == "S1");  // from IDENTIFY when sysfs had none
  CHECK(r.choice.sectors_before == 4096);
  CHECK(r.choice.sectors_after == 8192);
  CHECK(wipe::ata_identify(drive)->sectors == 8192);
}

TEST_CASE("firmware job: TCG Opal PSID revert, right and wrong PSID", "[job][opal]") {
  nvme::IdController caps;
  caps.oacs = 0x2;  // Format only: without the PSID the plan would be Format (clear)
  nvme::SimNvmeDrive drive(caps, 8192);
  opal::SimOpalDrive opal_drive("PSID0123456789ABCDEF0123456789AB", &drive.sim_media());
  device::SimBlockDevice dev(&drive.sim_media());
  job::ProbedDrive probed;
  probed.caps.bus = "nvme";
  probed.caps.nvme = caps;
  probed.nsid = 1;
  CHECK(wipe::plan_sanitization(probed.caps, wipe::Level::purge).chosen.method == SanitizeMethod::nvme_format_user_data);
  probed.caps.opal_psid = true;
  wipe::Plan plan = wipe::plan_sanitization(probed.caps, wipe::Level::purge);
  REQUIRE(plan.chosen.method == SanitizeMethod::opal_psid_revert);
  CHECK(plan.meets_request());
  CancelToken cancel;
  WipeRecord bad = judged(job::run_firmware_job(dev, {nullptr, &drive, &opal_drive, "WRONG"}, block_target_for("nvme0n1", "nvme"),
                                         probed, plan.chosen, plan, spec_for("random", VerifyMode::sample), fast_options(),
                                         {}, cancel));
  CHECK(bad.outcome == Outcome::not_erased);
  CHECK(bad.choice.firmware_failure.find("refused") != std::string::npos);
  CHECK(opal_drive.reverts() == 0);
  WipeRecord ok = judged(job::run_firmware_job(dev, {nullptr, &drive, &opal_drive, "PSID0123456789ABCDEF0123456789AB"},
                                        block_target_for("nvme0n1", "nvme"), probed, plan.chosen, plan,
                                        spec_for("random", VerifyMode::sample), fast_options(), {}, cancel));
  CHECK(ok.outcome == Outcome::erased);
  CHECK(ok.choice.level == SanitizeLevel::purge);
  CHECK(method_info(ok.choice.method).type == MethodType::crypto_erase);
  CHECK(opal_drive.reverts() == 1);
  CHECK_FALSE(opal::validate_psid(""));
  CHECK_FALSE(opal::validate_psid(std::string(33, 'A')));
  CHECK_FALSE(opal::validate_psid("has space"));
}

// --- Simulated drives that lie (docs/testing.md): none may obtain "erased". ---------------------

namespace {

struct SimRun {
  WipeRecord record;
  SanitizeMethod method;
};

/// `wipeproof wipe TARGET --level LEVEL` through the job core, as the CLI runs it.
SimRun run_sim(const std::string& text, wipe::Level level, VerifyMode mode = VerifyMode::sample) {
  ::setenv("WIPEPROOF_ALLOW_SIM", "1", 1);
  auto session = job::TargetSession::open(text);
  REQUIRE(session);
  job::WipeRequest q;
  q.drive = session->probe();
  q.firmware_plan = wipe::plan_sanitization(q.drive->caps, level);
  auto auth = device::authorize_wipe(session->target(), session->target().identity.serial);
  REQUIRE(auth);
  q.spec = spec_for("random", mode);
  q.spec.signature_scan = session->scanner();
  {
    auto ro = session->open_read_only();
    REQUIRE(ro);
    auto jp = job::plan_job((*ro)->geometry(), q.spec);
    REQUIRE(jp);
    q.overwrite_plan = *jp;
  }
  q.out_dir = (std::filesystem::temp_directory_path() / "wipeproof-unit-jobs").string();
  CancelToken cancel;
  auto r = job::run_wipe(*session, *auth, q, {}, cancel);
  REQUIRE(r);
  return {r->record, r->record.choice.method};
}

}  // namespace

TEST_CASE("lying drives: noop, skipped ranges and zero-read never give erased", "[job][sim][lies]") {
  const char* kinds[] = {"ata-ssd", "ata-hdd", "nvme", "scsi"};
  for (const char* kind : kinds) {
    for (std::string lie : {"noop", "skip:2000-3000", "zero-read"}) {
      std::string k = kind;
      if (lie == "zero-read" && (k == "ata-hdd" || k == "scsi")) continue;  // refused: nothing to hide behind
      for (std::string caps : {"", "&caps=-emvs"}) {
        if (!caps.empty() && k != "nvme") continue;
        std::string text = "sim:" + k + "?size=4M&lie=" + lie + caps;
        SimRun r = run_sim(text, wipe::Level::purge);
        INFO(text << " -> " << sanitize_method_name(r.method) << " -> " << outcome_name(r.record.outcome));
        for (const auto& e : r.record.exceptions) INFO(e);
        CHECK(is_firmware_method(r.method));
        CHECK(r.record.choice.firmware_completed);  // the drive said it worked
        CHECK(r.record.outcome != Outcome::erased);
        REQUIRE(r.record.verification.evidence);
        const EraseEvidence& e = *r.record.verification.evidence;
        if (lie == "zero-read" && caps.empty() && k == "nvme") {
          // EMVS lets the host read the media: the canaries are still there.
          CHECK(e.media_verification_used);
          CHECK(r.record.outcome == Outcome::not_erased);
          CHECK_FALSE(e.canaries_surviving.empty());
        } else if (lie == "zero-read") {
          // Without media verification the zeros cannot be told from an erase: said plainly.
          CHECK_FALSE(e.media_verification_used);
          CHECK_FALSE(e.media_inspected);
          CHECK(r.record.outcome == Outcome::erased_with_exceptions);
        } else {
          CHECK(r.record.outcome == Outcome::not_erased);
          CHECK_FALSE(e.canaries_surviving.empty());
        }
      }
    }
  }
}

TEST_CASE("honest drives: crypto erase gives erased, block erase on flash says what it could not see", "[job][sim]") {
  for (const char* text : {"sim:nvme?size=4M", "sim:ata-ssd?size=4M", "sim:scsi?size=4M"}) {
    SimRun r = run_sim(text, wipe::Level::purge);
    INFO(text << " -> " << sanitize_method_name(r.method));
    for (const auto& e : r.record.exceptions) INFO(e);
    CHECK(method_info(r.record.choice.method).type == MethodType::crypto_erase);
    CHECK(r.record.outcome == Outcome::erased);
    CHECK(r.record.verification.evidence->media_inspected);
    CHECK(r.record.choice.level == SanitizeLevel::purge);
  }
  // NVMe block erase with media verification: the reads reached the media, so zeroes prove it.
  SimRun emvs = run_sim("sim:nvme?size=4M&caps=-crypto,-format-crypto", wipe::Level::purge);
  CHECK(emvs.method == SanitizeMethod::nvme_sanitize_block);
  CHECK(emvs.record.verification.evidence->media_verification_used);
  CHECK(emvs.record.outcome == Outcome::erased);
  // The state was left again: the last command is the exit (SANACT 5).
  REQUIRE_FALSE(emvs.record.choice.commands.empty());
  CHECK_THAT(emvs.record.choice.commands.back().parameters, Catch::Contains("exit media verification"));
  // Spinning disks have no deallocation: a sanitize overwrite's zeroes are the media.
  SimRun hdd = run_sim("sim:ata-hdd?size=4M", wipe::Level::purge);
  CHECK(hdd.method == SanitizeMethod::ata_sanitize_overwrite);
  CHECK(hdd.record.outcome == Outcome::erased);
}

TEST_CASE("remapped blocks: an overwrite records clear, and the old data stays where only the drive can see it",
          "[job][sim][lies]") {
  SimRun r = run_sim("sim:ata-hdd?size=4M&lie=remap:5&caps=-sanitize,-security", wipe::Level::purge);
  CHECK(r.method == SanitizeMethod::overwrite);
  CHECK(r.record.outcome == Outcome::erased);
  CHECK(r.record.choice.level == SanitizeLevel::clear);
  CHECK(r.record.choice.requested_level == SanitizeLevel::purge);
  CHECK_FALSE(r.record.choice.shortfall.empty());
}

TEST_CASE("remapped blocks: a firmware erase cannot be shown to reach them, and the record says so",
          "[job][sim][lies]") {
  for (const char* text : {"sim:ata-hdd?size=4M&lie=remap:5", "sim:ata-ssd?size=4M&lie=remap:5",
                           "sim:nvme?size=4M&lie=remap:5", "sim:scsi?size=4M&lie=remap:5"}) {
    SimRun r = run_sim(text, wipe::Level::purge);
    INFO(text << " -> " << sanitize_method_name(r.method) << " -> " << outcome_name(r.record.outcome));
    CHECK(is_firmware_method(r.method));
    CHECK(r.record.outcome == Outcome::erased_with_exceptions);
    CHECK_FALSE(r.record.choice.retired_blocks.empty());
    CHECK(r.record.choice.retired_blocks != "none reported");
    bool said = false;
    for (const auto& e : r.record.exceptions) said = said || e.find("retired blocks") != std::string::npos;
    CHECK(said);
  }
  // An honest drive's counters say none, and nothing is added.
  SimRun honest = run_sim("sim:scsi?size=4M", wipe::Level::purge);
  CHECK(honest.record.choice.retired_blocks == "none reported");
  CHECK(honest.record.outcome == Outcome::erased);
}

TEST_CASE("media type: sysfs 'rotational' is not trusted for USB, the drive's word 217 is", "[job][identity]") {
  // The kernel marks every SCSI disk rotational unless VPD page B1h says otherwise; USB bridges
  // rarely pass it, so a USB stick reads as magnetic in sysfs.
  device::BlockDeviceInfo info;
  info.name = "sdb";
  info.path = "/dev/sdb";
  info.transport = "usb";
  info.rotational = true;
  DeviceIdentity id = device::identity_from(info);
  CHECK_FALSE(id.rotational.has_value());
  job::ProbedDrive d;
  ata::AtaIdentify a;
  a.rotation_rate = 0;  // ACS-3 word 217: rate not reported
  d.caps.ata = a;
  job::enrich_identity(id, d);
  CHECK_FALSE(id.rotational.has_value());
  d.caps.ata->rotation_rate = 1;  // non-rotating media
  job::enrich_identity(id, d);
  CHECK(id.rotational == std::optional<bool>(false));
  d.caps.ata->rotation_rate = 7200;
  job::enrich_identity(id, d);
  CHECK(id.rotational == std::optional<bool>(true));
  info.transport = "sata";
  CHECK(device::identity_from(info).rotational == std::optional<bool>(true));
}
