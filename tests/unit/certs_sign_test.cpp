#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "certs/cms_signature.hpp"
#include "certs/keys.hpp"
#include "certs/ledger.hpp"
#include "certs/openssl_util.hpp"
#include "certs/site.hpp"
#include "core/subprocess.hpp"

using namespace wipeproof;
using namespace wipeproof::certs;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/wipeproof-unit.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const char* name) const { return (path / name).string(); }
};

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

/// One CA with signer for the whole test binary (key generation is the slow part).
const TempDir& keys() {
  static TempDir dir;
  static bool made = [] {
    KeyInitOptions o;
    o.dir = dir.path.string();
    o.organisation = "Unit Test Org";
    o.signer_name = "unit signer";
    return init_keys(o).has_value();
  }();
  REQUIRE(made);
  return dir;
}

}  // namespace

TEST_CASE("RFC 8785: sorted members, ECMAScript string escapes, raw UTF-8", "[jcs]") {
  // RFC 8785 section 3.2.2.2 string example, and members sorted by key.
  json v = json::parse(R"({"b":1,"a":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","c":[true,null,-5]})");
  auto c = canonicalize(v);
  REQUIRE(c);
  CHECK(*c == "{\"a\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"b\":1,\"c\":[true,null,-5]}");
  CHECK(parse_canonical(*c));
  CHECK(parse_canonical(*c + " ").error().kind == ErrorKind::verify_mismatch);
  CHECK(parse_canonical("{\"b\":1, \"a\":2}").error().kind == ErrorKind::verify_mismatch);
  CHECK(parse_canonical("{not json").error().kind == ErrorKind::usage);
  CHECK(canonicalize(json::parse("{\"x\":1.5}")).error().kind == ErrorKind::usage);
  // Duplicate keys collapse on parse, so the bytes are not canonical.
  CHECK_FALSE(parse_canonical("{\"a\":1,\"a\":2}"));
}

TEST_CASE("keys: files, modes, no overwrite, passphrase", "[keys]") {
  const TempDir& k = keys();
  CHECK((fs::status(k / "signer.key").permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  CHECK((fs::status(k / "org-ca.key").permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  KeyInitOptions again{k.path.string(), "Unit Test Org", "x", std::nullopt};
  CHECK(init_keys(again).error().kind == ErrorKind::usage);
  auto s = load_signer(k.path.string(), std::nullopt);
  REQUIRE(s);
  CHECK(s->subject.find("CN = unit signer") != std::string::npos);
  auto d = describe_keys(k.path.string());
  REQUIRE(d);
  CHECK(d->find("PRIVATE") == std::string::npos);

  TempDir p;
  KeyInitOptions enc{p.path.string(), "Org", "signer", std::string("s3cret")};
  REQUIRE(init_keys(enc));
  CHECK(slurp(p / "signer.key").find("ENCRYPTED PRIVATE KEY") != std::string::npos);
  CHECK(load_signer(p.path.string(), std::nullopt).error().kind == ErrorKind::usage);
  CHECK(load_signer(p.path.string(), std::string("wrong")).error().kind == ErrorKind::usage);
  CHECK(load_signer(p.path.string(), std::string("s3cret")));
  CHECK(load_signer((p.path / "nothing").string(), std::nullopt).error().context.find("no signing keys") !=
        std::string::npos);
}

TEST_CASE("CMS detached signatures: valid, every content byte tampered, signature bytes tampered", "[cms]") {
  const TempDir& k = keys();
  auto signer = load_signer(k.path.string(), std::nullopt);
  REQUIRE(signer);
  std::string content = R"({"certificate_id":"x","media":{"serial":"S123"},"result":"erased"})";
  auto der = sign_detached(content, *signer);
  REQUIRE(der);
  SignatureCheck ok = verify_detached(content, *der, k / "org-ca.pem");
  CHECK(ok.status == SignatureStatus::valid);
  CHECK(ok.signer_subject.find("unit signer") != std::string::npos);
  for (std::size_t i = 0; i < content.size(); ++i) {
    std::string t = content;
    t[i] = static_cast<char>(t[i] ^ 0x20);
    REQUIRE(verify_detached(t, *der, k / "org-ca.pem").status == SignatureStatus::tampered);
  }
  int not_valid = 0;
  for (std::size_t i = 0; i < der->size(); ++i) {
    std::string t = *der;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    // A flipped byte may hit the certificate, the attributes, the signature or the ASN.1 framing:
    // whichever, the result must never be "valid".
    if (verify_detached(content, t, k / "org-ca.pem").status != SignatureStatus::valid) ++not_valid;
  }
  CHECK(not_valid == static_cast<int>(der->size()));
  CHECK(verify_detached(content, "garbage", k / "org-ca.pem").status == SignatureStatus::malformed);
}

TEST_CASE("a signer certificate swapped for another from the same CA is caught by us and by openssl", "[cms]") {
  const TempDir& k = keys();
  auto a = load_signer(k.path.string(), std::nullopt);
  REQUIRE(a);
  std::string content = "{\"a\":1}";
  auto der = sign_detached(content, *a);
  REQUIRE(der);
  std::string cert_a_der;
  {
    unsigned char* buf = nullptr;
    int n = i2d_X509(a->cert.get(), &buf);
    cert_a_der.assign(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
  }
  // Issue certificates with the same name until one has the same DER length, then splice it in.
  std::string swapped;
  for (int attempt = 0; attempt < 40 && swapped.empty(); ++attempt) {
    TempDir b;
    REQUIRE(issue_signer(k.path.string(), (b.path / "s").string(), "unit signer", std::nullopt));
    auto sb = load_signer((b.path / "s").string(), std::nullopt);
    REQUIRE(sb);
    unsigned char* buf = nullptr;
    int n = i2d_X509(sb->cert.get(), &buf);
    std::string cert_b_der(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
    if (cert_b_der.size() != cert_a_der.size()) continue;
    std::size_t at = der->find(cert_a_der);
    REQUIRE(at != std::string::npos);
    swapped = *der;
    swapped.replace(at, cert_a_der.size(), cert_b_der);
  }
  REQUIRE_FALSE(swapped.empty());
  CHECK(verify_detached(content, swapped, k / "org-ca.pem").status != SignatureStatus::valid);
  TempDir w;
  spit(w / "c.json", content);
  spit(w / "c.p7s", swapped);
  spit(w / "ok.p7s", *der);
  auto ossl = [&](const std::string& sig) {
    return run_command({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", w / "c.json",
                        "-CAfile", k / "org-ca.pem", "-purpose", "any", "-out", "/dev/null"},
                       true);
  };
  REQUIRE(ossl(w / "ok.p7s"));
  CHECK(*ossl(w / "ok.p7s") == 0);
  CHECK(*ossl(w / "c.p7s") != 0);
}

TEST_CASE("a signer from another CA is untrusted, not tampered", "[cms]") {
  const TempDir& k = keys();
  TempDir other;
  KeyInitOptions o{other.path.string(), "Other", "other signer", std::nullopt};
  REQUIRE(init_keys(o));
  auto s = load_signer(other.path.string(), std::nullopt);
  REQUIRE(s);
  auto der = sign_detached("{}", *s);
  REQUIRE(der);
  CHECK(verify_detached("{}", *der, k / "org-ca.pem").status == SignatureStatus::untrusted);
  CHECK(verify_detached("{}", *der, other / "org-ca.pem").status == SignatureStatus::valid);
}

TEST_CASE("ledger: append, then deletion, reordering and alteration are named", "[ledger]") {
  TempDir d;
  std::string path = d / "ledger.jsonl";
  for (int i = 1; i <= 4; ++i)
    REQUIRE(ledger_append(path, "cert-" + std::to_string(i), std::string(64, static_cast<char>('a' + i)),
                          "2026-11-27T00:00:0" + std::to_string(i) + ".000Z"));
  auto ok = ledger_verify(path);
  REQUIRE(ok);
  CHECK(ok->entries == 4);
  CHECK(ok->problems.empty());
  CHECK(*ledger_contains(path, "cert-2", std::string(64, 'c')));
  CHECK_FALSE(*ledger_contains(path, "cert-2", std::string(64, 'd')));

  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  auto write = [&](const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) s += l + "\n";
    spit(path, s);
  };
  write({lines[0], lines[2], lines[3]});  // entry 2 deleted
  auto del = ledger_verify(path);
  REQUIRE(del);
  REQUIRE_FALSE(del->problems.empty());
  CHECK(del->problems[0].line == 2);
  CHECK(ledger_append(path, "cert-5", std::string(64, 'f'), "x").error().kind == ErrorKind::verify_mismatch);

  write({lines[0], lines[2], lines[1], lines[3]});  // reordered
  auto re = ledger_verify(path);
  REQUIRE(re);
  REQUIRE_FALSE(re->problems.empty());
  CHECK(re->problems[0].line == 2);

  std::string altered = lines[2];
  altered.replace(altered.find("cert-3"), 6, "cert-X");
  write({lines[0], lines[1], altered, lines[3]});
  auto al = ledger_verify(path);
  REQUIRE(al);
  REQUIRE_FALSE(al->problems.empty());
  CHECK(al->problems[0].line == 3);
  CHECK(al->problems[0].what.find("altered") != std::string::npos);
  // The next entry's back-link also no longer matches: the break is visible from both sides.
  CHECK(std::any_of(al->problems.begin(), al->problems.end(), [](const LedgerProblem& p) { return p.line == 4; }) ==
        false);
}

TEST_CASE("site files: values, flags-free defaults, and errors with line numbers", "[site]") {
  TempDir d;
  spit(d / "site.toml", "station_id = \"r1\"\n[organisation]\nname = \"病院\"\n[operator]\nname = \"Op\"\n");
  auto s = load_site_file(d / "site.toml");
  REQUIRE(s);
  CHECK(s->organisation == "病院");
  CHECK(s->operator_.name == "Op");
  CHECK(s->backup == "unknown");
  CHECK(validate_for_signing(*s));
  SiteInfo no_op = *s;
  no_op.operator_.name.clear();
  CHECK(validate_for_signing(no_op).error().context.find("operator") != std::string::npos);
  SiteInfo bad_disp = *s;
  bad_disp.disposition = "shredder";
  CHECK_FALSE(validate_for_signing(bad_disp));
  spit(d / "bad.toml", "a = 1\nb = = 2\n");
  auto bad = load_site_file(d / "bad.toml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().context.find("bad.toml:2") != std::string::npos);
  CHECK_FALSE(load_site_file(d / "missing.toml"));
}

TEST_CASE("certificates: built from a record, validated, missing fields named", "[certificate]") {
  WipeRecord r;
  r.record_id = "11111111-2222-4333-8444-555555555555";
  r.tool.version = "0.1.0";
  r.tool.binary_sha256 = std::string(64, '0');
  r.host = "h";
  r.started = "2026-11-27T00:00:00.000Z";
  r.finished = "2026-11-27T00:00:02.500Z";
  r.device.path = "/dev/sdz";
  r.device.kind = "block";
  r.device.transport = "sata";
  r.device.rotational = true;
  r.device.serial = "WD-123";
  r.outcome = Outcome::erased;
  r.choice.level = SanitizeLevel::clear;
  SiteInfo site;
  site.organisation = "Org";
  site.operator_.name = "Op";
  json c = build_certificate(r, site, r.record_id, "2026-11-27T00:00:03.000Z");
  CHECK(validate_certificate(c));
  CHECK(c["media"]["media_type"] == "magnetic");
  CHECK(c["sanitization"]["duration_ms"] == 2500);
  CHECK(c["sanitization"]["level"] == "clear");
  CHECK(c["people"]["validator"].is_null());
  json no_op = c;
  no_op["people"]["operator"].erase("name");
  CHECK(validate_certificate(no_op).error().context == "certificate: missing /people/operator/name");
  json bad = c;
  bad["sanitization"]["result"] = "probably";
  CHECK_FALSE(validate_certificate(bad));
  // The certificate states the record's level; it does not compute one of its own.
  r.choice.level = SanitizeLevel::none;
  CHECK(build_certificate(r, site, r.record_id, "2026-11-27T00:00:03.000Z")["sanitization"]["level"] == "none");
}
