#include "station/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::station {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int kIterations = 210000;  // OWASP 2023 guidance for PBKDF2-HMAC-SHA256

std::string uri_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    out += std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ? std::string(1, static_cast<char>(c))
                                                                           : fmt::format("%{:02X}", c);
  return out;
}

bool equal_ct(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::vector<std::uint8_t>> base32_decode(const std::string& text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=' || c == '-') continue;
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* p = std::char_traits<char>::find(kBase32, 32, u);
    if (!p) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(p - kBase32);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::uint32_t hotp(std::span<const std::uint8_t> secret, std::uint64_t counter, int digits) {
  std::uint8_t msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg, sizeof msg, mac, &len);
  // RFC 4226 5.3 dynamic truncation.
  int offset = mac[len - 1] & 0x0f;
  std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                      (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  return bin % mod;
}

std::optional<std::uint64_t> totp_match(std::span<const std::uint8_t> secret, const std::string& code,
                                        std::int64_t unix_seconds, int window) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::uint64_t now = totp_step(unix_seconds);
  std::optional<std::uint64_t> hit;
  for (int d = -window; d <= window; ++d) {
    std::uint64_t step = now + static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
    // Compare every candidate (no early exit) so timing does not tell which step matched.
    if (equal_ct(fmt::format("{:06}", hotp(secret, step, 6)), code)) hit = step;
  }
  return hit;
}

Result<std::string> password_hash(const std::string& password, const std::string& salt_hex, int iterations) {
  unsigned char out[32];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt_hex.data()), static_cast<int>(salt_hex.size()),
                        iterations, EVP_sha256(), sizeof out, out) != 1)
    return make_error(ErrorKind::sys, "PBKDF2 failed");
  return to_hex(std::as_bytes(std::span(out)));
}

Result<UserRow> new_user(const std::string& name, Role role, const std::string& password) {
  if (name.empty() || name.size() > 64 || name.find_first_of(" \t\r\n:/") != std::string::npos)
    return make_error(ErrorKind::usage, "a user name is 1-64 characters without spaces, ':' or '/'");
  if (password.size() < 12) return make_error(ErrorKind::usage, "the password must have at least 12 characters");
  std::vector<std::byte> salt(16), secret(20);
  WP_RETURN_IF_ERROR(random_bytes(salt));
  WP_RETURN_IF_ERROR(random_bytes(secret));
  UserRow u;
  u.name = name;
  u.role = role;
  u.salt = to_hex(salt);
  u.iterations = kIterations;
  WP_ASSIGN_OR_RETURN(u.password_hash, password_hash(password, u.salt, u.iterations));
  u.totp_secret = base32_encode(std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()));
  return u;
}

LoginCheck check_login(const UserRow& u, const std::string& password, const std::string& totp, std::int64_t now,
                       std::uint64_t& step) {
  auto h = password_hash(password, u.salt, u.iterations);
  if (!h || !equal_ct(*h, u.password_hash)) return LoginCheck::wrong_password;
  auto secret = base32_decode(u.totp_secret);
  if (!secret) return LoginCheck::wrong_totp;
  auto m = totp_match(*secret, totp, now);
  if (!m) return LoginCheck::wrong_totp;
  step = *m;
  return LoginCheck::ok;
}

std::string otpauth_uri(const std::string& issuer, const std::string& name, const std::string& secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30", uri_escape(issuer),
                     uri_escape(name), secret, uri_escape(issuer));
}

}  // namespace wipeproof::station
