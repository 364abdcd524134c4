// `demo`: the README's first command. Builds a scratch disk image holding a real ext4 file system
// with sample patient records, shows they are readable, wipes and verifies the image, and shows
// they are gone. Never touches a real disk: the target is a file the demo creates.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "core/subprocess.hpp"
#include "device/target.hpp"
#include "verify/signature_scan.hpp"

namespace wipeproof::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = "WIPEPROOF-DEMO-PATIENT-RECORD";

struct DemoOptions {
  std::string dir = "wipeproof-demo";
  std::uint64_t size_mib = 64;
  JobOptions job;
  bool json = false;
};

Result<void> write_sample_records(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return sys_error("create " + dir.string(), ec.value());
  const char* names[] = {"Yamada Taro", "Suzuki Hanako", "Sato Ichiro", "Tanaka Yuki", "Ito Kenji"};
  for (int i = 0; i < 5; ++i) {
    std::ofstream f(dir / fmt::format("patient-{:04}.txt", i + 1));
    f << fmt::format("{} id=DEMO-{:04}\nPatient: {} (sample data, not a real person)\n"
                     "Diagnosis: hypertension, follow-up in 3 months\nMedication: amlodipine 5 mg\n",
                     kMarker, i + 1, names[i]);
    if (!f) return sys_error("write sample record", EIO);
  }
  return {};
}

/// How many times the marker string appears anywhere in the raw image.
Result<std::uint64_t> count_marker(const std::string& image) {
  std::ifstream in(image, std::ios::binary);
  if (!in) return sys_error("open " + image, errno ? errno : ENOENT);
  const std::string marker = kMarker;
  std::string carry, buf(1 << 20, '\0');
  std::uint64_t count = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::string window = carry + buf.substr(0, static_cast<std::size_t>(in.gcount()));
    for (std::size_t p = window.find(marker); p != std::string::npos; p = window.find(marker, p + 1)) ++count;
    carry = window.size() >= marker.size() - 1 ? window.substr(window.size() - (marker.size() - 1)) : window;
  }
  return count;
}

std::string signatures_text(const SignatureScan& s) {
  if (!s.error.empty()) return "scan failed: " + s.error;
  if (s.clean) return "none";
  std::string out;
  for (const auto& h : s.hits) out += (out.empty() ? "" : ", ") + h.type;
  return out;
}

int run_demo(const DemoOptions& o) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  if (o.size_mib < 8 || o.size_mib > 4096) return fail(Error{ErrorKind::usage, 0, "--size must be 8..4096 MiB"});
  auto spec = make_job_spec(o.job);
  if (!spec) return fail(spec.error());
  fs::path dir = fs::absolute(o.dir);
  fs::path image = dir / "scratch-disk.img";
  fs::path staging = dir / "sample-records";
  std::error_code ec;
  fs::remove_all(staging, ec);
  if (auto r = write_sample_records(staging); !r) return fail(r.error());
  fs::remove(image, ec);
  {
    std::ofstream f(image, std::ios::binary);
    if (!f) return fail(Error{ErrorKind::sys, EACCES, "cannot create " + image.string()});
  }
  fs::resize_file(image, o.size_mib << 20, ec);
  if (ec) return fail(Error{ErrorKind::sys, ec.value(), "cannot size " + image.string() + ": " + ec.message()});
  // mkfs.ext4 -d copies the directory into the new file system: a real ext4 image without
  // mounting anything.
  auto mk = run_command({"mkfs.ext4", "-q", "-F", "-L", "patients", "-d", staging.string(), image.string()}, true);
  if (!mk) return fail(mk.error());
  if (*mk != 0) return fail(Error{ErrorKind::sys, 0, fmt::format("mkfs.ext4 failed with status {}", *mk)});

  auto before = count_marker(image.string());
  if (!before) return fail(before.error());
  SignatureScan sig_before = verify::scan_signatures(image.string());
  if (!o.json)
    fmt::print("scratch disk: {} ({} MiB ext4 image, 5 sample patient records)\n"
               "before: marker found {} time(s) in the raw image; signatures: {}\n",
               image.string(), o.size_mib, *before, signatures_text(sig_before));

  auto target = device::inspect_target(image.string());
  if (!target) return fail(target.error());
  spec->scan_path = image.string();
  auto auth = device::authorize_wipe(*target, std::nullopt);  // image file: no confirmation needed
  if (!auth) return fail(auth.error());
  auto dev = device::open_for_wipe(*auth);
  if (!dev) return fail(dev.error());
  auto plan = job::plan_job((*dev)->geometry(), *spec);
  if (!plan) return fail(plan.error());
  CancelToken& cancel = install_cancel_handlers();
  WipeRecord rec = job::run_job(**dev, target->identity, *spec, *plan, make_progress_view(o.json), cancel);
  finish_progress_view(o.json);
  dev->reset();
  auto saved = save_record(rec, (dir / "certs").string());
  auto after = count_marker(image.string());
  if (!after) return fail(after.error());
  SignatureScan sig_after = verify::scan_signatures(image.string());
  if (o.json) {
    fmt::print("{}\n", nlohmann::json{{"event", "done"},
                                      {"image", image.string()},
                                      {"marker_before", *before},
                                      {"marker_after", *after},
                                      {"signatures_before", signatures_text(sig_before)},
                                      {"signatures_after", signatures_text(sig_after)},
                                      {"outcome", outcome_name(rec.outcome)},
                                      {"record_path", saved ? *saved : ""}}.dump());
  } else {
    fmt::print("{}", render_record_text(rec, saved ? *saved : ""));
    fmt::print("after: marker found {} time(s) in the raw image; signatures: {}\n", *after, signatures_text(sig_after));
    if (saved) fmt::print("the record is {}; view it with: cat {}\n", *saved, *saved);
  }
  if (!saved) return kExitIo;
  if (rec.outcome == Outcome::erased && *after != 0) return kExitVerifyFailed;  // cannot happen if verify works
  return exit_code_for(rec.outcome);
}

}  // namespace

void register_demo(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand("demo", "wipe a scratch ext4 image of sample patient records (never a real disk)");
  cmd->add_option("--dir", o->dir, "working directory for the image and the record")->capture_default_str();
  cmd->add_option("--size", o->size_mib, "image size in MiB")->capture_default_str();
  add_job_options(*cmd, o->job, true);
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->callback([o, &exit_code] { exit_code = run_demo(*o); });
}

}  // namespace wipeproof::cli
