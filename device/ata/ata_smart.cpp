#include "device/ata/ata_smart.hpp"

#include <arpa/inet.h>
#include <atasmart.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "device/ata/ata_command.hpp"

namespace wipeproof::ata {
namespace {

// libatasmart blob records: a four-character tag as it sits in memory ("IDFY", "SMDT", "SMTH",
// "SMST"; libatasmart compares it as a native u32), a big-endian u32 size, then the data.
constexpr const char* kTagIdentify = "IDFY";
constexpr const char* kTagSmartData = "SMDT";
constexpr const char* kTagThresholds = "SMTH";

void append(std::vector<std::byte>& blob, const char* tag, const void* data, std::uint32_t size) {
  std::uint32_t be = htonl(size);
  auto put = [&](const void* p, std::size_t n) {
    auto* b = static_cast<const std::byte*>(p);
    blob.insert(blob.end(), b, b + n);
  };
  put(tag, 4);
  put(&be, 4);
  put(data, size);
}

AtaCommand smart_read(std::uint8_t feature) {
  AtaCommand c;
  c.command = kSmart;
  c.features = feature;
  c.lba = 0xC24F00;
  c.count = 1;
  c.protocol = Protocol::pio_in;
  return c;
}

struct DiskFree {
  void operator()(SkDisk* d) const { sk_disk_free(d); }
};

}  // namespace

std::string AtaSmartReport::summary() const {
  std::string s = fmt::format("ATA SMART: {} (self-assessment {}), {} bad sectors, {} power-on hours", overall,
                              status_good ? "passed" : "FAILED", bad_sectors, power_on_hours);
  if (temperature_c) s += fmt::format(", {} C", temperature_c);
  return s;
}

Result<AtaSmartReport> read_ata_smart(device::ScsiTransport& t) {
  std::array<std::byte, 512> identify{}, data{}, thresholds{};
  WP_RETURN_IF_ERROR(ata_execute(t, identify_device(), identify));
  WP_RETURN_IF_ERROR(ata_execute(t, smart_read(0xD0), data));
  bool have_thresholds = ata_execute(t, smart_read(0xD1), thresholds).has_value();
  WP_ASSIGN_OR_RETURN(AtaRegisters st, ata_execute(t, smart_return_status(), {}));
  AtaSmartReport r;
  r.status_good = decode_smart_status(st) != SmartHealth::failing;

  std::vector<std::byte> blob;
  append(blob, kTagIdentify, identify.data(), 512);
  append(blob, kTagSmartData, data.data(), 512);
  if (have_thresholds) append(blob, kTagThresholds, thresholds.data(), 512);

  SkDisk* raw = nullptr;
  if (sk_disk_open(nullptr, &raw) < 0) return make_error(ErrorKind::internal, "libatasmart: cannot create a blob disk");
  std::unique_ptr<SkDisk, DiskFree> disk(raw);
  if (sk_disk_set_blob(disk.get(), blob.data(), blob.size()) < 0)
    return make_error(ErrorKind::device_status, "libatasmart rejected the SMART data");
  std::uint64_t v = 0;
  if (sk_disk_smart_get_bad(disk.get(), &v) == 0) r.bad_sectors = v;
  // libatasmart 0.19 cannot report the self-assessment of a blob-only disk (sk_disk_smart_status
  // fails with ENOTSUP), so its get_overall fails too: combine the same inputs here, in its order.
  SkSmartOverall overall{};
  if (sk_disk_smart_get_overall(disk.get(), &overall) == 0) {
    const char* s = sk_smart_overall_to_string(overall);
    r.overall = s ? s : "unknown";
  } else {
    r.overall = !r.status_good ? "BAD_STATUS" : r.bad_sectors > 0 ? "BAD_SECTOR" : "GOOD";
  }
  if (sk_disk_smart_get_power_on(disk.get(), &v) == 0) r.power_on_hours = v / 3600000;
  if (sk_disk_smart_get_temperature(disk.get(), &v) == 0 && v > 273150) r.temperature_c = static_cast<int>((v - 273150) / 1000);
  return r;
}

}  // namespace wipeproof::ata
