// What drives send back: ATA IDENTIFY, NVMe Identify Controller/Namespace, Sanitize and SMART log
// pages, SCSI sense data and the READ DEFECT DATA header. The first byte picks the parser; the
// rest is the response, padded or cut to the size the transport would deliver.
#include <vector>

#include "device/ata/ata_identify.hpp"
#include "device/nvme/nvme_command.hpp"
#include "device/scsi/scsi_command.hpp"
#include "device/scsi/scsi_transport.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t which = data[0] % 7;
  std::vector<std::byte> buf(reinterpret_cast<const std::byte*>(data + 1), reinterpret_cast<const std::byte*>(data + size));
  auto sized = [&](std::size_t n) {
    std::vector<std::byte> b = buf;
    b.resize(n);
    return b;
  };
  switch (which) {
    case 0: { auto b = sized(512); (void)ata::parse_identify(b); break; }
    case 1: { auto b = sized(4096); (void)nvme::parse_id_controller(b); break; }
    case 2: { auto b = sized(4096); (void)nvme::parse_id_namespace(b); break; }
    case 3: { auto b = sized(512); (void)nvme::parse_sanitize_log(b); break; }
    case 4: { auto b = sized(512); (void)nvme::parse_smart_log(b); break; }
    case 5: {  // sense data arrives in any length up to the buffer the kernel was given
      std::span<const std::uint8_t> sense(data + 1, size - 1);
      (void)device::parse_sense(sense);
      break;
    }
    case 6: (void)scsi::grown_defects(buf); break;
  }
  return 0;
}
