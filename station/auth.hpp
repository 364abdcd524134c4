#pragma once
// The two factors of a dashboard login (MHLW guideline 6.5: per-person accounts, two-factor
// authentication for those who may change things): a password kept only as PBKDF2-HMAC-SHA256,
// and a time-based one-time password (RFC 6238 TOTP over HMAC-SHA1, 30 s steps, 6 digits — what
// every authenticator app speaks), enrolled from an otpauth:// URI shown as a QR code.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

/// RFC 4648 base32 (upper case, no padding); decode accepts lower case, spaces and padding.
std::string base32_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base32_decode(const std::string& text);

/// RFC 4226 HOTP value of `counter` truncated to `digits` (6 or 8).
std::uint32_t hotp(std::span<const std::uint8_t> secret, std::uint64_t counter, int digits);
/// RFC 6238: the TOTP step of `unix_seconds` (30 s steps from T0 = 0).
inline std::uint64_t totp_step(std::int64_t unix_seconds) { return static_cast<std::uint64_t>(unix_seconds) / 30; }
/// The step `code` matches within ±`window` steps of `unix_seconds` (clock drift), if any.
std::optional<std::uint64_t> totp_match(std::span<const std::uint8_t> secret, const std::string& code,
                                        std::int64_t unix_seconds, int window = 1);

/// PBKDF2-HMAC-SHA256 of the password, hex.
Result<std::string> password_hash(const std::string& password, const std::string& salt_hex, int iterations);

/// A new account: random salt and 160-bit TOTP secret. Refuses passwords under 12 characters.
Result<UserRow> new_user(const std::string& name, Role role, const std::string& password);
/// Both factors; constant-time comparisons. The step is returned to refuse its reuse.
enum class LoginCheck { ok, wrong_password, wrong_totp };
LoginCheck check_login(const UserRow& user, const std::string& password, const std::string& totp, std::int64_t now,
                       std::uint64_t& step);

/// otpauth://totp/ISSUER:NAME?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(const std::string& issuer, const std::string& name, const std::string& secret_base32);

}  // namespace wipeproof::station
