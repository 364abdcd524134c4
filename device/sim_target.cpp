#include "device/sim_target.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::device {
namespace {

tl::unexpected<Error> bad(std::string_view text, const std::string& why) {
  return make_error(ErrorKind::usage, fmt::format("simulated target '{}': {}", text, why));
}

Result<std::uint64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return make_error(ErrorKind::usage, "not a number: '" + std::string(s) + "'");
  return std::stoull(std::string(s));
}

/// 4096, 512K, 64M, 64MiB, 1G, 1GiB (binary multiples, as dd and losetup read them).
Result<std::uint64_t> parse_size(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  WP_ASSIGN_OR_RETURN(std::uint64_t n, parse_number(s.substr(0, digits)));
  std::string_view unit = s.substr(digits);
  int shift = 0;
  if (unit == "" ) shift = 0;
  else if (unit == "K" || unit == "KiB") shift = 10;
  else if (unit == "M" || unit == "MiB") shift = 20;
  else if (unit == "G" || unit == "GiB") shift = 30;
  else return make_error(ErrorKind::usage, "size unit must be K, M or G (binary), got '" + std::string(unit) + "'");
  if (n > (kSimMaxSize >> shift)) return make_error(ErrorKind::usage, "size above the 4 GiB a simulated drive may hold in memory");
  return n << shift;
}

const std::set<std::string>& caps_of(SimKind k) {
  static const std::set<std::string> ata{"security", "enhanced", "sanitize", "crypto", "block", "overwrite", "smart"};
  static const std::set<std::string> nv{"format", "format-crypto", "sanitize", "crypto", "block", "overwrite", "emvs"};
  static const std::set<std::string> sc{"sanitize", "crypto", "block", "overwrite", "format"};
  return k == SimKind::nvme ? nv : k == SimKind::scsi ? sc : ata;
}

bool has(const SimTargetSpec& s, const char* cap) {
  return !s.removed_caps.count(cap) && !(s.removed_caps.count("sanitize") &&
                                         (std::string_view(cap) == "crypto" || std::string_view(cap) == "block" ||
                                          std::string_view(cap) == "overwrite" || std::string_view(cap) == "emvs"));
}

std::string default_serial(SimKind k) {
  switch (k) {
    case SimKind::ata_ssd: return "SIMSSD0001";
    case SimKind::ata_hdd: return "SIMHDD0001";
    case SimKind::nvme: return "SIMNVME0001";
    case SimKind::scsi: return "SIMSAS0001";
  }
  return "SIM0001";
}

}  // namespace

const char* sim_kind_name(SimKind k) {
  switch (k) {
    case SimKind::ata_ssd: return "ata-ssd";
    case SimKind::ata_hdd: return "ata-hdd";
    case SimKind::nvme: return "nvme";
    case SimKind::scsi: return "scsi";
  }
  return "?";
}

bool is_sim_target(std::string_view text) { return text.rfind("sim:", 0) == 0; }

Result<void> sim_targets_allowed() {
  const char* v = std::getenv("WIPEPROOF_ALLOW_SIM");
  if (v && std::string_view(v) == "1") return {};
  return make_error(ErrorKind::refused,
                    "simulated drives (sim:...) are for rehearsals and tests only: set WIPEPROOF_ALLOW_SIM=1 "
                    "(docs/testing.md)");
}

Result<SimTargetSpec> parse_sim_target(std::string_view text) {
  if (!is_sim_target(text)) return bad(text, "must start with sim:");
  std::string_view rest = text.substr(4);
  std::string_view kind = rest.substr(0, rest.find('?'));
  SimTargetSpec s;
  if (kind == "ata-ssd") s.kind = SimKind::ata_ssd;
  else if (kind == "ata-hdd") s.kind = SimKind::ata_hdd;
  else if (kind == "nvme") s.kind = SimKind::nvme;
  else if (kind == "scsi") s.kind = SimKind::scsi;
  else return bad(text, "kind must be ata-ssd, ata-hdd, nvme or scsi, got '" + std::string(kind) + "'");
  std::string_view query = kind.size() < rest.size() ? rest.substr(kind.size() + 1) : std::string_view{};
  std::set<std::string> seen;
  bool honest = false;
  while (!query.empty()) {
    std::string_view item = query.substr(0, query.find('&'));
    query = item.size() < query.size() ? query.substr(item.size() + 1) : std::string_view{};
    if (item.empty()) return bad(text, "empty parameter (two '&' in a row?)");
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad(text, "parameter '" + std::string(item) + "' needs =VALUE");
    std::string key(item.substr(0, eq));
    std::string_view value = item.substr(eq + 1);
    if (value.empty()) return bad(text, key + "= needs a value");
    if (key != "lie" && key != "caps" && key != "fault" && !seen.insert(key).second) return bad(text, key + "= given twice");
    if (key == "size") {
      auto n = parse_size(value);
      if (!n) return bad(text, n.error().context);
      if (*n < 1024 * 1024 || *n % 4096) return bad(text, "size must be at least 1M and a multiple of 4K");
      s.size_bytes = *n;
    } else if (key == "hpa") {
      auto n = parse_size(value);
      if (!n || *n == 0 || *n % 8) return bad(text, "hpa= is a count of 512-byte sectors, a multiple of 8 (4K)");
      if (s.kind != SimKind::ata_ssd && s.kind != SimKind::ata_hdd) return bad(text, "hpa= needs an ATA kind");
      s.hpa_sectors = *n;
    } else if (key == "backing") {
      s.backing = value;
    } else if (key == "serial") {
      if (value.size() > 20 || !std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7F; }))
        return bad(text, "serial must be 1-20 printable characters without spaces");
      s.serial = value;
    } else if (key == "lie") {
      if (value == "none") {
        honest = true;
      } else if (value == "noop") {
        s.lies.noop = true;
      } else if (value == "zero-read") {
        if (s.kind == SimKind::ata_hdd || s.kind == SimKind::scsi)
          return bad(text, "lie=zero-read needs a drive that deallocates (ata-ssd or nvme); a "
                           "spinning disk has no mapping to hide data behind");
        s.lies.zero_read = true;
      } else if (value.rfind("skip:", 0) == 0) {
        std::string_view r = value.substr(5);
        auto dash = r.find('-');
        if (dash == std::string_view::npos) return bad(text, "lie=skip:FROM-TO takes an LBA range, e.g. skip:100-199");
        auto a = parse_number(r.substr(0, dash));
        auto b = parse_number(r.substr(dash + 1));
        if (!a || !b) return bad(text, "lie=skip:FROM-TO: " + (a ? b.error() : a.error()).context);
        if (*b < *a) return bad(text, fmt::format("lie=skip:{}-{}: TO is below FROM", *a, *b));
        s.lies.skip.emplace_back(*a, *b);
      } else if (value.rfind("remap:", 0) == 0) {
        auto n = parse_number(value.substr(6));
        if (!n || *n == 0 || *n > 4096) return bad(text, "lie=remap:N takes N from 1 to 4096");
        s.lies.remap = *n;
      } else {
        return bad(text, "lie must be none, noop, skip:FROM-TO, remap:N or zero-read, got '" + std::string(value) + "'");
      }
    } else if (key == "fault") {
      if (value.rfind("vanish:", 0) == 0) {
        auto n = parse_size(value.substr(7));
        if (!n || *n == 0) return bad(text, "fault=vanish:SIZE takes the bytes written before the drive disappears, e.g. vanish:4M");
        s.vanish_after = *n;
        continue;
      }
      // bad: a medium error as real drives show it once their spares are gone: the sector can be
      // neither written nor read. write: only writes fail and the old data still reads back (what
      // a verification must call not erased).
      bool write = value.rfind("write:", 0) == 0, read = value.rfind("read:", 0) == 0, both = value.rfind("bad:", 0) == 0;
      // Found by fuzz_sim_target: take the range only after a known prefix matched.
      std::string_view r = write ? value.substr(6) : read ? value.substr(5) : both ? value.substr(4) : std::string_view{};
      auto dash = r.find('-');
      if ((!write && !read && !both) || dash == std::string_view::npos)
        return bad(text, "fault= takes bad:FROM-TO, write:FROM-TO, read:FROM-TO (LBAs) or vanish:SIZE, e.g. fault=bad:100-103");
      auto a = parse_number(r.substr(0, dash));
      auto b = parse_number(r.substr(dash + 1));
      if (!a || !b) return bad(text, "fault=: " + (a ? b.error() : a.error()).context);
      if (*b < *a || *b - *a >= 4096) return bad(text, fmt::format("fault={}: FROM-TO must be ascending and at most 4096 LBAs", value));
      if (write || both) s.write_faults.emplace_back(*a, *b);
      if (read || both) s.read_faults.emplace_back(*a, *b);
    } else if (key == "caps") {
      while (!value.empty()) {
        std::string_view c = value.substr(0, value.find(','));
        value = c.size() < value.size() ? value.substr(c.size() + 1) : std::string_view{};
        if (c.size() < 2 || c[0] != '-') return bad(text, "caps= lists capabilities to remove, each with '-' (caps=-sanitize,-emvs)");
        std::string cap(c.substr(1));
        if (!caps_of(s.kind).count(cap)) {
          std::string known;
          for (const auto& k : caps_of(s.kind)) known += (known.empty() ? "" : ", ") + k;
          return bad(text, fmt::format("caps=-{} does not apply to {} (known: {})", cap, sim_kind_name(s.kind), known));
        }
        s.removed_caps.insert(cap);
      }
    } else {
      return bad(text, "unknown parameter '" + key + "' (size, backing, serial, lie, caps, fault)");
    }
  }
  if (honest && s.lies.any()) return bad(text, "lie=none cannot be combined with other lies");
  if (s.serial.empty()) s.serial = default_serial(s.kind);
  if (s.size_bytes) {
    for (auto [a, b] : s.lies.skip)
      if (b >= s.size_bytes / 512)
        return bad(text, fmt::format("lie=skip:{}-{} ends beyond the last LBA ({})", a, b, s.size_bytes / 512 - 1));
  }
  return s;
}

Result<std::unique_ptr<SimulatedDrive>> SimulatedDrive::open(const std::string& text) {
  WP_RETURN_IF_ERROR(sim_targets_allowed());
  WP_ASSIGN_OR_RETURN(SimTargetSpec spec, parse_sim_target(text));
  std::uint64_t size = spec.size_bytes;
  std::error_code ec;
  bool existing = !spec.backing.empty() && std::filesystem::exists(spec.backing, ec);
  if (existing) {
    if (!std::filesystem::is_regular_file(spec.backing, ec))
      return bad(text, "backing " + spec.backing + " is not a regular file");
    std::uint64_t file_size = std::filesystem::file_size(spec.backing, ec);
    if (ec) return sys_error("cannot stat " + spec.backing, ec.value());
    if (size && size != file_size)
      return bad(text, fmt::format("backing file is {} bytes but size= says {}", file_size, size));
    if (file_size < 1024 * 1024 || file_size % 4096 || file_size > kSimMaxSize)
      return bad(text, fmt::format("backing file is {} bytes: it must be 1M to 4G and a multiple of 4K", file_size));
    size = file_size;
  }
  if (!size) size = kSimDefaultSize;
  for (auto [a, b] : spec.lies.skip)
    if (b >= size / 512) return bad(text, fmt::format("lie=skip:{}-{} ends beyond the last LBA ({})", a, b, size / 512 - 1));
  if (spec.hpa_sectors * 2 > size / 512)
    return bad(text, fmt::format("hpa={} hides more than half of the {} sectors", spec.hpa_sectors, size / 512));

  std::unique_ptr<SimulatedDrive> d(new SimulatedDrive);
  d->text_ = text;
  d->media_bytes_ = size;
  const std::uint64_t sectors = size / 512;
  switch (spec.kind) {
    case SimKind::ata_ssd:
    case SimKind::ata_hdd: {
      bool ssd = spec.kind == SimKind::ata_ssd;
      ata::AtaIdentify id;
      id.model = ssd ? "WIPEPROOF SIM ATA SSD" : "WIPEPROOF SIM ATA HDD";
      id.serial = spec.serial;
      id.firmware = "SIM1";
      id.sectors = sectors - spec.hpa_sectors;
      id.lba48 = true;
      id.rotational = !ssd;
      id.smart_supported = has(spec, "smart");
      id.security_supported = has(spec, "security");
      id.enhanced_erase_supported = id.security_supported && has(spec, "enhanced");
      id.normal_erase_minutes = id.enhanced_erase_minutes = 2;
      id.crypto_scramble_supported = ssd && has(spec, "crypto");
      id.block_erase_supported = ssd && has(spec, "block");
      id.overwrite_supported = !ssd && has(spec, "overwrite");
      id.sanitize_supported = id.crypto_scramble_supported || id.block_erase_supported || id.overwrite_supported;
      id.hpa_supported = true;
      d->ata_ = std::make_unique<ata::SimAtaDrive>(id, sectors);
      d->ata_->set_sanitize_polls(2);
      d->media_ = &d->ata_->sim_media();
      break;
    }
    case SimKind::nvme: {
      nvme::IdController c;
      c.model = "WIPEPROOF SIM NVMe";
      c.serial = spec.serial;
      c.firmware = "SIM1";
      c.oacs = has(spec, "format") ? 0x0002 : 0;
      c.fna = has(spec, "format-crypto") && has(spec, "format") ? 0x4 : 0;
      c.sanicap = (has(spec, "crypto") ? 0x1u : 0u) | (has(spec, "block") ? 0x2u : 0u) |
                  (has(spec, "overwrite") ? 0x4u : 0u);
      if (c.sanicap && has(spec, "emvs")) c.sanicap |= nvme::kSanicapVerificationSupport;
      d->nvme_ = std::make_unique<nvme::SimNvmeDrive>(c, sectors, 512);
      d->nvme_->set_sanitize_polls(2);
      d->media_ = &d->nvme_->sim_media();
      break;
    }
    case SimKind::scsi:
      d->scsi_ = std::make_unique<scsi::SimScsiDrive>(has(spec, "crypto"), has(spec, "block"), has(spec, "overwrite"),
                                                      size, has(spec, "format"));
      d->scsi_->set_polls(2);
      d->media_ = &d->scsi_->sim_media();
      break;
  }
  // A new drive reads zeros; an existing backing file is what the drive holds.
  std::fill(d->media_->raw().begin(), d->media_->raw().end(), std::byte{0});
  if (existing) {
    std::ifstream in(spec.backing, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(d->media_->raw().data()), static_cast<std::streamsize>(size)))
      return sys_error("cannot read backing file " + spec.backing, errno ? errno : EIO);
  }
  // remap:N: the drive's own counters admit the retired blocks, as a real drive's would.
  if (spec.lies.remap) {
    if (d->ata_) d->ata_->set_reallocated_sectors(spec.lies.remap);
    if (d->nvme_) d->nvme_->set_available_spare(99);
    if (d->scsi_) d->scsi_->set_grown_defects(static_cast<std::uint32_t>(spec.lies.remap));
  }
  d->spec_ = std::move(spec);
  WP_RETURN_IF_ERROR(d->load_state());
  d->media_->set_lies(d->spec_.lies);
  return d;
}

Result<void> SimulatedDrive::load_state() {
  if (spec_.backing.empty()) return {};
  std::string path = spec_.backing + ".sim.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  WP_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "wipeproof-sim-state-v1")
    return make_error(ErrorKind::usage, path + ": not a wipeproof simulated-drive state file");
  if (j.value("kind", "") != sim_kind_name(spec_.kind))
    return make_error(ErrorKind::usage, fmt::format("{}: the media belongs to a simulated {} drive, not {}", path,
                                                    j.value("kind", "?"), sim_kind_name(spec_.kind)));
  try {
    for (const auto& r : j.at("deallocated")) media_->set_deallocated(r.at(0).get<std::uint64_t>(), r.at(1).get<std::uint64_t>());
    for (const auto& h : j.at("hidden")) {
      auto bytes = from_hex(h.at("data").get<std::string>());
      if (!bytes) return make_error(ErrorKind::usage, path + ": hidden block data is not hex");
      media_->hidden()[h.at("lba").get<std::uint64_t>()] = *bytes;
    }
    if (j.at("remapped").get<bool>()) media_->mark_remapped();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::usage, path + ": " + e.what());
  }
  return {};
}

Target SimulatedDrive::target() const {
  Target t;
  t.path = text_;
  t.simulated = true;
  if (!spec_.backing.empty()) t.file_users = image_file_users(spec_.backing);
  DeviceIdentity& id = t.identity;
  id.path = text_;
  id.kind = "simulated";
  id.serial = spec_.serial;
  id.firmware = "SIM1";
  id.size_bytes = host_bytes();
  id.logical_sector_size = 512;
  id.physical_sector_size = 512;
  switch (spec_.kind) {
    case SimKind::ata_ssd: id.model = "WIPEPROOF SIM ATA SSD"; id.transport = "sata"; id.rotational = false; break;
    case SimKind::ata_hdd: id.model = "WIPEPROOF SIM ATA HDD"; id.transport = "sata"; id.rotational = true; break;
    case SimKind::nvme: id.model = "WIPEPROOF SIM NVMe"; id.transport = "nvme"; id.rotational = false; break;
    case SimKind::scsi: id.model = "WIPEPROOF SIM SAS"; id.transport = "sas"; id.rotational = true; break;
  }
  return t;
}

std::unique_ptr<BlockDevice> SimulatedDrive::block_device() {
  auto dev = std::make_unique<SimBlockDevice>(media_, host_bytes());
  for (auto [a, b] : spec_.write_faults)
    for (std::uint64_t lba = a; lba <= b; ++lba) dev->fail_writes_at(lba);
  for (auto [a, b] : spec_.read_faults)
    for (std::uint64_t lba = a; lba <= b; ++lba) dev->fail_reads_at(lba);
  if (spec_.vanish_after) dev->vanish_after_bytes_written(spec_.vanish_after);
  return dev;
}

Result<std::unique_ptr<BlockDevice>> SimulatedDrive::open_for_wipe(const WipeAuthorization& auth) {
  if (auth.target().path != text_) return make_error(ErrorKind::refused, "authorization is for another target");
  return block_device();
}

std::uint64_t SimulatedDrive::host_bytes() const {
  return ata_ ? ata_->accessible_sectors() * 512 : media_bytes_;
}

ScsiTransport* SimulatedDrive::scsi_path() {
  if (ata_) return ata_.get();
  return scsi_.get();
}

nvme::NvmeTransport* SimulatedDrive::nvme_path() { return nvme_.get(); }

Result<UniqueFd> SimulatedDrive::host_view() {
  UniqueFd fd(::memfd_create("wipeproof-sim-view", MFD_CLOEXEC));
  if (!fd.valid()) return sys_error("memfd_create", errno);
  std::vector<std::byte> chunk(1 << 20);
  const std::uint64_t visible = host_bytes();
  for (std::uint64_t off = 0; off < visible; off += chunk.size()) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), visible - off));
    media_->host_read(off, std::span(chunk).first(n));
    if (::pwrite(fd.get(), chunk.data(), n, static_cast<off_t>(off)) != static_cast<ssize_t>(n))
      return sys_error("writing the simulated host view", errno ? errno : EIO);
  }
  return fd;
}

Result<void> SimulatedDrive::save() {
  if (spec_.backing.empty()) return {};
  std::string content(reinterpret_cast<const char*>(media_->raw().data()), media_bytes_);
  WP_RETURN_IF_ERROR(write_file_atomic(spec_.backing, content));
  nlohmann::json j = {{"format", "wipeproof-sim-state-v1"}, {"kind", sim_kind_name(spec_.kind)},
                      {"serial", spec_.serial}, {"remapped", media_->remapped_already()},
                      {"deallocated", nlohmann::json::array()}, {"hidden", nlohmann::json::array()}};
  for (auto [a, b] : media_->deallocated_ranges()) j["deallocated"].push_back({a, b});
  for (const auto& [lba, data] : media_->hidden()) j["hidden"].push_back({{"lba", lba}, {"data", to_hex(data)}});
  return write_file_atomic(spec_.backing + ".sim.json", j.dump(1) + "\n");
}

}  // namespace wipeproof::device
