#include "certs/openssl_util.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>

#include "core/hex.hpp"

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
  std::ifstream in(path, std::ios::binary);
  if (!in) return sys_error("cannot read " + path, errno ? errno : ENOENT);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

Result<void> write_file_mode(const std::string& path, const std::string& bytes, unsigned mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return sys_error("cannot create " + tmp, errno);
  ::fchmod(fd, mode);  // umask must not loosen nor tighten what we mean
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return sys_error("write " + tmp, e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return sys_error("sync " + tmp, e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return sys_error("rename to " + path, e);
  }
  return {};
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
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string sha256_hex(const void* data, std::size_t len) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(static_cast<const unsigned char*>(data), len, md);
  return to_hex(std::span(reinterpret_cast<const std::byte*>(md), sizeof md));
}

}  // namespace wipeproof::certs
