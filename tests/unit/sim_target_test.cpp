#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "device/sim_target.hpp"

using namespace wipeproof;
using namespace wipeproof::device;

TEST_CASE("sim: target strings parse into kind, size, backing, serial, lies and caps", "[sim]") {
  auto s = parse_sim_target("sim:nvme?size=8M&backing=/tmp/x.img&serial=ABC&lie=skip:10-20&lie=skip:30-30&lie=remap:4&caps=-emvs,-format");
  REQUIRE(s);
  CHECK(s->kind == SimKind::nvme);
  CHECK(s->size_bytes == 8u << 20);
  CHECK(s->backing == "/tmp/x.img");
  CHECK(s->serial == "ABC");
  REQUIRE(s->lies.skip.size() == 2);
  CHECK(s->lies.skip[0] == std::pair<std::uint64_t, std::uint64_t>{10, 20});
  CHECK(s->lies.skip[1] == std::pair<std::uint64_t, std::uint64_t>{30, 30});
  CHECK(s->lies.remap == 4);
  CHECK(s->removed_caps == std::set<std::string>{"emvs", "format"});
  auto d = parse_sim_target("sim:ata-hdd");
  REQUIRE(d);
  CHECK(d->kind == SimKind::ata_hdd);
  CHECK(d->serial == "SIMHDD0001");
  CHECK_FALSE(d->lies.any());
  CHECK(parse_sim_target("sim:scsi?lie=none"));
  auto f = parse_sim_target("sim:ata-hdd?fault=bad:100-103&fault=write:7-7&fault=read:9-10");
  REQUIRE(f);
  CHECK(f->write_faults == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{100, 103}, {7, 7}});
  CHECK(f->read_faults == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{100, 103}, {9, 10}});
  auto v = parse_sim_target("sim:nvme?fault=vanish:4M");
  REQUIRE(v);
  CHECK(v->vanish_after == 4u << 20);
}

TEST_CASE("sim: target strings: every bad input is named", "[sim]") {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"sim:floppy", "kind must be"},
      {"sim:nvme?size=3M&size=4M", "given twice"},
      {"sim:nvme?size=12Q", "size unit"},
      {"sim:nvme?size=100K", "at least 1M"},
      {"sim:nvme?size=8G", "4 GiB"},
      {"sim:nvme?lie=melt", "lie must be"},
      {"sim:nvme?lie=skip:9-3", "below FROM"},
      {"sim:nvme?size=1M&lie=skip:0-5000", "beyond the last LBA"},
      {"sim:nvme?lie=remap:0", "remap:N"},
      {"sim:ata-hdd?lie=zero-read", "deallocates"},
      {"sim:scsi?lie=zero-read", "deallocates"},
      {"sim:nvme?lie=none&lie=noop", "cannot be combined"},
      {"sim:nvme?caps=-security", "does not apply"},
      {"sim:nvme?caps=emvs", "with '-'"},
      {"sim:nvme?colour=red", "unknown parameter"},
      {"sim:nvme?fault=melt:1-2", "fault= takes"},
      {"sim:nvme?fault=3", "fault= takes"},
      {"sim:nvme?fault=vanish:0", "vanish:SIZE"},  // found by fuzz_sim_target (was an uncaught out_of_range)
      {"sim:nvme?fault=bad:5", "fault= takes"},
      {"sim:nvme?fault=bad:9-3", "ascending"},
      {"sim:nvme?fault=bad:0-99999", "at most 4096"},
      {"sim:nvme?serial=has space", "printable"},
      {"sim:nvme?&", "empty parameter"},
      {"sim:nvme?size", "needs =VALUE"},
      {"/dev/sda", "must start with sim:"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = parse_sim_target(c.text);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::usage);
    CHECK_THAT(r.error().context, Catch::Contains(c.says));
  }
}

TEST_CASE("sim: targets are refused unless WIPEPROOF_ALLOW_SIM=1", "[sim]") {
  ::unsetenv("WIPEPROOF_ALLOW_SIM");
  auto r = SimulatedDrive::open("sim:nvme");
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::refused);
  ::setenv("WIPEPROOF_ALLOW_SIM", "0", 1);
  CHECK_FALSE(SimulatedDrive::open("sim:nvme"));
  ::setenv("WIPEPROOF_ALLOW_SIM", "1", 1);
  CHECK(SimulatedDrive::open("sim:nvme"));
  ::unsetenv("WIPEPROOF_ALLOW_SIM");
}

TEST_CASE("sim: the backing file holds the media, the state file the lies' hidden state", "[sim]") {
  ::setenv("WIPEPROOF_ALLOW_SIM", "1", 1);
  auto dir = std::filesystem::temp_directory_path() / "wipeproof-sim-unit";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string img = (dir / "m.img").string();
  {
    std::ofstream f(img, std::ios::binary);
    std::vector<char> data(1 << 20);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  std::string text = "sim:ata-ssd?backing=" + img + "&lie=remap:3&lie=zero-read";
  auto d = SimulatedDrive::open(text);
  REQUIRE(d);
  CHECK((*d)->target().identity.size_bytes == 1u << 20);
  CHECK((*d)->target().simulated);
  CHECK(confirmation_token((*d)->target()) == "SIMSSD0001");
  // remap:3 moved three blocks' data beyond the host's reach; the host reads zeroes there.
  REQUIRE((*d)->media().hidden().size() == 3);
  auto [lba, old] = *(*d)->media().hidden().begin();
  std::vector<std::byte> block(512);
  (*d)->media().host_read(lba * 512, block);
  CHECK(std::all_of(block.begin(), block.end(), [](std::byte b) { return b == std::byte{0}; }));
  CHECK(old[0] == static_cast<std::byte>(static_cast<char>(lba * 512 * 31 + 7)));
  // zero-read: the "erase" only deallocates; the media keeps the data.
  (*d)->media().firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
  (*d)->media().host_read(4096, block);
  CHECK(block[1] == std::byte{0});
  CHECK((*d)->media().raw()[4097] == static_cast<std::byte>(static_cast<char>(4097 * 31 + 7)));
  REQUIRE((*d)->save());
  // A second run sees the same state: still deallocated, still remapped (not remapped again).
  auto again = SimulatedDrive::open(text);
  REQUIRE(again);
  CHECK((*again)->media().hidden().size() == 3);
  (*again)->media().host_read(4096, block);
  CHECK(block[1] == std::byte{0});
  (*again)->media().set_media_verification(true);
  (*again)->media().host_read(4096, block);
  CHECK(block[1] == static_cast<std::byte>(static_cast<char>(4097 * 31 + 7)));
  // The kind of the media is checked against the state file.
  auto wrong = SimulatedDrive::open("sim:nvme?backing=" + img);
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().context, Catch::Contains("ata-ssd"));
  auto mismatch = SimulatedDrive::open("sim:ata-ssd?size=2M&backing=" + img);
  REQUIRE_FALSE(mismatch);
  CHECK_THAT(mismatch.error().context, Catch::Contains("size= says"));
  std::filesystem::remove_all(dir);
  ::unsetenv("WIPEPROOF_ALLOW_SIM");
}

TEST_CASE("sim media lies: noop and skip ranges", "[sim]") {
  SimMedia m(64 * 512, 512, std::byte{0x11});
  SimLies skip;
  skip.skip = {{2, 3}, {60, 63}};
  m.set_lies(skip);
  m.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
  for (std::uint64_t lba = 0; lba < 64; ++lba) {
    bool kept = (lba >= 2 && lba <= 3) || lba >= 60;
    INFO(lba);
    CHECK(m.raw()[lba * 512] == (kept ? std::byte{0x11} : std::byte{0}));
  }
  SimMedia n(8 * 512, 512, std::byte{0x22});
  SimLies noop;
  noop.noop = true;
  n.set_lies(noop);
  n.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
  CHECK(std::all_of(n.raw().begin(), n.raw().end(), [](std::byte b) { return b == std::byte{0x22}; }));
}
