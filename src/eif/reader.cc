// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The strict reader. One pass, front to back. The header's table is checked first, on its own:
// it must describe sections that follow one another exactly from the end of the header. Then
// every section header must agree with its table entry. Together these make the sequential
// reading (describe-eif, IMG EifReader) and the table reading (the loader, QEMU read_eif_file)
// find the same sections at the same offsets with the same sizes; the first difference is
// refused, named. Then each reader's own rules apply to the types (docs/eif.md).
#include <algorithm>
#include <string>

#include "src/eif/internal.h"

namespace nitro_attest {
namespace eif {
namespace {

constexpr uint16_t kMinVersion = 2;  // v0 and v1 were never public (IMG README)
constexpr uint16_t kMaxVersion = 4;  // versions above 4 are reserved
// Hash in worker threads from this many measured bytes on; below, threads cost more than
// they save.
constexpr uint64_t kParallelFrom = 8 << 20;

std::string Num(uint64_t v) { return std::to_string(v); }

std::string Section(size_t i) { return "section " + std::to_string(i); }

// CheckHeader checks everything the header alone decides, the table above all.
Status CheckHeader(const Header& h) {
  if (!std::equal(h.magic.begin(), h.magic.end(), kMagic)) {
    return MalformedImage("not an EIF: the magic is not \".eif\"");
  }
  if (h.version < kMinVersion || h.version > kMaxVersion) {
    return MalformedImage("EIF version " + Num(h.version) + " is not one of 2, 3, 4");
  }
  if ((h.flags & ~kEifFlagArm64) != 0) {
    return MalformedImage("header flags " + Num(h.flags) + " set bits other than aarch64 (0x1)");
  }
  if (h.reserved != 0 || h.unused != 0) {
    return MalformedImage("the header's reserved or unused field is not zero");
  }
  if (h.num_sections == 0 || h.num_sections > kEifMaxSections) {
    return MalformedImage("num_sections is " + Num(h.num_sections) + ", not in 1..32");
  }
  for (size_t i = h.num_sections; i < kEifMaxSections; ++i) {
    if (h.offsets[i] != 0 || h.sizes[i] != 0) {
      return MalformedImage("section table entry " + std::to_string(i) +
                            " is beyond num_sections (" + Num(h.num_sections) +
                            ") but not zero: a reader trusting it would see another section");
    }
  }
  // Section i must start exactly where section i-1 ends (the header for i = 0): then reading
  // section after section and reading by the table are the same reading.
  uint64_t expected = kEifHeaderSize;
  for (size_t i = 0; i < h.num_sections; ++i) {
    const uint64_t at = h.offsets[i];
    const std::string prev = i == 0 ? "the header" : Section(i - 1);
    if (i > 0 && at < h.offsets[i - 1]) {
      return MalformedImage("section table: " + Section(i) + " at offset " + Num(at) +
                            " comes before " + prev + " at " + Num(h.offsets[i - 1]) +
                            " (out of order)");
    }
    if (at < expected) {
      return MalformedImage("section table: " + Section(i) + " at offset " + Num(at) +
                            " overlaps " + prev + ", which ends at " + Num(expected));
    }
    if (at > expected) {
      return MalformedImage("section table: " + Num(at - expected) + " bytes between " + prev +
                            " (ends at " + Num(expected) + ") and " + Section(i) + " (at " +
                            Num(at) + "); a sequential reader takes them for a section header");
    }
    // Offsets stay below 2^63 (QEMU: SSIZE_MAX; and off_t).
    constexpr uint64_t kLimit = uint64_t{1} << 62;
    if (h.sizes[i] > kLimit || at > kLimit) {
      return MalformedImage(Section(i) + ": size " + Num(h.sizes[i]) + " is beyond any file");
    }
    expected = at + kEifSectionHeaderSize + h.sizes[i];
  }
  return {};
}

// TypeRules applies the per-type rules as sections arrive, in file order.
class TypeRules {
 public:
  explicit TypeRules(uint16_t version) : version_(version) {}

  Status Add(size_t i, uint16_t raw_type, uint16_t flags, uint64_t size) {
    const std::string where = Section(i);
    if (raw_type == 0 || raw_type > static_cast<uint16_t>(EifSectionType::kMetadata)) {
      return MalformedImage(where + " has type " + Num(raw_type) +
                            ", which is not kernel, cmdline, ramdisk, signature or metadata");
    }
    const auto type = static_cast<EifSectionType>(raw_type);
    const std::string name(to_string(type));
    if (flags != 0) {
      return MalformedImage(where + " (" + name + ") has section flags " + Num(flags) +
                            "; they are reserved and must be zero");
    }
    switch (type) {
      case EifSectionType::kKernel:
        if (kernels_ > 0) {
          return MalformedImage(where + " is a second kernel section");
        }
        if (cmdlines_ > 0 || ramdisks_ > 0) {
          return MalformedImage(where + ": the kernel comes after the cmdline or a ramdisk");
        }
        ++kernels_;
        break;
      case EifSectionType::kCmdline:
        if (cmdlines_ > 0) {
          return MalformedImage(where + " is a second cmdline section");
        }
        if (kernels_ == 0 || ramdisks_ > 0) {
          return MalformedImage(where + ": the cmdline must follow the kernel and precede the "
                                "ramdisks (PCR0 and PCR1 measure kernel || cmdline || ramdisks)");
        }
        ++cmdlines_;
        break;
      case EifSectionType::kRamdisk:
        if (cmdlines_ == 0) {
          return MalformedImage(where + ": a ramdisk before the kernel and cmdline");
        }
        ++ramdisks_;
        break;
      case EifSectionType::kSignature:
        if (version_ < 3) {
          return MalformedImage(where + ": a signature section in a version " + Num(version_) +
                                " image (signatures came with version 3)");
        }
        if (signatures_ > 0) {
          return MalformedImage(where + " is a second signature section");
        }
        if (size > kEifMaxSignatureSize) {
          return MalformedImage(where + ": the signature section is " + Num(size) +
                                " bytes, over the 32768-byte limit");
        }
        ++signatures_;
        break;
      case EifSectionType::kMetadata:
        if (version_ < 4) {
          return MalformedImage(where + ": a metadata section in a version " + Num(version_) +
                                " image (metadata came with version 4)");
        }
        if (metadata_ > 0) {
          return MalformedImage(where + " is a second metadata section");
        }
        if (size > kEifMaxMetadataSize) {
          return MalformedImage(where + ": the metadata section is " + Num(size) +
                                " bytes, over our 1 MiB limit");
        }
        ++metadata_;
        break;
      case EifSectionType::kInvalid:
        break;  // refused above
    }
    return {};
  }

  Status Finish() const {
    if (kernels_ == 0) {
      return MalformedImage("no kernel section");
    }
    if (cmdlines_ == 0) {
      return MalformedImage("no cmdline section");
    }
    if (ramdisks_ == 0) {
      return MalformedImage("no ramdisk section");
    }
    if (version_ >= 4 && metadata_ == 0) {
      return MalformedImage("no metadata section (mandatory since version 4)");
    }
    return {};
  }

  int ramdisks() const { return ramdisks_; }

 private:
  uint16_t version_;
  int kernels_ = 0, cmdlines_ = 0, ramdisks_ = 0, signatures_ = 0, metadata_ = 0;
};

Error Truncated(uint64_t at, size_t i, uint64_t image_end) {
  return MalformedImage("the file ends at byte " + Num(at) + ", inside " + Section(i) +
                        "; the section table says the image is " + Num(image_end) + " bytes");
}

}  // namespace

Result<EifImage> ReadImage(Source& source, const EifReadOptions& options, SectionTap* tap) {
  std::array<uint8_t, kEifHeaderSize> header_bytes{};
  NA_ASSIGN_OR_RETURN(const size_t got, source.ReadFull(header_bytes));
  if (got < kEifHeaderSize) {
    return MalformedImage("the file is " + Num(got) + " bytes, shorter than the 548-byte header");
  }
  const Header h = DecodeHeader(header_bytes);
  NA_TRY(CheckHeader(h));
  const uint64_t image_end = h.offsets[h.num_sections - 1] + kEifSectionHeaderSize +
                             h.sizes[h.num_sections - 1];

  EifImage image;
  image.version = h.version;
  image.flags = h.flags;
  image.default_mem = h.default_mem;
  image.default_cpus = h.default_cpus;
  image.header_crc32 = h.crc32;
  uint32_t crc = Crc32(0, std::span<const uint8_t>(header_bytes).first(kCrcOffset));

  uint64_t data_total = 0;
  for (size_t i = 0; i < h.num_sections; ++i) {
    data_total += h.sizes[i];
  }
  Measurer measurer(options.parallel && data_total >= kParallelFrom);
  TypeRules rules(h.version);
  Bytes signature_section;
  uint64_t pos = kEifHeaderSize;
  for (size_t i = 0; i < h.num_sections; ++i) {
    std::array<uint8_t, kEifSectionHeaderSize> sh{};
    NA_ASSIGN_OR_RETURN(const size_t n, source.ReadFull(sh));
    if (n < sh.size()) {
      return Truncated(pos + n, i, image_end);
    }
    crc = Crc32(crc, sh);
    const auto raw_type = static_cast<uint16_t>((sh[0] << 8) | sh[1]);
    const auto flags = static_cast<uint16_t>((sh[2] << 8) | sh[3]);
    uint64_t size = 0;
    for (size_t b = 4; b < 12; ++b) {
      size = (size << 8) | sh[b];
    }
    if (size != h.sizes[i]) {
      return MalformedImage(Section(i) + " (type " + Num(raw_type) + ") at offset " + Num(pos) +
                            ": its section header says " + Num(size) +
                            " bytes, the section table " + Num(h.sizes[i]) +
                            "; a sequential reader and the loader would read different bytes");
    }
    NA_TRY(rules.Add(i, raw_type, flags, size));
    const EifSection section{static_cast<EifSectionType>(raw_type), pos, size};
    image.sections.push_back(section);
    if (tap != nullptr) {
      NA_TRY(tap->Begin(section));
    }
    const bool measured = section.type == EifSectionType::kKernel ||
                          section.type == EifSectionType::kCmdline ||
                          section.type == EifSectionType::kRamdisk;
    const Route route =
        section.type == EifSectionType::kRamdisk && rules.ramdisks() > 1 ? Route::kApp
                                                                          : Route::kBoot;
    Bytes* keep = section.type == EifSectionType::kMetadata    ? &image.metadata
                  : section.type == EifSectionType::kSignature ? &signature_section
                                                               : nullptr;
    uint64_t left = size;
    const uint64_t data_start = pos + kEifSectionHeaderSize;
    while (left > 0) {
      std::span<uint8_t> buf;
      Bytes small;
      if (measured) {
        buf = measurer.Buffer();
      } else {
        small.resize(static_cast<size_t>(std::min<uint64_t>(left, Measurer::kChunk)));
        buf = small;
      }
      buf = buf.first(static_cast<size_t>(std::min<uint64_t>(left, buf.size())));
      NA_ASSIGN_OR_RETURN(const size_t r, source.ReadFull(buf));
      if (r < buf.size()) {
        return Truncated(data_start + (size - left) + r, i, image_end);
      }
      crc = Crc32(crc, buf);
      if (tap != nullptr) {
        NA_TRY(tap->Data(buf));
      }
      if (measured) {
        measurer.Submit(r, route);
      } else if (keep != nullptr) {
        keep->insert(keep->end(), buf.begin(), buf.end());
      }
      left -= r;
    }
    if (section.type == EifSectionType::kRamdisk && rules.ramdisks() == 1) {
      measurer.EndBootstrap();
    }
    pos = data_start + size;
  }
  NA_TRY(rules.Finish());

  // Nothing may follow the table's last section: a sequential reader would take it for more.
  std::array<uint8_t, kEifSectionHeaderSize> extra{};
  NA_ASSIGN_OR_RETURN(const size_t trailing, source.ReadFull(extra));
  if (trailing == extra.size()) {
    const auto raw_type = static_cast<uint16_t>((extra[0] << 8) | extra[1]);
    return MalformedImage("bytes follow the table's last section at offset " + Num(pos) +
                          ": a sequential reader finds another section there (type " +
                          Num(raw_type) + ") that the table (" + Num(h.num_sections) +
                          " sections) does not list");
  }
  if (trailing > 0) {
    return MalformedImage(Num(trailing) + " trailing bytes after the table's last section, at "
                          "offset " + Num(pos));
  }

  image.size = pos;
  image.computed_crc32 = crc;
  image.measurements = measurer.Finish();
  if (!signature_section.empty() ||
      std::any_of(image.sections.begin(), image.sections.end(),
                  [](const EifSection& s) { return s.type == EifSectionType::kSignature; })) {
    NA_ASSIGN_OR_RETURN(const SignatureSection parsed, ParseSignatureSection(signature_section));
    NA_ASSIGN_OR_RETURN(
        EifSignature checked,
        CheckSignature(parsed, image.measurements.pcr0,
                       options.now.value_or(NowTime())));
    image.measurements.pcr8 = MeasureBytes(checked.certificate_der);
    image.signature = std::move(checked);
  }
  return image;
}

}  // namespace eif

std::string_view to_string(EifSectionType type) {
  switch (type) {
    case EifSectionType::kInvalid: return "invalid";
    case EifSectionType::kKernel: return "kernel";
    case EifSectionType::kCmdline: return "cmdline";
    case EifSectionType::kRamdisk: return "ramdisk";
    case EifSectionType::kSignature: return "signature";
    case EifSectionType::kMetadata: return "metadata";
  }
  return "unknown";
}

Result<EifImage> ReadEif(const std::string& path, const EifReadOptions& options) {
  NA_ASSIGN_OR_RETURN(std::unique_ptr<eif::FdSource> source, eif::FdSource::Open(path));
  return eif::ReadImage(*source, options, nullptr);
}

Result<EifImage> ParseEif(std::span<const uint8_t> image, const EifReadOptions& options) {
  eif::MemorySource source(image);
  return eif::ReadImage(source, options, nullptr);
}

}  // namespace nitro_attest
