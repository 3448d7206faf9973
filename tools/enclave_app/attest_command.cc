// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// attest: ask the NSM for an attestation document, optionally binding a nonce, user data and a
// public key (from a file, or of an ephemeral P-384 key made here).
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "nitro_attest/document.h"
#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/enclave_app/commands.h"

namespace nitro_attest::cli {
namespace {

struct AttestArgs {
  std::string nonce_hex, user_data_hex, public_key_file, private_key_out;
  bool ephemeral_key = false;
  std::string format = "base64";
  std::string out = "-";
};

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free_all(b); }
};

// OptionalField decodes a hex option; absent stays absent (null in the request).
Result<std::optional<Bytes>> OptionalField(const std::string& name, const std::string& hex,
                                           bool given) {
  if (!given) {
    return std::optional<Bytes>();
  }
  auto decoded = HexDecode(hex);
  if (!decoded) {
    return MakeError(decoded.error().code, name + ": " + decoded.error().detail);
  }
  Bytes b = std::move(*decoded);
  // AWS's CDDL bounds these at 1024 bytes; verifiers (ours included) reject more, although
  // the NSM itself would sign it.
  if (b.size() > kMaxOptionalFieldSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     name + " is " + std::to_string(b.size()) + " bytes; at most 1024 are allowed");
  }
  return std::optional<Bytes>(std::move(b));
}

// WritePrivateKey writes the key as PKCS#8 PEM to a new file only its owner can read.
Status WritePrivateKey(const std::string& path, EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return MakeError(ErrorCode::kCryptoError, "cannot encode the private key");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorCode::kIoError, "cannot create " + path + ": " + std::strerror(errno));
  }
  const ssize_t written = ::write(fd, data, static_cast<size_t>(len));
  const bool ok = written == static_cast<ssize_t>(len) && ::close(fd) == 0;
  if (!ok) {
    return MakeError(ErrorCode::kIoError, "cannot write " + path);
  }
  return {};
}

// EphemeralPublicKey makes a P-384 key, writes the private half only where asked, and returns
// the public half as DER SubjectPublicKeyInfo.
Result<Bytes> EphemeralPublicKey(const std::string& private_key_out) {
  PkeyPtr key(EVP_EC_gen("P-384"));
  if (key == nullptr) {
    return MakeError(ErrorCode::kCryptoError, "P-384 key generation failed");
  }
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) {
    return MakeError(ErrorCode::kCryptoError, "cannot encode the public key");
  }
  Bytes spki(der, der + len);
  OPENSSL_free(der);
  if (!private_key_out.empty()) {
    NA_TRY(WritePrivateKey(private_key_out, key.get()));
  }
  return spki;
}

Status RunAttest(const AttestArgs& a, const CLI::App& cmd, const NsmSelection& nsm) {
  AttestationRequest request;
  NA_ASSIGN_OR_RETURN(request.nonce,
                      OptionalField("--nonce", a.nonce_hex, cmd.count("--nonce") > 0));
  NA_ASSIGN_OR_RETURN(request.user_data,
                      OptionalField("--user-data", a.user_data_hex, cmd.count("--user-data") > 0));
  if (!a.public_key_file.empty()) {
    NA_ASSIGN_OR_RETURN(Bytes key, ReadInput(a.public_key_file, kMaxOptionalFieldSize));
    request.public_key = std::move(key);
  } else if (a.ephemeral_key) {
    NA_ASSIGN_OR_RETURN(request.public_key, EphemeralPublicKey(a.private_key_out));
  }
  NA_ASSIGN_OR_RETURN(auto client, OpenNsm(nsm));
  NA_ASSIGN_OR_RETURN(const Bytes document, client->Attestation(request));
  if (a.format == "raw") {
    return WriteOutput(a.out, document);
  }
  const std::string text = Base64Encode(document) + "\n";
  return WriteOutput(a.out, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace

void AddAttestCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  const auto args = std::make_shared<AttestArgs>();
  auto* cmd = app.add_subcommand("attest", "request an attestation document");
  cmd->add_option("--nonce", args->nonce_hex, "nonce, hex (at most 1024 bytes)");
  cmd->add_option("--user-data", args->user_data_hex, "user data, hex (at most 1024 bytes)");
  auto* file = cmd->add_option("--public-key-file", args->public_key_file,
                               "public key to bind (DER, at most 1024 bytes)");
  auto* eph = cmd->add_flag("--ephemeral-key", args->ephemeral_key,
                            "bind the DER SubjectPublicKeyInfo of a new P-384 key");
  file->excludes(eph);
  cmd->add_option("--private-key-out", args->private_key_out,
                  "write the ephemeral private key here (PKCS#8 PEM, mode 0600)")
      ->needs(eph);
  cmd->add_option("--format", args->format, "base64 (default) or raw CBOR")
      ->check(CLI::IsMember({"base64", "raw"}));
  cmd->add_option("--out", args->out, "output file (default standard output)");
  cmd->callback([args, cmd, nsm, result] {
    if (auto s = RunAttest(*args, *cmd, *nsm); !s) {
      Fail(s.error(), result);
    }
  });
}

}  // namespace nitro_attest::cli
