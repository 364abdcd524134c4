#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/unit/catch_strings.hpp"
#include "device/ata/sim_ata_drive.hpp"
#include "device/nvme/sim_nvme_drive.hpp"
#include "wipe/firmware_erase.hpp"
#include "wipe/planner.hpp"

using namespace wipeproof;
using namespace wipeproof::wipe;

namespace {

ata::AtaIdentify ssd(bool sanitize = true) {
  ata::AtaIdentify id;
  id.model = "SIM SSD";
  id.serial = "SSD0001";
  id.sectors = 2048;
  id.lba48 = true;
  id.rotational = false;
  id.security_supported = true;
  id.enhanced_erase_supported = true;
  id.normal_erase_minutes = 2;
  id.enhanced_erase_minutes = 2;
  id.sanitize_supported = sanitize;
  id.crypto_scramble_supported = sanitize;
  id.block_erase_supported = sanitize;
  id.hpa_supported = true;
  return id;
}

bool all(const std::vector<std::byte>& v, std::byte b) {
  return std::all_of(v.begin(), v.end(), [&](std::byte x) { return x == b; });
}

PollOptions fast() {
  PollOptions p;
  p.interval = std::chrono::milliseconds(0);
  p.max_polls = 50;
  return p;
}

std::string temp_file(const char* name) { return (std::filesystem::temp_directory_path() / name).string(); }

}  // namespace

TEST_CASE("ATA security erase: password, prepare, erase unit, re-identify", "[ata][security]") {
  ata::SimAtaDrive d(ssd(), 2048);
  auto id = ata_identify(d);
  REQUIRE(id);
  CHECK(id->serial == "SSD0001");
  SecurityEraseOptions o;
  o.enhanced = true;
  o.recovery_file = temp_file("wipeproof-unit-recovery.json");
  FirmwareReport r = ata_security_erase(d, *id, o);
  CHECK(r.completed);
  CHECK(all(d.media(), std::byte{0x6D}));  // the simulated drive's enhanced (vendor) pattern
  CHECK_FALSE(d.security_enabled());
  CHECK(d.commands() == std::vector<std::uint8_t>{0xEC, 0xF1, 0xF3, 0xF4, 0xEC});
  CHECK_FALSE(std::filesystem::exists(o.recovery_file));  // removed after success
  CHECK(r.commands[2].parameters.find("timeout") != std::string::npos);
}

TEST_CASE("ATA security state machine refusals", "[ata][security]") {
  SECTION("not supported") {
    auto id = ssd();
    id.security_supported = false;
    ata::SimAtaDrive d(id, 2048);
    CHECK(ata_security_erase(d, *ata_identify(d), {}).failure.find("does not support") != std::string::npos);
  }
  SECTION("frozen") {
    ata::SimAtaDrive d(ssd(), 2048);
    d.freeze();
    FirmwareReport r = ata_security_erase(d, *ata_identify(d), {});
    CHECK_FALSE(r.completed);
    CHECK(r.failure.find("frozen") != std::string::npos);
    CHECK(all(d.media(), std::byte{0xA5}));
  }
  SECTION("enhanced unsupported") {
    auto id = ssd();
    id.enhanced_erase_supported = false;
    ata::SimAtaDrive d(id, 2048);
    SecurityEraseOptions o;
    o.enhanced = true;
    CHECK(ata_security_erase(d, *ata_identify(d), o).failure.find("enhanced") != std::string::npos);
  }
  SECTION("errors reported in fixed-format sense are still errors") {
    ata::SimAtaDrive d(ssd(), 2048);
    d.use_fixed_sense_for_errors();
    d.freeze();  // the drive says frozen in IDENTIFY; force the command anyway
    auto r = ata::ata_execute(d, ata::security_erase_prepare(), {});
    CHECK_FALSE(r);
  }
  SECTION("a bridge that does not pass ATA commands") {
    ata::SimAtaDrive d(ssd(), 2048);
    d.not_an_ata_device();
    auto id = ata_identify(d);
    REQUIRE_FALSE(id);
    CHECK(id.error().kind == ErrorKind::device_status);
  }
}

TEST_CASE("an interrupted erase leaves the drive locked; the recovery file unlocks it", "[ata][security]") {
  ata::SimAtaDrive d(ssd(), 2048);
  d.interrupt_next_erase();
  SecurityEraseOptions o;
  o.recovery_file = temp_file("wipeproof-unit-recovery2.json");
  FirmwareReport r = ata_security_erase(d, *ata_identify(d), o);
  CHECK_FALSE(r.completed);
  CHECK(r.failure.find("ata-unlock") != std::string::npos);
  REQUIRE(std::filesystem::exists(o.recovery_file));
  CHECK((std::filesystem::status(o.recovery_file).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  d.power_cycle();
  CHECK(d.locked());
  CHECK(ata_identify(d)->security_locked);
  auto u = ata_unlock_from_recovery(d, o.recovery_file);
  REQUIRE(u);
  CHECK_FALSE(d.locked());
  CHECK_FALSE(d.security_enabled());
  std::filesystem::remove(o.recovery_file);
  // Five wrong passwords expire the counter until a power cycle.
  ata::SimAtaDrive e(ssd(), 2048);
  auto set = ata::security_data_block("right", false, false);
  REQUIRE(ata::ata_execute(e, ata::security_set_password(), set));
  e.power_cycle();
  auto wrong = ata::security_data_block("wrong", false, false);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(ata::ata_execute(e, ata::security_unlock(), wrong));
  CHECK(ata_identify(e)->security_count_expired);
  CHECK_FALSE(ata::ata_execute(e, ata::security_unlock(), set));
  e.power_cycle();
  CHECK(ata::ata_execute(e, ata::security_unlock(), set));
}

TEST_CASE("ATA sanitize with status polling, progress and failure", "[ata][sanitize]") {
  ata::SimAtaDrive d(ssd(), 2048);
  d.set_sanitize_polls(4);
  int reports = 0;
  FirmwareReport r = ata_sanitize(d, ata::SanitizeAction::crypto_scramble, {}, fast(),
                                  [&](const Progress&) { ++reports; });
  CHECK(r.completed);
  CHECK(reports == 4);
  CHECK_FALSE(all(d.media(), std::byte{0xA5}));
  d.fail_next_sanitize();
  FirmwareReport f = ata_sanitize(d, ata::SanitizeAction::block_erase, {}, fast(), {});
  CHECK_FALSE(f.completed);
  CHECK(f.failure.find("reason 1") != std::string::npos);
  // Leaving the failed state needs FAILURE MODE.
  CHECK_FALSE(ata_sanitize(d, ata::SanitizeAction::block_erase, {}, fast(), {}).completed);
  ata::SanitizeOptions fm;
  fm.failure_mode = true;
  CHECK(ata_sanitize(d, ata::SanitizeAction::block_erase, fm, fast(), {}).completed);
  CHECK(all(d.media(), std::byte{0}));
  CHECK_FALSE(ata_sanitize(d, ata::SanitizeAction::overwrite, {}, fast(), {}).completed);  // not supported
}

TEST_CASE("HPA detection and restore", "[ata][hpa]") {
  ata::SimAtaDrive d(ssd(), 4096);  // 2048 visible of 4096 native
  auto id = ata_identify(d);
  REQUIRE(id);
  CHECK(id->hpa_enabled);
  HiddenAreas h = ata_hidden_areas(d, *id);
  CHECK(h.current_sectors == 2048);
  REQUIRE(h.native_sectors);
  CHECK(*h.native_sectors == 4096);
  CHECK(h.hpa());
  REQUIRE(ata_restore_native_max(d, *id, h));
  CHECK(ata_identify(d)->sectors == 4096);
  CHECK_FALSE(ata_identify(d)->hpa_enabled);
}

TEST_CASE("NVMe format and sanitize against the simulated controller", "[nvme]") {
  nvme::IdController caps;
  caps.oacs = 0x2;
  caps.sanicap = 0x2;  // block erase only
  nvme::SimNvmeDrive d(caps, 1024);
  FirmwareReport c = nvme_format(d, 1, 0, nvme::SecureErase::crypto);
  CHECK_FALSE(c.completed);
  CHECK(c.failure.find("invalid field") != std::string::npos);
  CHECK(all(d.media(), std::byte{0xA5}));
  CHECK(nvme_format(d, 1, 0, nvme::SecureErase::user_data).completed);
  CHECK(all(d.media(), std::byte{0}));
  std::fill(d.media().begin(), d.media().end(), std::byte{0xA5});
  CHECK_FALSE(nvme_sanitize(d, nvme::SanitizeAction::crypto_erase, {}, fast(), {}).completed);
  FirmwareReport s = nvme_sanitize(d, nvme::SanitizeAction::block_erase, {}, fast(), {});
  CHECK(s.completed);
  CHECK(all(d.media(), std::byte{0}));
  d.fail_next_sanitize();
  CHECK(nvme_sanitize(d, nvme::SanitizeAction::block_erase, {}, fast(), {}).failure.find("failed") != std::string::npos);
  nvme::IdController qemu;  // QEMU 7.2: Format only, no Sanitize (0x4001)
  qemu.oacs = 0x010A;
  nvme::SimNvmeDrive q(qemu, 64);
  FirmwareReport qs = nvme_sanitize(q, nvme::SanitizeAction::block_erase, {}, fast(), {});
  CHECK(qs.failure.find("invalid command opcode") != std::string::npos);
}

TEST_CASE("planner decisions", "[planner]") {
  auto choose = [](DriveCapabilities c, Level l) { return plan_sanitization(c, l); };
  nvme::IdController n;
  n.oacs = 0x2;
  DriveCapabilities nv{"nvme", false, std::nullopt, n, ""};
  Plan p = choose(nv, Level::purge);
  CHECK(p.chosen.method == SanitizeMethod::nvme_format_user_data);
  CHECK(p.chosen.level == Level::clear);
  CHECK_FALSE(p.meets_request());
  CHECK(p.shortfall.find("purge requested") != std::string::npos);
  CHECK(std::count_if(p.rejected.begin(), p.rejected.end(), [](const std::string& s) { return s.find("SANICAP") != std::string::npos; }) == 3);
  CHECK(p.fallbacks.back().method == SanitizeMethod::overwrite);
  nv.nvme->fna = 0x4;
  CHECK(choose(nv, Level::purge).chosen.method == SanitizeMethod::nvme_format_crypto);
  nv.nvme->sanicap = 0x3;
  CHECK(choose(nv, Level::purge).chosen.method == SanitizeMethod::nvme_sanitize_crypto);
  CHECK(choose(nv, Level::purge).meets_request());
  nv.nvme->sanicap = 0x2;
  CHECK(choose(nv, Level::purge).chosen.method == SanitizeMethod::nvme_sanitize_block);

  DriveCapabilities s{"sata", false, ssd(), std::nullopt, ""};
  CHECK(choose(s, Level::purge).chosen.method == SanitizeMethod::ata_sanitize_crypto);
  s.ata = ssd(false);
  CHECK(choose(s, Level::purge).chosen.method == SanitizeMethod::ata_security_erase_enhanced);
  CHECK(choose(s, Level::purge).chosen.level == Level::clear);
  s.ata->security_frozen = true;
  Plan fz = choose(s, Level::purge);
  CHECK(fz.chosen.method == SanitizeMethod::overwrite);
  CHECK(std::any_of(fz.rejected.begin(), fz.rejected.end(), [](const std::string& r) { return r.find("frozen") != std::string::npos; }));

  auto hdd = ssd();
  hdd.rotational = true;
  hdd.overwrite_supported = true;
  DriveCapabilities h{"sata", true, hdd, std::nullopt, ""};
  CHECK(choose(h, Level::purge).chosen.method == SanitizeMethod::ata_sanitize_overwrite);
  DriveCapabilities usb{"usb", true, std::nullopt, std::nullopt, "the USB bridge does not pass ATA PASS-THROUGH"};
  Plan u = choose(usb, Level::purge);
  CHECK(u.chosen.method == SanitizeMethod::overwrite);
  CHECK(u.rejected.front().find("USB bridge") != std::string::npos);
  CHECK(choose(usb, Level::clear).meets_request());
}

#include "device/scsi/scsi_command.hpp"

TEST_CASE("SCSI SANITIZE CDB and parameter layouts (SBC-4 5.30)", "[scsi][builder]") {
  CHECK(scsi::sanitize_cdb(scsi::SanitizeAction::crypto_erase, true, false, 0) ==
        std::array<std::uint8_t, 10>{0x48, 0x83, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(scsi::sanitize_cdb(scsi::SanitizeAction::overwrite, true, true, 8) ==
        std::array<std::uint8_t, 10>{0x48, 0xA1, 0, 0, 0, 0, 0, 0, 8, 0});
  CHECK(scsi::overwrite_parameters(40, true, {0xAB, 0xCD}) == std::vector<std::uint8_t>{0x9F, 0, 0, 2, 0xAB, 0xCD});
  CHECK(scsi::rsoc_cdb(0x48, 3, 12) == std::array<std::uint8_t, 12>{0xA3, 0x0C, 0x03, 0x48, 0, 3, 0, 0, 0, 12, 0, 0});
  CHECK(scsi::format_unit_security_initialize_parameters()[1] == 0x88);
  CHECK(scsi::format_unit_security_initialize_parameters()[4] == 0x20);
}

TEST_CASE("SCSI sanitize against the simulated SAS drive: support, progress, failure", "[scsi]") {
  scsi::SimScsiDrive d(true, true, false, 64 * 1024);
  auto sup = scsi_sanitize_support(d);
  REQUIRE(sup);
  CHECK(sup->crypto);
  CHECK(sup->block);
  CHECK_FALSE(sup->overwrite);
  d.set_polls(4);
  int reports = 0;
  FirmwareReport r = scsi_sanitize(d, 3, fast(), [&](const Progress&) { ++reports; });
  CHECK(r.completed);
  CHECK(reports == 3);
  CHECK_FALSE(all(d.media(), std::byte{0xA5}));  // crypto erase: the old content now reads as noise
  CHECK_FALSE(all(d.media(), std::byte{0}));
  CHECK_FALSE(scsi_sanitize(d, 1, fast(), {}).completed);  // overwrite not supported
  d.fail_next();
  FirmwareReport f = scsi_sanitize(d, 2, fast(), {});
  CHECK_FALSE(f.completed);
  CHECK(f.failure.find("31h/03h") != std::string::npos);
  // ATA PASS-THROUGH to a SAS drive: ILLEGAL REQUEST, so ATA methods are not offered.
  CHECK_FALSE(ata_identify(d));
  DriveCapabilities caps;
  caps.bus = "sas";
  caps.rotational = true;
  caps.scsi_sanitize_crypto = true;
  Plan p = plan_sanitization(caps, Level::purge);
  CHECK(p.chosen.method == SanitizeMethod::scsi_sanitize_crypto);
  CHECK(p.meets_request());
}

TEST_CASE("SCSI FORMAT UNIT with security initialize as the Clear fallback", "[scsi]") {
  scsi::SimScsiDrive d(false, false, false, 64 * 1024, true);
  auto sup = scsi_sanitize_support(d);
  REQUIRE(sup);
  CHECK(sup->format_unit);
  CHECK_FALSE(sup->crypto);
  FirmwareReport r = scsi_format_unit(d);
  CHECK(r.completed);
  CHECK(all(d.media(), std::byte{0}));
  DriveCapabilities caps;
  caps.bus = "sas";
  caps.scsi_format_unit = true;
  Plan p = plan_sanitization(caps, Level::purge);
  CHECK(p.chosen.method == SanitizeMethod::scsi_format_unit);
  CHECK(p.chosen.level == Level::clear);
  CHECK_FALSE(p.meets_request());
  scsi::SimScsiDrive none(false, false, false, 4096, false);
  CHECK_FALSE(scsi_sanitize_support(none)->format_unit);
  CHECK_FALSE(scsi_format_unit(none).completed);
}

TEST_CASE("DCO detection and restore", "[ata][hpa]") {
  auto id = ssd();
  id.dco_supported = true;
  ata::SimAtaDrive d(id, 2048);
  d.set_dco_factory_sectors(3072);  // a DCO hides 1024 sectors
  auto got = ata_identify(d);
  REQUIRE(got);
  HiddenAreas h = ata_hidden_areas(d, *got);
  REQUIRE(h.dco_sectors);
  CHECK(*h.dco_sectors == 3072);
  CHECK(h.dco());
  CHECK_FALSE(h.hpa());
  REQUIRE(ata_restore_native_max(d, *got, h));
  CHECK(ata_identify(d)->sectors == 3072);
  CHECK(make_ata_pass_through_16(ata::dco_restore())[4] == 0xC0);
}

TEST_CASE("NVMe commands that span namespaces: Sanitize always, Format by FNA bits 0/1", "[planner][nvme]") {
  // NVMe 2.0 Identify Controller FNA: bit 0 format applies to all namespaces, bit 1 secure erase
  // applies to all namespaces, bit 2 crypto erase supported. Sanitize acts on the NVM subsystem.
  nvme::IdController c;
  c.oacs = 0x2;
  c.sanicap = 0x7;
  for (std::uint8_t fna : {0x0, 0x4}) {
    c.fna = fna;
    CHECK(wipe::spans_namespaces(SanitizeMethod::nvme_sanitize_block, c));
    CHECK_FALSE(wipe::spans_namespaces(SanitizeMethod::nvme_format_user_data, c));
    CHECK_FALSE(wipe::spans_namespaces(SanitizeMethod::overwrite, c));
  }
  for (std::uint8_t fna : {0x1, 0x2, 0x5}) {
    c.fna = fna;
    CHECK(wipe::spans_namespaces(SanitizeMethod::nvme_format_user_data, c));
    CHECK(wipe::spans_namespaces(SanitizeMethod::nvme_format_crypto, c));
  }
  CHECK_FALSE(wipe::spans_namespaces(SanitizeMethod::ata_sanitize_block, c));

  wipe::DriveCapabilities caps;
  caps.bus = "nvme";
  c.fna = 0x0;
  caps.nvme = c;
  wipe::Plan p = wipe::plan_sanitization(caps, wipe::Level::purge);
  REQUIRE(p.chosen.method == SanitizeMethod::nvme_sanitize_crypto);
  wipe::refuse_spanning(p, c, "/dev/nvme0n2: mounted on /");
  // Every Sanitize action is gone; Format of this namespace alone is next, then the overwrite.
  CHECK(p.chosen.method == SanitizeMethod::nvme_format_user_data);
  REQUIRE_FALSE(p.fallbacks.empty());
  CHECK(p.fallbacks.back().method == SanitizeMethod::overwrite);
  int refused = 0;
  for (const auto& r : p.rejected)
    if (r.rfind("refused nvme-sanitize-", 0) == 0 && r.find("mounted on /") != std::string::npos) ++refused;
  CHECK(refused == 3);
  c.fna = 0x1;  // Format spans too: only the host overwrite is left
  wipe::Plan q = wipe::plan_sanitization(caps, wipe::Level::purge);
  wipe::refuse_spanning(q, c, "busy");
  CHECK(q.chosen.method == SanitizeMethod::overwrite);
  CHECK(q.fallbacks.empty());
}

TEST_CASE("the method table: every name round-trips, every id has one row", "[method]") {
  std::set<std::string> names;
  for (const auto& m : all_sanitize_methods()) {
    CHECK(names.insert(m.name).second);
    CHECK(sanitize_method_from_name(m.name) == std::optional<SanitizeMethod>(m.id));
    CHECK(&method_info(m.id) == &m);
  }
  CHECK_FALSE(sanitize_method_from_name("nvme-sanitize"));
  // IEEE 2883: Sanitize commands and the Opal revert are Purge; the legacy commands Clear.
  CHECK(method_level(SanitizeMethod::nvme_format_crypto, false) == SanitizeLevel::clear);
  CHECK(method_level(SanitizeMethod::ata_security_erase_enhanced, true) == SanitizeLevel::clear);
  CHECK(method_level(SanitizeMethod::scsi_sanitize_overwrite, true) == SanitizeLevel::purge);
  CHECK(method_level(SanitizeMethod::opal_psid_revert, std::nullopt) == SanitizeLevel::purge);
  CHECK_FALSE(is_firmware_method(SanitizeMethod::overwrite));
  CHECK_FALSE(is_firmware_method(SanitizeMethod::verification_only));
}
