#include <catch2/catch.hpp>

#include "core/pass_stream.hpp"
#include "device/sim_block_device.hpp"
#include "wipe/method.hpp"
#include "wipe/overwrite_engine.hpp"

using namespace wipeproof;
using namespace wipeproof::wipe;

namespace {

PassPattern random_pattern() {
  auto p = instantiate_passes(*find_method("random"), {});
  REQUIRE(p);
  return p->at(0);
}

OverwriteOptions small_blocks() {
  OverwriteOptions o;
  o.block_size = 64 * 1024;
  return o;
}

}  // namespace

TEST_CASE("a random pass writes the regenerable AES-CTR stream over every byte", "[engine]") {
  // Odd size: the last block is shorter than the others.
  device::SimBlockDevice dev(3 * 1024 * 1024 + 512 * 7);
  PassPattern p = random_pattern();
  CancelToken cancel;
  int reports = 0;
  PassRecord r = run_pass(dev, p, 1, 1, small_blocks(), [&](const Progress&) { ++reports; }, cancel);
  CHECK(r.status == RunStatus::complete);
  CHECK(r.synced);
  CHECK(r.errors.empty());
  CHECK(r.bytes_written == dev.geometry().size_bytes);
  CHECK(reports >= 1);
  auto s = PassStream::create(p);
  REQUIRE(s);
  std::vector<std::byte> expect(dev.contents().size());
  REQUIRE(s->fill(0, expect));
  CHECK(expect == dev.contents());
}

TEST_CASE("write errors are narrowed to the failing LBAs and the rest is still written", "[engine]") {
  device::SimBlockDevice dev(1024 * 1024);
  dev.fail_writes_at(300);
  dev.fail_writes_at(301);
  dev.fail_writes_at(1000);
  PassPattern p;
  p.bytes = {std::byte{0xAB}};
  CancelToken cancel;
  PassRecord r = run_pass(dev, p, 1, 1, small_blocks(), {}, cancel);
  CHECK(r.status == RunStatus::complete);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].lba_first == 300);
  CHECK(r.errors[0].lba_count == 2);
  CHECK(r.errors[1].lba_first == 1000);
  CHECK(r.bytes_written == dev.geometry().size_bytes - 3 * 512);
  CHECK(dev.contents()[299 * 512] == std::byte{0xAB});
  CHECK(dev.contents()[300 * 512] == std::byte{0x00});
  CHECK(dev.contents()[302 * 512] == std::byte{0xAB});
}

TEST_CASE("a device that vanishes aborts the pass and skips the rest", "[engine]") {
  device::SimBlockDevice dev(2 * 1024 * 1024);
  dev.vanish_after_bytes_written(512 * 1024);
  auto passes = instantiate_passes(*find_method("dod3"), {});
  REQUIRE(passes);
  CancelToken cancel;
  auto recs = run_overwrite(dev, *passes, small_blocks(), {}, cancel);
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].status == RunStatus::aborted);
  CHECK(recs[0].bytes_written == 512 * 1024);
  CHECK(recs[1].status == RunStatus::skipped);
  CHECK(recs[2].status == RunStatus::skipped);
}

namespace {

/// A hot-removed disk as Linux shows it: writes fail with ENOSPC (its capacity dropped to 0),
/// not ENODEV; only the presence check tells the two apart.
class RemovedDisk : public device::BlockDevice {
 public:
  explicit RemovedDisk(std::uint64_t gone_at) : inner_(2 * 1024 * 1024), gone_at_(gone_at) {}
  Result<void> read_at(std::uint64_t o, std::span<std::byte> out) override { return inner_.read_at(o, out); }
  Result<void> write_at(std::uint64_t o, std::span<const std::byte> in) override {
    ++writes;
    if (o + in.size() > gone_at_) return sys_error("write", ENOSPC);
    return inner_.write_at(o, in);
  }
  Result<void> flush() override { return inner_.flush(); }
  Result<void> drop_caches() override { return {}; }
  const device::DeviceGeometry& geometry() const override { return inner_.geometry(); }
  bool direct_io() const override { return true; }
  std::string describe() const override { return "removed"; }
  Result<void> check_present() const override {
    if (!removed) return {};
    return make_error(ErrorKind::sys, "the disk was removed", ENODEV);
  }
  bool removed = true;
  int writes = 0;

 private:
  device::SimBlockDevice inner_;
  std::uint64_t gone_at_;
};

}  // namespace

TEST_CASE("a removed disk is not taken for bad sectors", "[engine]") {
  CancelToken cancel;
  SECTION("gone: the pass is aborted at once, no sector is blamed") {
    RemovedDisk dev(512 * 1024);
    PassRecord r = run_pass(dev, random_pattern(), 1, 1, small_blocks(), {}, cancel);
    CHECK(r.status == RunStatus::aborted);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message == "the disk was removed");
    CHECK(r.errors[0].lba_first == 1024);
    CHECK(dev.writes == 9);  // 8 good blocks, then the failed one; no per-sector retries
  }
  SECTION("still there: the same errors are narrowed to sectors") {
    RemovedDisk dev(2 * 1024 * 1024 - 512);
    dev.removed = false;
    PassRecord r = run_pass(dev, random_pattern(), 1, 1, small_blocks(), {}, cancel);
    CHECK(r.status == RunStatus::complete);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].lba_first == 4095);
    CHECK(r.errors[0].lba_count == 1);
  }
}

TEST_CASE("a failing fdatasync is reported, not hidden", "[engine]") {
  device::SimBlockDevice dev(256 * 1024);
  dev.fail_flush();
  CancelToken cancel;
  PassRecord r = run_pass(dev, random_pattern(), 1, 1, small_blocks(), {}, cancel);
  CHECK_FALSE(r.synced);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].op == "sync");
}

TEST_CASE("cancellation stops after the current block", "[engine]") {
  device::SimBlockDevice dev(4 * 1024 * 1024);
  CancelToken cancel;
  cancel.cancel();
  PassRecord r = run_pass(dev, random_pattern(), 1, 1, small_blocks(), {}, cancel);
  CHECK(r.status == RunStatus::interrupted);
  CHECK(r.bytes_written < dev.geometry().size_bytes);
}

TEST_CASE("bad block sizes and tiny devices are refused before any write", "[engine]") {
  device::SimBlockDevice dev(256);
  OverwriteOptions o;
  CHECK(validate_overwrite(dev.geometry(), o).error().kind == ErrorKind::usage);
  device::SimBlockDevice ok(1 << 20);
  o.block_size = 1000;
  CHECK_FALSE(validate_overwrite(ok.geometry(), o));
  o.block_size = 4096;
  CHECK(validate_overwrite(ok.geometry(), o));
}
