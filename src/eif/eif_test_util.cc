// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/eif/eif_test_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "nitro_attest/encoding.h"
#include "src/eif/internal.h"

namespace nitro_attest::eif::testing {
namespace {

// Append copies by hand: g++ 12 misreads vector::insert from std::array as an overflow.
void Append(Bytes& out, std::span<const uint8_t> bytes) {
  const size_t at = out.size();
  out.resize(at + bytes.size());
  if (!bytes.empty()) {
    std::memcpy(out.data() + at, bytes.data(), bytes.size());
  }
}

}  // namespace

Bytes Assemble(const RawImage& image) {
  Header h;
  std::copy(std::begin(kMagic), std::end(kMagic), h.magic.begin());
  h.version = image.version;
  h.flags = image.flags;
  h.default_mem = uint64_t{1} << 30;
  h.default_cpus = 2;
  h.reserved = image.reserved;
  h.unused = image.unused;
  h.num_sections = image.num_sections.value_or(static_cast<uint16_t>(image.sections.size()));
  Bytes body;
  for (size_t i = 0; i < image.sections.size(); ++i) {
    const RawSection& s = image.sections[i];
    if (i < kEifMaxSections) {
      h.offsets[i] = kEifHeaderSize + body.size();
      h.sizes[i] = s.data.size();
    }
    const auto sh = EncodeSectionHeader(s.type, s.flags, s.header_size.value_or(s.data.size()));
    Append(body, sh);
    Append(body, s.data);
  }
  for (const auto& [i, v] : image.table_offsets) {
    h.offsets[i] = v;
  }
  for (const auto& [i, v] : image.table_sizes) {
    h.sizes[i] = v;
  }
  Append(body, image.trailing);
  auto head = EncodeHeader(h);
  h.crc32 = Crc32(Crc32(0, std::span<const uint8_t>(head).first(kCrcOffset)), body);
  if (image.crc) {
    h.crc32 = *image.crc;
  }
  head = EncodeHeader(h);
  Bytes out;
  Append(out, head);
  Append(out, body);
  return out;
}

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

RawImage VectorImage() {
  std::string kernel;
  for (int i = 0; i < 10; ++i) {
    kernel += "KERNEL";
  }
  RawImage image;
  image.sections = {
      {1, Text(kernel)},
      {2, Text("console=ttyS0")},
      {5, Text("{\"ImageName\":\"t\",\"ImageVersion\":\"1\",\"BuildMetadata\":{\"BuildTime\":"
               "\"1970-01-01T00:00:00+00:00\",\"BuildTool\":\"x\",\"BuildToolVersion\":\"0\","
               "\"OperatingSystem\":\"Linux\",\"KernelVersion\":\"0\"},\"DockerInfo\":{},"
               "\"CustomMetadata\":null}")},
      {3, Text("RAMDISK0")},
      {3, Text("RAMDISK1-app")},
  };
  return image;
}

std::string Hex(const Pcr48& pcr) { return HexEncode(pcr); }

EifSigner TestSigner(pki::KeyType key_type, Time not_before,
                     int days) {
  pki::CertSpec spec;
  spec.subject = {{"C", "US"}, {"O", "nitro-attest tests"}, {"CN", "eif-signer.insecure"}};
  spec.key_type = key_type;
  spec.not_before = not_before;
  spec.not_after = not_before + std::chrono::hours(24 * days);
  auto issued = pki::Issue(spec);
  EXPECT_TRUE(issued.has_value());
  const std::string cert = pki::CertificatePem(issued->der);
  const std::string key = pki::PrivateKeyPem(issued->key.get());
  return EifSigner{Text(cert), Text(key)};
}

void WriteFile(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

}  // namespace nitro_attest::eif::testing
