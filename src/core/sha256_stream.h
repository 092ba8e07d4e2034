// SHA-256 over data given in pieces (core/crypto.h's Sha256 takes it whole): for digests of
// inputs too large to hold in memory. One object per input; not thread-safe; movable.
#pragma once

#include <memory>
#include <string_view>

#include "core/crypto.h"

namespace gatehouse {

class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;

  void Update(std::string_view data);
  // The digest of everything given so far (the stream may go on).
  Sha256Digest Digest() const;

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace gatehouse
