#include "certs/timestamp.hpp"

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "certs/cms_signature.hpp"
#include "certs/openssl_util.hpp"

namespace wipeproof::certs {
namespace {


Result<TsReqPtr> make_request(const std::string& signature) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(signature.data()), signature.size(), md);
  TsReqPtr req(TS_REQ_new());
  TS_REQ_set_version(req.get(), 1);
  OsslPtr<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free> imprint(TS_MSG_IMPRINT_new());
  OsslPtr<X509_ALGOR, X509_ALGOR_free> algo(X509_ALGOR_new());
  X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get());
  TS_MSG_IMPRINT_set_msg(imprint.get(), md, sizeof md);
  TS_REQ_set_msg_imprint(req.get(), imprint.get());
  unsigned char nonce_bytes[8];
  RAND_bytes(nonce_bytes, sizeof nonce_bytes);
  nonce_bytes[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr);
  ASN1_INTEGER* nonce = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  TS_REQ_set_nonce(req.get(), nonce);
  ASN1_INTEGER_free(nonce);
  TS_REQ_set_cert_req(req.get(), 1);  // the TSA certificate travels in the token
  return req;
}

}  // namespace

Result<std::string> timestamp_signature(const std::string& cms_der, const std::string& url) {
  WP_ASSIGN_OR_RETURN(std::string sig, signature_value(cms_der));
  WP_ASSIGN_OR_RETURN(TsReqPtr req, make_request(sig));
  char *host = nullptr, *port = nullptr, *path = nullptr;
  int ssl = 0;
  if (OSSL_HTTP_parse_url(url.c_str(), &ssl, nullptr, &host, &port, nullptr, &path, nullptr, nullptr) != 1)
    return make_error(ErrorKind::usage, "--tsa " + url + ": not a URL (http://host:port/path)");
  BioPtr req_bio(BIO_new(BIO_s_mem()));
  i2d_TS_REQ_bio(req_bio.get(), req.get());
  BioPtr resp_bio(OSSL_HTTP_transfer(nullptr, host, port, path, ssl, nullptr, nullptr, nullptr, nullptr, nullptr,
                                     nullptr, 0, nullptr, "application/timestamp-query", req_bio.get(),
                                     "application/timestamp-reply", 1, 1 << 20, 30, 0));
  OPENSSL_free(host);
  OPENSSL_free(port);
  OPENSSL_free(path);
  if (!resp_bio) return crypto_error("TSA " + url + " did not answer");
  TsRespPtr resp(d2i_TS_RESP_bio(resp_bio.get(), nullptr));
  if (!resp) return crypto_error("TSA " + url + ": reply is not an RFC 3161 TimeStampResp");
  // Check status, imprint and nonce against our request; the TSA's signature is checked when the
  // certificate is verified (against the TSA CA the auditor trusts).
  TsVerifyCtxPtr ctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
  if (TS_RESP_verify_response(ctx.get(), resp.get()) != 1) return crypto_error("TSA " + url + ": reply rejected");
  PKCS7* token = TS_RESP_get_token(resp.get());
  unsigned char* der = nullptr;
  int len = i2d_PKCS7(token, &der);
  if (len <= 0) return crypto_error("encoding the timestamp token");
  std::string token_der(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return attach_timestamp(cms_der, token_der);
}

TimestampCheck verify_timestamp(const std::string& cms_der, const std::string& tsa_ca_file) {
  TimestampCheck out;
  auto token_der = extract_timestamp(cms_der);
  if (!token_der) {
    out.detail = token_der.error().context;
    return out;
  }
  if (!*token_der) return out;
  out.present = true;
  const unsigned char* p = reinterpret_cast<const unsigned char*>((*token_der)->data());
  PKCS7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>((*token_der)->size())));
  if (!token) {
    out.detail = "timestamp token is not DER PKCS#7";
    return out;
  }
  OsslPtr<TS_TST_INFO, TS_TST_INFO_free> info(PKCS7_to_TS_TST_INFO(token.get()));
  if (info) {
    BioPtr b(BIO_new(BIO_s_mem()));
    ASN1_GENERALIZEDTIME_print(b.get(), TS_TST_INFO_get_time(info.get()));
    out.time = bio_contents(b.get());
  }
  STACK_OF(X509)* certs = PKCS7_get0_signers(token.get(), nullptr, 0);
  if (certs && sk_X509_num(certs) > 0) out.tsa = cert_subject(sk_X509_value(certs, 0));
  sk_X509_free(certs);
  ERR_clear_error();
  if (tsa_ca_file.empty()) {
    out.detail = "timestamp present; not checked (no TSA CA given: --tsa-ca FILE)";
    return out;
  }
  auto sig = signature_value(cms_der);
  auto cas = load_certs_pem(tsa_ca_file);
  if (!sig || !cas) {
    out.detail = !sig ? sig.error().context : cas.error().context;
    return out;
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(sig->data()), sig->size(), md);
  TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  X509_STORE* store = X509_STORE_new();
  for (int i = 0; i < sk_X509_num(cas->get()); ++i) X509_STORE_add_cert(store, sk_X509_value(cas->get(), i));
  TS_VERIFY_CTX_set_store(ctx.get(), store);  // ctx owns the store from here
  unsigned char* imprint = static_cast<unsigned char*>(OPENSSL_memdup(md, sizeof md));
  TS_VERIFY_CTX_set_imprint(ctx.get(), imprint, sizeof md);  // and the imprint
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNER | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
  if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
    out.detail = "timestamp does not verify: " + openssl_errors();
    return out;
  }
  out.valid = true;
  return out;
}

}  // namespace wipeproof::certs
