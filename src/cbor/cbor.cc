// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/cbor/cbor.h"

#include <algorithm>
#include <string>

#include "src/common/byte_reader.h"
#include "src/common/utf8.h"

namespace nitro_attest::cbor {
namespace {

// Items reserved up front for a definite container: a document's largest (its 32 PCRs'
// 64 keys and values) fits.
constexpr size_t kMaxReserve = 64;

class Decoder {
 public:
  Decoder(std::span<const uint8_t> data, const Limits& limits)
      : in_(data), data_(data), limits_(limits) {}

  Result<Item> Run() {
    Item item;
    NA_TRY(Parse(0, &item));
    if (!in_.empty()) {
      return Fail("trailing bytes after the data item");
    }
    return item;
  }

 private:
  Error Fail(std::string_view what) const {
    return MakeError(ErrorCode::kMalformedCbor,
                     std::string(what) + " at offset " + std::to_string(in_.position()));
  }

  // ReadHead reads an initial byte and its argument, enforcing the shortest form.
  // Sets *indefinite for additional info 31 (the caller decides whether it is allowed).
  Status ReadHead(uint8_t* major, uint64_t* arg, bool* indefinite) {
    uint8_t ib = 0;
    if (!in_.ReadU8(&ib)) {
      return Fail("truncated: expected a data item");
    }
    *major = ib >> 5;
    const uint8_t ai = ib & 0x1f;
    *indefinite = false;
    if (ai < 24) {
      *arg = ai;
      return {};
    }
    if (ai == 31) {
      *indefinite = true;
      *arg = 0;
      return {};
    }
    if (ai > 27) {
      return Fail("reserved additional information");
    }
    const size_t n = size_t{1} << (ai - 24);
    if (!in_.ReadBigEndian(n, arg)) {
      return Fail("truncated head");
    }
    // Shortest form: each width must be needed.
    const uint64_t min = ai == 24 ? 24 : (uint64_t{1} << (8 * (n / 2)));
    if (*arg < min) {
      return Fail("non-shortest integer or length");
    }
    return {};
  }

  Status Parse(size_t depth, Item* out) {
    if (++count_ > limits_.max_items) {
      return Fail("too many data items");
    }
    const size_t start = in_.position();
    uint8_t major = 0;
    uint64_t arg = 0;
    bool indefinite = false;
    NA_TRY(ReadHead(&major, &arg, &indefinite));
    switch (major) {
      case 0:
      case 1:
        if (indefinite) {
          return Fail("indefinite length on an integer");
        }
        out->type = major == 0 ? Type::kUint : Type::kNegative;
        out->number = arg;
        break;
      case 2:
      case 3:
        if (indefinite) {
          return Fail("indefinite-length string");
        }
        if (!in_.ReadBytes(arg, &out->bytes)) {
          return Fail("truncated string");
        }
        out->type = major == 2 ? Type::kBytes : Type::kText;
        if (major == 3 && !ValidUtf8(out->bytes)) {
          return Fail("text string is not UTF-8");
        }
        break;
      case 4:
      case 5: {
        if (depth + 1 > limits_.max_depth) {
          return Fail("nesting too deep");
        }
        out->type = major == 4 ? Type::kArray : Type::kMap;
        out->indefinite = indefinite;
        const size_t per = major == 4 ? 1 : 2;
        if (!indefinite) {
          // Every item takes at least one byte and counts against the item limit: a count
          // beyond either cannot be honest, so it is refused before anything is allocated.
          if (arg > in_.remaining() / per) {
            return Fail("container length exceeds the input");
          }
          if (arg > (limits_.max_items - count_) / per) {
            return Fail("too many data items");
          }
          // Even an honest count is only reserved up to what real documents use: the vector
          // grows with the items actually decoded, never with what a length field announces.
          out->items.reserve(std::min<size_t>(static_cast<size_t>(arg) * per, kMaxReserve));
          for (uint64_t i = 0; i < arg * per; ++i) {
            out->items.emplace_back();
            NA_TRY(Parse(depth + 1, &out->items.back()));
          }
        } else {
          for (;;) {
            uint8_t next = 0;
            if (!in_.PeekU8(&next)) {
              return Fail("truncated: indefinite container without break");
            }
            if (next == 0xff) {
              if (major == 5 && out->items.size() % 2 != 0) {
                return Fail("map key without a value");
              }
              in_.ReadU8(&next);
              break;
            }
            out->items.emplace_back();
            NA_TRY(Parse(depth + 1, &out->items.back()));
          }
        }
        if (major == 5) {
          NA_TRY(CheckKeys(*out));
        }
        break;
      }
      case 6:
        return Fail("tags are not accepted");
      case 7:
        if (indefinite) {
          return Fail("unexpected break");
        }
        if (arg == 20) {
          out->type = Type::kFalse;
        } else if (arg == 21) {
          out->type = Type::kTrue;
        } else if (arg == 22) {
          out->type = Type::kNull;
        } else {
          return Fail("floats and simple values other than false/true/null are not accepted");
        }
        // 0xf8 xx (one-byte simple) passed ReadHead only for xx >= 24, never 20..22.
        break;
      default:
        return Fail("impossible major type");
    }
    out->raw = data_.subspan(start, in_.position() - start);
    return {};
  }

  // CheckKeys requires integer or string keys and no two keys with the same encoding (with
  // shortest form enforced, equal encodings are equal values).
  Status CheckKeys(const Item& map) {
    std::vector<std::span<const uint8_t>> keys;
    keys.reserve(map.map_size());
    for (size_t i = 0; i < map.map_size(); ++i) {
      const Type t = map.key(i).type;
      if (t != Type::kUint && t != Type::kNegative && t != Type::kText && t != Type::kBytes) {
        return Fail("map key is not an integer or a string");
      }
      keys.push_back(map.key(i).raw);
    }
    const auto less = [](std::span<const uint8_t> a, std::span<const uint8_t> b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    };
    std::sort(keys.begin(), keys.end(), less);
    for (size_t i = 1; i < keys.size(); ++i) {
      if (std::equal(keys[i - 1].begin(), keys[i - 1].end(), keys[i].begin(), keys[i].end())) {
        return Fail("duplicate map key");
      }
    }
    return {};
  }

  ByteReader in_;
  std::span<const uint8_t> data_;
  Limits limits_;
  size_t count_ = 0;
};

}  // namespace

const Item* Item::Find(std::string_view k) const {
  if (!is_map()) {
    return nullptr;
  }
  for (size_t i = 0; i < map_size(); ++i) {
    if (key(i).IsText(k)) {
      return &val(i);
    }
  }
  return nullptr;
}

Result<Item> Decode(std::span<const uint8_t> data, const Limits& limits) {
  return Decoder(data, limits).Run();
}

void Writer::Head(uint8_t major, uint64_t arg) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (arg < 24) {
    out_.push_back(static_cast<uint8_t>(m | arg));
    return;
  }
  size_t n = 8;
  uint8_t ai = 27;
  if (arg <= 0xff) {
    n = 1, ai = 24;
  } else if (arg <= 0xffff) {
    n = 2, ai = 25;
  } else if (arg <= 0xffffffff) {
    n = 4, ai = 26;
  }
  out_.push_back(static_cast<uint8_t>(m | ai));
  for (size_t i = n; i > 0; --i) {
    out_.push_back(static_cast<uint8_t>(arg >> (8 * (i - 1))));
  }
}

void Writer::Int(int64_t v) {
  if (v >= 0) {
    Head(0, static_cast<uint64_t>(v));
  } else {
    Head(1, static_cast<uint64_t>(-(v + 1)));
  }
}

void Writer::Bytes(std::span<const uint8_t> b) {
  Head(2, b.size());
  Raw(b);
}

void Writer::Text(std::string_view s) {
  Head(3, s.size());
  out_.insert(out_.end(), s.begin(), s.end());
}

void Writer::OptionalBytes(const std::vector<uint8_t>* b) {
  if (b == nullptr) {
    Null();
  } else {
    Bytes(*b);
  }
}

void Writer::Raw(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }

namespace {
void EncodeInto(const Item& item, Writer* w) {
  switch (item.type) {
    case Type::kUint:
      w->Head(0, item.number);
      break;
    case Type::kNegative:
      w->Head(1, item.number);
      break;
    case Type::kBytes:
      w->Bytes(item.bytes);
      break;
    case Type::kText:
      w->Head(3, item.bytes.size());
      w->Raw(item.bytes);
      break;
    case Type::kArray:
    case Type::kMap: {
      const bool is_map = item.type == Type::kMap;
      if (item.indefinite) {
        is_map ? w->IndefiniteMap() : w->IndefiniteArray();
      } else {
        w->Head(is_map ? 5 : 4, is_map ? item.map_size() : item.items.size());
      }
      for (const Item& child : item.items) {
        EncodeInto(child, w);
      }
      if (item.indefinite) {
        w->Break();
      }
      break;
    }
    case Type::kFalse:
      w->Bool(false);
      break;
    case Type::kTrue:
      w->Bool(true);
      break;
    case Type::kNull:
      w->Null();
      break;
  }
}
}  // namespace

std::vector<uint8_t> Encode(const Item& item) {
  Writer w;
  EncodeInto(item, &w);
  return w.Take();
}

}  // namespace nitro_attest::cbor
