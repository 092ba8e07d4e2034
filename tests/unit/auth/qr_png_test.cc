// The QR PNG decodes (with libpng) to exactly the module matrix libqrencode lays out.
#include "auth/qr_png.h"

#include <gtest/gtest.h>
#include <png.h>
#include <qrencode.h>

#include <vector>

namespace gatehouse::auth {
namespace {

TEST(QrPng, RendersTheSymbolWithAQuietZone) {
  const std::string text = "otpauth://totp/Amazon%20Web%20Services:dev@111111111111?secret=ABC";
  std::optional<std::string> png = QrCodePng(text);
  ASSERT_TRUE(png.has_value());
  ASSERT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_memory(&image, png->data(), png->size()));
  image.format = PNG_FORMAT_GRAY;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));

  QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  ASSERT_NE(code, nullptr);
  const int side = (code->width + 2 * kQrQuietZoneModules) * kQrModulePixels;
  ASSERT_EQ(image.width, static_cast<png_uint_32>(side));
  ASSERT_EQ(image.height, static_cast<png_uint_32>(side));
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      int my = y / kQrModulePixels - kQrQuietZoneModules;
      int mx = x / kQrModulePixels - kQrQuietZoneModules;
      bool inside = my >= 0 && mx >= 0 && my < code->width && mx < code->width;
      bool dark = inside && (code->data[my * code->width + mx] & 1) != 0;
      ASSERT_EQ(pixels[static_cast<size_t>(y) * side + x], dark ? 0 : 255) << x << "," << y;
    }
  }
  QRcode_free(code);
}

TEST(QrPng, TooLongForAQrCode) { EXPECT_FALSE(QrCodePng(std::string(8000, 'a')).has_value()); }

}  // namespace
}  // namespace gatehouse::auth
