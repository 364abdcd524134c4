#include "certs/openssl_util.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cerrno>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::certs {

std::string openssl_errors() {
  std::string out;
  unsigned long e = 0;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

tl::unexpected<Error> crypto_error(const std::string& what) {
  std::string why = openssl_errors();
  return make_error(ErrorKind::crypto, why.empty() ? what : what + ": " + why);
}

Result<std::vector<unsigned char>> read_binary_file(const std::string& path) {
  WP_ASSIGN_OR_RETURN(std::string bytes, read_file_bytes(path));
  return std::vector<unsigned char>(bytes.begin(), bytes.end());
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string{};
}

Result<X509Ptr> load_cert_pem(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return sys_error("cannot read " + path, errno ? errno : ENOENT);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return make_error(ErrorKind::usage, path + ": not a PEM certificate (" + openssl_errors() + ")");
  return cert;
}

Result<X509StackPtr> load_certs_pem(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return sys_error("cannot read " + path, errno ? errno : ENOENT);
  X509StackPtr stack(sk_X509_new_null());
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) sk_X509_push(stack.get(), c);
  ERR_clear_error();  // the loop ends on "no start line"
  if (sk_X509_num(stack.get()) == 0) return make_error(ErrorKind::usage, path + ": no PEM certificate in it");
  return stack;
}

std::string cert_subject(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  return bio_contents(bio.get());
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_contents(bio.get());
}

std::string sha256_hex(const void* data, std::size_t len) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(static_cast<const unsigned char*>(data), len, md);
  return to_hex(std::span(reinterpret_cast<const std::byte*>(md), sizeof md));
}

std::string base64_encode(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& in) {
  if (in.size() % 4) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t pad = in.empty() ? 0 : (in.end()[-1] == '=') + (in.size() > 1 && in.end()[-2] == '=');
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace wipeproof::certs
