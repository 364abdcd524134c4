#pragma once
// What the system knows about a block device: identity from sysfs/udev, and every reason it may
// be in use. Read from /sys, /proc/self/mountinfo, /proc/swaps and /run/udev (Linux only; the
// implementation is device_inventory_linux.cpp).
#include <optional>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::device {

struct DeviceUsage {
  std::vector<std::string> mountpoints;  ///< of the device or any of its partitions
  std::vector<std::string> swap;         ///< the device or partitions that are active swap
  std::vector<std::string> holders;      ///< dm/md devices stacked on it (LVM, RAID, LUKS)
  bool system = false;                   ///< holds / or /boot (directly or under dm/md)
  bool in_use() const { return !mountpoints.empty() || !swap.empty() || !holders.empty() || system; }
};

struct BlockDeviceInfo {
  std::string name;          ///< kernel name: "sda", "nvme0n1", "loop3", "sda1"
  std::string path;          ///< "/dev/sda"
  std::string parent;        ///< the whole disk for a partition, else empty
  std::string model;
  std::string serial;
  std::string wwn;
  std::string firmware;
  std::string transport;     ///< sata, sas, nvme, usb, virtio, loop, mmc, scsi, ram, unknown
  std::string backing_file;  ///< loop devices only
  std::uint64_t size_bytes = 0;
  std::uint32_t logical_sector_size = 512;
  std::uint32_t physical_sector_size = 512;
  bool rotational = false;
  bool removable = false;
  bool read_only = false;
  DeviceUsage usage;
};

/// Whole disks under /sys/block with a non-zero size, sorted by name.
Result<std::vector<BlockDeviceInfo>> list_block_devices();

/// The device node at `path` (any name that resolves to a block device node).
Result<BlockDeviceInfo> inspect_block_device(const std::string& path);

/// Everything that uses an image file and makes writing it unsafe: a loop device backed by it
/// (mounted or not — its contents are somebody's disk), active swap on it, another process
/// holding it open for writing. One line each, naming who ("/dev/loop3 is backed by it").
std::vector<std::string> image_file_users(const std::string& path);

/// The other namespaces of the NVMe controller behind `name` ("nvme0n1" -> nvme0n2, nvme0n3…),
/// as kernel names; empty for anything else.
std::vector<std::string> nvme_other_namespaces(const std::string& name);

/// Asks the kernel to read a SCSI/ATA disk's capacity again (sysfs device/rescan), after its
/// accessible maximum changed under it (HPA restored).
Result<void> rescan_capacity(const std::string& name);

/// Identity for the record, from inventory data (block devices) or the file (images).
DeviceIdentity identity_from(const BlockDeviceInfo& info);

}  // namespace wipeproof::device
