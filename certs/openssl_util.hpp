#pragma once
// RAII for every OpenSSL object certs/ touches, and the error text OpenSSL leaves behind.
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::certs {

template <class T, void (*F)(T*)>
struct OsslFree {
  void operator()(T* p) const { F(p); }
};
template <class T, void (*F)(T*)>
using OsslPtr = std::unique_ptr<T, OsslFree<T, F>>;

inline void bio_free(BIO* b) { BIO_free_all(b); }
using BioPtr = OsslPtr<BIO, bio_free>;
using EvpPkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = OsslPtr<X509, X509_free>;
using CmsPtr = OsslPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509NamePtr = OsslPtr<X509_NAME, X509_NAME_free>;
inline void x509_stack_free(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = OsslPtr<STACK_OF(X509), x509_stack_free>;
using TsReqPtr = OsslPtr<TS_REQ, TS_REQ_free>;
using TsRespPtr = OsslPtr<TS_RESP, TS_RESP_free>;
using TsVerifyCtxPtr = OsslPtr<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;
using PKCS7Ptr = OsslPtr<PKCS7, PKCS7_free>;

/// The queued OpenSSL error strings, joined with "; " (and the queue cleared).
std::string openssl_errors();
/// A crypto error with OpenSSL's reasons appended.
tl::unexpected<Error> crypto_error(const std::string& what);

Result<std::vector<unsigned char>> read_binary_file(const std::string& path);
/// The bytes a memory BIO holds.
std::string bio_contents(BIO* bio);

Result<X509Ptr> load_cert_pem(const std::string& path);
/// Every certificate in a PEM file (a CA bundle).
Result<X509StackPtr> load_certs_pem(const std::string& path);
std::string cert_subject(X509* cert);
std::string cert_pem(X509* cert);
std::string sha256_hex(const void* data, std::size_t len);
/// RFC 4648 base64 (no line breaks), as the upload contract carries .p7s and .pdf files.
std::string base64_encode(const std::string& bytes);
/// Inverse of base64_encode; nothing for text that is not canonical padded base64.
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace wipeproof::certs
