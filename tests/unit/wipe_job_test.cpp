#include <catch2/catch.hpp>

#include "device/sim_block_device.hpp"
#include "job/wipe_job.hpp"

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
  job::decide_outcome(r);
  CHECK(r.outcome == Outcome::erased);

  WipeRecord sig = r;
  sig.exceptions.clear();
  sig.verification.signature_scan.clean = false;
  sig.verification.signature_scan.hits.push_back({"ext4", "filesystem", 1080});
  job::decide_outcome(sig);
  CHECK(sig.outcome == Outcome::not_erased);
  REQUIRE(sig.exceptions.size() == 1);
  CHECK(sig.exceptions[0] == "signature still present: ext4 (filesystem) at byte 1080");

  WipeRecord unsynced = r;
  unsynced.exceptions.clear();
  unsynced.passes[0].synced = false;
  job::decide_outcome(unsynced);
  CHECK(unsynced.outcome == Outcome::erased_with_exceptions);
}
