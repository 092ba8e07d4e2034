// Base-128 numbers: every width comes back as written, and a number cut short or longer than
// 64 bits is refused without reading past the bytes.
#include "store/varint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace gatehouse::store {
namespace {

TEST(Varint, EveryWidthComesBack) {
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383},
                     uint64_t{16384}, uint64_t{1} << 35, UINT64_MAX}) {
    std::string bytes;
    PutVarint(bytes, n);
    bytes += "tail";
    std::string_view in(bytes);
    uint64_t back = 0;
    ASSERT_TRUE(TakeVarint(in, back)) << n;
    EXPECT_EQ(back, n);
    EXPECT_EQ(in, "tail");  // exactly the number's bytes were taken
  }
}

TEST(Varint, CutShortOrTooLongIsRefused) {
  std::string bytes;
  PutVarint(bytes, UINT64_MAX);  // ten bytes
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view in(bytes.data(), n);
    uint64_t back = 0;
    EXPECT_FALSE(TakeVarint(in, back)) << n;
  }
  std::string endless(11, '\x80');
  std::string_view in(endless);
  uint64_t back = 0;
  EXPECT_FALSE(TakeVarint(in, back));
}

}  // namespace
}  // namespace gatehouse::store
