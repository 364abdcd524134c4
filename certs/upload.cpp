#include "certs/upload.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <regex>

#include <httplib.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/openssl_util.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::certs {
namespace fs = std::filesystem;
namespace {

struct Url {
  std::string host;
  int port = 443;
  std::string base;
};

Result<Url> parse_url(const std::string& url) {
  static const std::regex re(R"(^https://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::([0-9]{1,5}))?(/[^?#]*)?$)");
  std::smatch m;
  if (url.rfind("http://", 0) == 0)
    return make_error(ErrorKind::usage, "refusing " + url + ": certificates name people and drives, so only https");
  if (!std::regex_match(url, m, re)) return make_error(ErrorKind::usage, "not an https URL: '" + url + "'");
  Url u;
  u.host = m[1];
  if (m[2].matched) {
    u.port = std::stoi(m[2]);
    if (u.port < 1 || u.port > 65535) return make_error(ErrorKind::usage, "port out of range in " + url);
  }
  u.base = m[3].matched ? std::string(m[3]) : "";
  while (!u.base.empty() && u.base.back() == '/') u.base.pop_back();
  return u;
}

struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

}  // namespace

Result<std::string> certificate_fingerprint(const std::string& pem_path) {
  WP_ASSIGN_OR_RETURN(X509Ptr cert, load_cert_pem(pem_path));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return make_error(ErrorKind::internal, "X509_digest");
  return to_hex(std::as_bytes(std::span(md, len)));
}

Result<std::vector<std::string>> certificate_files(const std::vector<std::string>& paths) {
  static const std::regex id(R"(^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$)");
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file() && std::regex_match(e.path().filename().string(), id)) out.push_back(e.path().string());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      return make_error(ErrorKind::usage, p + ": no such certificate file or directory");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<UploadResult>> upload_certificates(const UploadTarget& t, const std::vector<std::string>& files) {
  WP_ASSIGN_OR_RETURN(Url u, parse_url(t.url));
  WP_ASSIGN_OR_RETURN(X509Ptr pinned, load_cert_pem(t.server_cert_pem));
  // Trust exactly the pinned certificate: the store holds nothing else, so no public CA (and no
  // other station) can stand in for it; the host name must still match it.
  httplib::SSLClient cli(u.host, u.port);
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), pinned.get()) != 1)
    return make_error(ErrorKind::internal, "cannot build the pinned trust store");
  cli.set_ca_cert_store(store.release());  // httplib takes ownership
  cli.enable_server_certificate_verification(true);
  cli.set_connection_timeout(10, 0);
  cli.set_read_timeout(60, 0);
  cli.set_write_timeout(60, 0);
  std::vector<UploadResult> results;
  for (const auto& path : files) {
    UploadResult r;
    r.json_path = path;
    std::string stem = path.substr(0, path.size() - 5);
    auto cert = read_text_file(path);
    auto p7s = read_file_bytes(stem + ".p7s");
    if (!cert || !p7s) {
      r.reason = "missing " + std::string(!cert ? path : stem + ".p7s");
      results.push_back(std::move(r));
      continue;
    }
    auto doc = nlohmann::json::parse(*cert, nullptr, false);
    r.record_id = doc.is_object() ? doc.value("record_id", "") : "";
    nlohmann::json body = {{"certificate", *cert}, {"p7s_base64", base64_encode(*p7s)}};
    if (auto pdf = read_file_bytes(stem + ".pdf"); pdf) body["pdf_base64"] = base64_encode(*pdf);
    auto res = cli.Post((u.base + "/api/v1/certificates").c_str(), body.dump(), "application/json");
    if (!res) {
      std::string why = httplib::to_string(res.error());
      if (res.error() == httplib::Error::SSLServerVerification)
        why = "the server's certificate is not the pinned one (" + t.server_cert_pem + ")";
      if (results.empty())
        return make_error(ErrorKind::sys, fmt::format("cannot reach {}: {}", t.url, why), EHOSTUNREACH);
      r.reason = why;
      results.push_back(std::move(r));
      break;  // the connection is gone: the rest are left for the next attempt
    }
    r.http_status = res->status;
    auto reply = nlohmann::json::parse(res->body, nullptr, false);
    r.accepted = res->status == 201 || res->status == 200 || res->status == 409;
    r.duplicate = res->status == 409 || (reply.is_object() && reply.value("duplicate", false));
    if (!r.accepted)
      r.reason = reply.is_object() && reply.contains("reason") ? reply["reason"].get<std::string>()
                                                               : fmt::format("HTTP {}", res->status);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace wipeproof::certs
