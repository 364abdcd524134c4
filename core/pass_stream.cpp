#include "core/pass_stream.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "core/hex.hpp"

namespace wipeproof {

struct AesCtrStream::State {
  std::array<unsigned char, 16> key{};
  std::array<unsigned char, 16> iv{};
  EVP_CIPHER_CTX* ctx = nullptr;
  ~State() { EVP_CIPHER_CTX_free(ctx); }
};

Result<AesCtrStream> AesCtrStream::create(std::span<const std::byte> key, std::span<const std::byte> iv) {
  if (key.size() != 16 || iv.size() != 16)
    return make_error(ErrorKind::usage, "AES-128-CTR needs a 16-byte key and a 16-byte IV");
  AesCtrStream s;
  s.state_ = std::make_unique<State>();
  std::memcpy(s.state_->key.data(), key.data(), 16);
  std::memcpy(s.state_->iv.data(), iv.data(), 16);
  s.state_->ctx = EVP_CIPHER_CTX_new();
  if (s.state_->ctx == nullptr) return make_error(ErrorKind::crypto, "EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(s.state_->ctx, EVP_aes_128_ctr(), nullptr, s.state_->key.data(), s.state_->iv.data()) != 1)
    return make_error(ErrorKind::crypto, "EVP_EncryptInit_ex(aes-128-ctr) failed");
  return s;
}

AesCtrStream::AesCtrStream(AesCtrStream&&) noexcept = default;
AesCtrStream& AesCtrStream::operator=(AesCtrStream&&) noexcept = default;
AesCtrStream::~AesCtrStream() = default;

Result<void> AesCtrStream::seek(std::uint64_t offset) {
  // Counter block = IV + offset/16 as a 128-bit big-endian integer.
  std::array<unsigned char, 16> ctr = state_->iv;
  std::uint64_t add = offset / 16;
  unsigned carry = 0;
  for (int i = 15; i >= 0; --i) {
    unsigned sum = ctr[static_cast<std::size_t>(i)] + static_cast<unsigned>(add & 0xFF) + carry;
    ctr[static_cast<std::size_t>(i)] = static_cast<unsigned char>(sum & 0xFF);
    carry = sum >> 8;
    add >>= 8;
  }
  if (EVP_EncryptInit_ex(state_->ctx, nullptr, nullptr, nullptr, ctr.data()) != 1)
    return make_error(ErrorKind::crypto, "EVP_EncryptInit_ex(seek) failed");
  std::size_t skip = offset % 16;
  if (skip != 0) {
    unsigned char junk[16] = {};
    int outl = 0;
    if (EVP_EncryptUpdate(state_->ctx, junk, &outl, junk, static_cast<int>(skip)) != 1)
      return make_error(ErrorKind::crypto, "EVP_EncryptUpdate(skip) failed");
  }
  return {};
}

Result<void> AesCtrStream::xor_at(std::uint64_t offset, std::span<std::byte> data) {
  WP_RETURN_IF_ERROR(seek(offset));
  auto* p = reinterpret_cast<unsigned char*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    int chunk = static_cast<int>(std::min<std::size_t>(left, 1u << 30));
    int outl = 0;
    if (EVP_EncryptUpdate(state_->ctx, p, &outl, p, chunk) != 1)
      return make_error(ErrorKind::crypto, "EVP_EncryptUpdate failed");
    p += chunk;
    left -= static_cast<std::size_t>(chunk);
  }
  return {};
}

Result<void> AesCtrStream::keystream_at(std::uint64_t offset, std::span<std::byte> out) {
  std::memset(out.data(), 0, out.size());
  return xor_at(offset, out);
}

bool all_zero(std::span<const std::byte> data) {
  // glibc's memcmp is hand-vectorised (AVX2 here); comparing against a static zero page beats
  // any portable OR-reduction loop GCC 12 produces at -O2.
  alignas(64) static const std::byte kZeros[64 * 1024] = {};
  for (std::size_t pos = 0; pos < data.size(); pos += sizeof kZeros) {
    std::size_t n = std::min(sizeof kZeros, data.size() - pos);
    if (std::memcmp(data.data() + pos, kZeros, n) != 0) return false;
  }
  return true;
}

bool uniform_bytes(std::span<const std::byte> data) {
  return data.size() < 2 || (data[0] == data[1] && std::memcmp(data.data(), data.data() + 1, data.size() - 1) == 0);
}

bool looks_random(std::span<const std::byte> data) {
  if (data.size() < 256) return false;
  std::array<std::uint32_t, 256> count{};
  for (std::byte b : data) ++count[std::to_integer<unsigned>(b)];
  const double expected = static_cast<double>(data.size()) / 256.0;
  double chi2 = 0;
  for (std::uint32_t c : count) chi2 += (c - expected) * (c - expected) / expected;
  // 255 degrees of freedom: mean 255, standard deviation sqrt(510) ~ 22.6.
  return chi2 < 255.0 + 8.0 * 22.6;
}

Result<PassStream> PassStream::create(const PassPattern& pattern) {
  PassStream s;
  s.kind_ = pattern.kind;
  if (pattern.kind == PatternKind::uniform || pattern.kind == PatternKind::looks_random ||
      pattern.kind == PatternKind::any)
    return s;
  if (pattern.kind == PatternKind::fixed) {
    if (pattern.bytes.empty()) return make_error(ErrorKind::usage, "empty fixed pattern");
    s.pattern_ = pattern.bytes;
    return s;
  }
  auto key = from_hex(pattern.key_hex);
  auto iv = from_hex(pattern.iv_hex);
  if (!key || !iv) return make_error(ErrorKind::usage, "random pass without a valid key/IV");
  WP_ASSIGN_OR_RETURN(AesCtrStream aes, AesCtrStream::create(*key, *iv));
  s.aes_ = std::make_unique<AesCtrStream>(std::move(aes));
  return s;
}

PassStream::PassStream(PassStream&&) noexcept = default;
PassStream& PassStream::operator=(PassStream&&) noexcept = default;
PassStream::~PassStream() = default;

Result<void> PassStream::fill(std::uint64_t offset, std::span<std::byte> out) {
  if (kind_ != PatternKind::fixed && kind_ != PatternKind::random_stream)
    return make_error(ErrorKind::usage, "no exact content to generate for this expectation");
  if (kind_ == PatternKind::random_stream) return aes_->keystream_at(offset, out);
  std::size_t len = pattern_.size();
  if (len == 1) {
    std::memset(out.data(), std::to_integer<int>(pattern_[0]), out.size());
    return {};
  }
  // The byte at device offset o is pattern[o % len], whatever the buffer boundaries.
  std::size_t phase = static_cast<std::size_t>(offset % len);
  std::size_t first = std::min(out.size(), len - phase);
  std::memcpy(out.data(), pattern_.data() + phase, first);
  // Double the filled prefix until done: log2(n) memcpy calls.
  std::size_t filled = first;
  if (filled < out.size() && filled < len) {
    std::size_t more = std::min(out.size() - filled, phase);
    std::memcpy(out.data() + filled, pattern_.data(), more);
    filled += more;
  }
  while (filled < out.size()) {
    std::size_t copy = std::min(filled / len * len, out.size() - filled);
    std::memcpy(out.data() + filled, out.data(), copy);
    filled += copy;
  }
  return {};
}

Result<void> PassStream::find_mismatches(std::uint64_t offset, std::span<std::byte> data,
                                         std::size_t block_size, std::vector<std::uint64_t>& mismatched) {
  if (kind_ == PatternKind::any) return {};  // judged by the residue scan (verifier)
  if (kind_ == PatternKind::uniform || kind_ == PatternKind::looks_random) {
    for (std::size_t b = 0; b * block_size < data.size(); ++b) {
      auto block = data.subspan(b * block_size, std::min(block_size, data.size() - b * block_size));
      bool uniform = uniform_bytes(block);
      if (kind_ == PatternKind::uniform ? !uniform : !(uniform || looks_random(block))) mismatched.push_back(b);
    }
    return {};
  }
  if (kind_ == PatternKind::random_stream) {
    // XOR and scan in 64 KiB pieces so the scan reads what AES just wrote while it is still in L1/L2.
    const std::size_t piece = std::max<std::size_t>(block_size, 64 * 1024) / block_size * block_size;
    for (std::size_t pos = 0; pos < data.size(); pos += piece) {
      auto part = data.subspan(pos, std::min(piece, data.size() - pos));
      WP_RETURN_IF_ERROR(aes_->xor_at(offset + pos, part));
      if (all_zero(part)) continue;  // the common case: one scan of the whole piece
      for (std::size_t b = 0; b * block_size < part.size(); ++b) {
        std::size_t n = std::min(block_size, part.size() - b * block_size);
        if (!all_zero(part.subspan(b * block_size, n))) mismatched.push_back(pos / block_size + b);
      }
    }
    return {};
  }
  if (pattern_.size() == 1) {
    auto expected = pattern_[0];
    if (!data.empty() && data[0] == expected && std::memcmp(data.data(), data.data() + 1, data.size() - 1) == 0)
      return {};
    for (std::size_t b = 0; b * block_size < data.size(); ++b) {
      std::size_t n = std::min(block_size, data.size() - b * block_size);
      const std::byte* p = data.data() + b * block_size;
      // memcmp with itself shifted by one: all bytes equal iff p[0] == p[1] == ... == p[n-1].
      if (p[0] != expected || (n > 1 && std::memcmp(p, p + 1, n - 1) != 0)) mismatched.push_back(b);
    }
    return {};
  }
  scratch_.resize(data.size());
  WP_RETURN_IF_ERROR(fill(offset, scratch_));
  for (std::size_t b = 0; b * block_size < data.size(); ++b) {
    std::size_t n = std::min(block_size, data.size() - b * block_size);
    if (std::memcmp(data.data() + b * block_size, scratch_.data() + b * block_size, n) != 0)
      mismatched.push_back(b);
  }
  return {};
}

}  // namespace wipeproof
