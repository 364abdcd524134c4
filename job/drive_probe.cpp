#include "job/drive_probe.hpp"

#include <fmt/format.h>

#include "device/ata/ata_smart.hpp"
#include "device/scsi/scsi_command.hpp"

namespace wipeproof::job {

std::uint32_t nvme_nsid_from_name(const std::string& name) {
  auto n = name.rfind('n');
  if (name.rfind("nvme", 0) != 0 || n == std::string::npos || n < 4) return 0;
  try {
    return static_cast<std::uint32_t>(std::stoul(name.substr(n + 1)));
  } catch (...) {
    return 0;
  }
}

std::string smart_summary(device::ScsiTransport* ata, nvme::NvmeTransport* nv) {
  if (ata) {
    if (auto rep = ata::read_ata_smart(*ata); rep) return rep->summary();
    auto r = ata::ata_execute(*ata, ata::smart_return_status(), {});
    if (!r) return {};
    switch (ata::decode_smart_status(*r)) {
      case ata::SmartHealth::good: return "ATA SMART RETURN STATUS: passed";
      case ata::SmartHealth::failing: return "ATA SMART RETURN STATUS: FAILING (threshold exceeded)";
      case ata::SmartHealth::unknown: return "ATA SMART RETURN STATUS: no signature";
    }
  }
  if (nv) {
    std::vector<std::byte> log(512);
    auto s = nv->admin(nvme::get_log_page(nvme::kLogSmart, 512), log);
    if (!s || !s->ok()) return {};
    nvme::SmartLog l = nvme::parse_smart_log(log);
    return fmt::format("NVMe SMART/Health: critical warning 0x{:02x}, {}% used, {} C", l.critical_warning,
                       l.percent_used, static_cast<int>(l.temperature_k) - 273);
  }
  return {};
}

void enrich_identity(DeviceIdentity& id, const ProbedDrive& d) {
  auto fill = [](std::string& dst, const std::string& src) {
    if (dst.empty() || dst == "loop device") dst = src;
  };
  if (d.caps.ata) {
    fill(id.model, d.caps.ata->model);
    fill(id.serial, d.caps.ata->serial);
    fill(id.firmware, d.caps.ata->firmware);
    // The drive's own word beats sysfs: the kernel marks every SCSI disk (USB sticks included)
    // rotational unless the device says otherwise.
    std::uint16_t rate = d.caps.ata->rotation_rate;
    if (rate == 1) id.rotational = false;
    else if (rate >= 0x0401 && rate <= 0xFFFE) id.rotational = true;
  }
  if (d.caps.nvme) {
    fill(id.model, d.caps.nvme->model);
    fill(id.serial, d.caps.nvme->serial);
    fill(id.firmware, d.caps.nvme->firmware);
  }
}

namespace {

void probe_nvme(ProbedDrive& p, nvme::NvmeTransport& tr, std::uint32_t nsid) {
  std::vector<std::byte> buf(4096);
  auto c = tr.admin(nvme::identify_controller(), buf);
  if (!c || !c->ok()) {
    p.notes.push_back("NVMe Identify Controller failed: " + (c ? nvme::status_text(c->status) : c.error().context));
    return;
  }
  p.caps.nvme = nvme::parse_id_controller(buf);
  p.nsid = nsid;
  if (p.nsid != 0) {
    auto n = tr.admin(nvme::identify_namespace(p.nsid), buf);
    if (n && n->ok()) p.ns = nvme::parse_id_namespace(buf);
  }
  std::vector<std::byte> log(512);
  auto s = tr.admin(nvme::get_log_page(nvme::kLogSmart, 512), log);
  if (s && s->ok()) {
    p.nvme_smart = nvme::parse_smart_log(log);
    // Available spare below 100 %: spare blocks have replaced retired ones (NVMe 2.0 5.16.1.3).
    p.retired = p.nvme_smart->available_spare < 100
                    ? fmt::format("NVMe available spare {} %: spare blocks stand in for retired ones",
                                  p.nvme_smart->available_spare)
                    : "none reported";
  }
  p.smart = smart_summary(nullptr, &tr);
}

/// The grown defect list's length (READ DEFECT DATA (10)): blocks retired since manufacture.
std::string scsi_retired(device::ScsiTransport& tr) {
  auto cdb = scsi::read_defect_data_cdb(4);
  std::array<std::byte, 4> h{};
  auto r = tr.execute(cdb, h, device::DataDirection::from_device, 30000);
  if (!r || r->status != 0) return "";
  auto n = scsi::grown_defects(h);
  if (!n) return "";
  return *n ? fmt::format("SCSI grown defect list: {} blocks", *n) : "none reported";
}

void probe_scsi(ProbedDrive& p, device::ScsiTransport& tr) {
  auto id = wipe::ata_identify(tr);
  if (!id) {
    // Not ATA behind SAT: a SAS/SCSI drive may still have SANITIZE (asked with RSOC).
    if (auto s = wipe::scsi_sanitize_support(tr); s) {
      p.caps.scsi_sanitize_crypto = s->crypto;
      p.caps.scsi_sanitize_block = s->block;
      p.caps.scsi_sanitize_overwrite = s->overwrite;
      p.caps.scsi_format_unit = s->format_unit;
      if (s->crypto || s->block || s->overwrite || s->format_unit) {
        p.retired = scsi_retired(tr);
        return;
      }
    }
    p.caps.ata_unreachable_reason =
        (p.caps.bus == "usb" ? "the USB bridge does not pass ATA PASS-THROUGH: " : "no ATA command path: ") +
        id.error().context;
    p.notes.push_back(p.caps.ata_unreachable_reason);
    return;
  }
  p.caps.ata = *id;
  p.caps.rotational = id->rotational;
  p.hidden = wipe::ata_hidden_areas(tr, *id);
  if (id->smart_supported) {
    p.smart = smart_summary(&tr, nullptr);
    if (auto rep = ata::read_ata_smart(tr); rep)
      p.retired = rep->bad_sectors > 0 ? fmt::format("ATA SMART: {} reallocated or pending sectors", rep->bad_sectors)
                                       : "none reported";
  }
}

}  // namespace

ProbedDrive probe_paths(const device::Target& t, device::ScsiTransport* scsi, nvme::NvmeTransport* nv,
                        std::uint32_t nsid) {
  ProbedDrive p;
  p.caps.bus = t.identity.transport;
  p.caps.rotational = t.identity.rotational.value_or(false);
  if (nv) probe_nvme(p, *nv, nsid);
  else if (scsi) probe_scsi(p, *scsi);
  return p;
}

ProbedDrive probe_drive(const device::Target& t) {
  ProbedDrive p;
  p.caps.bus = t.identity.transport;
  p.caps.rotational = t.identity.rotational.value_or(false);
  if (!t.is_block) {
    p.notes.push_back("image file: no drive commands");
    return p;
  }
  const std::string& name = t.info->name;
  if (!t.info->parent.empty()) {
    p.notes.push_back("a partition: firmware methods act on whole devices only");
    p.caps.ata_unreachable_reason = "target is a partition (" + name + " of " + t.info->parent + ")";
    return p;
  }
  if (name.rfind("nvme", 0) == 0) {
    auto tr = nvme::open_nvme_transport(t.path);
    if (!tr) {
      p.notes.push_back("NVMe: " + tr.error().context);
      return p;
    }
    probe_nvme(p, **tr, nvme_nsid_from_name(name));
    return p;
  }
  if (name.rfind("sd", 0) == 0) {
    auto tr = device::open_scsi_transport(t.path);
    if (!tr) {
      p.notes.push_back("SG_IO: " + tr.error().context);
      return p;
    }
    probe_scsi(p, **tr);
    return p;
  }
  p.notes.push_back(fmt::format("{}: no drive command set on bus '{}'", name, p.caps.bus));
  return p;
}

}  // namespace wipeproof::job
