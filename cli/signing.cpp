#include "cli/signing.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/sys.hpp"

namespace wipeproof::cli {

std::string default_keys_dir() {
  const char* env = std::getenv("WIPEPROOF_KEYS");
  return (env && *env) ? env : "/etc/wipeproof/keys";
}

void add_sign_options(CLI::App& cmd, SignOptions& o) {
  const char* g = "Certificate";
  cmd.add_flag("--no-sign", o.no_sign, "write only the unsigned JSON record (no certificate, no ledger entry)")->group(g);
  cmd.add_option("--keys", o.keys_dir, "signing key directory (default $WIPEPROOF_KEYS, then /etc/wipeproof/keys)")->group(g);
  cmd.add_option("--passphrase-file", o.passphrase_file, "file holding the signing key's passphrase")->group(g);
  cmd.add_option("--site", o.site_file, "site file (TOML; default /etc/wipeproof/site.toml if present)")->group(g);
  cmd.add_option("--ledger", o.ledger, "ledger file (default OUT/ledger.jsonl)")->group(g);
  cmd.add_option("--tsa", o.tsa_url, "RFC 3161 timestamp authority URL (http://host:port/path)")->group(g);
  cmd.add_option("--lang", o.lang, "PDF language: ja or en")->capture_default_str()->group(g);
  cmd.add_option("--station-id", o.flags.station_id, "station identifier")->group(g);
  cmd.add_option("--organisation", o.flags.organisation, "organisation issuing the certificate")->group(g);
  cmd.add_option("--location", o.flags.location, "where the job is done")->group(g);
  cmd.add_option("--customer", o.flags.data_owner, "data owner (customer, medical institution)")->group(g);
  cmd.add_option("--operator", o.flags.operator_.name, "operator's name (the competent person doing the job)")->group(g);
  cmd.add_option("--operator-title", o.flags.operator_.title, "operator's title")->group(g);
  cmd.add_option("--operator-org", o.flags.operator_.organisation, "operator's organisation")->group(g);
  cmd.add_option("--operator-contact", o.flags.operator_.contact, "operator's phone or e-mail")->group(g);
  cmd.add_option("--validator", o.flags.validator.name, "validator / responsible manager's name")->group(g);
  cmd.add_option("--validator-title", o.flags.validator.title, "validator's title")->group(g);
  cmd.add_option("--validator-org", o.flags.validator.organisation, "validator's organisation")->group(g);
  cmd.add_option("--validator-contact", o.flags.validator.contact, "validator's contact")->group(g);
  cmd.add_option("--asset-number", o.flags.asset_number, "organisational media/property number")->group(g);
  cmd.add_option("--classification", o.flags.classification, "classification before sanitization")->group(g);
  cmd.add_option("--backup", o.flags.backup, "backup of the data made: yes, no or unknown")->group(g);
  cmd.add_option("--backup-location", o.flags.backup_location, "where the backup is")->group(g);
  cmd.add_option("--disposition", o.flags.disposition,
                 "internal_reuse, external_reuse, recycle, return_to_manufacturer, destroyed, other, unknown")
      ->group(g);
  cmd.add_option("--notes", o.flags.disposition_notes, "disposition notes")->group(g);
  o.flags.backup.clear();       // empty = not given on the command line
  o.flags.disposition.clear();
}

namespace {

nlohmann::json person_to_json(const certs::Person& p) {
  return {{"name", p.name}, {"title", p.title}, {"organisation", p.organisation}, {"contact", p.contact}};
}

certs::Person person_from_json(const nlohmann::json& j) {
  return {j.at("name").get<std::string>(), j.at("title").get<std::string>(), j.at("organisation").get<std::string>(),
          j.at("contact").get<std::string>()};
}

std::string absolute(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  auto a = std::filesystem::absolute(path, ec);
  return ec ? path : a.string();
}

}  // namespace

nlohmann::json issuer_to_json(const SignOptions& o) {
  const certs::SiteInfo& f = o.flags;
  return {{"no_sign", o.no_sign},
          {"keys_dir", absolute(o.keys_dir)},
          {"passphrase_file", absolute(o.passphrase_file)},
          {"site_file", absolute(o.site_file)},
          {"ledger", absolute(o.ledger)},
          {"tsa_url", o.tsa_url},
          {"lang", o.lang},
          {"site",
           {{"station_id", f.station_id}, {"organisation", f.organisation}, {"location", f.location},
            {"data_owner", f.data_owner}, {"operator", person_to_json(f.operator_)},
            {"validator", person_to_json(f.validator)}, {"asset_number", f.asset_number},
            {"classification", f.classification}, {"backup", f.backup}, {"backup_location", f.backup_location},
            {"disposition", f.disposition}, {"disposition_notes", f.disposition_notes}}}};
}

Result<SignOptions> sign_options_from_json(const nlohmann::json& j) {
  try {
    SignOptions o;
    o.no_sign = j.at("no_sign").get<bool>();
    o.keys_dir = j.at("keys_dir").get<std::string>();
    o.passphrase_file = j.at("passphrase_file").get<std::string>();
    o.site_file = j.at("site_file").get<std::string>();
    o.ledger = j.at("ledger").get<std::string>();
    o.tsa_url = j.at("tsa_url").get<std::string>();
    o.lang = j.at("lang").get<std::string>();
    const nlohmann::json& s = j.at("site");
    certs::SiteInfo& f = o.flags;
    for (auto [key, field] : {std::pair{"station_id", &f.station_id}, {"organisation", &f.organisation},
                              {"location", &f.location}, {"data_owner", &f.data_owner},
                              {"asset_number", &f.asset_number}, {"classification", &f.classification},
                              {"backup", &f.backup}, {"backup_location", &f.backup_location},
                              {"disposition", &f.disposition}, {"disposition_notes", &f.disposition_notes}})
      *field = s.at(key).get<std::string>();
    f.operator_ = person_from_json(s.at("operator"));
    f.validator = person_from_json(s.at("validator"));
    return o;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::usage, std::string("journal: the issuer is incomplete: ") + e.what());
  }
}

Result<std::optional<std::string>> load_passphrase(const std::string& file) {
  if (!file.empty()) {
    WP_ASSIGN_OR_RETURN(std::string p, read_text_file(file));
    return std::optional<std::string>(p);
  }
  const char* env = std::getenv("WIPEPROOF_KEY_PASSPHRASE");
  if (env && *env) return std::optional<std::string>(env);
  return std::optional<std::string>{};
}

namespace {

void override_str(std::string& dst, const std::string& src) {
  if (!src.empty()) dst = src;
}

void override_person(certs::Person& dst, const certs::Person& src) {
  override_str(dst.name, src.name);
  override_str(dst.title, src.title);
  override_str(dst.organisation, src.organisation);
  override_str(dst.contact, src.contact);
}

}  // namespace

Result<std::optional<SigningContext>> prepare_signing(const SignOptions& o, const std::string& out_dir) {
  if (o.no_sign) return std::optional<SigningContext>{};
  SigningContext ctx;
  std::string site_file = o.site_file;
  if (site_file.empty() && std::filesystem::exists("/etc/wipeproof/site.toml")) site_file = "/etc/wipeproof/site.toml";
  if (!site_file.empty()) {
    WP_ASSIGN_OR_RETURN(ctx.site, certs::load_site_file(site_file));
  }
  const certs::SiteInfo& f = o.flags;  // flags win over the file
  override_str(ctx.site.station_id, f.station_id);
  override_str(ctx.site.organisation, f.organisation);
  override_str(ctx.site.location, f.location);
  override_str(ctx.site.data_owner, f.data_owner);
  override_person(ctx.site.operator_, f.operator_);
  override_person(ctx.site.validator, f.validator);
  override_str(ctx.site.asset_number, f.asset_number);
  override_str(ctx.site.classification, f.classification);
  override_str(ctx.site.backup, f.backup);
  override_str(ctx.site.backup_location, f.backup_location);
  override_str(ctx.site.disposition, f.disposition);
  override_str(ctx.site.disposition_notes, f.disposition_notes);
  if (ctx.site.operator_.organisation.empty()) ctx.site.operator_.organisation = ctx.site.organisation;
  if (const char* boot = std::getenv("WIPEPROOF_BOOT_IMAGE_SHA256"); boot && *boot) ctx.site.boot_image_sha256 = boot;
  WP_RETURN_IF_ERROR(certs::validate_for_signing(ctx.site));
  WP_ASSIGN_OR_RETURN(auto pass, load_passphrase(o.passphrase_file));
  std::string dir = o.keys_dir.empty() ? default_keys_dir() : o.keys_dir;
  WP_ASSIGN_OR_RETURN(ctx.signer, certs::load_signer(dir, pass));
  if (o.lang != "ja" && o.lang != "en") return make_error(ErrorKind::usage, "--lang must be ja or en");
  ctx.issue.out_dir = out_dir;
  ctx.issue.ledger_path = o.ledger;
  ctx.issue.tsa_url = o.tsa_url;
  ctx.issue.lang = o.lang;
  return std::optional<SigningContext>(std::move(ctx));
}

}  // namespace wipeproof::cli
