#include <catch2/catch.hpp>

#include "core/pass_stream.hpp"
#include "device/sim_block_device.hpp"
#include "verify/verifier.hpp"

using namespace wipeproof;
using namespace wipeproof::verify;

namespace {

PassPattern random_pattern() {
  PassPattern p;
  p.kind = PatternKind::random_stream;
  p.key_hex = "00112233445566778899aabbccddeeff";
  p.iv_hex = "ffeeddccbbaa99887766554433221100";
  return p;
}

void fill_device(device::SimBlockDevice& dev, const PassPattern& p) {
  auto s = PassStream::create(p);
  REQUIRE(s);
  REQUIRE(s->fill(0, dev.contents()));
}

VerifyOptions opts() {
  VerifyOptions o;
  o.block_size = 64 * 1024;
  return o;
}

}  // namespace

TEST_CASE("full verify passes on a correctly written device and names flipped sectors", "[verify]") {
  device::SimBlockDevice dev(4 * 1024 * 1024);
  PassPattern p = random_pattern();
  fill_device(dev, p);
  CancelToken cancel;
  VerifyReport ok = verify_device(dev, p, VerifyMode::full, nullptr, opts(), {}, cancel);
  CHECK(ok.passed);
  CHECK(ok.blocks_read == 8192);
  CHECK(ok.mismatched_blocks == 0);
  CHECK(ok.miss_probability_1pct == "0");

  dev.contents()[777 * 512 + 100] ^= std::byte{0x01};
  dev.contents()[8191 * 512] ^= std::byte{0x10};
  VerifyReport bad = verify_device(dev, p, VerifyMode::full, nullptr, opts(), {}, cancel);
  CHECK_FALSE(bad.passed);
  CHECK(bad.mismatched_blocks == 2);
  CHECK(bad.first_mismatch_lbas == std::vector<std::uint64_t>{777, 8191});
}

TEST_CASE("sampled verify reads only the plan and catches residue inside a sample", "[verify]") {
  device::SimBlockDevice dev(8 * 1024 * 1024);
  PassPattern p = random_pattern();
  fill_device(dev, p);
  auto plan = make_sample_plan(16384, 512, 100000, std::vector<std::byte>(32, std::byte{9}), 128);
  REQUIRE(plan);
  CancelToken cancel;
  VerifyReport ok = verify_device(dev, p, VerifyMode::sample, &*plan, opts(), {}, cancel);
  CHECK(ok.passed);
  CHECK(ok.blocks_read == plan->covered_blocks());
  REQUIRE(ok.plan);
  CHECK(ok.plan->lba_list_sha256 == lba_list_sha256(plan->ranges));
  CHECK(ok.miss_probability_1pct != "0");

  std::uint64_t lba = plan->ranges[5].first_lba;
  dev.contents()[lba * 512] ^= std::byte{0xFF};
  VerifyReport bad = verify_device(dev, p, VerifyMode::sample, &*plan, opts(), {}, cancel);
  CHECK_FALSE(bad.passed);
  CHECK(bad.first_mismatch_lbas == std::vector<std::uint64_t>{lba});
}

TEST_CASE("writes the drive silently dropped are found by read-back", "[verify]") {
  device::SimBlockDevice dev(1024 * 1024);
  dev.drop_writes(100, 3);
  PassPattern p = random_pattern();
  auto s = PassStream::create(p);
  REQUIRE(s);
  std::vector<std::byte> data(dev.contents().size());
  REQUIRE(s->fill(0, data));
  REQUIRE(dev.write_at(0, data));  // acknowledged...
  CancelToken cancel;
  VerifyReport r = verify_device(dev, p, VerifyMode::full, nullptr, opts(), {}, cancel);
  CHECK(r.mismatched_blocks == 3);  // ...but not written
  CHECK(r.first_mismatch_lbas == std::vector<std::uint64_t>{100, 101, 102});
}

TEST_CASE("unreadable sectors are reported as read errors, the rest still checked", "[verify]") {
  device::SimBlockDevice dev(1024 * 1024);
  PassPattern p;
  p.bytes = {std::byte{0}};
  dev.fail_reads_at(50);
  dev.contents()[1500 * 512 / 2] = std::byte{1};  // LBA 750
  CancelToken cancel;
  VerifyReport r = verify_device(dev, p, VerifyMode::full, nullptr, opts(), {}, cancel);
  CHECK_FALSE(r.passed);
  REQUIRE(r.read_errors.size() == 1);
  CHECK(r.read_errors[0].lba_first == 50);
  CHECK(r.read_errors[0].lba_count == 1);
  CHECK(r.first_mismatch_lbas == std::vector<std::uint64_t>{750});
  CHECK(r.blocks_read == 2047);
}

#include <cstring>

#include "verify/residue_scan.hpp"

TEST_CASE("residue scan names medical and office formats, and operator strings", "[verify][residue]") {
  auto block_with = [](std::size_t at, const char* bytes, std::size_t n) {
    std::vector<std::byte> b(512, std::byte{0x11});
    std::memcpy(b.data() + at, bytes, n);
    return b;
  };
  std::vector<ResidueHit> hits;
  scan_block(block_with(128, "DICM", 4), 7, {}, hits);
  scan_block(block_with(0, "SQLite format 3\0", 16), 8, {}, hits);
  scan_block(block_with(0, "%PDF-1.7", 8), 9, {}, hits);
  scan_block(block_with(40, "MSH|^~\\&|LAB|", 13), 10, {}, hits);
  scan_block(block_with(300, "PID-000123", 10), 11, {"PID-0001"}, hits);
  scan_block(block_with(10, "DICM", 4), 12, {}, hits);  // not at byte 128: not DICOM
  REQUIRE(hits.size() == 5);
  CHECK(hits[0].type == "DICOM");
  CHECK(hits[1].type == "SQLite");
  CHECK(hits[2].type == "PDF");
  CHECK(hits[3].type == "HL7 v2 message");
  CHECK(hits[4].type == "search string \"PID-0001\"");
  CHECK(hits[4].lba == 11);
}

TEST_CASE("verification names residue left after a random pass", "[verify][residue]") {
  device::SimBlockDevice dev(2 * 1024 * 1024);
  PassPattern p = random_pattern();
  fill_device(dev, p);
  std::memcpy(dev.contents().data() + 100 * 512 + 128, "DICM", 4);
  std::memcpy(dev.contents().data() + 3000 * 512, "SQLite format 3", 16);
  CancelToken cancel;
  VerifyOptions o = opts();
  o.search = {"PATIENT"};
  std::memcpy(dev.contents().data() + 3500 * 512 + 77, "PATIENT 42", 10);
  VerifyReport r = verify_device(dev, p, VerifyMode::full, nullptr, o, {}, cancel);
  CHECK(r.mismatched_blocks == 3);
  REQUIRE(r.residue.size() == 3);
  CHECK(r.residue[0].lba == 100);
  CHECK(r.residue[0].type == "DICOM");
  CHECK(r.residue[1].type == "SQLite");
  CHECK(r.residue[2].type == "search string \"PATIENT\"");
}
