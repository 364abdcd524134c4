#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "station/auth.hpp"
#include "station/config.hpp"
#include "station/events.hpp"
#include "station/qr.hpp"
#include "station/web_guard.hpp"

using namespace wipeproof;
using namespace wipeproof::station;

namespace {
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("base32: RFC 4648 section 10 vectors, both ways", "[station][auth]") {
  CHECK(base32_encode(bytes("")) == "");
  CHECK(base32_encode(bytes("f")) == "MY");
  CHECK(base32_encode(bytes("fo")) == "MZXQ");
  CHECK(base32_encode(bytes("foo")) == "MZXW6");
  CHECK(base32_encode(bytes("foob")) == "MZXW6YQ");
  CHECK(base32_encode(bytes("fooba")) == "MZXW6YTB");
  CHECK(base32_encode(bytes("foobar")) == "MZXW6YTBOI");
  CHECK(*base32_decode("MZXW6YTBOI======") == bytes("foobar"));
  CHECK(*base32_decode("mzxw 6ytb oi") == bytes("foobar"));
  CHECK_FALSE(base32_decode("MZ1W"));  // 1 is not in the alphabet
}

TEST_CASE("HOTP/TOTP: RFC 4226 appendix D and RFC 6238 appendix B (SHA-1)", "[station][auth]") {
  auto secret = bytes("12345678901234567890");
  const std::uint32_t hotp_vectors[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
  for (std::uint64_t c = 0; c < 10; ++c) CHECK(hotp(secret, c, 6) == hotp_vectors[c]);
  // RFC 6238 gives 8-digit values at these times.
  CHECK(hotp(secret, totp_step(59), 8) == 94287082u);
  CHECK(hotp(secret, totp_step(1111111109), 8) == 7081804u);
  CHECK(hotp(secret, totp_step(1234567890), 8) == 89005924u);
  CHECK(hotp(secret, totp_step(2000000000), 8) == 69279037u);
  // Matching: the current step and one step of drift either way, nothing further.
  std::int64_t t = 1111111109;
  auto code = [&](std::int64_t at) { return fmt::format("{:06}", hotp(secret, totp_step(at), 6)); };
  CHECK(totp_match(secret, code(t), t) == totp_step(t));
  CHECK(totp_match(secret, code(t - 30), t) == totp_step(t) - 1);
  CHECK(totp_match(secret, code(t + 30), t) == totp_step(t) + 1);
  CHECK_FALSE(totp_match(secret, code(t - 90), t));
  CHECK_FALSE(totp_match(secret, "12345", t));
  CHECK_FALSE(totp_match(secret, "abcdef", t));
}

TEST_CASE("login: both factors are needed; passwords are hashed; weak ones refused", "[station][auth]") {
  CHECK_FALSE(new_user("alice", Role::admin, "short"));
  CHECK_FALSE(new_user("al ice", Role::admin, "long enough password"));
  auto u = new_user("alice", Role::admin, "long enough password");
  REQUIRE(u);
  CHECK(u->totp_secret.size() == 32);  // 160 bits
  auto secret = *base32_decode(u->totp_secret);
  std::int64_t now = 1800000000;
  std::string good = fmt::format("{:06}", hotp(secret, totp_step(now), 6));
  std::string bad = good == "000000" ? "000001" : "000000";
  std::uint64_t step = 0;
  CHECK(check_login(*u, "long enough password", good, now, step) == LoginCheck::ok);
  CHECK(step == totp_step(now));
  CHECK(check_login(*u, "long enough passwort", good, now, step) == LoginCheck::wrong_password);
  CHECK(check_login(*u, "long enough password", bad, now, step) == LoginCheck::wrong_totp);
  CHECK_THAT(otpauth_uri("wipeproof", "alice", u->totp_secret),
             Catch::StartsWith("otpauth://totp/wipeproof:alice?secret=" + u->totp_secret));
}

TEST_CASE("qr: the enrolment code renders for a terminal and as SVG", "[station][auth]") {
  auto t = qr_terminal("otpauth://totp/wipeproof:alice?secret=JBSWY3DPEHPK3PXP");
  REQUIRE(t);
  CHECK(std::count(t->begin(), t->end(), '\n') > 10);
  auto s = qr_svg("hello");
  REQUIRE(s);
  CHECK_THAT(*s, Catch::StartsWith("<svg"));
}

TEST_CASE("station.toml: bays, policies, and every bad input named", "[station][config]") {
  auto dir = std::filesystem::temp_directory_path() / "wipeproof-config-unit";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& text) {
    std::ofstream((dir / "station.toml").string()) << text;
    return load_station_config((dir / "station.toml").string());
  };
  auto ok = write(R"(listen = "0.0.0.0:8443"
poll_ms = 250
[[bay]]
name = "A1"
by_path = "pci-0000:00:1f.2-ata-1*"
[[bay]]
name = "loops"
device = "/dev/loop*"
policy = "auto"
level = "purge"
operator = "Hanako Sato"
)");
  REQUIRE(ok);
  CHECK(ok->listen == "0.0.0.0:8443");
  CHECK(ok->poll_ms == 250);
  REQUIRE(ok->bays.size() == 2);
  CHECK_FALSE(ok->bays[0].auto_start);
  CHECK(ok->bays[1].auto_start);
  CHECK(bay_for(ok->bays, "/dev/sda", {"pci-0000:00:1f.2-ata-1.0"}) == 0u);
  CHECK(bay_for(ok->bays, "/dev/loop7", {}) == 1u);
  CHECK_FALSE(bay_for(ok->bays, "/dev/sdb", {"pci-0000:00:1f.2-ata-2.0"}));

  struct Bad {
    const char* text;
    const char* says;
  } bad[] = {
      {"listne = 1", "unknown key 'listne'"},
      {"[[bay]]\nname = \"x\"\n", "exactly one of by_path or device"},
      {"[[bay]]\nname = \"x\"\ndevice = \"/dev/loop*\"\npolicy = \"sometimes\"", "policy must be manual or auto"},
      {"[[bay]]\nname = \"x\"\ndevice = \"/dev/loop*\"\npolicy = \"auto\"", "policy auto needs level or method"},
      {"[[bay]]\nname = \"x\"\ndevice = \"/dev/loop*\"\npolicy = \"auto\"\nlevel = \"purge\"", "needs operator"},
      {"[[bay]]\nname = \"x\"\ndevice = \"/dev/loop*\"\nlevel = \"erase\"", "level must be clear or purge"},
      {"[[bay]]\nname = \"x\"\ndevice = \"loop*\"", "must be a /dev path"},
      {"[[bay]]\nname = \"x\"\ndevice = \"/dev/a\"\n[[bay]]\nname = \"x\"\ndevice = \"/dev/b\"", "named twice"},
      {"poll_ms = 5", "poll_ms must be"},
      {"poll_ms = 4294967796", "poll_ms must be 100-10000"},  // 2^32 + 500: not wrapped to 500
      {"poll_ms = 1.1e114", "poll_ms must be an integer"},    // fuzz_config: a float cast overflowed
      {"[[bay]\n", "station.toml:1"},
  };
  for (const auto& b : bad) {
    auto r = write(b.text);
    INFO(b.text);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().context, Catch::Contains(b.says));
  }
}

TEST_CASE("events: waiters see what follows their cursor; a client that fell behind is told", "[station]") {
  EventHub hub(3);
  bool gap = false;
  CHECK(hub.wait_after(0, 10, gap).empty());
  hub.publish("a", {{"n", 1}});
  hub.publish("b", {{"n", 2}});
  auto got = hub.wait_after(1, 10, gap);
  REQUIRE(got.size() == 1);
  CHECK(got[0].type == "b");
  CHECK_FALSE(gap);
  for (int i = 0; i < 5; ++i) hub.publish("c", {{"n", i}});
  got = hub.wait_after(1, 10, gap);
  CHECK(gap);  // events 2-4 left the ring of 3
  CHECK(got.size() == 3);
  std::uint64_t cursor = hub.last_seq();
  std::thread later([&] { hub.publish("late", nlohmann::json::object()); });
  auto woke = hub.wait_after(cursor, 2000, gap);
  later.join();
  REQUIRE_FALSE(woke.empty());
  CHECK(woke.back().type == "late");
}

TEST_CASE("browser guard: state changes need the station's own Origin when a session cookie rides along",
          "[station][web]") {
  // Fetch Standard: browsers send Origin on every request that is not GET/HEAD; an HTML form can
  // only send urlencoded, multipart or text/plain bodies, never application/json.
  BrowserRequest own;
  own.method = "POST";
  own.host = "station.local:8443";
  own.origin = "https://station.local:8443";
  own.content_type = "application/json";
  own.has_body = true;
  own.has_session_cookie = true;
  CHECK_FALSE(refuse_cross_origin(own));
  BrowserRequest other = own;
  other.origin = "https://station.local:9000";  // another port of the same host: same-site, other origin
  CHECK(refuse_cross_origin(other));
  BrowserRequest missing = own;
  missing.origin.clear();
  CHECK(refuse_cross_origin(missing));
  BrowserRequest form = own;
  form.content_type = "application/x-www-form-urlencoded";
  CHECK(refuse_cross_origin(form));
  BrowserRequest plain_http = own;
  plain_http.tls = false;  // the origin's scheme must match too
  CHECK(refuse_cross_origin(plain_http));
  BrowserRequest token = own;  // an API token is no ambient credential
  token.has_session_cookie = false;
  token.origin.clear();
  token.content_type = "multipart/form-data";
  CHECK_FALSE(refuse_cross_origin(token));
  BrowserRequest read = other;
  read.method = "GET";
  CHECK_FALSE(refuse_cross_origin(read));
  std::size_t n = 0;
  security_headers(true, n);
  CHECK(n == 4);
  security_headers(false, n);
  CHECK(n == 3);  // no HSTS over plain HTTP
}
