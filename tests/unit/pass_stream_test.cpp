#include <catch2/catch.hpp>

#include <random>

#include "core/hex.hpp"
#include "core/pass_stream.hpp"

using namespace wipeproof;

namespace {
std::vector<std::byte> hex(const char* s) { return *from_hex(s); }
}  // namespace

TEST_CASE("AES-128-CTR matches NIST SP 800-38A F.5.1", "[aes]") {
  auto key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  auto iv = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  auto aes = AesCtrStream::create(key, iv);
  REQUIRE(aes);
  // F.5.1 blocks 1-2: plaintext XOR keystream = ciphertext.
  auto data = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  REQUIRE(aes->xor_at(0, data));
  CHECK(to_hex(data) == "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
  // Seeking straight to block 2 gives the same second block.
  auto block2 = hex("ae2d8a571e03ac9c9eb76fac45af8e51");
  REQUIRE(aes->xor_at(16, block2));
  CHECK(to_hex(block2) == "9806f66b7970fdff8617187bb9fffdff");
}

TEST_CASE("AES-CTR keystream regenerated at arbitrary offsets equals the stream written", "[aes]") {
  auto key = hex("000102030405060708090a0b0c0d0e0f");
  // An IV whose low 64 bits are about to wrap: the counter must carry into the high half.
  auto iv = hex("0000000000000001fffffffffffffff0");
  auto aes = AesCtrStream::create(key, iv);
  REQUIRE(aes);
  std::vector<std::byte> whole(1 << 20);
  REQUIRE(aes->keystream_at(0, whole));
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::uint64_t off = rng() % whole.size();
    std::size_t len = static_cast<std::size_t>(rng() % std::min<std::uint64_t>(70000, whole.size() - off)) + 0;
    std::vector<std::byte> part(len);
    REQUIRE(aes->keystream_at(off, part));
    REQUIRE(std::equal(part.begin(), part.end(), whole.begin() + static_cast<std::ptrdiff_t>(off)));
  }
}

TEST_CASE("AES-CTR rejects wrong key sizes", "[aes]") {
  auto key = hex("0001");
  auto iv = hex("000102030405060708090a0b0c0d0e0f");
  CHECK_FALSE(AesCtrStream::create(key, iv));
}

TEST_CASE("fixed multi-byte patterns follow the device offset, not the buffer", "[pattern]") {
  PassPattern p;
  p.kind = PatternKind::fixed;
  p.bytes = hex("924924");
  auto s = PassStream::create(p);
  REQUIRE(s);
  for (std::uint64_t off : {0ull, 1ull, 2ull, 1048576ull, 1048577ull, 999999ull}) {
    std::vector<std::byte> buf(5000);
    REQUIRE(s->fill(off, buf));
    for (std::size_t i = 0; i < buf.size(); ++i) REQUIRE(buf[i] == p.bytes[(off + i) % 3]);
  }
}

TEST_CASE("find_mismatches names exactly the blocks that differ", "[pattern]") {
  for (const char* pat : {"00", "ff", "6db6db"}) {
    PassPattern p;
    p.kind = PatternKind::fixed;
    p.bytes = hex(pat);
    auto s = PassStream::create(p);
    REQUIRE(s);
    std::vector<std::byte> buf(512 * 8);
    REQUIRE(s->fill(4096, buf));
    buf[512 * 3 + 7] ^= std::byte{1};
    buf[512 * 7 + 511] ^= std::byte{0x80};
    std::vector<std::uint64_t> bad;
    REQUIRE(s->find_mismatches(4096, buf, 512, bad));
    CHECK(bad == std::vector<std::uint64_t>{3, 7});
  }
  PassPattern r;
  r.kind = PatternKind::random_stream;
  r.key_hex = "00112233445566778899aabbccddeeff";
  r.iv_hex = "0f0e0d0c0b0a09080706050403020100";
  auto s = PassStream::create(r);
  REQUIRE(s);
  std::vector<std::byte> buf(512 * 4);
  REQUIRE(s->fill(512 * 100, buf));
  buf[512 * 2] ^= std::byte{0xFF};
  std::vector<std::uint64_t> bad;
  REQUIRE(s->find_mismatches(512 * 100, buf, 512, bad));
  CHECK(bad == std::vector<std::uint64_t>{2});
}
