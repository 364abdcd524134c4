#include "job/target_session.hpp"

#include <fmt/format.h>

#include "verify/signature_scan.hpp"

namespace wipeproof::job {

Result<TargetSession> TargetSession::open(const std::string& text) {
  TargetSession s;
  if (device::is_sim_target(text)) {
    WP_ASSIGN_OR_RETURN(s.sim_, device::SimulatedDrive::open(text));
    s.target_ = s.sim_->target();
    return s;
  }
  WP_ASSIGN_OR_RETURN(s.target_, device::inspect_target(text));
  return s;
}

Result<std::unique_ptr<device::BlockDevice>> TargetSession::open_read_only() {
  if (sim_) return sim_->block_device();
  return device::open_block_device(target_.path, device::OpenMode::read_only);
}

Result<std::unique_ptr<device::BlockDevice>> TargetSession::open_for_wipe(const device::WipeAuthorization& auth) {
  if (sim_) return sim_->open_for_wipe(auth);
  return device::open_for_wipe(auth);
}

ProbedDrive TargetSession::probe() {
  if (!sim_) return probe_drive(target_);
  return probe_paths(target_, sim_->scsi_path(), sim_->nvme_path(), sim_->nvme_path() ? 1 : 0);
}

OpenedPaths TargetSession::paths_for(CommandPath path, const std::string& psid) {
  OpenedPaths p;
  p.transports.psid = psid;
  if (sim_) {
    p.transports.ata = sim_->scsi_path();
    p.transports.nvme = sim_->nvme_path();
    return p;
  }
  switch (path) {
    case CommandPath::opal:
      if (auto t = opal::open_opal(target_.path); t) p.opal = std::move(*t);
      break;
    case CommandPath::ata:
    case CommandPath::scsi:
      if (auto t = device::open_scsi_transport(target_.path); t) p.scsi = std::move(*t);
      break;
    case CommandPath::nvme:
      if (auto t = nvme::open_nvme_transport(target_.path); t) p.nvme = std::move(*t);
      break;
    case CommandPath::host_writes:
    case CommandPath::none:
      break;
  }
  p.transports.ata = p.scsi.get();
  p.transports.nvme = p.nvme.get();
  p.transports.opal = p.opal.get();
  return p;
}

std::function<SignatureScan()> TargetSession::scanner() {
  if (!sim_) return path_scanner(target_.path);
  device::SimulatedDrive* sim = sim_.get();
  // libblkid reads a path; the host's view of the simulated drive goes to a memory file.
  return [sim] {
    auto fd = sim->host_view();
    if (!fd) {
      SignatureScan s;
      s.error = fd.error().context;
      return s;
    }
    return verify::scan_signatures(fmt::format("/proc/self/fd/{}", fd->get()));
  };
}

Result<void> TargetSession::capacity_changed() {
  if (sim_) {
    target_ = sim_->target();
    return {};
  }
  if (target_.info) WP_RETURN_IF_ERROR(device::rescan_capacity(target_.info->name));
  WP_ASSIGN_OR_RETURN(target_, device::inspect_target(target_.path));
  return {};
}

Result<void> TargetSession::finish() {
  if (sim_) return sim_->save();
  return {};
}

}  // namespace wipeproof::job
