// `cert verify | show | render | countersign`: everything an auditor or validator does with a
// certificate after the job. Never touches a device.
#include <filesystem>

#include <fmt/format.h>

#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "certs/destruction.hpp"
#include "certs/evidence.hpp"
#include "certs/cms_signature.hpp"
#include "certs/ledger.hpp"
#include "certs/openssl_util.hpp"
#include "certs/pdf_render.hpp"
#include "certs/timestamp.hpp"
#include "cli/commands.hpp"
#include "core/sys.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"

namespace wipeproof::cli {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string sibling(const std::string& json_path, const std::string& suffix) {
  std::string base = json_path;
  if (base.size() > 5 && base.substr(base.size() - 5) == ".json") base.resize(base.size() - 5);
  return base + suffix;
}

struct CertVerifyOptions {
  std::string file;
  std::string sig;
  std::string ca;
  std::string tsa_ca;
  std::string ledger;
  std::string evidence;  ///< directory holding a destruction certificate's evidence files
  bool json = false;
};

struct Verdict {
  int code = kExitOk;
  bool content_is_json = false;   ///< the file parsed as JSON (whatever the schema says)
  bool signature_tampered = false;
  json report = json::object();
  std::vector<std::string> lines;
  void worse(int c) {
    // malformed > tampered > untrusted > ok
    auto rank = [](int x) { return x == kExitMalformed ? 3 : x == kExitTampered ? 2 : x == kExitUntrusted ? 1 : 0; };
    if (rank(c) > rank(code)) code = c;
  }
};

int code_for(certs::SignatureStatus s) {
  switch (s) {
    case certs::SignatureStatus::valid: return kExitOk;
    case certs::SignatureStatus::tampered: return kExitTampered;
    case certs::SignatureStatus::untrusted: return kExitUntrusted;
    case certs::SignatureStatus::malformed: return kExitMalformed;
  }
  return kExitMalformed;
}

Verdict verify_certificate_files(const CertVerifyOptions& o) {
  Verdict v;
  auto bytes = certs::read_binary_file(o.file);
  if (!bytes) {
    v.code = kExitUsage;
    v.lines.push_back("error: " + bytes.error().context);
    v.report["error"] = bytes.error().context;
    return v;
  }
  std::string content(bytes->begin(), bytes->end());
  auto parsed = certs::parse_canonical(content);
  // Parsed again: parse_canonical's usage errors mix "not JSON" with "JSON holding a float".
  v.content_is_json = !nlohmann::json::parse(content, nullptr, false).is_discarded();
  if (!parsed) {
    bool not_json = parsed.error().kind == ErrorKind::usage;
    v.worse(not_json ? kExitMalformed : kExitTampered);
    v.lines.push_back("canonical form: FAILED: " + parsed.error().context);
    v.report["canonical"] = parsed.error().context;
  } else {
    v.lines.push_back("canonical form: ok (RFC 8785)");
    v.report["canonical"] = "ok";
    if (auto s = certs::validate_certificate(*parsed); !s) {
      v.worse(kExitMalformed);
      v.lines.push_back("schema: FAILED: " + s.error().context);
      v.report["schema"] = s.error().context;
    } else {
      v.lines.push_back("schema: ok (" + parsed->value("schema", "") + ")");
      v.report["schema"] = "ok";
    }
  }
  v.report["sha256"] = certs::sha256_hex(content.data(), content.size());

  auto check_sig = [&](const std::string& path, const char* who, bool required) {
    if (!fs::exists(path)) {
      if (required) {
        v.worse(kExitMalformed);
        v.lines.push_back(fmt::format("{} signature: MISSING ({})", who, path));
        v.report[who] = {{"status", "missing"}, {"file", path}};
      }
      return;
    }
    auto der = certs::read_binary_file(path);
    certs::SignatureCheck c;
    if (der) c = certs::verify_detached(content, std::string(der->begin(), der->end()), o.ca);
    else c.detail = der.error().context;
    v.worse(code_for(c.status));
    if (c.status == certs::SignatureStatus::tampered) v.signature_tampered = true;
    v.lines.push_back(fmt::format("{} signature: {}{}{}", who, c.status == certs::SignatureStatus::valid ? "valid" : "FAILED: ",
                                  c.status == certs::SignatureStatus::valid ? "" : certs::signature_status_name(c.status),
                                  c.signer_subject.empty() ? "" : " (signer " + c.signer_subject + ")"));
    if (!c.detail.empty()) v.lines.push_back("  " + c.detail);
    v.report[who] = {{"status", certs::signature_status_name(c.status)}, {"signer", c.signer_subject},
                     {"signing_time", c.signing_time}, {"detail", c.detail}, {"file", path}};
    if (std::string(who) == "operator" && der && c.has_timestamp) {
      certs::TimestampCheck t = certs::verify_timestamp(std::string(der->begin(), der->end()), o.tsa_ca);
      if (!o.tsa_ca.empty() && !t.valid) v.worse(kExitUntrusted);
      v.lines.push_back(fmt::format("timestamp: {} {}{}", t.valid ? "valid" : (o.tsa_ca.empty() ? "present" : "FAILED"),
                                    t.time, t.detail.empty() ? "" : " (" + t.detail + ")"));
      v.report["timestamp"] = {{"valid", t.valid}, {"time", t.time}, {"tsa", t.tsa}, {"detail", t.detail}};
    }
  };
  check_sig(o.sig.empty() ? sibling(o.file, ".p7s") : o.sig, "operator", true);
  check_sig(sibling(o.file, ".validator.p7s"), "validator", false);
  if (!v.report.contains("validator")) {
    v.lines.push_back("validator signature: none yet (wipeproof cert countersign)");
    v.report["validator"] = nullptr;
  }
  if (!o.ledger.empty() && parsed) {
    std::string id = parsed->value("certificate_id", "");
    auto in = certs::ledger_contains(o.ledger, id, v.report["sha256"].get<std::string>());
    if (!in) {
      v.worse(kExitTampered);
      v.lines.push_back("ledger: FAILED: " + in.error().context);
      v.report["ledger"] = in.error().context;
    } else if (!*in) {
      v.worse(kExitUntrusted);
      v.lines.push_back("ledger: NOT FOUND: no entry for this certificate with this hash in " + o.ledger);
      v.report["ledger"] = "not found";
    } else {
      v.lines.push_back("ledger: included in " + o.ledger);
      v.report["ledger"] = "included";
    }
  }
  if (parsed && parsed->value("schema", "") == certs::kDestructionSchema) {
    // Evidence files are checked when their directory is given (default: <id>.evidence beside it).
    std::string dir = !o.evidence.empty() ? o.evidence : sibling(o.file, ".evidence");
    if (!o.evidence.empty() || fs::is_directory(dir)) {
      auto ev = certs::check_evidence(*parsed, dir);
      if (!ev) {
        v.worse(kExitMalformed);
        v.lines.push_back("evidence: FAILED: " + ev.error().context);
        v.report["evidence"] = ev.error().context;
      } else {
        if (!ev->intact()) v.worse(kExitTampered);
        for (const auto& n : ev->ok) v.lines.push_back("evidence " + n + ": ok (SHA-256 matches)");
        for (const auto& n : ev->changed) v.lines.push_back("evidence " + n + ": CHANGED (SHA-256 differs from the certificate)");
        for (const auto& n : ev->missing) v.lines.push_back("evidence " + n + ": MISSING from " + dir);
        v.report["evidence"] = {{"dir", dir}, {"ok", ev->ok}, {"changed", ev->changed}, {"missing", ev->missing}};
      }
    } else {
      v.lines.push_back("evidence: not checked (no " + dir + "; give --evidence DIR)");
      v.report["evidence"] = "not checked";
    }
  }
  // A readable document whose signed bytes changed was tampered with, whatever else is wrong
  // with it now (an edited result may also break the schema): TAMPERED, not MALFORMED.
  if (v.content_is_json && v.signature_tampered) v.code = kExitTampered;
  // Without a trust anchor an intact signature proves only that someone signed these bytes:
  // anyone can make a key. Said as its own verdict and exit code, never as VALID.
  if (o.ca.empty() && v.code == kExitOk) {
    v.code = kExitSignerUnchecked;
    v.lines.push_back("note: no --ca given: the signer was not checked against a trusted CA; anyone can make a key "
                      "that signs like this");
  }
  return v;
}

int run_cert_verify(const CertVerifyOptions& o) {
  Verdict v = verify_certificate_files(o);
  const char* verdict = v.code == kExitOk               ? "VALID"
                        : v.code == kExitSignerUnchecked ? "SIGNATURE INTACT, SIGNER NOT TRUSTED"
                        : v.code == kExitTampered        ? "TAMPERED"
                        : v.code == kExitUntrusted       ? "UNTRUSTED"
                        : v.code == kExitMalformed       ? "MALFORMED"
                                                         : "ERROR";
  if (o.json) {
    v.report["verdict"] = verdict;
    fmt::print("{}\n", v.report.dump());
  } else {
    for (const auto& l : v.lines) fmt::print("{}\n", l);
    fmt::print("verdict: {}\n", verdict);
  }
  return v.code;
}

Result<json> load_certificate(const std::string& path) {
  WP_ASSIGN_OR_RETURN(auto bytes, certs::read_binary_file(path));
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded()) return make_error(ErrorKind::usage, path + ": not valid JSON");
  WP_RETURN_IF_ERROR(certs::validate_certificate(j));
  return j;
}

int run_cert_show(const std::string& file, bool as_json) {
  auto c = load_certificate(file);
  if (!c) {
    print_error(c.error(), as_json);
    return kExitMalformed;
  }
  if (as_json) {
    fmt::print("{}\n", c->dump(2));
    return kExitOk;
  }
  auto s = [&](const char* p) {
    json::json_pointer ptr(p);
    if (!c->contains(ptr) || c->at(ptr).is_null()) return std::string("-");
    return c->at(ptr).is_string() ? c->at(ptr).get<std::string>() : c->at(ptr).dump();
  };
  fmt::print("certificate {}  issued {}\n", s("/certificate_id"), s("/issued_at"));
  if (c->value("schema", "") == certs::kDestructionSchema) {
    fmt::print("organisation: {}  data owner: {}\n", s("/organisation/name"), s("/data_owner/name"));
    fmt::print("operator:     {}   witness: {}\n", s("/people/operator/name"), s("/people/witness/name"));
    fmt::print("media:        {} serial {} (identity {}, {}, {} bytes)\n", s("/media/model"), s("/media/serial"),
               s("/media/identity_source"), s("/media/bus"), s("/media/capacity/apparent_bytes"));
    fmt::print("destruction:  {} particle {} µm, DIN 66399 {}, by {} ({}) at {} on {}\n", s("/destruction/method"),
               s("/destruction/particle_um"), s("/destruction/din_66399_level"), s("/destruction/performed_by/name"),
               s("/destruction/performed_by/kind"), s("/destruction/place"), s("/destruction/time"));
    fmt::print("reason:       {}\n", s("/destruction/reason"));
    for (const auto& e : c->at(json::json_pointer("/destruction/evidence")))
      fmt::print("evidence:     {} sha256 {}\n", e.value("file", ""), e.value("sha256", ""));
    fmt::print("custody:      {} ({})\n", s("/custody/chain"), s("/custody/note"));
    return kExitOk;
  }
  fmt::print("organisation: {} ({})  data owner: {}\n", s("/organisation/name"), s("/organisation/location"), s("/data_owner/name"));
  fmt::print("operator:     {} / {}\n", s("/people/operator/name"), s("/people/operator/title"));
  fmt::print("validator:    {}\n", s("/people/validator/name"));
  fmt::print("media:        {} serial {} ({}, {}, {} bytes) asset {}\n", s("/media/model"), s("/media/serial"),
             s("/media/bus"), s("/media/media_type"), s("/media/capacity/apparent_bytes"), s("/media/asset_number"));
  fmt::print("backup:       {} ({})\n", s("/media/backup/made"), s("/media/backup/location"));
  fmt::print("method:       {} [{}], level {}\n", s("/sanitization/method/title"), s("/sanitization/method/name"),
             s("/sanitization/level"));
  fmt::print("performed:    {} – {} ({} ms)\n", s("/sanitization/started"), s("/sanitization/finished"),
             s("/sanitization/duration_ms"));
  fmt::print("result:       {}\n", s("/sanitization/result"));
  fmt::print("verification: {}, {} blocks read, {} mismatched, passed {}; signature scan clean {}\n",
             s("/verification/method"), s("/verification/blocks_read"), s("/verification/mismatched_blocks"),
             s("/verification/passed"), s("/verification/signature_scan/clean"));
  fmt::print("disposition:  {} {}\n", s("/disposition/destination"), s("/disposition/notes"));
  return kExitOk;
}

int run_cert_render(const std::string& file, const std::string& pdf, const std::string& lang, const std::string& ca) {
  auto c = load_certificate(file);
  if (!c) {
    print_error(c.error(), false);
    return kExitMalformed;
  }
  auto bytes = certs::read_binary_file(file);
  std::string content(bytes->begin(), bytes->end());
  certs::PdfStatus st{"unsigned", false};
  std::string p7s = sibling(file, ".p7s");
  if (auto der = certs::read_binary_file(p7s); der) {
    certs::SignatureCheck chk = certs::verify_detached(content, std::string(der->begin(), der->end()), ca);
    st.signature = std::string(certs::signature_status_name(chk.status)) + (ca.empty() ? " (no CA checked)" : "") +
                   ": " + chk.signer_subject;
    st.timestamped = chk.has_timestamp;
  }
  if (auto r = certs::render_pdf(*c, certs::sha256_hex(content.data(), content.size()), st, lang, pdf); !r) {
    print_error(r.error(), false);
    return exit_code_for(r.error());
  }
  fmt::print("pdf: {}\n", pdf);
  return kExitOk;
}

int run_countersign(const std::string& file, const std::string& keys, const std::string& passphrase_file) {
  auto fail = [](const Error& e) {
    print_error(e, false);
    return exit_code_for(e);
  };
  std::string out = sibling(file, ".validator.p7s");
  if (fs::exists(out)) return fail(Error{ErrorKind::usage, 0, out + " already exists"});
  auto pass = load_passphrase(passphrase_file);
  if (!pass) return fail(pass.error());
  auto signer = certs::load_signer(keys.empty() ? default_keys_dir() : keys, *pass);
  if (!signer) return fail(signer.error());
  // Validation means checking first: only an intact, trusted operator signature is countersigned.
  CertVerifyOptions vo;
  vo.file = file;
  vo.ca = (fs::path(keys.empty() ? default_keys_dir() : keys) / "org-ca.pem").string();
  Verdict v = verify_certificate_files(vo);
  if (v.code != kExitOk) {
    for (const auto& l : v.lines) fmt::print(stderr, "{}\n", l);
    fmt::print(stderr, "error: {}: not countersigning a certificate that does not verify\n", file);
    return v.code;
  }
  auto bytes = certs::read_binary_file(file);
  auto der = certs::sign_detached(std::string(bytes->begin(), bytes->end()), *signer);
  if (!der) return fail(der.error());
  if (auto w = write_file_atomic(out, *der, 0644); !w) return fail(w.error());
  fmt::print("countersigned by {}\nvalidator signature: {}\n", signer->subject, out);
  return kExitOk;
}

}  // namespace

void register_cert(CLI::App& app, int& exit_code) {
  CLI::App* cert = app.add_subcommand("cert", "verify, show, render or countersign a disposal certificate");
  cert->require_subcommand(1);

  auto vo = std::make_shared<CertVerifyOptions>();
  CLI::App* verify = cert->add_subcommand("verify", "check canonical form, schema, signatures, timestamp, ledger");
  verify->footer("Exit codes: 0 valid (signed by a key the --ca vouches for), 2 bad input, 6 tampered, 7 untrusted\n"
                 "signer/TSA or not in the ledger, 8 malformed, 11 signature intact but signer not checked (no --ca).");
  verify->add_option("file", vo->file, "the certificate (<id>.json); <id>.p7s is read beside it")->required();
  verify->add_option("--sig", vo->sig, "the operator signature (default: <id>.p7s)");
  verify->add_option("--ca", vo->ca, "trusted organisation CA certificate(s), PEM");
  verify->add_option("--tsa-ca", vo->tsa_ca, "trusted TSA CA certificate(s), PEM");
  verify->add_option("--ledger", vo->ledger, "check the certificate is in this ledger");
  verify->add_option("--evidence", vo->evidence,
                     "destruction certificates: directory with the evidence files (default <id>.evidence beside it)");
  verify->add_flag("--json", vo->json, "JSON output");
  verify->callback([vo, &exit_code] { exit_code = run_cert_verify(*vo); });

  auto show_file = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  CLI::App* show = cert->add_subcommand("show", "print a human summary of a certificate (does not verify it)");
  show->add_option("file", *show_file, "the certificate (<id>.json)")->required();
  show->add_flag("--json", *show_json, "print the certificate, pretty");
  show->callback([show_file, show_json, &exit_code] { exit_code = run_cert_show(*show_file, *show_json); });

  struct RenderOptions {
    std::string file, pdf, lang = "ja", ca;
  };
  auto ro = std::make_shared<RenderOptions>();
  CLI::App* render = cert->add_subcommand("render", "render a certificate as a one-page A4 PDF");
  render->add_option("file", ro->file, "the certificate (<id>.json)")->required();
  render->add_option("--pdf", ro->pdf, "output PDF")->required();
  render->add_option("--lang", ro->lang, "ja or en")->capture_default_str();
  render->add_option("--ca", ro->ca, "CA to check the signature against for the status line");
  render->callback([ro, &exit_code] { exit_code = run_cert_render(ro->file, ro->pdf, ro->lang, ro->ca); });

  struct CounterOptions {
    std::string file, keys, passphrase_file;
  };
  auto co = std::make_shared<CounterOptions>();
  CLI::App* counter = cert->add_subcommand(
      "countersign", "the validator's independent signature (<id>.validator.p7s) after checking the certificate");
  counter->add_option("file", co->file, "the certificate (<id>.json)")->required();
  counter->add_option("--keys", co->keys, "the validator's key directory (default $WIPEPROOF_KEYS)");
  counter->add_option("--passphrase-file", co->passphrase_file, "file holding the key passphrase");
  counter->callback([co, &exit_code] { exit_code = run_countersign(co->file, co->keys, co->passphrase_file); });
}

}  // namespace wipeproof::cli
