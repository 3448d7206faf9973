// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The enclave image reader (src/eif), on images in memory. Invariants:
// - a failure is kMalformedImage (never an I/O or internal error, never a crash);
// - an accepted image is what a plain re-reading of the bytes finds: sections laid end to end
//   from byte 548 to the last byte, each section header agreeing with the table, at most 32;
//   the CRC-32 is zlib's over everything but the CRC field; PCR0/1/2 are the measurements of
//   the kernel, cmdline and ramdisk data concatenated in file order; the metadata is its
//   section's bytes; PCR8 is there exactly when a signature section is, and measures the
//   certificate's DER;
// - reading again gives the same result (no state leaks between reads).
#include <zlib.h>

#include <algorithm>

#include "fuzz/fuzz.h"
#include "fuzz/fuzz_env.h"
#include "nitro_attest/eif.h"

namespace nitro_attest::fuzz {
namespace {

uint64_t Be(std::span<const uint8_t> b) {
  uint64_t v = 0;
  for (const uint8_t x : b) {
    v = (v << 8) | x;
  }
  return v;
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const EifReadOptions options{.now = FuzzVerifyTime(), .parallel = false};
  const Result<EifImage> image = ParseEif(data, options);
  if (!image) {
    FUZZ_CHECK(image.error().code == ErrorCode::kMalformedImage);
    return;
  }
  FUZZ_CHECK(image->size == data.size());
  FUZZ_CHECK(!image->sections.empty() && image->sections.size() <= kEifMaxSections);
  FUZZ_CHECK(Be(data.subspan(26, 2)) == image->sections.size());
  uint64_t at = kEifHeaderSize;
  Bytes boot, app, metadata;
  int ramdisks = 0;
  bool signature = false;
  for (size_t i = 0; i < image->sections.size(); ++i) {
    const EifSection& s = image->sections[i];
    FUZZ_CHECK(s.offset == at);
    FUZZ_CHECK(Be(data.subspan(28 + 8 * i, 8)) == s.offset);
    FUZZ_CHECK(Be(data.subspan(284 + 8 * i, 8)) == s.size);
    FUZZ_CHECK(Be(data.subspan(at, 2)) == static_cast<uint16_t>(s.type));
    FUZZ_CHECK(Be(data.subspan(at + 4, 8)) == s.size);
    const auto body = data.subspan(at + kEifSectionHeaderSize, s.size);
    switch (s.type) {
      case EifSectionType::kKernel:
      case EifSectionType::kCmdline:
        boot.insert(boot.end(), body.begin(), body.end());
        break;
      case EifSectionType::kRamdisk: {
        Bytes& to = ramdisks++ == 0 ? boot : app;
        to.insert(to.end(), body.begin(), body.end());
        break;
      }
      case EifSectionType::kMetadata:
        metadata.assign(body.begin(), body.end());
        break;
      case EifSectionType::kSignature:
        signature = true;
        break;
      case EifSectionType::kInvalid:
        FUZZ_CHECK(false);
    }
    at += kEifSectionHeaderSize + s.size;
  }
  FUZZ_CHECK(at == data.size());
  FUZZ_CHECK(ramdisks >= 1);
  uLong crc = crc32_z(0, data.data(), 544);
  crc = crc32_z(crc, data.data() + kEifHeaderSize, data.size() - kEifHeaderSize);
  FUZZ_CHECK(image->computed_crc32 == crc);
  FUZZ_CHECK(image->header_crc32 == Be(data.subspan(544, 4)));
  Bytes all = boot;
  all.insert(all.end(), app.begin(), app.end());
  FUZZ_CHECK(image->measurements.pcr1 == MeasureBytes(boot));
  FUZZ_CHECK(image->measurements.pcr0 == MeasureBytes(all));
  FUZZ_CHECK(image->measurements.pcr2 == MeasureBytes(app));
  FUZZ_CHECK(image->metadata == metadata);
  FUZZ_CHECK(image->measurements.pcr8.has_value() == signature);
  FUZZ_CHECK(image->signature.has_value() == signature);
  if (signature) {
    FUZZ_CHECK(*image->measurements.pcr8 == MeasureBytes(image->signature->certificate_der));
    FUZZ_CHECK(!image->signature->SignatureCheck() || image->signature->signature_valid);
  }
  const Result<EifImage> again = ParseEif(data, options);
  FUZZ_CHECK(again.has_value() && again->measurements.pcr0 == image->measurements.pcr0 &&
             again->computed_crc32 == image->computed_crc32);
}

}  // namespace nitro_attest::fuzz
