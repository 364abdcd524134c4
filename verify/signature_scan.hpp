#pragma once
// After a wipe, nothing on the device may still look like a filesystem, RAID/LVM member or
// partition table. libblkid probes the same signatures wipefs(8) finds.
#include <string>

#include "core/records.hpp"

namespace wipeproof::verify {

/// Probes `path` (block device or image) for every superblock and partition-table signature.
/// hits empty and clean == true means none was found.
SignatureScan scan_signatures(const std::string& path);

}  // namespace wipeproof::verify
