// `keys init | show | issue | import` and `ledger verify`.
#include <fmt/format.h>

#include "certs/keys.hpp"
#include "certs/ledger.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"

namespace wipeproof::cli {
namespace {

struct KeysOptions {
  std::string dir, ca_dir, organisation, signer, passphrase_file, ca, cert, key;
};

int report(const Result<void>& r, const std::string& ok) {
  if (!r) {
    print_error(r.error(), false);
    return exit_code_for(r.error());
  }
  fmt::print("{}\n", ok);
  return kExitOk;
}

}  // namespace

void register_keys(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<KeysOptions>();
  CLI::App* keys = app.add_subcommand("keys", "create, import or show signing keys (ECDSA P-256, X.509)");
  keys->require_subcommand(1);

  CLI::App* init = keys->add_subcommand("init", "create an organisation CA and a signing key+certificate");
  init->footer("Writes DIR/org-ca.pem, DIR/org-ca.key (0600), DIR/signer.pem, DIR/signer.key (0600).\n"
               "Never overwrites. With --passphrase-file (or $WIPEPROOF_KEY_PASSPHRASE) the keys are encrypted.");
  init->add_option("--dir", o->dir, "key directory")->required();
  init->add_option("--organisation", o->organisation, "organisation name (CA subject)")->required();
  init->add_option("--signer", o->signer, "signer name: the station or operator")->required();
  init->add_option("--passphrase-file", o->passphrase_file, "encrypt the private keys with this passphrase");
  init->callback([o, &exit_code] {
    auto pass = load_passphrase(o->passphrase_file);
    if (!pass) {
      exit_code = report(tl::unexpected(pass.error()), "");
      return;
    }
    certs::KeyInitOptions k{o->dir, o->organisation, o->signer, *pass};
    exit_code = report(certs::init_keys(k), "keys written to " + o->dir + " (give org-ca.pem to auditors)");
  });

  CLI::App* issue = keys->add_subcommand("issue", "issue another signer (e.g. the validator's) from an existing CA");
  issue->add_option("--ca-dir", o->ca_dir, "directory holding org-ca.pem and org-ca.key")->required();
  issue->add_option("--dir", o->dir, "new key directory")->required();
  issue->add_option("--signer", o->signer, "signer name")->required();
  issue->add_option("--passphrase-file", o->passphrase_file, "passphrase of the CA key and the new key");
  issue->callback([o, &exit_code] {
    auto pass = load_passphrase(o->passphrase_file);
    exit_code = pass ? report(certs::issue_signer(o->ca_dir, o->dir, o->signer, *pass), "signer written to " + o->dir)
                     : report(tl::unexpected(pass.error()), "");
  });

  CLI::App* imp = keys->add_subcommand("import", "use existing PEM files (CA certificate, signer certificate and key)");
  imp->add_option("--dir", o->dir, "key directory")->required();
  imp->add_option("--ca", o->ca, "CA certificate (PEM)")->required();
  imp->add_option("--cert", o->cert, "signer certificate (PEM)")->required();
  imp->add_option("--key", o->key, "signer private key (PEM)")->required();
  imp->add_option("--passphrase-file", o->passphrase_file, "passphrase of the key (also used to store it)");
  imp->callback([o, &exit_code] {
    auto pass = load_passphrase(o->passphrase_file);
    exit_code = pass ? report(certs::import_keys(o->dir, o->ca, o->cert, o->key, *pass), "keys imported into " + o->dir)
                     : report(tl::unexpected(pass.error()), "");
  });

  CLI::App* show = keys->add_subcommand("show", "show the certificates in a key directory (never private keys)");
  show->add_option("--dir", o->dir, "key directory (default $WIPEPROOF_KEYS, then /etc/wipeproof/keys)");
  show->callback([o, &exit_code] {
    auto d = certs::describe_keys(o->dir.empty() ? default_keys_dir() : o->dir);
    if (!d) {
      print_error(d.error(), false);
      exit_code = exit_code_for(d.error());
      return;
    }
    fmt::print("{}", *d);
    exit_code = kExitOk;
  });
}

void register_ledger(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* ledger = app.add_subcommand("ledger", "check the hash-chained ledger of issued certificates");
  ledger->require_subcommand(1);
  CLI::App* verify = ledger->add_subcommand("verify", "detect deleted, reordered or altered entries and name them");
  verify->footer("Exit codes: 0 intact, 2 unreadable, 6 broken.");
  verify->add_option("file", *file, "ledger.jsonl")->required();
  verify->add_flag("--json", *as_json, "JSON output");
  verify->callback([file, as_json, &exit_code] {
    auto rep = certs::ledger_verify(*file);
    if (!rep) {
      print_error(rep.error(), *as_json);
      exit_code = kExitUsage;
      return;
    }
    if (*as_json) {
      nlohmann::json probs = nlohmann::json::array();
      for (const auto& p : rep->problems) probs.push_back({{"line", p.line}, {"problem", p.what}});
      fmt::print("{}\n", nlohmann::json{{"entries", rep->entries}, {"intact", rep->problems.empty()},
                                        {"head_sha256", rep->head_sha256}, {"problems", probs}}.dump());
    } else {
      for (const auto& p : rep->problems) fmt::print("line {}: {}\n", p.line, p.what);
      fmt::print("{} entries; {}\n", rep->entries, rep->problems.empty() ? "intact, head " + rep->head_sha256 : "BROKEN");
    }
    exit_code = rep->problems.empty() ? kExitOk : kExitTampered;
  });
}

}  // namespace wipeproof::cli
