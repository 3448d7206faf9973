// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Building and signing. Both stream their inputs once: sections go to a temporary output as
// they are read and measured, the signature (which needs PCR0) goes last, and the header,
// whose table and CRC are known only then, is written into the space left at the front. The
// CRC of header and sections is put together with zlib's crc32_combine.
#include <zlib.h>

#include "src/eif/internal.h"

namespace nitro_attest {
namespace eif {
namespace {

// ImageWriter lays sections out one after another from the end of the header.
class ImageWriter {
 public:
  static Result<ImageWriter> Create(const std::string& path) {
    NA_ASSIGN_OR_RETURN(auto out, OutputFile::Create(path));
    ImageWriter w(std::move(out));
    const std::array<uint8_t, kEifHeaderSize> placeholder{};
    NA_TRY(w.out_->Write(placeholder));
    return w;
  }

  Status Begin(EifSectionType type, uint64_t size) {
    NA_TRY(CheckComplete());
    if (count_ == kEifMaxSections) {
      return MakeError(ErrorCode::kInvalidArgument, "an image holds at most 32 sections");
    }
    header_.offsets[count_] = out_->written();
    header_.sizes[count_] = size;
    ++count_;
    left_ = size;
    return Write(EncodeSectionHeader(static_cast<uint16_t>(type), 0, size), true);
  }

  // Write appends section data (or, with `header`, a section header).
  Status Write(std::span<const uint8_t> data, bool header = false) {
    if (!header) {
      if (data.size() > left_) {
        return MakeError(ErrorCode::kIoError, "an input grew while the image was written");
      }
      left_ -= data.size();
    }
    crc_ = Crc32(crc_, data);
    return out_->Write(data);
  }

  // Finish writes the header with the table and CRC, and renames the output into place.
  Status Finish(uint16_t version, uint16_t flags, uint64_t default_mem, uint64_t default_cpus) {
    NA_TRY(CheckComplete());
    std::copy(std::begin(kMagic), std::end(kMagic), header_.magic.begin());
    header_.version = version;
    header_.flags = flags;
    header_.default_mem = default_mem;
    header_.default_cpus = default_cpus;
    header_.num_sections = static_cast<uint16_t>(count_);
    auto bytes = EncodeHeader(header_);
    const uint32_t head = Crc32(0, std::span<const uint8_t>(bytes).first(kCrcOffset));
    header_.crc32 = static_cast<uint32_t>(
        crc32_combine(head, crc_, static_cast<z_off_t>(out_->written() - kEifHeaderSize)));
    bytes = EncodeHeader(header_);
    NA_TRY(out_->WriteAt(0, bytes));
    return out_->Commit();
  }

 private:
  explicit ImageWriter(std::unique_ptr<OutputFile> out) : out_(std::move(out)) {}
  Status CheckComplete() const {
    if (left_ != 0) {
      return MakeError(ErrorCode::kIoError, "an input shrank while the image was written");
    }
    return {};
  }

  std::unique_ptr<OutputFile> out_;
  Header header_;
  size_t count_ = 0;
  uint64_t left_ = 0;
  uint32_t crc_ = 0;  // over everything after the header
};

// CopyMeasured streams `size` bytes from `source` into the writer and the measurer.
Status CopyMeasured(Source& source, uint64_t size, Route route, ImageWriter& w, Measurer& m) {
  while (size > 0) {
    std::span<uint8_t> buf = m.Buffer();
    buf = buf.first(static_cast<size_t>(std::min<uint64_t>(size, buf.size())));
    NA_ASSIGN_OR_RETURN(const size_t n, source.ReadFull(buf));
    if (n < buf.size()) {
      return MakeError(ErrorCode::kIoError, "an input shrank while the image was written");
    }
    NA_TRY(w.Write(buf));  // before Submit: the buffer is the measurer's afterwards
    m.Submit(n, route);
    size -= n;
  }
  return {};
}

Status AddFile(const std::string& path, EifSectionType type, Route route, ImageWriter& w,
               Measurer& m) {
  NA_ASSIGN_OR_RETURN(const auto source, FdSource::Open(path));
  NA_TRY(w.Begin(type, source->size()));
  NA_TRY(CopyMeasured(*source, source->size(), route, w, m));
  std::array<uint8_t, 1> more{};
  NA_ASSIGN_OR_RETURN(const size_t extra, source->Read(more));
  if (extra != 0) {
    return MakeError(ErrorCode::kIoError, path + " grew while the image was written");
  }
  return {};
}

// Reread returns the written image as ReadEif reads it, checking PCR0 against the writer's.
Result<EifImage> Reread(const std::string& path, const Pcr48& pcr0,
                        const EifReadOptions& options) {
  NA_ASSIGN_OR_RETURN(EifImage image, ReadEif(path, options));
  if (image.measurements.pcr0 != pcr0) {
    return MakeError(ErrorCode::kInternal, "the written image measures differently");
  }
  return image;
}

// CopyTap copies every section but the signature into a new image.
class CopyTap final : public SectionTap {
 public:
  explicit CopyTap(ImageWriter* w) : w_(w) {}
  Status Begin(const EifSection& section) override {
    skip_ = section.type == EifSectionType::kSignature;
    return skip_ ? Status() : w_->Begin(section.type, section.size);
  }
  Status Data(std::span<const uint8_t> data) override {
    return skip_ ? Status() : w_->Write(data);
  }

 private:
  ImageWriter* w_;
  bool skip_ = false;
};

}  // namespace
}  // namespace eif

Result<EifImage> BuildEif(const EifBuildSpec& spec, const std::string& out_path,
                          const EifReadOptions& options) {
  using eif::Route;
  if (spec.kernel_path.empty() || spec.ramdisk_paths.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an image needs a kernel and a ramdisk");
  }
  if (spec.metadata.empty() || spec.metadata.size() > kEifMaxMetadataSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the metadata section must hold 1 byte to 1 MiB (version 4 requires it)");
  }
  if ((spec.flags & ~kEifFlagArm64) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown header flags");
  }
  std::optional<eif::LoadedSigner> signer;
  if (spec.signer) {
    NA_ASSIGN_OR_RETURN(signer, eif::LoadSigner(*spec.signer));
  }
  NA_ASSIGN_OR_RETURN(eif::ImageWriter w, eif::ImageWriter::Create(out_path));
  eif::Measurer m(options.parallel);
  NA_TRY(eif::AddFile(spec.kernel_path, EifSectionType::kKernel, Route::kBoot, w, m));
  const std::span<const uint8_t> cmdline(reinterpret_cast<const uint8_t*>(spec.cmdline.data()),
                                         spec.cmdline.size());
  NA_TRY(w.Begin(EifSectionType::kCmdline, cmdline.size()));
  eif::MemorySource cmdline_source(cmdline);
  NA_TRY(eif::CopyMeasured(cmdline_source, cmdline.size(), Route::kBoot, w, m));
  NA_TRY(w.Begin(EifSectionType::kMetadata, spec.metadata.size()));
  NA_TRY(w.Write(spec.metadata));
  for (size_t i = 0; i < spec.ramdisk_paths.size(); ++i) {
    NA_TRY(eif::AddFile(spec.ramdisk_paths[i], EifSectionType::kRamdisk,
                        i == 0 ? Route::kBoot : Route::kApp, w, m));
    if (i == 0) {
      m.EndBootstrap();
    }
  }
  const EifMeasurements measured = m.Finish();
  if (signer) {
    NA_ASSIGN_OR_RETURN(const Bytes section, eif::MakeSignatureSection(*signer, measured.pcr0));
    NA_TRY(w.Begin(EifSectionType::kSignature, section.size()));
    NA_TRY(w.Write(section));
  }
  NA_TRY(w.Finish(4, spec.flags, spec.default_mem, spec.default_cpus));
  return eif::Reread(out_path, measured.pcr0, options);
}

Result<EifImage> SignEif(const std::string& in_path, const EifSigner& signer,
                         const std::string& out_path, const EifReadOptions& options) {
  NA_ASSIGN_OR_RETURN(const eif::LoadedSigner loaded, eif::LoadSigner(signer));
  NA_ASSIGN_OR_RETURN(const auto source, eif::FdSource::Open(in_path));
  NA_ASSIGN_OR_RETURN(eif::ImageWriter w, eif::ImageWriter::Create(out_path));
  eif::CopyTap tap(&w);
  NA_ASSIGN_OR_RETURN(const EifImage in, eif::ReadImage(*source, options, &tap));
  if (in.version < 3) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a version " + std::to_string(in.version) +
                         " image cannot carry a signature (version 3 and later)");
  }
  NA_ASSIGN_OR_RETURN(const Bytes section,
                      eif::MakeSignatureSection(loaded, in.measurements.pcr0));
  NA_TRY(w.Begin(EifSectionType::kSignature, section.size()));
  NA_TRY(w.Write(section));
  NA_TRY(w.Finish(in.version, in.flags, in.default_mem, in.default_cpus));
  return eif::Reread(out_path, in.measurements.pcr0, options);
}

}  // namespace nitro_attest
