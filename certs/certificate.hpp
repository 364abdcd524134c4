#pragma once
// The disposal certificate, schema v1 (docs/certificate.md, docs/certificate.schema.json): a wipe
// record plus who, for whom, where and what next. Building it is pure: record + site in, JSON out.
#include <string>

#include <nlohmann/json.hpp>

#include "certs/site.hpp"
#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

inline constexpr const char* kCertificateSchema = "wipeproof-certificate-v1";

/// Assembles the certificate. `issued_at` is RFC 3339; `certificate_id` a UUID.
nlohmann::json build_certificate(const WipeRecord& record, const SiteInfo& site, const std::string& certificate_id,
                                 const std::string& issued_at);

/// Structural check against schema v1 (or wipeproof-destruction-v1, by its /schema): every
/// required member present with the right type and every enumeration in range. The error names
/// the JSON path ("/people/operator/name").
Result<void> validate_certificate(const nlohmann::json& certificate);

}  // namespace wipeproof::certs
