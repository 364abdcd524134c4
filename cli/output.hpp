#pragma once
// Presentation: every command returns data, and these functions turn it into text or JSON.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "core/result.hpp"
#include "device/device_inventory.hpp"
#include "job/wipe_job.hpp"

namespace wipeproof::cli {

/// "64.0 MiB", "1.82 TiB".
std::string human_bytes(std::uint64_t bytes);

/// error: <context>  (LLVM style: lower-case, no trailing period), or a JSON object with --json.
void print_error(const Error& error, bool json);

std::string render_record_text(const WipeRecord& record, const std::string& record_path);
/// `conclusive` false: the read-back had no positive criterion (verify --expect any|random), so a
/// clean read is shown as INCONCLUSIVE, never as PASSED.
std::string render_verify_text(const VerifyReport& report, bool conclusive = true);
std::string render_plan_text(const DeviceIdentity& identity, const job::JobSpec& spec, const job::JobPlan& plan,
                             const std::string& safety);
nlohmann::json plan_to_json(const DeviceIdentity& identity, const job::JobSpec& spec, const job::JobPlan& plan,
                            const std::string& safety);
std::string render_devices_text(const std::vector<device::BlockDeviceInfo>& devices);
nlohmann::json devices_to_json(const std::vector<device::BlockDeviceInfo>& devices);
std::string render_methods_text();
nlohmann::json methods_to_json();

/// A progress bar on a terminal (stderr), JSON lines with --json (stdout), else nothing.
ProgressCallback make_progress_view(bool json);
/// Ends the progress line on a terminal.
void finish_progress_view(bool json);

}  // namespace wipeproof::cli
