#include "station/tls.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "certs/openssl_util.hpp"
#include "core/sys.hpp"

namespace wipeproof::station {
namespace fs = std::filesystem;

Result<void> ensure_tls_identity(const std::string& dir, const std::string& host) {
  std::string cert_path = (fs::path(dir) / "tls.pem").string(), key_path = (fs::path(dir) / "tls.key").string();
  if (fs::exists(cert_path) && fs::exists(key_path)) return {};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  if (!key || !x) return make_error(ErrorKind::internal, "cannot make the TLS key");
  X509_set_version(x.get(), 2);
  std::vector<std::byte> serial(16);
  WP_RETURN_IF_ERROR(random_bytes(serial));
  serial[0] &= std::byte{0x7F};
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()), 16, nullptr), BN_free);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get()));
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 60L * 60 * 24 * 825);
  X509_set_pubkey(x.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("wipeproof station"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  bool ip = host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos;
  std::string san = "DNS:localhost,IP:127.0.0.1";
  if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "0.0.0.0")
    san += fmt::format(",{}:{}", ip ? "IP" : "DNS", host);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, san}, std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_ext_key_usage, std::string("serverAuth")}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) return make_error(ErrorKind::internal, "cannot add TLS certificate extension " + value);
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x.get(), key.get(), EVP_sha256()) == 0) return make_error(ErrorKind::internal, "cannot sign the TLS certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> kb(BIO_new(BIO_s_mem()), BIO_free), cb(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_X509(cb.get(), x.get());
  WP_RETURN_IF_ERROR(write_file_atomic(key_path, certs::bio_contents(kb.get()), 0600));
  return write_file_atomic(cert_path, certs::bio_contents(cb.get()), 0644);
}

}  // namespace wipeproof::station
