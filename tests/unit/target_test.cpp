#include <catch2/catch.hpp>

#include "device/sim_block_device.hpp"
#include "device/target.hpp"

using namespace wipeproof;
using namespace wipeproof::device;

namespace {

Target block_target(const std::string& serial = "S1X2Y3") {
  Target t;
  t.path = "/dev/sdz";
  t.is_block = true;
  BlockDeviceInfo info;
  info.name = "sdz";
  info.serial = serial;
  t.info = info;
  return t;
}

}  // namespace

TEST_CASE("every in-use reason refuses with its own message", "[safety]") {
  Target t = block_target();
  CHECK(check_not_in_use(t));
  {
    Target m = t;
    m.info->usage.mountpoints = {"/srv/data"};
    auto r = check_not_in_use(m);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::refused);
    CHECK(r.error().context == "/dev/sdz: mounted on /srv/data");
  }
  {
    Target s = t;
    s.info->usage.swap = {"/dev/sdz2"};
    CHECK(check_not_in_use(s).error().context == "/dev/sdz: /dev/sdz2 is active swap");
  }
  {
    Target h = t;
    h.info->usage.holders = {"dm-0"};
    CHECK(check_not_in_use(h).error().context == "/dev/sdz: in use by dm-0 (dm/md/LVM member)");
  }
  {
    Target sys = t;
    sys.info->usage.system = true;
    CHECK(check_not_in_use(sys).error().context == "/dev/sdz: holds the running system (/ or /boot)");
  }
  {
    Target ro = t;
    ro.info->read_only = true;
    CHECK(check_not_in_use(ro).error().kind == ErrorKind::refused);
  }
}

TEST_CASE("confirmation names the serial, or the kernel name when there is none", "[safety]") {
  Target t = block_target();
  CHECK(confirmation_token(t) == "S1X2Y3");
  CHECK(authorize_wipe(t, std::nullopt).error().kind == ErrorKind::refused);
  CHECK(authorize_wipe(t, std::string("sdz")).error().kind == ErrorKind::refused);
  CHECK(authorize_wipe(t, std::string("S1X2Y3")));
  Target noserial = block_target("");
  CHECK(confirmation_token(noserial) == "sdz");
  CHECK(authorize_wipe(noserial, std::string("sdz")));
  // A mounted device stays refused even when confirmed.
  Target m = block_target();
  m.info->usage.mountpoints = {"/"};
  CHECK(authorize_wipe(m, std::string("S1X2Y3")).error().kind == ErrorKind::refused);
}

TEST_CASE("image files need no confirmation; other paths are refused", "[safety]") {
  auto dir = inspect_target("/tmp");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().kind == ErrorKind::refused);
  auto missing = inspect_target("/nonexistent/wipeproof");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::sys);
  Target img;
  img.path = "x.img";
  CHECK(confirmation_token(img).empty());
  CHECK(authorize_wipe(img, std::nullopt));
}

TEST_CASE("the simulated device injects the faults tests rely on", "[sim]") {
  SimBlockDevice dev(64 * 1024);
  std::vector<std::byte> buf(1024, std::byte{0x5A});
  dev.fail_writes_at(4);
  CHECK(dev.write_at(0, buf));
  CHECK(dev.write_at(2048, buf).error().sys_errno == EIO);
  dev.drop_writes(10, 1);
  CHECK(dev.write_at(10 * 512, std::span(buf).first(512)));
  CHECK(dev.contents()[10 * 512] == std::byte{0});
  dev.fail_reads_at(0);
  CHECK(dev.read_at(0, buf).error().sys_errno == EIO);
  CHECK_FALSE(dev.read_at(64 * 1024 - 512, buf));  // beyond the end
  dev.vanish_after_bytes_written(0);
  auto gone = dev.flush();
  REQUIRE_FALSE(gone);
  CHECK(is_device_gone(gone.error()));
}
