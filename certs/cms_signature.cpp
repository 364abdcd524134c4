#include "certs/cms_signature.hpp"

#include <openssl/err.h>

namespace wipeproof::certs {
namespace {

BioPtr mem_bio(const std::string& s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

/// The detached content for CMS_verify, behind a buffering filter. Given a memory BIO with
/// CMS_BINARY, OpenSSL 3.0's CMS_verify copies it into a BIO of its own and leaks that copy when
/// the SignedData cannot be initialised (an altered signature file: empty or bad
/// digestAlgorithms), openssl/openssl PR #30471; Debian 12's 3.0.19 has the bug and LeakSanitizer
/// saw it in the byte-flip test. Behind a filter the method type is not MEM, so no copy is made.
BioPtr content_bio(const std::string& s) {
  BioPtr mem = mem_bio(s);
  BioPtr filter(BIO_new(BIO_f_buffer()));
  if (!mem || !filter) return BioPtr(nullptr);
  return BioPtr(BIO_push(filter.release(), mem.release()));
}


Result<CmsPtr> parse_cms(const std::string& der) {
  BioPtr in = mem_bio(der);
  CmsPtr cms(d2i_CMS_bio(in.get(), nullptr));
  if (!cms) return make_error(ErrorKind::usage, "not a DER CMS signature (" + openssl_errors() + ")");
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
    return make_error(ErrorKind::usage, "CMS is not SignedData");
  return cms;
}

CMS_SignerInfo* first_signer(CMS_ContentInfo* cms) {
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
  return (sis && sk_CMS_SignerInfo_num(sis) > 0) ? sk_CMS_SignerInfo_value(sis, 0) : nullptr;
}

Result<std::string> to_der(CMS_ContentInfo* cms) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), cms) != 1) return crypto_error("encoding CMS");
  return bio_contents(out.get());
}

// A minimal DER walker for the two version fields OpenSSL parses but never checks. wipeproof
// only makes SignedData v1 with SignerInfo v1 (issuerAndSerialNumber, RFC 5652 5.1 and 5.3); a
// changed version byte is a changed signature file, so it must not verify as intact.
struct Tlv {
  unsigned tag = 0;
  const unsigned char* body = nullptr;
  std::size_t len = 0;
};

bool read_tlv(const unsigned char*& p, const unsigned char* end, Tlv& t) {
  if (end - p < 2) return false;
  t.tag = *p++;
  std::size_t len = *p++;
  if (len & 0x80) {
    std::size_t n = len & 0x7F;
    if (n == 0 || n > 4 || static_cast<std::size_t>(end - p) < n) return false;
    len = 0;
    while (n--) len = (len << 8) | *p++;
  }
  if (static_cast<std::size_t>(end - p) < len) return false;
  t.body = p;
  t.len = len;
  p += len;
  return true;
}

bool versions_are_v1(const std::string& der) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  Tlv ci, oid, explicit0, sd, version;
  if (!read_tlv(p, end, ci) || ci.tag != 0x30) return false;
  p = ci.body;
  end = ci.body + ci.len;
  if (!read_tlv(p, end, oid) || !read_tlv(p, end, explicit0) || explicit0.tag != 0xA0) return false;
  p = explicit0.body;
  if (!read_tlv(p, explicit0.body + explicit0.len, sd) || sd.tag != 0x30) return false;
  p = sd.body;
  end = sd.body + sd.len;
  if (!read_tlv(p, end, version) || version.tag != 0x02 || version.len != 1 || version.body[0] != 1) return false;
  Tlv el, signer_infos;
  while (p < end) {
    if (!read_tlv(p, end, el)) return false;
    signer_infos = el;  // signerInfos is the last element of SignedData
  }
  if (signer_infos.tag != 0x31) return false;
  p = signer_infos.body;
  Tlv si, si_version;
  if (!read_tlv(p, signer_infos.body + signer_infos.len, si) || si.tag != 0x30) return false;
  p = si.body;
  return read_tlv(p, si.body + si.len, si_version) && si_version.tag == 0x02 && si_version.len == 1 &&
         si_version.body[0] == 1;
}

/// The encapsulated content must be id-data and the signature algorithm one we make, so that
/// edits to these identifiers, which OpenSSL's verify ignores, still count as tampering.
std::string structure_problem(CMS_ContentInfo* cms, const std::string& der) {
  if (!versions_are_v1(der)) return "SignedData or SignerInfo version is not 1";
  if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) return "encapsulated content type is not id-data";
  CMS_SignerInfo* si = first_signer(cms);
  if (!si) return "no SignerInfo";
  X509_ALGOR* sig_alg = nullptr;
  X509_ALGOR* dig_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig_alg, &sig_alg);
  const ASN1_OBJECT* sig_obj = nullptr;
  const ASN1_OBJECT* dig_obj = nullptr;
  X509_ALGOR_get0(&sig_obj, nullptr, nullptr, sig_alg);
  X509_ALGOR_get0(&dig_obj, nullptr, nullptr, dig_alg);
  int sig = OBJ_obj2nid(sig_obj);
  int dig = OBJ_obj2nid(dig_obj);
  // ECDSA's identifier names its hash: it must agree with the SignerInfo's digest algorithm.
  if ((sig == NID_ecdsa_with_SHA256 && dig == NID_sha256) || (sig == NID_ecdsa_with_SHA384 && dig == NID_sha384) ||
      (sig == NID_ecdsa_with_SHA512 && dig == NID_sha512))
    return {};
  if (sig == NID_rsaEncryption || sig == NID_rsassaPss || (sig == NID_sha256WithRSAEncryption && dig == NID_sha256))
    return {};
  return "unexpected signature algorithm identifier";
}

}  // namespace

const char* signature_status_name(SignatureStatus s) {
  switch (s) {
    case SignatureStatus::valid: return "valid";
    case SignatureStatus::tampered: return "tampered";
    case SignatureStatus::untrusted: return "untrusted";
    case SignatureStatus::malformed: return "malformed";
  }
  return "malformed";
}

Result<std::string> sign_detached(const std::string& content, const Signer& signer) {
  BioPtr data = mem_bio(content);
  // BINARY: sign the exact bytes (no MIME canonicalisation); DETACHED: the JSON stays its own file.
  // The CA is not embedded: the verifier must bring its own trust anchor, and an embedded copy
  // would be bytes no verification looks at.
  CmsPtr cms(CMS_sign(signer.cert.get(), signer.key.get(), nullptr, data.get(), CMS_DETACHED | CMS_BINARY));
  if (!cms) return crypto_error("CMS_sign");
  return to_der(cms.get());
}

SignatureCheck verify_detached(const std::string& content, const std::string& der, const std::string& ca_file) {
  SignatureCheck out;
  auto cms = parse_cms(der);
  if (!cms) {
    out.detail = cms.error().context;
    return out;
  }
  if (CMS_SignerInfo* si = first_signer(cms->get())) {
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx >= 0) {
      ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, idx), 0);
      if (t && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME)) {
        BioPtr b(BIO_new(BIO_s_mem()));
        ASN1_TIME_print(b.get(), t->value.utctime);
        out.signing_time = bio_contents(b.get());
      }
    }
    out.has_timestamp = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) >= 0;
  }
  if (std::string why = structure_problem(cms->get(), der); !why.empty()) {
    out.status = SignatureStatus::tampered;
    out.detail = "signature file altered: " + why;
    return out;
  }
  // 1. Is the content what was signed, and did the embedded certificate's key sign it?
  {
    BioPtr data = content_bio(content);
    if (CMS_verify(cms->get(), nullptr, nullptr, data.get(), nullptr, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
      out.status = SignatureStatus::tampered;
      out.detail = "signature does not match the content (" + openssl_errors() + ")";
      return out;
    }
    STACK_OF(X509)* signers = CMS_get0_signers(cms->get());
    if (signers && sk_X509_num(signers) > 0) out.signer_subject = cert_subject(sk_X509_value(signers, 0));
    sk_X509_free(signers);
  }
  if (ca_file.empty()) {
    out.status = SignatureStatus::valid;
    out.detail = "signature intact; signer not checked against a CA (no CA given)";
    return out;
  }
  // 2. Does the signer chain to the organisation CA we were given?
  auto cas = load_certs_pem(ca_file);
  if (!cas) {
    out.status = SignatureStatus::malformed;
    out.detail = cas.error().context;
    return out;
  }
  X509StorePtr store(X509_STORE_new());
  for (int i = 0; i < sk_X509_num(cas->get()); ++i) X509_STORE_add_cert(store.get(), sk_X509_value(cas->get(), i));
  X509_STORE_set_purpose(store.get(), X509_PURPOSE_ANY);
  BioPtr data = content_bio(content);
  if (CMS_verify(cms->get(), nullptr, store.get(), data.get(), nullptr, CMS_BINARY) != 1) {
    out.status = SignatureStatus::untrusted;
    out.detail = "signer does not chain to " + ca_file + " (" + openssl_errors() + ")";
    return out;
  }
  out.status = SignatureStatus::valid;
  return out;
}

Result<std::string> signature_value(const std::string& der) {
  WP_ASSIGN_OR_RETURN(CmsPtr cms, parse_cms(der));
  CMS_SignerInfo* si = first_signer(cms.get());
  if (!si) return make_error(ErrorKind::usage, "CMS has no signer");
  ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                     static_cast<std::size_t>(ASN1_STRING_length(sig)));
}

Result<std::string> attach_timestamp(const std::string& der, const std::string& token_der) {
  WP_ASSIGN_OR_RETURN(CmsPtr cms, parse_cms(der));
  CMS_SignerInfo* si = first_signer(cms.get());
  if (!si) return make_error(ErrorKind::usage, "CMS has no signer");
  // The attribute value is the TimeStampToken (a ContentInfo SEQUENCE), stored as-is.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token_der.data());
  ASN1_TYPE* value = d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(token_der.size()));
  if (!value || value->type != V_ASN1_SEQUENCE) {
    ASN1_TYPE_free(value);
    return make_error(ErrorKind::usage, "timestamp token is not a DER SEQUENCE");
  }
  int ok = CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                         value->value.sequence, -1);
  ASN1_TYPE_free(value);
  if (ok != 1) return crypto_error("adding the timestamp attribute");
  return to_der(cms.get());
}

Result<std::optional<std::string>> extract_timestamp(const std::string& der) {
  WP_ASSIGN_OR_RETURN(CmsPtr cms, parse_cms(der));
  CMS_SignerInfo* si = first_signer(cms.get());
  if (!si) return std::optional<std::string>{};
  int idx = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (idx < 0) return std::optional<std::string>{};
  ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, idx), 0);
  if (!t || t->type != V_ASN1_SEQUENCE) return make_error(ErrorKind::usage, "timestamp attribute is not a SEQUENCE");
  return std::optional<std::string>(std::string(reinterpret_cast<const char*>(t->value.sequence->data),
                                                static_cast<std::size_t>(t->value.sequence->length)));
}

}  // namespace wipeproof::certs
