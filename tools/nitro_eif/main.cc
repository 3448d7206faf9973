// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// nitro-eif: measure, check, build and sign AWS Nitro Enclaves image files (EIF), with
// nitro-cli's JSON (describe-eif, pcr, build-enclave), and make reproducible ramdisks.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nitro_attest/eif.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/version.h"
#include "tools/common/cli.h"
#include "tools/nitro_eif/render.h"

namespace nitro_attest::cli {
namespace {

constexpr size_t kMaxCustomMetadata = 4096;  // nitro-cli's MAX_META_FILE_SIZE
constexpr size_t kMaxPemFile = 64 * 1024;

// Fail prints the error and returns its exit code.
int Fail(const Error& e) {
  PrintError("nitro-eif", e);
  return ExitCodeFor(e);
}

Result<EifSigner> LoadSignerFiles(const std::string& cert, const std::string& key) {
  EifSigner signer;
  NA_ASSIGN_OR_RETURN(signer.certificate_pem, ReadInput(cert, kMaxPemFile));
  NA_ASSIGN_OR_RETURN(signer.private_key_pem, ReadInput(key, kMaxPemFile));
  return signer;
}

struct DescribeArgs {
  std::string image, at;
  bool text = false, details = false;
};

int Describe(const DescribeArgs& a) {
  EifReadOptions options;
  if (!a.at.empty()) {
    auto at = ParseTime(a.at);
    if (!at) {
      return Fail(at.error());
    }
    options.now = *at;
  }
  const auto image = ReadEif(a.image, options);
  if (!image) {
    // Refused images get no measurements at all: they could boot with other ones.
    return Fail(image.error());
  }
  const Described d = DescribeImage(*image, options.now.value_or(NowTime()));
  if (a.text) {
    PrintDescribeText(std::cout, *image, d);
  } else {
    std::cout << DumpJson(DescribeJson(*image, d, a.details)) << "\n";
  }
  for (const std::string& problem : d.problems) {
    std::cerr << "nitro-eif: " << problem << "\n";
  }
  return d.problems.empty() ? kExitOk : kExitRejected;
}

struct PcrArgs {
  std::string input, certificate;
};

int Pcr(const PcrArgs& a) {
  nlohmann::ordered_json out;
  if (!a.input.empty()) {
    const auto pcr = MeasureFile(a.input);
    if (!pcr) {
      return Fail(pcr.error());
    }
    out["PCR"] = HexEncode(*pcr);
  } else {
    const auto pem = ReadInput(a.certificate, kMaxPemFile);
    if (!pem) {
      return Fail(pem.error());
    }
    const auto pcr = MeasureCertificate(*pem);
    if (!pcr) {
      return Fail(pcr.error());
    }
    out["PCR8"] = HexEncode(*pcr);
  }
  std::cout << DumpJson(out) << "\n";
  return kExitOk;
}

struct BuildArgs {
  std::string kernel, cmdline, output, metadata, name, version, arch = "x86_64";
  std::vector<std::string> ramdisks;
  std::string build_time = "1970-01-01T00:00:00+00:00";
  std::string build_tool = "nitro-eif", build_tool_version = NITRO_ATTEST_VERSION_STRING;
  std::string operating_system = "Linux", kernel_version = "unknown";
  uint64_t memory_mib = 1024, cpus = 2;
  std::string certificate, key;
};

int Build(const BuildArgs& a) {
  EifBuildSpec spec;
  spec.kernel_path = a.kernel;
  spec.cmdline = a.cmdline;
  spec.ramdisk_paths = a.ramdisks;
  spec.flags = a.arch == "aarch64" ? kEifFlagArm64 : 0;
  spec.default_mem = a.memory_mib << 20;
  spec.default_cpus = a.cpus;
  MetadataFields fields;
  // eif_build's defaults: the kernel file's name and "1.0".
  fields.image_name = a.name.empty() ? std::filesystem::path(a.kernel).filename().string() : a.name;
  fields.image_version = a.version.empty() ? "1.0" : a.version;
  fields.build_time = a.build_time;
  fields.build_tool = a.build_tool;
  fields.build_tool_version = a.build_tool_version;
  fields.operating_system = a.operating_system;
  fields.kernel_version = a.kernel_version;
  if (!a.metadata.empty()) {
    const auto custom = ReadInput(a.metadata, kMaxCustomMetadata);
    if (!custom) {
      return Fail(custom.error());
    }
    fields.custom_json.assign(custom->begin(), custom->end());
  }
  auto metadata = EncodeMetadata(fields);
  if (!metadata) {
    return Fail(metadata.error());
  }
  spec.metadata = std::move(*metadata);
  if (!a.certificate.empty()) {
    auto signer = LoadSignerFiles(a.certificate, a.key);
    if (!signer) {
      return Fail(signer.error());
    }
    spec.signer = std::move(*signer);
  }
  const auto image = BuildEif(spec, a.output);
  if (!image) {
    return Fail(image.error());
  }
  std::cout << DumpJson(BuildJson(image->measurements)) << "\n";
  std::cerr << "nitro-eif: wrote " << a.output << " (" << image->size << " bytes)\n";
  return kExitOk;
}

struct SignArgs {
  std::string image, output, certificate, key;
};

int Sign(const SignArgs& a) {
  auto signer = LoadSignerFiles(a.certificate, a.key);
  if (!signer) {
    return Fail(signer.error());
  }
  const std::string out = a.output.empty() ? a.image : a.output;
  const auto image = SignEif(a.image, *signer, out);
  if (!image) {
    return Fail(image.error());
  }
  std::cout << DumpJson(BuildJson(image->measurements)) << "\n";
  std::cerr << "nitro-eif: wrote " << out << " (" << image->size << " bytes)\n";
  if (image->signature && !image->signature->certificate_valid) {
    std::cerr << "nitro-eif: warning: the signing certificate is not valid now; nitro-cli "
                 "run-enclave refuses such an image\n";
  }
  return kExitOk;
}

struct RamdiskArgs {
  std::string dir, output;
  uint32_t mtime = 0;
  bool gzip = false, no_gzip = false;
};

int Ramdisk(const RamdiskArgs& a) {
  RamdiskOptions options;
  options.mtime = a.mtime;
  const bool gz_name = a.output.size() > 3 && a.output.substr(a.output.size() - 3) == ".gz";
  options.gzip = a.gzip || (gz_name && !a.no_gzip);
  const auto written = BuildRamdisk(a.dir, a.output, options);
  if (!written) {
    return Fail(written.error());
  }
  const auto pcr = MeasureFile(a.output);
  if (!pcr) {
    return Fail(pcr.error());
  }
  nlohmann::ordered_json out;
  out["PCR"] = HexEncode(*pcr);
  std::cout << DumpJson(out) << "\n";
  std::cerr << "nitro-eif: wrote " << a.output << " (" << *written << " bytes"
            << (options.gzip ? ", gzip" : ", uncompressed") << ")\n";
  return kExitOk;
}

}  // namespace
}  // namespace nitro_attest::cli

int main(int argc, char** argv) {
  namespace cli = nitro_attest::cli;
  CLI::App app(
      "nitro-eif: measure, check, build and sign AWS Nitro Enclaves images (EIF). Output is "
      "nitro-cli's JSON; images whose readings could disagree are refused, never measured.",
      "nitro-eif");
  app.require_subcommand(1);
  int result = cli::kExitOk;

  cli::DescribeArgs describe;
  auto* d = app.add_subcommand(
      "describe",
      "Print an image's measurements and checks as nitro-cli describe-eif does (JSON). Exit 0 "
      "when every check holds; 1 when the CRC-32, the signature, the certificate's validity or "
      "the metadata does not, or the image is refused; 2 for usage and I/O errors");
  d->add_option("image,--eif-path", describe.image, "The image file")->required();
  d->add_flag("--text", describe.text, "A short human-readable summary instead of JSON");
  d->add_flag("--details", describe.details,
              "Add Sections, CRC32, SignatureDetails and the header's defaults to the JSON");
  d->add_option("--at", describe.at,
                "Judge the signing certificate's validity at this time (Unix seconds or RFC "
                "3339; default now)");
  d->callback([&] { result = cli::Describe(describe); });

  cli::PcrArgs pcr;
  auto* p = app.add_subcommand(
      "pcr", "Measure one file as nitro-cli pcr does: {\"PCR\": ...} for --input, "
             "{\"PCR8\": ...} for --signing-certificate");
  auto* input = p->add_option("--input", pcr.input, "Any file: SHA-384(0^48 || SHA-384(file))");
  auto* cert = p->add_option("--signing-certificate", pcr.certificate,
                             "A PEM certificate: PCR8 of images it signs");
  input->excludes(cert);
  p->require_option(1);
  p->callback([&] { result = cli::Pcr(pcr); });

  cli::BuildArgs build;
  auto* b = app.add_subcommand(
      "build",
      "Assemble an image from a kernel, a cmdline and ramdisks, byte for byte reproducibly (no "
      "clock is read: --build-time defaults to the Unix epoch); prints the Measurements JSON "
      "nitro-cli build-enclave prints");
  b->add_option("--kernel", build.kernel, "Kernel (bzImage or Image)")->required();
  b->add_option("--cmdline", build.cmdline, "Kernel command line, written as given")->required();
  b->add_option("--ramdisk", build.ramdisks,
                "Ramdisk, repeatable, in boot order: the first is measured into PCR1, the "
                "others into PCR2")
      ->required();
  b->add_option("-o,--output", build.output, "The image to write")->required();
  b->add_option("--metadata", build.metadata,
                "Custom metadata: a JSON object file of at most 4096 bytes (not measured)");
  b->add_option("--name", build.name, "ImageName (default: the kernel's file name)");
  b->add_option("--version", build.version, "ImageVersion (default 1.0)");
  const std::pair<const char*, std::string*> build_metadata[] = {
      {"--build-time", &build.build_time},
      {"--build-tool", &build.build_tool},
      {"--build-tool-version", &build.build_tool_version},
      {"--os", &build.operating_system},
      {"--kernel-version", &build.kernel_version}};
  for (const auto& [name, field] : build_metadata) {
    b->add_option(name, *field, "In the metadata's BuildMetadata")->capture_default_str();
  }
  b->add_option("--arch", build.arch, "x86_64 or aarch64 (the header's flag)")
      ->check(CLI::IsMember({"x86_64", "aarch64"}))
      ->capture_default_str();
  b->add_option("--memory", build.memory_mib, "default_mem in MiB (unused by the hypervisor)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  b->add_option("--cpus", build.cpus, "default_cpus (unused by the hypervisor)")
      ->capture_default_str();
  auto* bcert = b->add_option("--signing-certificate", build.certificate,
                              "Sign with this PEM certificate (PCR8 measures it)");
  auto* bkey = b->add_option("--private-key", build.key,
                             "The certificate's PEM private key: EC P-256, P-384 or P-521");
  bcert->needs(bkey);
  bkey->needs(bcert);
  b->callback([&] { result = cli::Build(build); });

  cli::RamdiskArgs ramdisk;
  auto* r = app.add_subcommand(
      "ramdisk",
      "Make a reproducible initramfs from a directory: newc cpio, entries sorted bytewise, "
      "owner 0:0, one mtime, permission bits kept; gzip (zlib, no name, mtime 0) when OUT ends "
      "in .gz. Prints the file's measurement as pcr --input does");
  r->add_option("dir", ramdisk.dir, "The directory that becomes the ramdisk's root")->required();
  r->add_option("-o,--output", ramdisk.output, "OUT.cpio or OUT.cpio.gz")->required();
  r->add_option("--mtime", ramdisk.mtime, "Modification time of every entry (default 0)");
  auto* gz = r->add_flag("--gzip", ramdisk.gzip, "Compress whatever the name");
  auto* no_gz = r->add_flag("--no-gzip", ramdisk.no_gzip, "Do not compress whatever the name");
  gz->excludes(no_gz);
  r->callback([&] { result = cli::Ramdisk(ramdisk); });

  cli::SignArgs sign;
  auto* s = app.add_subcommand(
      "sign",
      "Sign an image (replacing any signature; PCR0-2 do not change) as nitro-cli sign-eif "
      "does; prints the Measurements JSON with PCR8");
  s->add_option("image,--eif-path", sign.image, "The image to sign")->required();
  s->add_option("-o,--output", sign.output, "Write the signed image here (default: in place)");
  s->add_option("--signing-certificate", sign.certificate, "PEM certificate")->required();
  s->add_option("--private-key", sign.key, "PEM private key: EC P-256, P-384 or P-521")
      ->required();
  s->callback([&] { result = cli::Sign(sign); });

  return cli::Run(app, argc, argv, result);
}
