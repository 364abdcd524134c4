#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace wipeproof {

/// Incremental SHA-256 over OpenSSL EVP; the context is freed by RAII.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::byte> data);
  void update(std::string_view text);
  /// Lower-case hex digest; the object cannot be updated afterwards.
  std::string finish_hex();

 private:
  struct CtxFree {
    void operator()(void* ctx) const;
  };
  std::unique_ptr<void, CtxFree> ctx_;
};

/// SHA-256 of a whole file, streamed in 1 MiB chunks.
Result<std::string> sha256_file(const std::string& path);

}  // namespace wipeproof
