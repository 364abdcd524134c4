#include "device/device_inventory.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/sys.hpp"

namespace wipeproof::device {
namespace fs = std::filesystem;
namespace {

std::string sysfs_attr(const fs::path& p) {
  auto r = read_text_file(p.string());
  if (!r) return {};
  std::string s = *r;
  // Trim and keep printable ASCII: odd IDENTIFY bytes must not reach a JSON record.
  std::string out;
  for (char c : s)
    if (c >= 0x20 && c < 0x7f) out.push_back(c);
  auto b = out.find_first_not_of(' ');
  auto e = out.find_last_not_of(' ');
  return b == std::string::npos ? std::string{} : out.substr(b, e - b + 1);
}

std::uint64_t sysfs_u64(const fs::path& p) {
  std::string s = sysfs_attr(p);
  try {
    return s.empty() ? 0 : std::stoull(s);
  } catch (...) {
    return 0;
  }
}

/// Unit serial number from the raw VPD page 80h (SPC-4 7.8.15): 4-byte header, then ASCII.
std::string vpd_serial(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  if (raw.size() < 5 || static_cast<unsigned char>(raw[1]) != 0x80) return {};
  std::string out;
  for (std::size_t i = 4; i < raw.size(); ++i)
    if (raw[i] > 0x20 && raw[i] < 0x7f) out.push_back(raw[i]);
  return out;
}

std::string dev_id(dev_t d) { return fmt::format("{}:{}", major(d), minor(d)); }

/// udev's property (E:KEY=value) for a device number, when udev runs.
std::string udev_property(const std::string& majmin, const std::string& key) {
  std::ifstream in("/run/udev/data/b" + majmin);
  std::string line;
  std::string prefix = "E:" + key + "=";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return {};
}

std::string detect_transport(const std::string& name, const std::string& real) {
  if (name.rfind("loop", 0) == 0) return "loop";
  if (name.rfind("nvme", 0) == 0) return "nvme";
  if (name.rfind("mmcblk", 0) == 0) return "mmc";
  if (name.rfind("zram", 0) == 0 || name.rfind("ram", 0) == 0) return "ram";
  if (real.find("/usb") != std::string::npos) return "usb";
  if (real.find("virtio") != std::string::npos) return "virtio";
  if (real.find("/ata") != std::string::npos) return "sata";
  if (real.find("/end_device-") != std::string::npos || real.find("/sas_") != std::string::npos) return "sas";
  if (real.find("/host") != std::string::npos) return "scsi";
  return "unknown";
}

struct MountEntry {
  std::string majmin;
  std::string source;
  std::string mountpoint;
};

std::vector<MountEntry> read_mounts() {
  std::vector<MountEntry> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string id, parent, majmin, root, mountpoint, tok;
    ls >> id >> parent >> majmin >> root >> mountpoint;
    while (ls >> tok && tok != "-") {}
    std::string fstype, source;
    ls >> fstype >> source;
    out.push_back({majmin, source, mountpoint});
  }
  return out;
}

std::set<std::string> read_swap_devices() {
  std::set<std::string> out;
  std::ifstream in("/proc/swaps");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string file;
    ls >> file;
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) out.insert(dev_id(st.st_rdev));
  }
  return out;
}

/// The whole-disk names under a block device, following partitions and dm/md slaves down.
void add_base_disks(const std::string& name, std::set<std::string>& out, int depth = 0) {
  if (depth > 8 || name.empty()) return;
  out.insert(name);
  fs::path cls = fs::path("/sys/class/block") / name;
  std::error_code ec;
  if (fs::exists(cls / "partition", ec)) {
    fs::path parent = fs::canonical(cls, ec).parent_path();
    if (!ec) add_base_disks(parent.filename().string(), out, depth + 1);
  }
  for (const auto& slave : fs::directory_iterator(cls / "slaves", ec))
    add_base_disks(slave.path().filename().string(), out, depth + 1);
}

std::string name_of_devnum(const std::string& majmin) {
  std::error_code ec;
  fs::path real = fs::canonical(fs::path("/sys/dev/block") / majmin, ec);
  return ec ? std::string{} : real.filename().string();
}

/// Kernel names of every block device that / or /boot lives on.
std::set<std::string> system_devices(const std::vector<MountEntry>& mounts) {
  std::set<std::string> out;
  for (const char* mp : {"/", "/boot", "/boot/efi", "/usr"}) {
    for (const auto& m : mounts) {
      if (m.mountpoint != mp) continue;
      add_base_disks(name_of_devnum(m.majmin), out);
      if (m.source.rfind("/dev/", 0) == 0) {
        struct stat st {};
        if (::stat(m.source.c_str(), &st) == 0 && S_ISBLK(st.st_mode))
          add_base_disks(name_of_devnum(dev_id(st.st_rdev)), out);
      }
    }
  }
  return out;
}

BlockDeviceInfo read_info(const std::string& name, const std::vector<MountEntry>& mounts,
                          const std::set<std::string>& swaps, const std::set<std::string>& system) {
  BlockDeviceInfo info;
  info.name = name;
  info.path = "/dev/" + name;
  fs::path cls = fs::path("/sys/class/block") / name;
  std::error_code ec;
  fs::path real = fs::canonical(cls, ec);
  bool is_partition = fs::exists(cls / "partition", ec);
  std::string disk = name;
  if (is_partition) {
    disk = real.parent_path().filename().string();
    info.parent = disk;
  }
  fs::path disk_dir = fs::path("/sys/block") / disk;
  fs::path dev = disk_dir / "device";

  info.size_bytes = sysfs_u64(cls / "size") * 512;  // sysfs counts 512-byte units always
  info.logical_sector_size = static_cast<std::uint32_t>(sysfs_u64(disk_dir / "queue/logical_block_size"));
  info.physical_sector_size = static_cast<std::uint32_t>(sysfs_u64(disk_dir / "queue/physical_block_size"));
  if (info.logical_sector_size == 0) info.logical_sector_size = 512;
  if (info.physical_sector_size == 0) info.physical_sector_size = info.logical_sector_size;
  info.rotational = sysfs_u64(disk_dir / "queue/rotational") != 0;
  info.removable = sysfs_u64(disk_dir / "removable") != 0;
  info.read_only = sysfs_u64(cls / "ro") != 0;
  info.transport = detect_transport(disk, fs::canonical(disk_dir, ec).string());

  std::string disk_majmin = sysfs_attr(disk_dir / "dev");
  info.model = sysfs_attr(dev / "model");
  info.serial = sysfs_attr(dev / "serial");
  if (info.serial.empty()) info.serial = sysfs_attr(disk_dir / "serial");  // virtio-blk
  if (info.serial.empty()) info.serial = udev_property(disk_majmin, "ID_SERIAL_SHORT");
  if (info.serial.empty()) info.serial = vpd_serial(dev / "vpd_pg80");  // no udev (boot image): SPC VPD 80h
  info.wwn = sysfs_attr(dev / "wwid");
  if (info.wwn.empty()) info.wwn = sysfs_attr(disk_dir / "wwid");
  if (info.wwn.empty()) info.wwn = udev_property(disk_majmin, "ID_WWN");
  info.firmware = sysfs_attr(dev / "firmware_rev");
  if (info.firmware.empty()) info.firmware = sysfs_attr(dev / "rev");
  if (info.transport == "loop") {
    info.model = "loop device";
    info.backing_file = sysfs_attr(disk_dir / "loop/backing_file");
  }

  // In-use checks cover the named device and, for a whole disk, each of its partitions.
  std::vector<std::string> names{name};
  if (!is_partition)
    for (const auto& e : fs::directory_iterator(disk_dir, ec))
      if (fs::exists(e.path() / "partition", ec)) names.push_back(e.path().filename().string());
  for (const auto& n : names) {
    fs::path c = fs::path("/sys/class/block") / n;
    std::string majmin = sysfs_attr(c / "dev");
    for (const auto& m : mounts)
      if (m.majmin == majmin || m.source == "/dev/" + n)
        info.usage.mountpoints.push_back(m.mountpoint);
    if (swaps.count(majmin)) info.usage.swap.push_back("/dev/" + n);
    for (const auto& h : fs::directory_iterator(c / "holders", ec))
      info.usage.holders.push_back(h.path().filename().string());
    if (system.count(n)) info.usage.system = true;
  }
  if (system.count(disk)) info.usage.system = true;
  return info;
}

}  // namespace

Result<std::vector<BlockDeviceInfo>> list_block_devices() {
  std::error_code ec;
  auto mounts = read_mounts();
  auto swaps = read_swap_devices();
  auto system = system_devices(mounts);
  std::vector<BlockDeviceInfo> out;
  for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
    std::string name = e.path().filename().string();
    if (sysfs_u64(e.path() / "size") == 0) continue;  // unattached loop devices, empty card readers
    out.push_back(read_info(name, mounts, swaps, system));
  }
  if (ec) return sys_error("list /sys/block", ec.value());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<BlockDeviceInfo> inspect_block_device(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_error("cannot open " + path, errno);
  if (!S_ISBLK(st.st_mode)) return make_error(ErrorKind::refused, path + ": not a block device");
  std::string name = name_of_devnum(dev_id(st.st_rdev));
  if (name.empty()) return make_error(ErrorKind::sys, path + ": not found in /sys/dev/block", ENODEV);
  auto mounts = read_mounts();
  BlockDeviceInfo info = read_info(name, mounts, read_swap_devices(), system_devices(mounts));
  info.path = path;
  return info;
}

Result<void> rescan_capacity(const std::string& name) {
  fs::path rescan = fs::path("/sys/block") / name / "device/rescan";
  std::ofstream out(rescan);
  if (!out) return sys_error("cannot ask the kernel to re-read the capacity (" + rescan.string() + ")", errno ? errno : ENOENT);
  out << "1\n";
  out.flush();
  if (!out) return sys_error("writing " + rescan.string(), errno ? errno : EIO);
  return {};
}

std::vector<std::string> nvme_other_namespaces(const std::string& name) {
  std::vector<std::string> out;
  // nvme<ctrl>n<ns>: the controller's namespaces share the "nvme<ctrl>n" prefix in /sys/block.
  if (name.rfind("nvme", 0) != 0) return out;
  std::size_t n = name.find('n', 4);
  if (n == std::string::npos || n == 4) return out;
  const std::string prefix = name.substr(0, n + 1);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
    std::string other = e.path().filename().string();
    if (other != name && other.rfind(prefix, 0) == 0 &&
        other.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
      out.push_back(other);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> image_file_users(const std::string& path) {
  std::vector<std::string> users;
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return users;
  auto same_file = [&](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino;
  };
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("loop", 0) != 0) continue;
    std::string backing = sysfs_attr(e.path() / "loop/backing_file");
    if (!backing.empty() && same_file(backing)) users.push_back("/dev/" + name + " is backed by it (losetup -d first)");
  }
  std::ifstream swaps("/proc/swaps");
  std::string line;
  std::getline(swaps, line);  // header
  while (std::getline(swaps, line)) {
    std::string file = line.substr(0, line.find_first_of(" \t"));
    if (same_file(file)) users.push_back("active swap (swapoff " + file + " first)");
  }
  // Another process with the file open for writing (fdinfo flags: O_WRONLY = 1, O_RDWR = 2).
  const std::string self = std::to_string(::getpid());
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    std::string pid = proc.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
    std::error_code fd_ec;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", fd_ec)) {
      std::error_code link_ec;
      fs::path to = fs::read_symlink(fd.path(), link_ec);
      if (link_ec || !same_file(to.string())) continue;
      std::ifstream info(proc.path() / "fdinfo" / fd.path().filename());
      std::string key;
      unsigned long flags = 0;
      while (info >> key)
        if (key == "flags:") {
          info >> std::oct >> flags;
          break;
        }
      if ((flags & 3) == 0) continue;
      std::string comm = sysfs_attr(proc.path() / "comm");
      users.push_back(fmt::format("open for writing by process {} ({})", pid, comm));
      break;
    }
  }
  return users;
}

DeviceIdentity identity_from(const BlockDeviceInfo& info) {
  DeviceIdentity id;
  id.path = info.path;
  id.kind = "block";
  id.kernel_name = info.name;
  id.model = info.model;
  id.serial = info.serial;
  id.wwn = info.wwn;
  id.firmware = info.firmware;
  id.transport = info.transport;
  // sysfs queue/rotational defaults to 1 for every SCSI disk whose VPD page B1h says nothing,
  // which is what USB bridges and card readers do: a USB stick would be recorded as magnetic.
  // Unknown until the drive itself says (ATA IDENTIFY word 217, job/drive_probe.cpp).
  if (info.transport != "usb" && info.transport != "mmc") id.rotational = info.rotational;
  id.size_bytes = info.size_bytes;
  id.logical_sector_size = info.logical_sector_size;
  id.physical_sector_size = info.physical_sector_size;
  return id;
}

}  // namespace wipeproof::device
