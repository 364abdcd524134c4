#include "certs/keys.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <filesystem>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::certs {
namespace fs = std::filesystem;
namespace {

Result<EvpPkeyPtr> new_p256_key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return crypto_error("generating a P-256 key");
  return key;
}

Result<void> add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return crypto_error(fmt::format("extension {}={}", OBJ_nid2sn(nid), value));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return {};
}

/// A certificate for `key` named `subject`, signed by issuer_key (self-signed when issuer is null).
Result<X509Ptr> make_cert(EVP_PKEY* key, X509_NAME* subject, X509* issuer, EVP_PKEY* issuer_key, int days, bool ca) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::array<unsigned char, 16> serial{};
  if (auto r = random_bytes(std::as_writable_bytes(std::span(serial))); !r) return tl::unexpected(r.error());
  serial[0] &= 0x7F;  // positive
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate small clock skew between machines
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_set_subject_name(cert.get(), subject);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject);
  X509* iss = issuer ? issuer : cert.get();
  if (ca) {
    WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
    WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE"));
    WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
    // emailProtection lets `openssl cms -verify` pass with its default S/MIME purpose too.
    WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_ext_key_usage, "emailProtection"));
  }
  WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_subject_key_identifier, "hash"));
  if (issuer) WP_RETURN_IF_ERROR(add_ext(cert.get(), iss, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) return crypto_error("signing a certificate");
  return cert;
}

X509NamePtr make_name(const std::string& cn, const std::string& org) {
  X509NamePtr name(X509_NAME_new());
  auto add = [&](const char* field, const std::string& v) {
    if (!v.empty())
      X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.c_str()),
                                 -1, -1, 0);
  };
  add("O", org);
  add("CN", cn);
  return name;
}

std::string key_pem(EVP_PKEY* key, const std::optional<std::string>& pass) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (pass)
    PEM_write_bio_PrivateKey(bio.get(), key, EVP_aes_256_cbc(), reinterpret_cast<const unsigned char*>(pass->data()),
                             static_cast<int>(pass->size()), nullptr, nullptr);
  else
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_contents(bio.get());
}

Result<EvpPkeyPtr> load_key(const std::string& path, const std::optional<std::string>& pass) {
  // A private key others can read is no longer private: refuse it rather than sign with it.
  std::error_code ec;
  auto perms = fs::status(path, ec).permissions();
  if (!ec && (perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none)
    return make_error(ErrorKind::refused, fmt::format("signing key {} is accessible by group or others (mode {:o}): "
                                                      "chmod 600 it (and replace the key if others may have copied it)",
                                                      path, static_cast<unsigned>(perms) & 0777));
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return make_error(ErrorKind::usage, "signing key " + path + " is missing (run `wipeproof keys init`)");
  std::string p = pass.value_or("");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(p.c_str())));
  if (!key) {
    openssl_errors();
    return make_error(ErrorKind::usage, path + ": cannot load the private key (wrong passphrase, or not a PEM key)");
  }
  return key;
}

Result<void> refuse_existing(const std::string& dir, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (fs::exists(fs::path(dir) / n))
      return make_error(ErrorKind::usage, (fs::path(dir) / n).string() + " already exists; not overwriting keys");
  return {};
}

Result<void> write_signer(const std::string& dir, X509* ca, EVP_PKEY* key, X509* cert,
                          const std::optional<std::string>& pass) {
  WP_RETURN_IF_ERROR(write_file_atomic((fs::path(dir) / "signer.key").string(), key_pem(key, pass), 0600));
  WP_RETURN_IF_ERROR(write_file_atomic((fs::path(dir) / "signer.pem").string(), cert_pem(cert), 0644));
  WP_RETURN_IF_ERROR(write_file_atomic((fs::path(dir) / "org-ca.pem").string(), cert_pem(ca), 0644));
  return {};
}

Result<void> check_chain(X509* cert, X509* ca) {
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca);
  OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr);
  if (X509_verify_cert(ctx.get()) != 1)
    return make_error(ErrorKind::usage, std::string("certificate does not chain to the CA: ") +
                                            X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  return {};
}

}  // namespace

Result<void> init_keys(const KeyInitOptions& o) {
  if (o.organisation.empty()) return make_error(ErrorKind::usage, "keys init needs --organisation NAME");
  if (o.signer_name.empty()) return make_error(ErrorKind::usage, "keys init needs --signer NAME");
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) return sys_error("create " + o.dir, ec.value());
  fs::permissions(o.dir, fs::perms::owner_all, ec);
  WP_RETURN_IF_ERROR(refuse_existing(o.dir, {"org-ca.pem", "org-ca.key", "signer.pem", "signer.key"}));
  WP_ASSIGN_OR_RETURN(EvpPkeyPtr ca_key, new_p256_key());
  X509NamePtr ca_name = make_name(o.organisation + " wipeproof CA", o.organisation);
  WP_ASSIGN_OR_RETURN(X509Ptr ca, make_cert(ca_key.get(), ca_name.get(), nullptr, nullptr, o.ca_days, true));
  WP_ASSIGN_OR_RETURN(EvpPkeyPtr key, new_p256_key());
  X509NamePtr name = make_name(o.signer_name, o.organisation);
  WP_ASSIGN_OR_RETURN(X509Ptr cert, make_cert(key.get(), name.get(), ca.get(), ca_key.get(), o.signer_days, false));
  WP_RETURN_IF_ERROR(write_file_atomic((fs::path(o.dir) / "org-ca.key").string(), key_pem(ca_key.get(), o.passphrase), 0600));
  return write_signer(o.dir, ca.get(), key.get(), cert.get(), o.passphrase);
}

Result<void> issue_signer(const std::string& ca_dir, const std::string& out_dir, const std::string& name,
                          const std::optional<std::string>& passphrase, int days) {
  if (name.empty()) return make_error(ErrorKind::usage, "keys issue needs --signer NAME");
  WP_ASSIGN_OR_RETURN(X509Ptr ca, load_cert_pem((fs::path(ca_dir) / "org-ca.pem").string()));
  WP_ASSIGN_OR_RETURN(EvpPkeyPtr ca_key, load_key((fs::path(ca_dir) / "org-ca.key").string(), passphrase));
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return sys_error("create " + out_dir, ec.value());
  WP_RETURN_IF_ERROR(refuse_existing(out_dir, {"signer.pem", "signer.key"}));
  std::string org;
  X509_NAME* ca_subject = X509_get_subject_name(ca.get());
  int idx = X509_NAME_get_index_by_NID(ca_subject, NID_organizationName, -1);
  if (idx >= 0) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(ca_subject, idx)));
    if (n > 0) org.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  WP_ASSIGN_OR_RETURN(EvpPkeyPtr key, new_p256_key());
  X509NamePtr subject = make_name(name, org);
  WP_ASSIGN_OR_RETURN(X509Ptr cert, make_cert(key.get(), subject.get(), ca.get(), ca_key.get(), days, false));
  return write_signer(out_dir, ca.get(), key.get(), cert.get(), passphrase);
}

Result<void> import_keys(const std::string& dir, const std::string& ca_pem, const std::string& cert_pem_path,
                         const std::string& key_pem_path, const std::optional<std::string>& passphrase) {
  WP_ASSIGN_OR_RETURN(X509Ptr ca, load_cert_pem(ca_pem));
  WP_ASSIGN_OR_RETURN(X509Ptr cert, load_cert_pem(cert_pem_path));
  WP_ASSIGN_OR_RETURN(EvpPkeyPtr key, load_key(key_pem_path, passphrase));
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return make_error(ErrorKind::usage, key_pem_path + " does not belong to " + cert_pem_path);
  WP_RETURN_IF_ERROR(check_chain(cert.get(), ca.get()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  WP_RETURN_IF_ERROR(refuse_existing(dir, {"signer.pem", "signer.key"}));
  return write_signer(dir, ca.get(), key.get(), cert.get(), passphrase);
}

Result<Signer> load_signer(const std::string& dir, const std::optional<std::string>& passphrase) {
  Signer s;
  std::string cert_path = (fs::path(dir) / "signer.pem").string();
  if (!fs::exists(cert_path))
    return make_error(ErrorKind::usage, "no signing keys in " + dir + " (signer.pem missing): run `wipeproof keys init --dir " +
                                            dir + "`, pass --keys DIR, or --no-sign");
  WP_ASSIGN_OR_RETURN(s.cert, load_cert_pem(cert_path));
  WP_ASSIGN_OR_RETURN(s.key, load_key((fs::path(dir) / "signer.key").string(), passphrase));
  if (X509_check_private_key(s.cert.get(), s.key.get()) != 1)
    return make_error(ErrorKind::usage, dir + ": signer.key does not belong to signer.pem");
  s.chain.reset(sk_X509_new_null());
  std::string ca_path = (fs::path(dir) / "org-ca.pem").string();
  if (fs::exists(ca_path)) {
    WP_ASSIGN_OR_RETURN(X509Ptr ca, load_cert_pem(ca_path));
    WP_RETURN_IF_ERROR(check_chain(s.cert.get(), ca.get()));
    sk_X509_push(s.chain.get(), ca.release());
  }
  s.subject = cert_subject(s.cert.get());
  return s;
}

Result<std::string> describe_keys(const std::string& dir) {
  std::string out;
  for (const char* n : {"org-ca.pem", "signer.pem"}) {
    std::string p = (fs::path(dir) / n).string();
    if (!fs::exists(p)) {
      out += fmt::format("{}: missing\n", n);
      continue;
    }
    WP_ASSIGN_OR_RETURN(X509Ptr c, load_cert_pem(p));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(c.get(), EVP_sha256(), md, &len);
    BioPtr bio(BIO_new(BIO_s_mem()));
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(c.get()));
    BioPtr ib(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(ib.get(), X509_get_issuer_name(c.get()), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    std::string issuer = bio_contents(ib.get());
    out += fmt::format("{}:\n  subject: {}\n  issuer:  {}\n  expires: {}\n  sha256:  {}\n", n, cert_subject(c.get()),
                       issuer, bio_contents(bio.get()),
                       to_hex(std::as_bytes(std::span(md, len))));
  }
  for (const char* n : {"signer.key", "org-ca.key"}) {
    std::string p = (fs::path(dir) / n).string();
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out += fmt::format("{}: not present\n", n);
      continue;
    }
    bool private_ok = (st.permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none;
    out += fmt::format("{}: present, {}\n", n, private_ok ? "mode 0600" : "WARNING: readable by group or others");
  }
  return out;
}

}  // namespace wipeproof::certs
