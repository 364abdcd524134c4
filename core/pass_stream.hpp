#pragma once
// The bytes a pass writes, at any offset. Used by the writer to generate and by the verifier to
// regenerate: one definition, so they cannot disagree.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof {

/// AES-128-CTR keystream addressed by byte offset. CTR is seekable: keystream block n is
/// AES_k(IV + n) with IV a 128-bit big-endian counter (NIST SP 800-38A, appendix B.1 style
/// "standard incrementing function" over the whole block), so any offset can be regenerated
/// with stock `openssl enc -aes-128-ctr -K key -iv IV+n`.
class AesCtrStream {
 public:
  static Result<AesCtrStream> create(std::span<const std::byte> key, std::span<const std::byte> iv);
  AesCtrStream(AesCtrStream&&) noexcept;
  AesCtrStream& operator=(AesCtrStream&&) noexcept;
  ~AesCtrStream();

  /// out = keystream[offset, offset + out.size()).
  Result<void> keystream_at(std::uint64_t offset, std::span<std::byte> out);
  /// data ^= keystream[offset, ...): turns expected data into zeros, which is how the verifier
  /// compares in one pass over the buffer.
  Result<void> xor_at(std::uint64_t offset, std::span<std::byte> data);

 private:
  AesCtrStream() = default;
  Result<void> seek(std::uint64_t offset);
  struct State;
  std::unique_ptr<State> state_;
};

/// Generates (or checks) the content of one pass at any byte offset.
class PassStream {
 public:
  static Result<PassStream> create(const PassPattern& pattern);
  PassStream(PassStream&&) noexcept;
  PassStream& operator=(PassStream&&) noexcept;
  ~PassStream();

  /// Writes the pass's bytes for [offset, offset + out.size()) into out.
  Result<void> fill(std::uint64_t offset, std::span<std::byte> out);
  /// Compares `data` (read at `offset`) with the expected bytes, one logical block of
  /// `block_size` at a time; appends the index (within data) of every block that differs.
  /// `data` may be modified (random streams are XORed in place).
  Result<void> find_mismatches(std::uint64_t offset, std::span<std::byte> data, std::size_t block_size,
                               std::vector<std::uint64_t>& mismatched_blocks);

 private:
  PassStream() = default;
  PatternKind kind_ = PatternKind::fixed;
  std::vector<std::byte> pattern_;
  std::vector<std::byte> scratch_;  ///< expected bytes for fixed multi-byte patterns
  std::unique_ptr<AesCtrStream> aes_;
};

/// True when every byte of `data` is zero (word-at-a-time; the compiler vectorises it).
bool all_zero(std::span<const std::byte> data);

/// True when `data` is one byte value repeated.
bool uniform_bytes(std::span<const std::byte> data);

/// True when the byte histogram of `data` (>= 256 bytes) is what noise gives: Pearson's
/// chi-square against uniform below 255 + 8 standard deviations (a false alarm on real noise
/// about once in 10^12 blocks). Text, tables, images headers and sparse data fail it; compressed
/// or encrypted data passes, which is why crypto erase is also checked for change.
bool looks_random(std::span<const std::byte> data);

}  // namespace wipeproof
