// `demo`: the README's first command. Builds a scratch disk image holding a real ext4 file system
// with sample patient records, shows they are readable, wipes and verifies the image, and shows
// they are gone. Never touches a real disk: the target is a file the demo creates.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"
#include "certs/keys.hpp"
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
  SignOptions sign;
};

/// Demo keys and site facts, clearly marked as samples, unless the user gave their own.
Result<void> prepare_demo_signing(SignOptions& s, const fs::path& dir) {
  if (s.no_sign) return {};
  if (s.keys_dir.empty()) {
    s.keys_dir = (dir / "keys").string();
    if (!fs::exists(dir / "keys" / "signer.pem")) {
      certs::KeyInitOptions k;
      k.dir = s.keys_dir;
      k.organisation = "Demo Clinic (sample)";
      k.signer_name = "wipeproof demo station";
      WP_RETURN_IF_ERROR(certs::init_keys(k));
    }
  }
  auto set = [](std::string& v, const char* d) {
    if (v.empty()) v = d;
  };
  set(s.flags.organisation, "Demo Clinic (sample)");
  set(s.flags.location, "demo bench, room 101");
  set(s.flags.data_owner, "Demo Hospital (sample)");
  set(s.flags.operator_.name, "Demo Operator");
  set(s.flags.operator_.title, "data sanitization technician");
  set(s.flags.operator_.contact, "operator@example.invalid");
  set(s.flags.validator.name, "Demo Manager");
  set(s.flags.validator.title, "information system manager");
  set(s.flags.station_id, "demo");
  set(s.flags.asset_number, "DEMO-0001");
  set(s.flags.backup, "yes");
  set(s.flags.backup_location, "demo backup server (sample)");
  set(s.flags.disposition, "internal_reuse");
  return {};
}

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
  SignOptions sign = o.sign;
  if (auto r = prepare_demo_signing(sign, dir); !r) return fail(r.error());
  auto signing = prepare_signing(sign, (dir / "certs").string());
  if (!signing) return fail(signing.error());
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
  spec->signature_scan = job::path_scanner(image.string());
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
  int rc = finish_job(rec, *signing, (dir / "certs").string(), o.json);
  auto after = count_marker(image.string());
  if (!after) return fail(after.error());
  SignatureScan sig_after = verify::scan_signatures(image.string());
  if (o.json) {
    fmt::print("{}\n", nlohmann::json{{"event", "demo"},
                                      {"image", image.string()},
                                      {"marker_before", *before},
                                      {"marker_after", *after},
                                      {"signatures_before", signatures_text(sig_before)},
                                      {"signatures_after", signatures_text(sig_after)}}.dump());
  } else {
    fmt::print("after: marker found {} time(s) in the raw image; signatures: {}\n", *after, signatures_text(sig_after));
    if (*signing) {
      std::string base = (dir / "certs" / rec.record_id).string();
      fmt::print("anyone can check the certificate with stock openssl:\n"
                 "  openssl cms -verify -binary -inform DER -in {0}.p7s -content {0}.json -CAfile {1} -purpose any\n"
                 "or with: wipeproof cert verify {0}.json --ca {1}\n",
                 base, (fs::path(sign.keys_dir) / "org-ca.pem").string());
    }
  }
  if (rc == kExitOk && *after != 0) return kExitVerifyFailed;  // cannot happen if verification works
  return rc;
}

}  // namespace

void register_demo(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand("demo", "wipe a scratch ext4 image of sample patient records (never a real disk)");
  cmd->add_option("--dir", o->dir, "working directory for the image and the record")->capture_default_str();
  cmd->add_option("--size", o->size_mib, "image size in MiB")->capture_default_str();
  add_job_options(*cmd, o->job, true);
  cmd->add_flag("--json", o->json, "JSON output");
  add_sign_options(*cmd, o->sign);
  cmd->callback([o, &exit_code] { exit_code = run_demo(*o); });
}

}  // namespace wipeproof::cli
