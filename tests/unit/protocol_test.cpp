#include <catch2/catch.hpp>

#include <cstring>

#include "device/ata/ata_command.hpp"
#include "device/ata/ata_identify.hpp"
#include "device/ata/sim_ata_drive.hpp"
#include "device/nvme/nvme_command.hpp"
#include "device/nvme/sim_nvme_drive.hpp"

using namespace wipeproof;
using namespace wipeproof::ata;

TEST_CASE("ATA PASS-THROUGH(16) byte layout (SAT-4 12.2.2)", "[ata][builder]") {
  // IDENTIFY: PIO data-in, no CK_COND (AHCI quirk), T_LENGTH=COUNT, BYT_BLOK, T_DIR=in.
  auto id = make_ata_pass_through_16(identify_device());
  CHECK(id == std::array<std::uint8_t, 16>{0x85, 0x08, 0x0E, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0xEC, 0});
  // ERASE UNIT: PIO data-out.
  auto eu = make_ata_pass_through_16(security_erase_unit(1000));
  CHECK(eu == std::array<std::uint8_t, 16>{0x85, 0x0A, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0xF4, 0});
  // SANITIZE CRYPTO SCRAMBLE EXT: 48-bit non-data with CK_COND, FEATURES 0011h, LBA "Cryp".
  auto cs = make_ata_pass_through_16(sanitize(SanitizeAction::crypto_scramble));
  CHECK(cs == std::array<std::uint8_t, 16>{0x85, 0x07, 0x20, 0x00, 0x11, 0, 0, 0x43, 0x70, 0, 0x79, 0, 0x72, 0x40,
                                           0xB4, 0});
  // BLOCK ERASE EXT "BkEr", with FAILURE MODE.
  SanitizeOptions fm;
  fm.failure_mode = true;
  auto be = make_ata_pass_through_16(sanitize(SanitizeAction::block_erase, fm));
  CHECK(be == std::array<std::uint8_t, 16>{0x85, 0x07, 0x20, 0x00, 0x12, 0, 0x10, 0x42, 0x72, 0, 0x45, 0, 0x6B,
                                           0x40, 0xB4, 0});
  // OVERWRITE EXT: "OW" in LBA 47:32, pattern in 31:0, 16 passes encoded 0, invert bit 7.
  SanitizeOptions ow;
  ow.pattern = 0xA5A5F00F;
  ow.passes = 16;
  ow.invert = true;
  auto o = make_ata_pass_through_16(sanitize(SanitizeAction::overwrite, ow));
  CHECK(o == std::array<std::uint8_t, 16>{0x85, 0x07, 0x20, 0x00, 0x14, 0, 0x80, 0xA5, 0x0F, 0x57, 0xF0, 0x4F, 0xA5,
                                          0x40, 0xB4, 0});
  CHECK(parse_ata_pass_through_16(o).lba == ((kOverwriteKey << 32) | 0xA5A5F00F));
  auto nm = make_ata_pass_through_16(read_native_max_ext());
  CHECK(nm[1] == 0x07);
  CHECK(nm[14] == 0x27);
}

TEST_CASE("security data block: identifier, enhanced bit, 32-byte password", "[ata][builder]") {
  auto b = security_data_block("secret", false, true);
  CHECK(b[0] == std::byte{0x02});
  CHECK(std::memcmp(b.data() + 2, "secret", 6) == 0);
  CHECK(b[8] == std::byte{0});
  auto m = security_data_block(std::string(40, 'x'), true, false);
  CHECK(m[0] == std::byte{0x01});
  CHECK(m[33] == std::byte{'x'});
  CHECK(m[34] == std::byte{0});  // truncated to 32 bytes
}

TEST_CASE("ATA return registers from descriptor and fixed sense", "[ata][sense]") {
  device::ScsiResult ok;
  ok.status = 2;
  ok.sense = {0x72, 0x01, 0x00, 0x1D, 0, 0, 0, 14, 0x09, 0x0C, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF,
              0x00, 0xFF, 0x00, 0x00, 0x40, 0x50};
  AtaReturn r = decode_ata_return(ok);
  CHECK_FALSE(r.failed);
  REQUIRE(r.registers_valid);
  CHECK(r.registers.count == 0x8000);
  CHECK(r.registers.lba == 0xFFFF);
  CHECK(r.registers.status == 0x50);
  device::ScsiResult fixed;  // Linux 6.1 libata ABRT in fixed format
  fixed.status = 2;
  fixed.sense = {0x70, 0, 0x0B, 0, 0, 0, 0, 0x0A, 0x04, 0x41, 0xE0, 0x01, 0, 0, 0, 0, 0, 0};
  CHECK(decode_ata_return(fixed).failed);
  device::ScsiResult bridge;  // a USB bridge without SAT: ILLEGAL REQUEST 20/00
  bridge.status = 2;
  bridge.sense = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0};
  AtaReturn b = decode_ata_return(bridge);
  CHECK(b.failed);
  CHECK(b.why.find("20/00") != std::string::npos);
  device::ScsiResult reset;
  reset.host_status = 0x07;
  CHECK(decode_ata_return(reset).failed);
}

TEST_CASE("IDENTIFY parse round trip and erase times", "[ata][identify]") {
  AtaIdentify in;
  in.model = "SIM SSD 240";
  in.serial = "SIM0001";
  in.firmware = "1.0";
  in.sectors = 468862128;
  in.lba48 = true;
  in.rotational = false;
  in.security_supported = true;
  in.enhanced_erase_supported = true;
  in.normal_erase_minutes = 4;
  in.enhanced_erase_minutes = 8;
  in.sanitize_supported = in.crypto_scramble_supported = in.block_erase_supported = true;
  in.hpa_supported = true;
  auto block = build_identify(in);
  AtaIdentify out = parse_identify(block);
  CHECK(out.model == "SIM SSD 240");
  CHECK(out.serial == "SIM0001");
  CHECK(out.sectors == 468862128);
  CHECK_FALSE(out.rotational);
  // Word 217 read from the byte layout (ACS-3 7.12.7.77: little-endian word at bytes 434-435):
  // 0 = not reported, 1 = non-rotating, else the rate in rpm.
  CHECK(out.rotation_rate == 1);
  block[434] = std::byte{0x20};
  block[435] = std::byte{0x1C};  // 0x1C20 = 7200 rpm
  CHECK(parse_identify(block).rotation_rate == 7200);
  CHECK(parse_identify(block).rotational);
  CHECK(out.security_supported);
  CHECK(out.enhanced_erase_supported);
  CHECK(out.enhanced_erase_minutes == 8);
  CHECK(out.crypto_scramble_supported);
  CHECK_FALSE(out.overwrite_supported);
  CHECK(erase_time_minutes(0x8000 | 100) == 200);  // ACS-3 extended format
  CHECK(erase_time_minutes(0x00FF) == 510);
  // Timeout: at least 2 x reported + 1 h, at least the 30 MB/s estimate, never the 60 s default.
  CHECK(security_erase_timeout_ms(out, true) >= (2 * 8 + 60) * 60 * 1000u);
  CHECK(security_erase_timeout_ms(out, false) >= (468862128ull / 2048 / 30 + 1800) * 1000);
}

TEST_CASE("NVMe command dwords (NVMe 2.0 5.23/5.24/5.16)", "[nvme][builder]") {
  using namespace wipeproof::nvme;
  NvmeCommand f = format_nvm(1, 4, SecureErase::crypto, 600000);
  CHECK(f.opcode == 0x80);
  CHECK(f.nsid == 1);
  CHECK(f.cdw10 == (4u | 2u << 9));
  CHECK(f.timeout_ms == 600000);
  CHECK(format_nvm(1, 0x14, SecureErase::user_data, 0).cdw10 == (0x4u | 1u << 9 | 1u << 12));
  SanitizeParams p;
  p.owpass = 16;
  p.oipbp = true;
  p.no_dealloc = true;
  p.ause = true;
  p.pattern = 0xDEADBEEF;
  NvmeCommand s = nvme::sanitize(nvme::SanitizeAction::overwrite, p);
  CHECK(s.opcode == 0x84);
  CHECK(s.cdw10 == (3u | 1u << 3 | 0u << 4 | 1u << 8 | 1u << 9));
  CHECK(s.cdw11 == 0xDEADBEEF);
  CHECK(nvme::sanitize(nvme::SanitizeAction::crypto_erase).cdw10 == (4u | 1u << 4));
  NvmeCommand l = get_log_page(kLogSanitize, 512);
  CHECK(l.cdw10 == (0x81u | 127u << 16));
  CHECK(l.nsid == kAllNamespaces);
  CHECK(identify_controller().cdw10 == 1);
}

TEST_CASE("simulated NVMe controller: identify parse and capability checks", "[nvme][sim]") {
  using namespace wipeproof::nvme;
  IdController caps;
  caps.serial = "NVME0001";
  caps.model = "SIM NVMe";
  caps.oacs = 0x0002;
  caps.sanicap = 0x3;  // crypto + block
  caps.fna = 0;        // no crypto erase via Format
  SimNvmeDrive d(caps, 2048);
  std::vector<std::byte> buf(4096);
  REQUIRE(d.admin(identify_controller(), buf)->ok());
  IdController got = parse_id_controller(buf);
  CHECK(got.serial == "NVME0001");
  CHECK(got.sanitize_crypto());
  CHECK_FALSE(got.sanitize_overwrite());
  CHECK_FALSE(got.format_crypto_erase());
  REQUIRE(d.admin(identify_namespace(1), buf)->ok());
  CHECK(parse_id_namespace(buf).nsze == 2048);
  CHECK(parse_id_namespace(buf).lba_size == 512);
  CHECK(d.admin(format_nvm(1, 0, SecureErase::crypto, 1000), {})->status == 0x4002);
  CHECK(d.admin(nvme::sanitize(nvme::SanitizeAction::overwrite), {})->status == 0x4002);
  CHECK(d.admin(nvme::sanitize(nvme::SanitizeAction::block_erase), {})->ok());
  CHECK(d.admin(nvme::sanitize(nvme::SanitizeAction::crypto_erase), {})->status == 0x001D);  // in progress
  std::vector<std::byte> log(512);
  REQUIRE(d.admin(get_log_page(kLogSanitize, 512), log)->ok());
  CHECK(parse_sanitize_log(log).state() == 2);
}

#include "device/ata/ata_smart.hpp"

TEST_CASE("ATA SMART through our SG_IO path, interpreted by libatasmart's blob API", "[ata][smart]") {
  AtaIdentify id;
  id.model = "SIM HDD";
  id.serial = "H1";
  id.sectors = 1024;
  id.smart_supported = true;
  SimAtaDrive d(id, 1024);
  auto r = read_ata_smart(d);
  REQUIRE(r);
  CHECK(r->status_good);
  CHECK(r->overall == "GOOD");
  CHECK(r->power_on_hours == 1234);
  CHECK(r->temperature_c == 35);
  CHECK(r->bad_sectors == 0);
  CHECK(r->summary().find("ATA SMART: GOOD") == 0);
  AtaIdentify no_smart = id;
  no_smart.smart_supported = false;
  SimAtaDrive n(no_smart, 1024);
  CHECK_FALSE(read_ata_smart(n));
}
